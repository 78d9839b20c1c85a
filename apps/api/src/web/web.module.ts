/**
 * The live web dashboard (apps/web): `GET /` and its assets under `/app/…`, plain fastify routes
 * (not under the `api` prefix, no guard: every file is public; the page itself calls the public
 * API, and sends a bearer token only when the user gives one).
 *
 * Only the fixed list of files below is served, so nothing else on disk can be reached (`..`,
 * encoded or not, is simply an unknown route: 404). @fastify/static is not used: it cannot be
 * loaded under jest's ESM runtime (see docs/docs.ts). The files are read from `apps/web/` under
 * the repository root (the nearest folder upwards holding package.json), so the built server
 * (`dist/apps/api/src/...`, cwd = repo root) serves the same files as the sources.
 *
 * Caching: `no-cache` with a strong ETag (sha-256 of the bytes), so a browser revalidates and gets
 * 304 while the file is unchanged, and never runs a stale module after an update.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderMinutesHtml, renderNoticeHtml } from '@saksflyt/documents';

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const SVG = 'image/svg+xml';

/** URL path → [file under apps/web, content type]. Nothing else is served. */
export const WEB_FILES: Record<string, [string, string]> = {
  '/': ['index.html', HTML],
  '/app/style.css': ['style.css', CSS],
  '/app/app.js': ['app.js', JS],
  '/app/api.js': ['api.js', JS],
  '/app/live.js': ['live.js', JS],
  '/app/format.js': ['format.js', JS],
  '/app/favicon.svg': ['favicon.svg', SVG],
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

/** `apps/web` under the repository root: the nearest folder upwards from this module holding package.json. */
export function webDir(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'apps', 'web');
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
}

export function installWeb(fastify: FastifyInstance, dir: string = webDir()): void {
  for (const [route, [file, type]] of Object.entries(WEB_FILES)) {
    fastify.get(route, async (req: FastifyRequest, reply: FastifyReply) => {
      const body = await readFile(path.join(dir, file));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      reply
        .header('cache-control', 'no-cache')
        .header('etag', etag)
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'same-origin');
      if (type === HTML) reply.header('content-security-policy', CSP);
      if (etagMatches(req.headers['if-none-match'], etag)) return reply.code(304).send();
      return reply.type(type).send(body);
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
