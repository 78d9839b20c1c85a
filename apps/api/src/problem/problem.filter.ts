import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { storeFault } from '@saksflyt/event-store';
import { bigintAsNumber } from '../http/json.js';
import { redactUrl } from '../security/logging.js';
import { PROBLEM_CONTENT_TYPE, ProblemError, statusTitle, type FieldError } from './problem.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function validStatus(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 400 && n <= 599;
}

function fieldErrors(v: unknown): FieldError[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v
    .filter(isRecord)
    .map((e) => ({ field: String(e.field ?? e.path ?? ''), message: String(e.message ?? '') }));
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.map(String) : undefined;
}

const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The request body must be JSON (Content-Type: application/json).',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than 1 MiB.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The JSON body is empty.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body.',
};

const SERVER_DETAIL = 'An unexpected error occurred on the server.';

/**
 * Maps any thrown value to a ProblemError.
 * - ProblemError: as is.
 * - Nest HttpException: its status; `detail` from its message.
 * - An object with `toProblem()` (WorkflowError of @saksflyt/workflow): that body, extensions kept.
 * - Domain errors: any object with a numeric `status` or `httpStatus`
 *   (400..599), optional `detail` (else `message`), `errors`, `allowedCommands`, `type`, `title`.
 * - Event store errors by `code`: WRONG_EXPECTED_REVISION → 412, STREAM_NOT_FOUND → 404.
 * - Fastify errors (`statusCode` 4xx with an FST_ code): that status.
 * - Store faults (`storeFault`: disk full, read-only, I/O error, KurrentDB unreachable or slow):
 *   503 with `Retry-After` and the fault in a few words (no path, SQL or host).
 * - Anything else: 500 with a generic detail (logged with its stack, never sent).
 */
export function toProblem(err: unknown): { problem: ProblemError; unexpected: boolean } {
  if (err instanceof ProblemError) return { problem: err, unexpected: false };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    let detail = err.message;
    let errors: FieldError[] | undefined;
    if (isRecord(res)) {
      const m = res.message;
      if (Array.isArray(m)) {
        errors = m.map((x) => ({ field: '', message: String(x) }));
        detail = m.map(String).join('; ');
      } else if (typeof m === 'string') detail = m;
      if (typeof res.detail === 'string') detail = res.detail;
      errors = fieldErrors(res.errors) ?? errors;
    }
    return {
      problem: new ProblemError(status, detail, {
        errors,
        allowedCommands: isRecord(res) ? stringList(res.allowedCommands) : undefined,
      }),
      unexpected: status >= 500,
    };
  }
  const fault = storeFault(err);
  if (fault !== null) {
    return {
      problem: new ProblemError(503, `The event store cannot serve this request now: ${fault}. Try again later.`, {
        headers: { 'retry-after': '1' },
      }),
      unexpected: true,
    };
  }
  if (isRecord(err) && typeof err.toProblem === 'function') {
    // @saksflyt/workflow's WorkflowError: its own problem body, extensions (expected, actual,
    // blocking, rule) included.
    const body = (err.toProblem as () => unknown)();
    if (isRecord(body) && validStatus(body.status)) {
      const { type, title, status, detail, errors, allowedCommands, ...extensions } = body;
      return {
        problem: new ProblemError(status, typeof detail === 'string' ? detail : statusTitle(status), {
          type: typeof type === 'string' ? type : undefined,
          title: typeof title === 'string' ? title : undefined,
          errors: fieldErrors(errors),
          allowedCommands: stringList(allowedCommands),
          extensions,
        }),
        unexpected: status >= 500,
      };
    }
  }
  if (isRecord(err)) {
    const status = validStatus(err.status) ? err.status : validStatus(err.httpStatus) ? err.httpStatus : undefined;
    if (status !== undefined) {
      const detail =
        typeof err.detail === 'string' ? err.detail : typeof err.message === 'string' ? err.message : statusTitle(status);
      return {
        // A 5xx of a lower layer may name SQL, a file or a host: the client gets the status only.
        problem: new ProblemError(status, status >= 500 ? SERVER_DETAIL : detail, {
          errors: fieldErrors(err.errors),
          allowedCommands: stringList(err.allowedCommands),
          type: typeof err.type === 'string' ? err.type : undefined,
          title: typeof err.title === 'string' ? err.title : undefined,
        }),
        unexpected: status >= 500,
      };
    }
    if (err.code === 'WRONG_EXPECTED_REVISION') {
      return {
        problem: new ProblemError(412, String(err.message ?? 'The record was changed by someone else first.')),
        unexpected: false,
      };
    }
    if (err.code === 'STREAM_NOT_FOUND') {
      return { problem: new ProblemError(404, 'Not found.'), unexpected: false };
    }
    const code = typeof err.code === 'string' ? err.code : '';
    if (code.startsWith('FST_') && validStatus(err.statusCode) && err.statusCode < 500) {
      const detail = FASTIFY_DETAILS[code] ?? String(err.message ?? statusTitle(err.statusCode));
      return { problem: new ProblemError(err.statusCode, detail), unexpected: false };
    }
    if (code.startsWith('FST_') && validStatus(err.statusCode)) {
      return { problem: new ProblemError(err.statusCode, SERVER_DETAIL), unexpected: true };
    }
  }
  return { problem: new ProblemError(500, SERVER_DETAIL), unexpected: true };
}

/** The one global filter: every error of every route (and unknown routes) leaves as problem JSON. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<{ method?: string; url?: string; correlationId?: string; problemDetail?: string }>();
    const { problem, unexpected } = toProblem(exception);
    if (request) request.problemDetail = problem.message; // for the request's log line (security/logging.ts)
    if (unexpected) {
      const e = exception as { stack?: string } | undefined;
      this.logger.error(
        `${request?.method} ${redactUrl(request?.url)} [${request?.correlationId ?? '-'}] failed: ${String(exception)}`,
        e?.stack,
      );
    }
    if (reply.sent) return;
    reply.status(problem.status);
    for (const [k, v] of Object.entries(problem.headers ?? {})) reply.header(k, v);
    reply.header('content-type', PROBLEM_CONTENT_TYPE);
    reply.send(JSON.stringify(problem.toBody(), bigintAsNumber));
  }
}
