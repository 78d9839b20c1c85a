/**
 * The auditor's time machine over HTTP (API.md "Extensions: the auditor's time machine"): every
 * read of a record or view marked `@AtMoment()` takes `?asOf=<ISO time>` or `?atPosition=N` and
 * answers what the same request would have answered then, from the events up to that point:
 * - the views, through `TimeMachine` (@saksflyt/projections): the same projection definitions the
 *   runner serves, replayed from the nearest snapshot;
 * - the records read from their streams (a meeting, a matter), through the workflow's own reads
 *   over the store as it stood at that position (`storeAtPosition`).
 * `X-Saksflyt-Position` names the position answered. Both parameters at once, a malformed time, a
 * position the store never gave, or either parameter on a read without `@AtMoment()` is 400.
 */
import { join } from 'node:path';
import { applyDecorators, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiQuery } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { storeAtPosition, type EventStore } from '@saksflyt/event-store';
import { TimeMachine, UnknownPosition, type DocReader, type Moment, type ProjectionRunner, type Projection } from '@saksflyt/projections';
import { Workflow } from '@saksflyt/workflow';
import { Problems } from '../problem/problem.js';
import { parsePosition } from '../workflow/access.js';

export const AT_MOMENT = 'saksflyt:at-moment';
const POSITION_HEADER = 'x-saksflyt-position';
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** Marks a read that answers for a past moment and documents its two parameters. */
export function AtMoment(what = 'the answer'): MethodDecorator {
  return applyDecorators(
    SetMetadata(AT_MOMENT, true),
    ApiQuery({ name: 'asOf', required: false, description: `ISO 8601 time with offset: ${what} as it stood then (not with atPosition)`, schema: { type: 'string', format: 'date-time' } }),
    ApiQuery({ name: 'atPosition', required: false, description: `a global position the server gave: ${what} as it stood then (not with asOf)`, schema: { type: 'integer', minimum: 0 } }),
  );
}

/** Refuses `asOf` / `atPosition` on the reads that cannot honour them (400, never ignored). */
@Injectable()
export class AtMomentInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<{ query?: Record<string, unknown> }>();
    const q = req?.query;
    if (q && (q.asOf !== undefined || q.atPosition !== undefined) && !this.reflector.get<boolean>(AT_MOMENT, context.getHandler())) {
      const field = q.asOf !== undefined ? 'asOf' : 'atPosition';
      throw Problems.badRequest(`This read cannot answer for a past moment: ${field} is not one of its parameters.`, [{ field, message: 'is not a parameter of this read' }]);
    }
    return next.handle();
  }
}

/** The moment a request asks for, parsed (400 problem JSON for anything wrong); undefined: now. */
export interface AskedMoment {
  asOf?: string;
  atPosition?: bigint;
}

export function askedMoment(query: Record<string, unknown>): AskedMoment | undefined {
  const { asOf, atPosition } = query;
  if (asOf === undefined && atPosition === undefined) return undefined;
  if (asOf !== undefined && atPosition !== undefined)
    throw Problems.badRequest('Give asOf or atPosition, not both.', [{ field: 'asOf', message: 'cannot be combined with atPosition' }]);
  if (asOf !== undefined) {
    if (typeof asOf !== 'string') throw Problems.badRequest('asOf must be given once.', [{ field: 'asOf', message: 'must be given once' }]);
    if (!ISO_TIME.test(asOf) || Number.isNaN(Date.parse(asOf)))
      throw Problems.badRequest('asOf must be an ISO 8601 time with offset.', [{ field: 'asOf', message: 'must be an ISO 8601 time with offset' }]);
    return { asOf };
  }
  if (typeof atPosition !== 'string') throw Problems.badRequest('atPosition must be given once.', [{ field: 'atPosition', message: 'must be given once' }]);
  return { atPosition: parsePosition('atPosition', atPosition)! };
}

/** The time machine of the running server (one per app; its history is recorded by the app's projection runner, in the projections' file). */
@Injectable()
export class TimeMachineService {
  readonly machine: TimeMachine;

  constructor(
    private readonly store: EventStore,
    dataDir: string,
    dbFile: string,
    projections: readonly Projection<any, any>[],
    runner: ProjectionRunner,
  ) {
    this.machine = new TimeMachine({ store, file: join(dataDir, dbFile), projections, runner });
  }

  /** The moment asked for, resolved to a position the store gave (400 for an unknown one). */
  async resolve(asked: AskedMoment): Promise<Moment> {
    if (asked.asOf !== undefined) return this.machine.momentAt(asked.asOf);
    try {
      return await this.machine.momentOf(asked.atPosition!);
    } catch (e) {
      if (e instanceof UnknownPosition)
        throw Problems.badRequest(`atPosition ${asked.atPosition} is not a position of this store.`, [{ field: 'atPosition', message: 'is not a position the server gave' }]);
      throw e;
    }
  }

  /** The view answered at the moment, with `X-Saksflyt-Position` set. */
  async view<V>(reply: FastifyReply, moment: Moment, name: string, params: unknown): Promise<V> {
    const view = await this.machine.query<V>(name, moment.position, params);
    reply.header(POSITION_HEADER, String(moment.position));
    return view;
  }

  /** The documents a view reads, at the moment (for lookups its query does not offer). */
  reader(moment: Moment, view: string): Promise<DocReader> {
    return this.machine.reader(view, moment.position);
  }

  /** The workflow's reads over the store as it stood at the moment (the records' one fold). */
  workflowAt(moment: Moment): Workflow {
    return new Workflow(storeAtPosition(this.store, moment.position));
  }

  close(): Promise<void> {
    return this.machine.close();
  }
}
