/**
 * The group-commit writer: concurrent `append` and `appendMany` calls queue and one flush (next
 * setImmediate) writes them all in ONE `BEGIN IMMEDIATE` transaction on the write connection. Each
 * call is one unit: all its streams checked against their own expected revisions (and for an
 * idempotent repeat), then written under a savepoint, so a failing call rolls back alone (nothing
 * of it written) while the others in the same transaction commit. `append` is a one-stream
 * `appendMany`. Promises settle only once the commit is on disk: COMMIT returns without fsync
 * (`synchronous = NORMAL`) and the WAL file is fsynced off the event loop (`wal-sync.ts`), while the
 * next group commit is written; a lone writer's commits fsync inside COMMIT instead (`wal-sync.ts`).
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  WrongExpectedRevision,
  type AppendManyResult,
  type AppendOptions,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
  type StreamWrite,
} from '../port.js';
import { firstPosition, nextPosition, type PositionMode } from './positions.js';
import type { RecentRows } from './recent-rows.js';
import { WriterCache, type BatchHead } from './writer-cache.js';
import { chainHash, COLUMNS, GENESIS_HASH, type Row } from './schema.js';
import type { WalSync } from './wal-sync.js';

/** What the writer counts (part of `SqliteStoreStats`). */
export interface WriteStats {
  /** Group-commit transactions committed (one per flush). */
  transactions: number;
  /** Append calls that committed (idempotent repeats included). */
  appendsCommitted: number;
  /** Rows inserted. */
  eventsWritten: number;
}

/**
 * An event id already stored where this append cannot be a repeat of it: in another stream, or in a
 * stream write of an `appendMany` whose other writes are new (a partial repeat: a retry must repeat
 * the whole call). Nothing of the append is written.
 */
export class DuplicateEventId extends Error {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(
    readonly eventId: string,
    readonly stream: string,
    detail?: string,
  ) {
    super(`Event id ${eventId} is already used in stream ${stream}${detail ? `: ${detail}` : ''}`);
    this.name = 'DuplicateEventId';
  }
}

/** One queued call (`append` or `appendMany`): written all or nothing. */
interface PendingAppend {
  writes: StreamWrite[];
  /** `append`: resolve with the one stream's AppendResult. */
  one: boolean;
  resolve: (r: AppendManyResult | AppendResult) => void;
  reject: (e: unknown) => void;
}

/** One group-commit transaction being written: the head so far and what it wrote. */
interface BatchState extends BatchHead {
  streamHeads: Map<string, bigint>;
  recordedAt: string;
  written: number;
  /** The rows written by the calls of the batch that stood (for `RecentRows`). */
  rows: Row[];
}

interface PreparedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
  idGiven: boolean;
}

function validExpected(expected: unknown): expected is ExpectedRevision {
  return expected === 'any' || expected === 'no_stream' || expected === 'stream_exists' || (typeof expected === 'bigint' && expected >= 0n);
}

function checkExpected(stream: string, expected: ExpectedRevision, current: bigint): void {
  const actual = current < 0n ? ('no_stream' as const) : current;
  if (expected === 'any') return;
  if (expected === 'no_stream') {
    if (current >= 0n) throw new WrongExpectedRevision(stream, expected, actual);
    return;
  }
  if (expected === 'stream_exists') {
    if (current < 0n) throw new WrongExpectedRevision(stream, expected, actual);
    return;
  }
  if (current !== expected) throw new WrongExpectedRevision(stream, expected, actual);
}

export class GroupCommitWriter {
  /** Set when the store closes (after the queue drained): appends are refused from then on. */
  closed = false;
  private readonly sparse: boolean;
  private readonly firstPosition: number;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private drainWaiters: Array<() => void> = [];

  private readonly sBegin: Database.Statement;
  private readonly sCommit: Database.Statement;
  private readonly sRollback: Database.Statement;
  private readonly sSavepoint: Database.Statement;
  private readonly sRelease: Database.Statement;
  private readonly sRollbackTo: Database.Statement;
  private readonly sStreamHead: Database.Statement;
  private readonly sFindId: Database.Statement;
  private readonly sHeadRow: Database.Statement;
  private readonly sWriterDataVersion: Database.Statement;
  /** The head, the streams' revisions and the rows committed last, between batches. */
  private readonly cache: WriterCache;
  private readonly sInsert: Database.Statement;

