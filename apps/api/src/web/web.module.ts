/**
 * The workbench (apps/web, built by scripts/build-web.mjs into dist/web): `GET /` and the built
 * files, plain fastify routes (not under the `api` prefix, no guard: every file is public; the page
 * calls the API and sends a bearer token only when the user signs in).
 *
 * Only the files the build wrote are served: their list is read from dist/web once, when the server
 * starts, so nothing else on disk can be reached (`..`, encoded or not, is simply an unknown route:
 * 404). @fastify/static is not used: it cannot be loaded under jest's ESM runtime (see docs/docs.ts).
 * The folder is `dist/web` under the repository root (the nearest folder upwards holding
 * package.json), so the built server and the sources under jest serve the same files. When the web
 * is not built, `/` answers 503 with a page that says how to build it.
 *
 * Caching: the built assets have a content hash in their names (`/assets/index-<hash>.js`):
 * `public, max-age=31536000, immutable`; `/` and the other files `no-cache`; all with a strong ETag
 * (sha-256 of the bytes), so a browser revalidates and gets 304 while a file is unchanged.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderMinutesHtml, renderNoticeHtml } from '@saksflyt/documents';

const HTML = 'text/html; charset=utf-8';
const TYPES: Record<string, string> = {
  '.html': HTML,
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The `'sha256-…'` sources of the inline `<style>` elements of the HTML documents (minutes and
 * notice, libs/documents/src/html.ts). The page opens a document as a `blob:` URL, which keeps the
 * page's origin and this CSP; without these hashes the document's own stylesheet would be blocked.
 * The style text is not exported, so one minimal document of each kind is rendered and its `<style>`
 * contents hashed: exactly those style texts are allowed, nothing else inline (and no inline script).
 */
export function documentStyleHashes(): string[] {
  const meeting = { number: '1/2000', date: '2000-01-01', place: '-' };
  const committee = { code: 'X', name: 'X' };
  const html = [
    renderMinutesHtml({ committee, meeting, members: [], attendance: null, status: 'draft', cases: [], builtAtPosition: 0 }),
    renderNoticeHtml({ committee, meeting, members: [], cases: [], builtAtPosition: 0 }),
  ].join('');
  const hashes = new Set<string>();
  for (const m of html.matchAll(/<style>([\s\S]*?)<\/style>/g))
    hashes.add(`'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'`);
  return [...hashes];
}

/** The page may talk to its own origin only; no inline script, no plugins, no framing. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  ["style-src 'self'", ...documentStyleHashes()].join(' '),
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** `dist/web` under the repository root: the nearest folder upwards from this module holding package.json. */
export function webDir(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'web');
}

/** URL path → [file, content type] for every file the build wrote (`/` is index.html). */
export function webFiles(dir: string = webDir()): Record<string, [string, string]> {
  const out: Record<string, [string, string]> = {};
  if (!existsSync(path.join(dir, 'index.html'))) return out;
  const walk = (sub: string) => {
    for (const name of readdirSync(path.join(dir, sub))) {
      const rel = sub ? `${sub}/${name}` : name;
      if (statSync(path.join(dir, rel)).isDirectory()) walk(rel);
      else {
        const type = TYPES[path.extname(name)];
        if (type) out[rel === 'index.html' ? '/' : `/${rel}`] = [rel, type];
      }
    }
  };
  walk('');
  return out;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
}

const NOT_BUILT = `<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Saksflyt</title></head>
<body><h1>Arbeidsbenken er ikke bygget</h1><p>Kjør <code>npm run build</code> (eller <code>npm start</code>). The workbench is not built: run <code>npm run build</code>.</p>
<p><a href="/api/docs">API</a></p></body></html>
`;

function secure(reply: FastifyReply): FastifyReply {
  return reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin').header('x-frame-options', 'DENY');
}

export function installWeb(fastify: FastifyInstance, dir: string = webDir()): void {
  const files = webFiles(dir);
  if (!files['/']) {
    fastify.get('/', async (_req: FastifyRequest, reply: FastifyReply) =>
      secure(reply).code(503).header('cache-control', 'no-cache').header('content-security-policy', CSP).type(HTML).send(NOT_BUILT),
    );
    return;
  }
  const cache = new Map<string, { body: Buffer; etag: string }>();
  for (const [route, [file, type]] of Object.entries(files)) {
    const immutable = route.startsWith('/assets/');
    fastify.get(route, async (req: FastifyRequest, reply: FastifyReply) => {
      let entry = cache.get(route);
      if (!entry) {
        const body = await readFile(path.join(dir, file));
        entry = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
        if (immutable) cache.set(route, entry);
      }
      secure(reply)
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .header('etag', entry.etag);
      if (type === HTML) reply.header('content-security-policy', CSP);
      if (etagMatches(req.headers['if-none-match'], entry.etag)) return reply.code(304).send();
      return reply.type(type).send(entry.body);
    });
  }
}

@Module({})
export class WebModule implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    installWeb(this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
  }
}
