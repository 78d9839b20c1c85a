/**
 * A write limit per token (@fastify/rate-limit): POST, PUT, PATCH and DELETE count against the
 * caller's bucket (the bearer token, hashed; the client address without one); reads, feeds and
 * preflights never count. Over the limit: 429 problem JSON with `Retry-After` (seconds).
 *
 * `RATE_LIMIT_WRITES` writes per `RATE_LIMIT_WINDOW_SECONDS` (default 1200 per 60 s: a secretary in
 * møtemodus makes a few a minute and a committee's secretariat a few hundred a day, while a runaway
 * script or a stolen token is stopped within a minute; imports go through the CLI, not HTTP). The
 * tests' servers and the bench turn it off (`0`) unless a test sets its own;
 * `RATE_LIMIT_WRITES=0` turns it off.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { ProblemError } from '../problem/problem.js';

type Env = Record<string, string | undefined>;

export interface RateLimitConfig {
  /** Writes per window per token; 0: no limit. */
  max: number;
  windowMs: number;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function loadRateLimitConfig(env: Env): RateLimitConfig {
  const int = (name: string, dflt: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
    return n;
  };
  return { max: int('RATE_LIMIT_WRITES', 1200), windowMs: int('RATE_LIMIT_WINDOW_SECONDS', 60) * 1000 };
}

/** The bucket of a request: its token's hash (never the token itself: it may end up in a log or a store), else its address. */
export function rateKey(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.trim()) return `t:${createHash('sha256').update(auth.trim()).digest('base64url').slice(0, 22)}`;
  return `ip:${request.ip}`;
}

export async function installRateLimit(fastify: FastifyInstance, config: RateLimitConfig): Promise<void> {
  if (config.max === 0) return;
  await fastify.register(rateLimit, {
    global: true,
    max: config.max,
    timeWindow: Math.max(1000, config.windowMs),
    hook: 'onRequest',
    keyGenerator: rateKey,
    allowList: (request: FastifyRequest) => SAFE.has(request.method),
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    addHeaders: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true, 'retry-after': true },
    onExceeded: (request: FastifyRequest, key: string) => {
      request.log.warn({ denied: 429, bucket: key, method: request.method, url: request.routeOptions?.url }, 'write limit exceeded');
    },
    errorResponseBuilder: (_request: FastifyRequest, context: { ttl: number; max: number; after: string }) =>
      new ProblemError(429, `Too many writes: at most ${context.max} per ${Math.round(config.windowMs / 1000)} s per token; retry in ${context.after}.`, {
        headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
      }),
  });
}