  /** `flushed` runs once committed appends are on disk (they wake the subscriptions). */
  constructor(
    private readonly writer: Database.Database,
    positions: PositionMode,
    private readonly maxBatch: number,
    private readonly stats: WriteStats,
    private readonly flushed: () => void,
    /** fsyncs the WAL file after each commit; appends settle when it has (see `wal-sync.ts`). */
    private readonly sync: WalSync,
    /** The rows committed last, for the reads that follow the head (kept here after each COMMIT). */
    recent: RecentRows,
  ) {
    this.sparse = positions === 'sparse';
    this.firstPosition = firstPosition(positions);
    this.sBegin = writer.prepare('BEGIN IMMEDIATE');
    this.sCommit = writer.prepare('COMMIT');
    this.sRollback = writer.prepare('ROLLBACK');
    this.sSavepoint = writer.prepare('SAVEPOINT append_one');
    this.sRelease = writer.prepare('RELEASE append_one');
    this.sRollbackTo = writer.prepare('ROLLBACK TO append_one');
    this.sStreamHead = writer.prepare('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').pluck();
    this.sFindId = writer.prepare('SELECT stream, revision, position FROM events WHERE id = ?').raw();
    this.sWriterDataVersion = writer.prepare('PRAGMA data_version').pluck();
    const dataVersion = this.sWriterDataVersion;
    this.cache = new WriterCache(() => dataVersion.get() as number, recent);
    this.sHeadRow = writer.prepare(`SELECT ${COLUMNS} FROM events ORDER BY position DESC LIMIT 1`).raw();
    this.sInsert = writer.prepare(
      `INSERT INTO events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  append(stream: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const write: StreamWrite = { stream, expectedRevision: options?.expectedRevision, events };
    const invalid = this.invalidWrite(write, 'append');
    if (invalid) return Promise.reject(invalid);
    return this.enqueue([write], true) as Promise<AppendResult>;
  }

  appendMany(writes: StreamWrite[]): Promise<AppendManyResult> {
    if (!Array.isArray(writes) || writes.length === 0) return Promise.reject(new Error('appendMany needs at least one stream write'));
    const streams = new Set<string>();
    for (const w of writes) {
      const invalid = this.invalidWrite(w, 'appendMany');
      if (invalid) return Promise.reject(invalid);
      if (streams.has(w.stream)) return Promise.reject(new Error(`appendMany names stream ${w.stream} twice`));
      streams.add(w.stream);
    }
    return this.enqueue(writes, false) as Promise<AppendManyResult>;
  }

  /** The checks that need no transaction: refused before the call reaches the batch. */
  private invalidWrite(w: StreamWrite | undefined, what: string): Error | null {
    if (this.closed) return new Error('Event store is closed');
    if (this.sync.failed) return this.sync.failed;
    if (!w || typeof w !== 'object') return new Error(`${what}: a stream write must be { stream, expectedRevision, events }`);
    if (typeof w.stream !== 'string' || w.stream.length === 0) return new Error('Stream name required');
    if (!Array.isArray(w.events) || w.events.length === 0) return new Error(`${what} needs at least one event for stream ${w.stream}`);
    if (!validExpected(w.expectedRevision)) return new Error(`Invalid expectedRevision: ${String(w.expectedRevision)}`);
    return null;
  }

  private enqueue(writes: StreamWrite[], one: boolean): Promise<AppendManyResult | AppendResult> {
    return new Promise<AppendManyResult | AppendResult>((resolve, reject) => {
      this.queue.push({ writes, one, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
      this.queue = this.queue.length <= this.maxBatch ? [] : this.queue.slice(this.maxBatch);
      this.writeBatch(batch);
    }
    if (!this.sync.pending) this.flushed();
    this.wakeDrainWaiters();
  };

  /** After each fsync that settled appends (see `WalSync`). */
  onSynced(): void {
    this.flushed();
    this.wakeDrainWaiters();
  }

  private wakeDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  private writeBatch(batch: PendingAppend[]): void {
    const outcomes: Array<{ ok: true; result: AppendManyResult | AppendResult } | { ok: false; error: unknown }> = [];
    // a lone commit may be made durable by its own COMMIT (synchronous = FULL): see `WalSync.chooseInline`
    const inline = this.sync.chooseInline(batch.length === 1 && this.queue.length === 0);
    try {
      this.sBegin.run();
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    let state: BatchState;
    let before = 0;
    /** No other connection committed since our last batch: its rows follow the ones kept. */
    let follows = false;
    try {
      const begun = this.cache.begin(() => this.readHead());
      follows = begun.follows;
      const head = begun.head;
      before = head.position;
      state = {
        position: head.position,
        next: head.next,
        hash: head.hash,
        streamHeads: new Map<string, bigint>(),
        recordedAt: new Date().toISOString(),
        written: 0,
        rows: [],
      };
      for (const p of batch) {
        try {
          outcomes.push({ ok: true, result: this.writeUnit(p, state) });
        } catch (error) {
          // A write error (disk full, I/O) may have rolled the whole transaction back (SQLite does
          // on SQLITE_FULL/IOERR): then no later call may run outside it, and none of this batch stands.
          if (!this.writer.inTransaction) throw error;
          outcomes.push({ ok: false, error });
        }
      }
      this.sync.commit(this.sCommit, inline);
      this.cache.committed(before, { position: state.position, next: state.next, hash: state.hash }, state.streamHeads, state.rows, follows);
    } catch (error) {
      try {
        this.cache.reset();
        if (this.writer.inTransaction) this.sRollback.run();
      } catch {
        /* the rollback error is secondary */
      }
      for (const p of batch) p.reject(error);
      return;
    }
    this.stats.transactions += 1;
    this.stats.eventsWritten += state.written;
    const settle = (syncError: unknown): void => {
      for (let i = 0; i < batch.length; i++) {
        const o = outcomes[i];
        if (!o.ok) batch[i].reject(o.error);
        else if (syncError) batch[i].reject(syncError);
        else {
          this.stats.appendsCommitted += 1;
          batch[i].resolve(o.result);
        }
      }
    };
    // nothing written (every call refused or a repeat): nothing to wait for
    if (state.written === 0) settle(null);
    else this.sync.committed(before, state.position, settle, inline);
  }

  /** The last row as the writer sees it, with the position the next row gets. */
  private readHead(): BatchHead {
    const r = this.sHeadRow.get() as Row | undefined;
    if (!r) return { position: 0, next: this.firstPosition, hash: GENESIS_HASH };
    return { position: r[0], next: nextPosition(this.sparse, r[0], r[1], r[2], r[4], r[5], r[6], r[7]), hash: r[8] };
  }

  /**
   * One call inside the open transaction: every stream write is checked first (repeat, expected
   * revision), then all are written under one savepoint. Throws, having written nothing, when any
   * write is refused; `state` moves only when the whole call was written.
   */
  private writeUnit(p: PendingAppend, state: BatchState): AppendManyResult | AppendResult {
    const writes = p.writes;
    const n = writes.length;
    const prepared: PreparedEvent[][] = new Array(n);
    const currents: bigint[] = new Array(n);
    let repeats: AppendResult[] | null = null;
    let repeatCount = 0;
    const ids = n > 1 ? new Set<string>() : undefined; // an id twice in one call, across its writes
    for (let i = 0; i < n; i++) {
      const w = writes[i];
      const events = this.prepareEvents(w.events, ids);
      let current = state.streamHeads.get(w.stream) ?? this.cache.streamRevision(w.stream);
      if (current === undefined) {
        const r = this.sStreamHead.get(w.stream) as number | undefined;
        current = r === undefined ? -1n : BigInt(r);
      }
      const repeat = this.checkIdempotent(w.stream, events, current, w.expectedRevision);
      if (repeat) {
        (repeats ??= new Array<AppendResult>(n))[i] = repeat;
        repeatCount += 1;
      } else {
        checkExpected(w.stream, w.expectedRevision, current);
        if (w.expectedLastEventId !== undefined) this.checkLastEventId(w, current);
      }
      prepared[i] = events;
      currents[i] = current;
    }
    if (repeats !== null) {
      if (repeatCount === n) {
        // the whole call is a repeat: the original answer, nothing written
        if (p.one) return repeats[0];
        let top = repeats[0].position;
        for (const r of repeats) if (r.position > top) top = r.position;
        return { streams: writes.map((w, i) => ({ stream: w.stream, ...repeats![i] })), position: top };
      }
      const i = repeats.findIndex((r) => r !== undefined);
      const fresh = writes.find((_, j) => repeats![j] === undefined)!;
      throw new DuplicateEventId(
        prepared[i][0].id,
        writes[i].stream,
        `this appendMany repeats its write to ${writes[i].stream} but not its write to ${fresh.stream}; a partial repeat is refused (nothing written): a retry must repeat the whole call`,
      );
    }

    let total = 0;
    for (const events of prepared) total += events.length;
    const guarded = total > 1; // one INSERT is atomic by itself
    if (guarded) this.sSavepoint.run();
    const recordedAt = state.recordedAt;
    let pos = state.position;
    let next = state.next;
    let hash = state.hash;
    const revisions: bigint[] = new Array(n);
    const positions: number[] = new Array(n);
    const rows: Row[] = [];
    try {
      for (let i = 0; i < n; i++) {
        const stream = writes[i].stream;
        let rev = currents[i];
        for (const e of prepared[i]) {
          pos = next;
          rev += 1n;
          hash = chainHash(hash, pos, e.id, stream, rev, e.type, e.data, e.metadata, recordedAt);
          this.sInsert.run(pos, e.id, stream, rev, e.type, e.data, e.metadata, recordedAt, hash);
          rows.push([pos, e.id, stream, Number(rev), e.type, e.data, e.metadata, recordedAt, hash]);
          next = nextPosition(this.sparse, pos, e.id, stream, e.type, e.data, e.metadata, recordedAt);
        }
        revisions[i] = rev;
        positions[i] = pos;
      }
      if (guarded) this.sRelease.run();
    } catch (error) {
      if (guarded && this.writer.inTransaction) {
        try {
          this.sRollbackTo.run();
          this.sRelease.run();
        } catch {
          // cannot undo this call alone: undo the whole batch (writeBatch then refuses all of it)
          try {
            this.sRollback.run();
          } catch {
            /* the write error is what counts */
          }
        }
      }
      throw error;
    }
    state.position = pos;
    state.next = next;
    state.hash = hash;
    state.written += total;
    for (const r of rows) state.rows.push(r);
    for (let i = 0; i < n; i++) state.streamHeads.set(writes[i].stream, revisions[i]);
    if (p.one) return { nextRevision: revisions[0], position: BigInt(pos) };
    return {
      streams: writes.map((w, i) => ({ stream: w.stream, nextRevision: revisions[i], position: BigInt(positions[i]) })),
      position: BigInt(pos),
    };
  }

  /** `expectedLastEventId`: the event at the expected revision is that one (else a conflict). */
  private checkLastEventId(w: StreamWrite, current: bigint): void {
    const row = this.sFindId.get(w.expectedLastEventId) as [string, number, number] | undefined;
    if (!row || row[0] !== w.stream || typeof w.expectedRevision !== 'bigint' || BigInt(row[1]) !== w.expectedRevision)
      throw new WrongExpectedRevision(w.stream, w.expectedRevision, current < 0n ? 'no_stream' : current);
  }

  private prepareEvents(events: NewEvent[], ids?: Set<string>): PreparedEvent[] {
    const out: PreparedEvent[] = new Array(events.length);
    let seen: Set<string> | null = ids ?? null;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (!e || typeof e.type !== 'string' || e.type.length === 0) throw new Error('Every event needs a type');
      const idGiven = typeof e.id === 'string' && e.id.length > 0;
      const id = idGiven ? (e.id as string) : randomUUID();
      if (idGiven) {
        seen ??= new Set();
        if (seen.has(id)) throw new Error(`Event id ${id} appears twice in one append`);
        seen.add(id);
      }
      out[i] = {
        id,
        type: e.type,
        data: JSON.stringify(e.data ?? null),
        metadata: JSON.stringify(e.metadata ?? null),
        idGiven,
      };
    }
    return out;
  }

  /**
   * Idempotency as EventStoreDB: when every given id is already in this stream (consecutively, in
   * the same order) the original result is returned and nothing is written. A partial overlap is a
   * WrongExpectedRevision; an id used in another stream is a DuplicateEventId.
   */
  private checkIdempotent(
    stream: string,
    events: PreparedEvent[],
    current: bigint,
    expected: ExpectedRevision,
  ): AppendResult | null {
    let found = 0;
    let firstRev = -1;
    let lastRev = -1;
    let lastPos = 0;
    let consecutive = true;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (!e.idGiven) continue;
      const row = this.sFindId.get(e.id) as [string, number, number] | undefined;
      if (!row) continue;
      if (row[0] !== stream) throw new DuplicateEventId(e.id, row[0]);
      if (found === 0) firstRev = row[1] - i;
      if (row[1] !== firstRev + i) consecutive = false;
      found += 1;
      lastRev = row[1];
      lastPos = row[2];
    }
    if (found === 0) return null;
    if (found === events.length && consecutive) return { nextRevision: BigInt(lastRev), position: BigInt(lastPos) };
    throw new WrongExpectedRevision(stream, expected, current < 0n ? 'no_stream' : current);
  }

  /** Known exactly for a stream this store wrote while no other connection committed since (see `WriterCache`). */
  knownStreamRevision(stream: string): bigint | undefined {
    return this.closed ? undefined : this.cache.knownStreamRevision(stream);
  }

  /** The last position committed, known while no other connection committed since (else undefined: read it). */
  knownHeadPosition(): bigint | undefined {
    return this.closed ? undefined : this.cache.knownHeadPosition();
  }

  /** Appends are queued or a flush is scheduled. */
  get busy(): boolean {
    return this.queue.length > 0 || this.flushScheduled || this.sync.pending;
  }

  /** Resolves once the next flush has written (or refused) what it took, or the next fsync settled appends. */
  nextFlush(): Promise<void> {
    return new Promise<void>((r) => this.drainWaiters.push(r));
  }
}
