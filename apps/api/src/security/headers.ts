/**
 * Security headers on every answer (helmet's middleware as an onRequest hook of the whole instance:
 * API JSON, problems, documents, SSE, the dashboard's files, unknown routes), and CORS, which is
 * off unless `CORS_ORIGINS` names the origins allowed to call the API from a browser.
 *
 * helmet is built ONCE, at start. (@fastify/helmet, its Fastify wrapper, called `helmet(options)`
 * on every request: it parsed the options and built the CSP text again each time, about 4 % of the
 * server's CPU per command in the `http_commands` bench. No route here sets its own helmet options,
 * which is all the wrapper added.)
 *
 * The Content-Security-Policy is the dashboard's (web/web.module.ts: its own origin only, no inline
 * script, the documents' inline styles by hash); the dashboard's HTML and the API docs page set
 * their own on top.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { CSP } from '../web/web.module.js';

type Env = Record<string, string | undefined>;

/** "default-src 'self'; script-src 'self'" → { 'default-src': ["'self'"], ... } for helmet. */
export function cspDirectives(csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out[name] = values;
  }
  return out;
}

/** What helmet sets (helmet's defaults, with the CSP above). */
export const HELMET_OPTIONS = {
  contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(CSP) },
  // Same-origin by default; CORS_ORIGINS callers read with CORS, which this does not block.
  crossOriginResourcePolicy: { policy: 'same-origin' as const },
  referrerPolicy: { policy: 'no-referrer' as const },
};

/**
 * The few headers an answer given before routing (Fastify's frameworkErrors: a URL that is not
 * valid percent-encoding) carries, as onRequest hooks do not run for it.
 */
export const FALLBACK_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};

export async function installSecurityHeaders(fastify: FastifyInstance): Promise<void> {
  const apply = helmet(HELMET_OPTIONS);
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    apply(request.raw, reply.raw, (error?: unknown) => done(error instanceof Error ? error : undefined));
  });
}

/** `CORS_ORIGINS`: a comma-separated list of origins (`https://a.example,https://b.example`), or `*`. */
export function corsOrigins(env: Env): string[] {
  return (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\/$/, ''))
    .filter(Boolean);
}

const CORS_REQUEST_HEADERS = 'authorization, content-type, if-match, idempotency-key, last-event-id, x-correlation-id';
const CORS_EXPOSED_HEADERS = 'etag, location, retry-after, x-correlation-id, x-saksflyt-position, content-disposition';
const CORS_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';

/**
 * Minimal CORS (no @fastify/cors): an allowed `Origin` gets `Access-Control-Allow-Origin` (that
 * origin, `Vary: Origin`) and the exposed headers; its preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) answers 204 with the methods and request headers the API takes.
 * Bearer tokens, not cookies: no credentials. Without CORS_ORIGINS nothing is added, so browsers
 * keep other origins out.
 */
export function installCors(fastify: FastifyInstance, origins: string[]): void {
  if (origins.length === 0) return;
  const any = origins.includes('*');
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !(any || origins.includes(origin))) return done();
    reply.header('access-control-allow-origin', any ? '*' : origin);
    if (!any) reply.header('vary', 'Origin');
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      reply
        .code(204)
        .header('access-control-allow-methods', CORS_METHODS)
        .header('access-control-allow-headers', CORS_REQUEST_HEADERS)
        .header('access-control-max-age', '600')
        .send();
      return;
    }
    reply.header('access-control-expose-headers', CORS_EXPOSED_HEADERS);
    done();
  });
}
