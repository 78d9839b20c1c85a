/**
 * The one command handler: load, decide, append the whole write plan with ONE `appendMany`,
 * retry on conflict.
 *
 * 1. The catalogue (cross-record index) is caught up; `decide` loads the records it needs (each
 *    folded through its evolve, with the revision read) and answers a write plan or throws a
 *    domain error (nothing written).
 * 2. The plan is appended with one `store.appendMany`: every stream with the expected revision
 *    it was decided on (`no_stream` for the streams the command creates). All streams or none.
 * 3. `WrongExpectedRevision` on any stream: nothing was written; load and decide again from
 *    fresh state (a stale `ifMatch` or a changed state then answers 412/409 as usual), up to
 *    MAX_ATTEMPTS, after a small jittered back-off (and, when the stream that conflicted has an
 *    append of this process in flight, after that append has settled). Too many conflicts:
 *    DomainRuleViolation `concurrent-change` (409).
 * 4. After the write the catalogue is caught up again (read-your-writes), and the answer carries
 *    the append's position.
 *
 * No lock: nothing is held while the append is awaited (issue 9 point 8), so concurrent commands
 * on one committee share the store's group commits; commands on the same stream are kept apart
 * by the expected revisions alone, in one process or many. (Waiting for another command's
 * in-flight append after a conflict is a back-off, not a lock: no command ever waits before its
 * first attempt.)
 *
 * Ids: one command id per command (`ctx.commandId`, else minted here once, not per attempt);
 * record ids and event ids are derived from it (ids.ts), so a retried append or a re-decided
 * command gives the same ids.
 */
import { randomUUID } from 'node:crypto';
import { WrongExpectedRevision, type EventStore, type NewEvent, type StreamWrite } from '@saksflyt/event-store';
import type { Catalogue } from '../application/catalogue.js';
import { DomainRuleViolation } from '../application/errors.js';
import type { CommandContext, CommandResult } from '../application/types.js';
import { eventId, recordIds, type NewId } from './ids.js';
import type { WritePlan } from './plan.js';

export const MAX_ATTEMPTS = 12;
/** Back-off after the n-th conflict: uniformly random in [0, min(BACKOFF_CAP_MS, 2^n) ms). */
const BACKOFF_CAP_MS = 25;

/** One attempt's decision: loads what it needs and answers the plan (or throws a domain error). */
export type Decide = (ids: NewId) => Promise<WritePlan>;

function isConflict(e: unknown): e is WrongExpectedRevision {
  return e instanceof WrongExpectedRevision || (e as { code?: string })?.code === 'WRONG_EXPECTED_REVISION';
}

export class CommandHandler {
  /** Attempts re-decided after a conflict (diagnostics). */
  retries = 0;
  /** This process's appends in flight, by stream (to back off behind after a conflict). */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: EventStore,
    private readonly catalogue: Catalogue,
    private readonly clock: () => Date,
  ) {}

  async run(ctx: CommandContext, decide: Decide): Promise<CommandResult> {
    const commandId = ctx.commandId ?? randomUUID();
    const ids = recordIds(commandId);
    const at = ctx.at ?? this.clock().toISOString();
    for (let attempt = 1; ; attempt++) {
      await this.catalogue.catchUp();
      const plan = await decide(ids);
      if (!plan.writes.length) {
        if (plan.answer.position === undefined) throw new Error('a plan without writes must answer its position');
        return plan.answer as CommandResult;
      }
      const writes = this.streamWrites(plan, commandId, ctx, at);
      try {
        const result = await this.append(writes);
        await this.catalogue.catchUp();
        return { ...plan.answer, position: result };
      } catch (e) {
        if (!isConflict(e)) throw e;
        this.retries++;
        if (attempt >= MAX_ATTEMPTS) throw new DomainRuleViolation('concurrent-change', 'the records changed concurrently too often; try again');
        await this.inFlight.get(e.stream)?.catch(() => undefined);
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(BACKOFF_CAP_MS, 2 ** attempt)));
      }
    }
  }

  /** The plan as the store's writes: ids derived per stream and index, metadata, causation. */
  private streamWrites(plan: WritePlan, commandId: string, ctx: CommandContext, at: string): StreamWrite[] {
    const rootStream = plan.root ?? plan.writes[0]!.stream;
    const rootId = eventId(commandId, rootStream, 0);
    return plan.writes.map((w) => ({
      stream: w.stream,
      expectedRevision: w.expectedRevision,
      events: w.events.map((e, i): NewEvent => {
        const id = eventId(commandId, w.stream, i);
        return {
          id,
          type: e.type,
          data: e.data,
          metadata: { actor: ctx.actor.name, correlationId: ctx.correlationId, causationId: id === rootId ? null : rootId, at },
        };
      }),
    }));
  }

  private async append(writes: StreamWrite[]): Promise<bigint> {
    const pending = this.store.appendMany(writes);
    for (const w of writes) this.inFlight.set(w.stream, pending);
    try {
      return (await pending).position;
    } finally {
      for (const w of writes) if (this.inFlight.get(w.stream) === pending) this.inFlight.delete(w.stream);
    }
  }
}
