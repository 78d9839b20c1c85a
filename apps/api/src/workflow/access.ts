/**
 * Helpers shared by the committee, meeting, case and matter endpoints: the command context from a
 * request, `?minPosition=` waits, query parameters, empty bodies, field names. Who may do what is
 * the AccessGuard's (access/access.guard.ts, `@Allow`), asking the policy.
 */
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { EventStore } from '@saksflyt/event-store';
import { catchError, throwError, type Observable } from 'rxjs';
import type { CommandContext, Workflow } from '@saksflyt/workflow';
import { Problems, assertJsonBody, requireUser, type RequestCtx } from '../platform.js';
import { commandIdFor, idempotencyScope } from './command-id.js';

/**
 * The workflow's command context: the acting user (the guard has answered 401/403 already), the
 * request's correlation id, the command id (from `Idempotency-Key`, see command-id.ts), `If-Match`
 * (400 when malformed). Without `Idempotency-Key` no command id is given: the handler mints a fresh
 * one per command, and knows that a refused command cannot be a retry of one already carried out
 * (no look-up of its events).
 */
export function commandContext(ctx: RequestCtx): CommandContext {
  const user = requireUser(ctx.user);
  const ifMatch = ctx.ifMatch.revision();
  return {
    actor: { name: user.name, roles: user.roles, ...(user.id !== undefined ? { id: user.id } : {}) },
    correlationId: ctx.correlationId,
    ...(ctx.idempotencyKey !== undefined ? { commandId: commandIdFor(idempotencyScope(user), ctx.idempotencyKey) } : {}),
    ...(ifMatch !== undefined ? { ifMatch } : {}),
  };
}

/** 404 unless the committee exists (public reads of a committee's lists; writes resolve it in the AccessGuard). */
export async function requireCommittee(wf: Workflow, code: string): Promise<void> {
  await wf.catalogue.catchUp();
  if (!wf.catalogue.committees.has(code)) throw Problems.notFound(`unknown committee ${code}`);
}

const NON_NEGATIVE_INT = /^(0|[1-9][0-9]{0,18})$/;

/** Parses a query parameter as a non-negative integer position (400 naming it when malformed). */
export function parsePosition(name: string, value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !NON_NEGATIVE_INT.test(value))
    throw Problems.badRequest(`${name} must be a non-negative integer.`, [{ field: name, message: 'must be a non-negative integer' }]);
  return BigInt(value);
}

/**
 * `?minPosition=N`: the aggregate reads come from the store itself, so they are current as soon as
 * the store's head has reached N; wait for that up to 5 s, else 503 with the position reached.
 */
export async function awaitMinPosition(store: EventStore, raw: string | undefined, timeoutMs = 5000): Promise<void> {
  const min = parsePosition('minPosition', raw);
  if (min === undefined) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await store.headPosition();
    if (head >= min) return;
    if (Date.now() >= deadline)
      throw Problems.unavailable(`The store has reached position ${head}, not ${min}, within ${timeoutMs / 1000} s.`, { position: Number(head) });
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A query parameter given once as text (a repeated one is 400). */
export function singleQuery(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw Problems.badRequest(`${name} must be given once.`, [{ field: name, message: 'must be given once' }]);
  return value;
}

/** A command without a body: none, `{}` or `null`; a member is an unknown field (400), a bad body 415/413/400. */
export function assertEmptyBody(body: unknown): void {
  const value = assertJsonBody(body);
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || Array.isArray(value))
    throw Problems.badRequest('The request body must be a JSON object.', [{ field: '', message: 'must be a JSON object' }]);
  const keys = Object.keys(value);
  if (keys.length)
    throw Problems.badRequest(
      `The request body is not valid (unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}).`,
      keys.map((k) => ({ field: k, message: `${k} is not a known field` })),
    );
}

/**
 * The workflow names array elements `present[0]`; the platform (class-validator) names them
 * `present.0` (PLATFORM.md). This interceptor rewrites the engine's 400 field names to the
 * platform's, so one API speaks one style. Nothing else in the error changes.
 */
@Injectable()
export class FieldPathInterceptor implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) => {
        const errors = (e as { errors?: unknown })?.errors;
        if (Array.isArray(errors))
          for (const fe of errors) if (fe && typeof fe.field === 'string') fe.field = fe.field.replace(/\[(\d+)\]/g, '.$1');
        return throwError(() => e);
      }),
    );
  }
}
