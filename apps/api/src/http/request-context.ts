import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Problems } from '../problem/problem.js';

export const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_RE = /^[A-Za-z0-9._:\-]{1,128}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** From `X-Correlation-Id` when it is sane (1..128 of [A-Za-z0-9._:-]), else a new uuid. */
    correlationId: string;
  }
}

/** Every request gets a correlation id, echoed as `X-Correlation-Id` on every answer (errors too). */
export function installCorrelationId(fastify: FastifyInstance): void {
  fastify.decorateRequest('correlationId', '');
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const sent = request.headers[CORRELATION_HEADER];
    const id = typeof sent === 'string' && CORRELATION_RE.test(sent) ? sent : randomUUID();
    request.correlationId = id;
    reply.header(CORRELATION_HEADER, id);
    done();
  });
}

/** `@CorrelationId() correlationId: string` */
export const CorrelationId = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<FastifyRequest>().correlationId,
);

const IF_MATCH_RE = /^\s*(?:W\/)?"(0|[1-9][0-9]{0,18})"\s*$/;

/**
 * Parses `If-Match: "<revision>"` to a bigint; undefined when absent (or `*`).
 * Malformed → 400 problem. Call it in the handler after the 404/403 checks (API.md's order).
 */
export function parseIfMatch(header: string | string[] | undefined): bigint | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '' ) return undefined;
  if (value.trim() === '*') return undefined;
  const m = IF_MATCH_RE.exec(value);
  if (!m) {
    throw Problems.badRequest('If-Match must be a quoted revision, e.g. If-Match: "3".', [
      { field: 'If-Match', message: 'must be a quoted non-negative integer revision' },
    ]);
  }
  return BigInt(m[1]);
}

/** `"<revision>"`, the ETag of an aggregate at that stream revision. */
export function etagFor(revision: bigint | number): string {
  return `"${revision.toString()}"`;
}

/** Sets `ETag: "<revision>"` on the reply (take the reply with `@Res({ passthrough: true })`). */
export function setETag(reply: FastifyReply, revision: bigint | number): void {
  reply.header('etag', etagFor(revision));
}

/**
 * `@IfMatch() ifMatch: IfMatch`: a lazy accessor, so that a malformed header is only a 400
 * when the handler asks, after its own 404/403 checks: `const expected = ifMatch.revision();`
 */
export interface IfMatch {
  readonly raw: string | undefined;
  /** bigint, undefined when absent; throws the 400 problem when malformed. */
  revision(): bigint | undefined;
}

export const IfMatch = createParamDecorator((_: unknown, ctx: ExecutionContext): IfMatch => {
  const raw = ctx.switchToHttp().getRequest<FastifyRequest>().headers['if-match'];
  const rawStr = Array.isArray(raw) ? raw.join(',') : raw;
  return { raw: rawStr, revision: () => parseIfMatch(rawStr) };
});

/** Everything a command handler needs from the request, as `@RequestCtx() ctx: RequestCtx`. */
export interface RequestCtx {
  /** The token's user, or null on a public route without a token. */
  user: import('../auth/tokens.js').User | null;
  correlationId: string;
  /** Lazy: `ctx.ifMatch.revision()` parses (400 when malformed) only when asked. */
  ifMatch: IfMatch;
  /** The `Idempotency-Key` sent, if any (the interceptor has already handled it). */
  idempotencyKey?: string;
}

export const RequestCtx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestCtx => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  const raw = request.headers['if-match'];
  const rawStr = Array.isArray(raw) ? raw.join(',') : raw;
  const key = request.headers['idempotency-key'];
  return {
    user: (request as FastifyRequest & { user?: RequestCtx['user'] }).user ?? null,
    correlationId: request.correlationId,
    ifMatch: { raw: rawStr, revision: () => parseIfMatch(rawStr) },
    idempotencyKey: Array.isArray(key) ? key.join(',') : key,
  };
});
