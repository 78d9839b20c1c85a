import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SetMetadata } from '@nestjs/common';
import { ProblemError, Problems } from '../problem/problem.js';
import { MAX_JSON_DEPTH, RESERVED_MEMBERS, jsonDepth, jsonMemberError } from '../validation/rules.js';

export const BODY_LIMIT = 1024 * 1024;

/**
 * A body that could not be accepted (413 too large, 415 not JSON, 400 malformed JSON).
 * The parser does not fail the request at once: it leaves this in `request.body`, so that
 * 401/404/403 are still decided first (API.md's order), and the body problem is thrown
 * when the body is first used: by the global body check (routes without `@DeferBody()`),
 * by `@Body()` with a DTO, or by `validateBody()` / `assertJsonBody()` inside a handler.
 */
export class RejectedBody {
  constructor(readonly problem: ProblemError) {}
}

export function isRejectedBody(v: unknown): v is RejectedBody {
  return v instanceof RejectedBody;
}

/** Throws the deferred body problem, if any; returns the body otherwise. */
export function assertJsonBody(body: unknown): unknown {
  if (body instanceof RejectedBody) throw body.problem;
  return body;
}

export const DEFER_BODY = 'saksflyt:deferBody';
/**
 * The route decides 404/403 itself before looking at the body: the global body check
 * skips it, and the handler calls `validateBody(Dto, body)` (or `assertJsonBody(body)`) after
 * its own checks. Take the body with `@Body() body: unknown`.
 */
export const DeferBody = () => SetMetadata(DEFER_BODY, true);

/**
 * A request body left unread for its route to stream (the attachment upload, with its own limit):
 * the parser hands the stream on untouched, so 401/404/403 are still decided first and the
 * route reads the bytes itself (apps/api/src/attachments).
 */
export class RawUpload {
  constructor(
    readonly stream: NodeJS.ReadableStream,
    readonly contentType: string,
    /** Content-Length, when the client sent one. */
    readonly declaredLength: number | undefined,
  ) {}
}

export function isRawUpload(v: unknown): v is RawUpload {
  return v instanceof RawUpload;
}

/** `METHOD /api/path/:param` of the routes whose body is a RawUpload (registered by their module). */
const RAW_BODY_ROUTES = new Set<string>();
export function acceptRawBody(method: string, url: string): void {
  RAW_BODY_ROUTES.add(`${method} ${url}`);
}

/**
 * The rules of every JSON body (validation/rules.ts): reserved member names (`__proto__`,
 * `constructor`, ...) and text that is not well-formed, refused (400) rather than passed on.
 */
function checkMembers(key: string, value: unknown): unknown {
  const error = jsonMemberError(key, value);
  if (error) throw Problems.badRequest(`The member "${error.field}" is refused: ${error.message}.`, [error]);
  return value;
}

/** The reviver is needed only when the text may hold what it refuses: a `\\u` escape (the one way to a control character or a lone surrogate in a JSON string), or a reserved name. */
const NEEDS_REVIVER = new RegExp(`\\\\u|"(${[...RESERVED_MEMBERS].join('|')})"`);

/** JSON.parse with the rules of every body: at most MAX_JSON_DEPTH deep, the reviver when needed. */
export function parseJsonBody(text: string): unknown {
  if (jsonDepth(text) > MAX_JSON_DEPTH)
    throw Problems.badRequest(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`, [{ field: '', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }]);
  return NEEDS_REVIVER.test(text) ? JSON.parse(text, checkMembers) : JSON.parse(text);
}

function isJsonType(contentType: string): boolean {
  const mime = contentType.split(';')[0].trim().toLowerCase();
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

/**
 * Replaces every content-type parser of the Fastify instance with one that accepts JSON up to
 * 1 MiB and turns anything else into a RejectedBody (never an exception before routing).
 */
export function installBodyParser(fastify: FastifyInstance): void {
  // An upload the route did not read (refused by the guard, or before its body): drained, so the
  // connection is not left holding an unread body.
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    const body = request.body;
    if (body instanceof RawUpload && !(body.stream as NodeJS.ReadableStream & { readableEnded?: boolean }).readableEnded) body.stream.resume();
    done(null, payload);
  });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { bodyLimit: Number.MAX_SAFE_INTEGER }, (request: FastifyRequest, payload, done) => {
    const contentType = String(request.headers['content-type'] ?? '');
    const declared = Number(request.headers['content-length']);
    if (RAW_BODY_ROUTES.has(`${request.method} ${request.routeOptions.url}`)) {
      done(null, new RawUpload(payload, contentType, Number.isFinite(declared) ? declared : undefined));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > BODY_LIMIT;
    let finished = false;
    const finish = (value: unknown) => {
      if (finished) return;
      finished = true;
      done(null, value);
    };
    if (tooLarge) {
      // Do not read it; drain and discard what arrives.
      payload.resume();
      finish(new RejectedBody(Problems.payloadTooLarge()));
      return;
    }
    payload.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    // A body that breaks off (client gone, bad chunking) is the client's doing: never a 500.
    payload.on('error', () => finish(new RejectedBody(Problems.badRequest('The request body could not be read to its end.'))));
    payload.on('end', () => {
      if (tooLarge) return finish(new RejectedBody(Problems.payloadTooLarge()));
      const raw = Buffer.concat(chunks);
      if (raw.length === 0) return finish(undefined);
      if (!isJsonType(contentType)) return finish(new RejectedBody(Problems.unsupportedMediaType()));
      try {
        const text = raw.toString('utf8');
        finish(parseJsonBody(text));
      } catch (e) {
        if (e instanceof ProblemError) return finish(new RejectedBody(e));
        finish(new RejectedBody(Problems.badRequest(`Malformed JSON: ${(e as Error).message}`)));
      }
    });
  });
}
