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
 *    MAX_ATTEMPTS: the first re-decision at once (the conflicting stream's cache entry is dropped,
 *    so it is read afresh), later ones after a small jittered back-off. On a store that does not
 *    order concurrent appends, first after this process's in-flight append to the stream that
 *    conflicted, if any. Too many conflicts: DomainRuleViolation `concurrent-change` (409).
 * 4. After a write of an event the catalogue reads, the catalogue is caught up again
 *    (read-your-writes; any other write leaves its answers as they were), and the answer carries
 *    the append's position.
 *
 * No lock across the append: nothing is held while the append is awaited (issue 9 point 8), so
 * concurrent commands on one committee share the store's group commits; commands on the same
 * stream are kept apart by the expected revisions alone, in one process or many. (Waiting for
 * another command's in-flight append after a conflict is a back-off, not a lock.)
 * Deciding takes turns (`Turns`), where the store orders concurrent appends (SQLite, whose reads
 * are synchronous: a turn is only CPU): one decision at a time in this process, from its loads to
 * the submission of its appendMany, then the turn passes on. Otherwise the decisions of a burst
 * interleave at every await of their loads, each stands on a state that another one's append
 * changes meanwhile, and is made again (24 concurrent schedules onto one meeting: ~250 decisions
 * made again; with turns none).
 *
 * Records (records.ts): commands load through a per-attempt Session over a cache of folded records
 * (a load reads only the stream's tail after the cached revision) and, where the store orders
 * concurrent appends (SQLite), decide on this process's in-flight appends (their tips), so
 * commands on one stream in one process do not conflict; each such write carries the tip's last
 * event id as `expectedLastEventId`, so it can only be written on top of that append.
 *
 * A command already carried out (the same command id: a client's retry with the same
 * Idempotency-Key after the answer was lost): the store refuses the re-decided plan
 * (DuplicateEventId), answers a repeat at other revisions than planned, or the decider refuses
 * the changed state. Then the command's own events are looked up (the root event's id is
 * `eventId(commandId, root, 0)`) and the original answer is rebuilt from the stored events
 * (`replay.ts`), else 409 `already-carried-out`.
 *
 * Ids: one command id per command (`ctx.commandId`, else minted here once, not per attempt);
 * record ids and event ids are derived from it (ids.ts), so a retried append or a re-decided
 * command gives the same ids.
 */
import { randomUUID } from 'node:crypto';
import { WrongExpectedRevision, type AppendManyResult, type EventStore, type NewEvent, type StreamWrite } from '@saksflyt/event-store';
import { CATALOGUE_EVENT_TYPES, type Catalogue } from '../application/catalogue.js';
import { DomainRuleViolation, WorkflowError } from '../application/errors.js';
import type { CommandContext, CommandResult } from '../application/types.js';
import { eventId, recordIds, type NewId } from './ids.js';
import type { WritePlan } from './plan.js';
import { RecordCache, type Session } from './records.js';
import { carriedOut } from './replay.js';

export const MAX_ATTEMPTS = 12;
/** Decisions made again in one attempt at most, on tips that appeared while deciding. */
const MAX_REDECIDE = 64;
/** Back-off after the n-th conflict (n ≥ 2): uniformly random in [0, min(BACKOFF_CAP_MS, 2^(n-1)) ms). */
const BACKOFF_CAP_MS = 25;

/** One attempt's decision: loads what it needs (through the session) and answers the plan (or throws a domain error). */
export type Decide = (ids: NewId, records: Session) => Promise<WritePlan>;

function isConflict(e: unknown): e is WrongExpectedRevision {
  return e instanceof WrongExpectedRevision || (e as { code?: string })?.code === 'WRONG_EXPECTED_REVISION';
}
function isDuplicate(e: unknown): boolean {
  return (e as { code?: string })?.code === 'DUPLICATE_EVENT_ID';
}

const alreadyCarriedOut = () =>
  new DomainRuleViolation('already-carried-out', 'this command (the same Idempotency-Key) was already carried out, and its answer cannot be rebuilt from the records');

export class CommandHandler {
  /** Attempts re-decided after a conflict (diagnostics). */
  retries = 0;
  /** Decisions made again before appending, because an append of ours was submitted on a stream meanwhile (diagnostics). */
  redecided = 0;
  /** The command side's records: cache of folded records and the tips of appends in flight. */
  readonly records: RecordCache;
  /** This process's appends in flight, by stream (to back off behind after a conflict, where the store does not order appends). */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Turns to decide in, one at a time (where the store orders concurrent appends). */
  private readonly turns = new Turns();

  constructor(
    private readonly store: EventStore,
    private readonly catalogue: Catalogue,
    private readonly clock: () => Date,
  ) {
    this.records = new RecordCache(store, catalogue);
  }

  async run(ctx: CommandContext, decide: Decide): Promise<CommandResult> {
    const commandId = ctx.commandId ?? randomUUID();
    const ids = recordIds(commandId);
    const at = ctx.at ?? this.clock().toISOString();
    for (let attempt = 1; ; attempt++) {
      await this.catalogue.catchUp();
      // where tips are made, decisions in this process take turns (deciding only; the append is
      // awaited outside the turn): a decision never stands on a state an append of ours changes
      // while it is being made, so it is not made again
      const release = this.records.pipelining ? await this.turns.take() : undefined;
      let session = this.records.session();
      let plan: WritePlan;
      let writes: StreamWrite[] | undefined;
      let pending: Promise<AppendManyResult> | undefined;
      try {
        plan = await decide(ids, session);
        // an append of ours was submitted on a stream meanwhile: decide again on its tip (bounded)
        for (let again = 0; again < MAX_REDECIDE && session.stale(); again++) {
          this.redecided++;
          session = this.records.session();
          plan = await decide(ids, session);
        }
        if (plan.writes.length) {
          writes = this.streamWrites(plan, commandId, ctx, at);
          pending = this.submit(session, writes);
        }
      } catch (e) {
        release?.();
        // refused: maybe because this very command changed the state already (a retry)
        if (e instanceof WorkflowError && ctx.commandId !== undefined) {
          const done = await carriedOut(this.store, commandId, session.streams());
          if (done === 'unknown') throw alreadyCarriedOut();
          if (done) return this.answered(done);
        }
        throw e;
      }
      release?.();
      if (!writes || !pending) {
        if (plan.answer.position === undefined) throw new Error('a plan without writes must answer its position');
        return plan.answer as CommandResult;
      }
      const root = plan.root ?? plan.writes[0]!.stream;
      let result: AppendManyResult;
      try {
        result = await pending;
      } catch (e) {
        if (isDuplicate(e)) {
          const done = await carriedOut(this.store, commandId, [root, ...writes.map((w) => w.stream)]);
          if (done && done !== 'unknown') return this.answered(done);
          throw done === 'unknown' ? alreadyCarriedOut() : e;
        }
        if (!isConflict(e)) throw e;
        this.retries++;
        if (attempt >= MAX_ATTEMPTS) throw new DomainRuleViolation('concurrent-change', 'the records changed concurrently too often; try again');
        await this.backOff(attempt, e.stream);
        continue;
      }
      if (isRepeat(writes, result)) {
        // the store found the command's events stored already (at other revisions than planned)
        const done = await carriedOut(this.store, commandId, [root, ...writes.map((w) => w.stream)]);
        if (!done || done === 'unknown') throw alreadyCarriedOut();
        return this.answered(done);
      }
      // read-your-writes: only a write the catalogue reads changes what it answers
      if (writes.some((w) => w.events.some((e) => CATALOGUE_EVENT_TYPES.has(e.type)))) await this.catalogue.catchUp();
      return { ...plan.answer, position: result.position };
    }
  }

  private async answered(r: CommandResult): Promise<CommandResult> {
    await this.catalogue.catchUp();
    return r;
  }

  private async backOff(attempt: number, stream: string): Promise<void> {
    if (!this.records.pipelining) await this.inFlight.get(stream)?.catch(() => undefined);
    if (attempt === 1) return; // the stale entry is dropped: re-decide at once
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(BACKOFF_CAP_MS, 2 ** (attempt - 1))));
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

  /**
   * Submits the plan's appendMany (cache tips registered in the same tick: submission order) and
   * answers its settlement, after the cache has been told.
   */
  private submit(session: Session, planned: StreamWrite[]): Promise<AppendManyResult> {
    const { writes, register } = this.records.prepare(session, planned);
    const pending = this.store.appendMany(writes);
    const submitted = register();
    for (const w of writes) this.inFlight.set(w.stream, pending);
    const forget = () => {
      for (const w of writes) if (this.inFlight.get(w.stream) === pending) this.inFlight.delete(w.stream);
    };
    return pending.then(
      (result) => {
        forget();
        submitted.settled(result);
        return result;
      },
      (e: unknown) => {
        forget();
        submitted.settled(null, e);
        throw e;
      },
    );
  }
}

/** The store answered revisions other than the plan's: every write was a repeat of stored events. */
function isRepeat(writes: StreamWrite[], result: AppendManyResult): boolean {
  return writes.some((w, i) => {
    const got = result.streams[i]?.nextRevision;
    if (got === undefined) return false;
    const n = BigInt(w.events.length);
    if (typeof w.expectedRevision === 'bigint') return got !== w.expectedRevision + n;
    if (w.expectedRevision === 'no_stream') return got !== n - 1n;
    return false;
  });
}

/** One decision at a time, in the order asked (FIFO): `take` answers the release of the turn. */
class Turns {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  async take(): Promise<() => void> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the turn passes on: busy stays set
      else this.busy = false;
    };
  }
}
