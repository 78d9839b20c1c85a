/**
 * The embedded event store: one SQLite file (better-sqlite3), WAL, synchronous=FULL.
 *
 * - Appends are group-committed: concurrent `append` and `appendMany` calls queue and one flush (next
 *   setImmediate) writes them all in ONE `BEGIN IMMEDIATE` transaction. Each call is one unit: all
 *   its streams checked against their own expected revisions, then written under a savepoint, so a
 *   failing call rolls back alone (nothing of it written) while the others in the same transaction
 *   commit. `append` is a one-stream `appendMany`. Promises resolve only after COMMIT returned.
 * - Every row carries a tamper-evidence hash chained to the previous row (see `chainHash`).
 * - Reads page with `LIMIT` on a separate read connection; no statement iterator is ever held open
 *   across an await.
 * - Subscriptions catch up page by page, emit one `caughtUp`, then go live: woken by in-process
 *   appends and, for commits by other processes, by polling `PRAGMA data_version`. A long catch-up
 *   of `subscribeToAll` reads its pages on a worker thread (`catch-up-reader.ts`).
 */
import { createHash, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { Observable } from 'rxjs';
import { CatchUpReader } from './catch-up-reader.js';
import {
  StreamNotFound,
  WrongExpectedRevision,
  type AppendManyResult,
  type AppendOptions,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamWrite,
  type SubscriptionMessage,
} from '../port.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface SqliteStoreOptions {
  file: string;
  /** Rows per SELECT page for reads and subscriptions (default 500). */
  pageSize?: number;
  /** Most appends written in one group-commit transaction (default 512). */
  maxBatch?: number;
  /** How often subscriptions poll `PRAGMA data_version` for commits of other processes (ms, default 50). */
  pollIntervalMs?: number;
  /**
   * `subscribeToAll` catching up on at least this many events reads them on a worker thread (see
   * `CatchUpReader`); default 20 000. 0: always; `false`: never.
   */
  catchUpThreadMin?: number | false;
  /**
   * How positions are given out (fixed for a file when it is created; opening it asking for the other
   * mode throws). 'dense' (default): 1, 2, 3, …. 'sparse': gapped like log offsets, the first at
   * SPARSE_FIRST_POSITION and each next one the previous one + the previous row's size
   * (`sparseRowSize`), so code that does arithmetic on positions fails. When not given,
   * `SAKSFLYT_SPARSE_POSITIONS=1` in the environment asks for 'sparse'.
   */
  positions?: PositionMode;
}

export type PositionMode = 'dense' | 'sparse';

/** Sparse mode: where the log starts (as if after a 4 KiB header). */
export const SPARSE_FIRST_POSITION = 4096;
/** Sparse mode: the fixed part of a row's size (as if the row's header). */
export const SPARSE_ROW_HEADER = 32;

/**
 * Sparse mode: the size of a stored row, the distance from its position to the next row's: the
 * header plus the lengths (UTF-16 code units) of its stored texts. Deterministic, so `verifyChain`
 * recomputes where each row must be.
 */
export function sparseRowSize(id: string, stream: string, type: string, data: string, metadata: string, recordedAt: string): number {
  return SPARSE_ROW_HEADER + id.length + stream.length + type.length + data.length + metadata.length + recordedAt.length;
}

export interface SqliteStoreStats {
  /** Group-commit transactions committed (one per flush). */
  transactions: number;
  /** Append calls that committed (idempotent repeats included). */
  appendsCommitted: number;
  /** Rows inserted. */
  eventsWritten: number;
  /** Largest number of rows materialised by one read page (≤ pageSize). */
  maxRowsPerPage: number;
  /** Pages read (readStream, readAll, subscriptions). */
  pagesRead: number;
  /** Rows read in total. */
  rowsRead: number;
  /** Of the pages read, those read by a catch-up reader thread. */
  threadPages: number;
}

export type VerifyChainResult =
  | { ok: true; events: number; headHash: string }
  | { ok: false; firstBadPosition: bigint };

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

/** The schema, shared by every process opening the file. */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  stream      TEXT NOT NULL,
  revision    INTEGER NOT NULL,
  type        TEXT NOT NULL,
  data        TEXT NOT NULL,
  metadata    TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events (stream, revision);
CREATE TABLE IF NOT EXISTS store_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** Pragmas applied to every connection that writes (benchmarks use the same). */
export function applyWritePragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.pragma('cache_size = -65536'); // 64 MiB: random uuid index inserts stay in cache
}

/**
 * The chain hash of one row: sha256 hex of the previous row's hash followed by the canonical
 * serialisation of the row (a JSON array of position, id, stream, revision, type, data text,
 * metadata text, recorded_at; integers as decimal strings; data and metadata exactly as stored).
 */
export function chainHash(
  previousHash: string,
  position: bigint | number,
  id: string,
  stream: string,
  revision: bigint | number,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
): string {
  const canonical = JSON.stringify([String(position), id, stream, String(revision), type, data, metadata, recordedAt]);
  return createHash('sha256').update(previousHash).update(canonical).digest('hex');
}

type Row = [
  position: number,
  id: string,
  stream: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
  hash: string,
];

const COLUMNS = 'position, id, stream, revision, type, data, metadata, recorded_at, hash';

function toEvent(r: Row): RecordedEvent {
  return {
    id: r[1],
    stream: r[2],
    type: r[4],
    data: JSON.parse(r[5]),
    metadata: JSON.parse(r[6]) as EventMetadata,
    revision: BigInt(r[3]),
    position: BigInt(r[0]),
    recordedAt: r[7],
    hash: r[8],
  };
}

/** One queued call (`append` or `appendMany`): written all or nothing. */
interface PendingAppend {
  writes: StreamWrite[];
  /** `append`: resolve with the one stream's AppendResult. */
  one: boolean;
  resolve: (r: AppendManyResult | AppendResult) => void;
  reject: (e: unknown) => void;
}

/** The chain head: the last row, and where the next one goes. */
interface BatchHead {
  /** Position of the last row (0 when empty). */
  position: number;
  /** Position the next row gets (the offset rule: `nextPosition`). */
  next: number;
  hash: string;
}

/** One group-commit transaction being written: the head so far and what it wrote. */
interface BatchState extends BatchHead {
  streamHeads: Map<string, bigint>;
  recordedAt: string;
  written: number;
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

export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  /** One group-commit queue, written in submission order; `expectedLastEventId` is checked. */
  readonly ordersConcurrentAppends = true;
  readonly pageSize: number;
  readonly stats: SqliteStoreStats = {
    transactions: 0,
    appendsCommitted: 0,
    eventsWritten: 0,
    maxRowsPerPage: 0,
    pagesRead: 0,
    rowsRead: 0,
    threadPages: 0,
  };

  private readonly maxBatch: number;
  private readonly pollIntervalMs: number;
  private readonly catchUpThreadMin: number | false;
  /** The file's position mode: 'sparse' gaps positions like log offsets (see `nextPosition`). */
  readonly positions: PositionMode;
  private readonly sparse: boolean;
  private readonly firstPosition: number;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  private drainWaiters: Array<() => void> = [];
  private readonly listeners = new Set<() => void>();
  private readonly completers = new Set<() => void>();
  private pollTimer: NodeJS.Timeout | null = null;
  private lastDataVersion = 0;

  // write connection statements
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
  private cachedHead: BatchHead | null = null;
  private cacheVersion = -1;
  private readonly streamHeadCache = new Map<string, bigint>();
  private readonly sInsert: Database.Statement;
  // read connection statements
  private readonly rAllAfter: Database.Statement;
  private readonly rAllFrom: Database.Statement;
  private readonly rAllAfterTypes: Database.Statement;
  private readonly rCountAfter: Database.Statement;
  private readonly rStreamFwd: Database.Statement;
  private readonly rStreamBwd: Database.Statement;
  private readonly rStreamAfter: Database.Statement;
  private readonly rHead: Database.Statement;
  private readonly rStreamExists: Database.Statement;
  private readonly rDataVersion: Database.Statement;

  constructor(
    readonly file: string,
    private readonly writer: Database.Database,
    private readonly reader: Database.Database,
    options: SqliteStoreOptions,
  ) {
    this.pageSize = options.pageSize ?? 500;
    this.maxBatch = options.maxBatch ?? 512;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.catchUpThreadMin = options.catchUpThreadMin ?? 20_000;
    this.positions = options.positions ?? 'dense';
    this.sparse = this.positions === 'sparse';
    this.firstPosition = this.sparse ? SPARSE_FIRST_POSITION : 1;

    this.sBegin = writer.prepare('BEGIN IMMEDIATE');
    this.sCommit = writer.prepare('COMMIT');
    this.sRollback = writer.prepare('ROLLBACK');
    this.sSavepoint = writer.prepare('SAVEPOINT append_one');
    this.sRelease = writer.prepare('RELEASE append_one');
    this.sRollbackTo = writer.prepare('ROLLBACK TO append_one');
    this.sStreamHead = writer.prepare('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').pluck();
    this.sFindId = writer.prepare('SELECT stream, revision, position FROM events WHERE id = ?').raw();
    this.sWriterDataVersion = writer.prepare('PRAGMA data_version').pluck();
    this.sHeadRow = writer.prepare(`SELECT ${COLUMNS} FROM events ORDER BY position DESC LIMIT 1`).raw();
    this.sInsert = writer.prepare(
      `INSERT INTO events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );

    this.rAllAfter = reader.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw();
    this.rAllAfterTypes = reader
      .prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? AND type IN (SELECT value FROM json_each(?)) ORDER BY position LIMIT ?`)
      .raw();
    this.rAllFrom = reader.prepare(`SELECT ${COLUMNS} FROM events WHERE position >= ? ORDER BY position LIMIT ?`).raw();
    // "at least n events after": the n-th one's position, or nothing (steps n rowids, no arithmetic)
    this.rCountAfter = reader.prepare('SELECT position FROM events WHERE position > ? ORDER BY position LIMIT 1 OFFSET ?').pluck();
    this.rStreamFwd = reader
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
      .raw();
    this.rStreamBwd = reader
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
      .raw();
    this.rStreamAfter = reader
      .prepare(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision > ? ORDER BY revision LIMIT ?`)
      .raw();
    this.rHead = reader.prepare('SELECT MAX(position) FROM events').pluck();
    this.rStreamExists = reader.prepare('SELECT 1 FROM events WHERE stream = ? LIMIT 1').pluck();
    this.rDataVersion = reader.prepare('PRAGMA data_version').pluck();
  }

  // ---------------------------------------------------------------- append (group commit)

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
    this.notify();
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  };

  private writeBatch(batch: PendingAppend[]): void {
    const outcomes: Array<{ ok: true; result: AppendManyResult | AppendResult } | { ok: false; error: unknown }> = [];
    try {
      this.sBegin.run();
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    let state: BatchState;
    try {
      // The cached chain head and stream revisions are valid while no other connection (another
      // process) has committed since our last commit: that is what the writer's data_version says.
      const version = this.sWriterDataVersion.get() as number;
      if (version !== this.cacheVersion || this.cachedHead === null) {
        this.streamHeadCache.clear();
        this.cachedHead = this.readHead();
        this.cacheVersion = version;
      }
      state = {
        position: this.cachedHead.position,
        next: this.cachedHead.next,
        hash: this.cachedHead.hash,
        streamHeads: new Map<string, bigint>(),
        recordedAt: new Date().toISOString(),
        written: 0,
      };
      for (const p of batch) {
        try {
          outcomes.push({ ok: true, result: this.writeUnit(p, state) });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      this.sCommit.run();
      this.cachedHead = { position: state.position, next: state.next, hash: state.hash };
      if (this.streamHeadCache.size + state.streamHeads.size > 10_000) this.streamHeadCache.clear();
      for (const [stream, rev] of state.streamHeads) this.streamHeadCache.set(stream, rev);
    } catch (error) {
      try {
        this.cachedHead = null;
        this.streamHeadCache.clear();
        if (this.writer.inTransaction) this.sRollback.run();
      } catch {
        /* the rollback error is secondary */
      }
      for (const p of batch) p.reject(error);
      return;
    }
    this.stats.transactions += 1;
    this.stats.eventsWritten += state.written;
    for (let i = 0; i < batch.length; i++) {
      const o = outcomes[i];
      if (o.ok) {
        this.stats.appendsCommitted += 1;
        batch[i].resolve(o.result);
      } else batch[i].reject(o.error);
    }
  }

  /** The last row as the writer sees it, with the position the next row gets. */
  private readHead(): BatchHead {
    const r = this.sHeadRow.get() as Row | undefined;
    if (!r) return { position: 0, next: this.firstPosition, hash: GENESIS_HASH };
    return { position: r[0], next: this.nextPosition(r[0], r[1], r[2], r[4], r[5], r[6], r[7]), hash: r[8] };
  }

  /**
   * The offset rule (the only position arithmetic there is): the position of the row after the row
   * at `position` with these stored texts. Dense: position + 1. Sparse: like a log offset, position +
   * the row's size (SPARSE_ROW_HEADER + the lengths of its stored texts), so always > position + 1.
   */
  private nextPosition(position: number, id: string, stream: string, type: string, data: string, metadata: string, recordedAt: string): number {
    return this.sparse ? position + sparseRowSize(id, stream, type, data, metadata, recordedAt) : position + 1;
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
      let current = state.streamHeads.get(w.stream) ?? this.streamHeadCache.get(w.stream);
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
    try {
      for (let i = 0; i < n; i++) {
        const stream = writes[i].stream;
        let rev = currents[i];
        for (const e of prepared[i]) {
          pos = next;
          rev += 1n;
          hash = chainHash(hash, pos, e.id, stream, rev, e.type, e.data, e.metadata, recordedAt);
          this.sInsert.run(pos, e.id, stream, rev, e.type, e.data, e.metadata, recordedAt, hash);
          next = this.nextPosition(pos, e.id, stream, e.type, e.data, e.metadata, recordedAt);
        }
        revisions[i] = rev;
        positions[i] = pos;
      }
      if (guarded) this.sRelease.run();
    } catch (error) {
      if (guarded) {
        this.sRollbackTo.run();
        this.sRelease.run();
      }
      throw error;
    }
    state.position = pos;
    state.next = next;
    state.hash = hash;
    state.written += total;
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

  // ---------------------------------------------------------------- reads

  private page(stmt: Database.Statement, ...params: unknown[]): Row[] {
    const rows = stmt.all(...params) as Row[];
    this.stats.pagesRead += 1;
    this.stats.rowsRead += rows.length;
    if (rows.length > this.stats.maxRowsPerPage) this.stats.maxRowsPerPage = rows.length;
    return rows;
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const self = this;
    const backwards = options.direction === 'backwards';
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    return {
      async *[Symbol.asyncIterator]() {
        if (self.rStreamExists.get(stream) === undefined) throw new StreamNotFound(stream);
        let remaining = maxCount;
        let next: number | bigint = options.fromRevision ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
        while (remaining > 0) {
          const limit = Math.min(self.pageSize, remaining);
          const rows = self.page(backwards ? self.rStreamBwd : self.rStreamFwd, stream, next, limit);
          for (const r of rows) yield toEvent(r);
          remaining -= rows.length;
          if (rows.length < limit) return;
          next = backwards ? rows[rows.length - 1][3] - 1 : rows[rows.length - 1][3] + 1;
          if (backwards && next < 0) return;
        }
      },
    };
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const self = this;
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    return {
      async *[Symbol.asyncIterator]() {
        if (options.after !== undefined && options.fromPosition !== undefined) {
          throw new Error('readAll takes after (exclusive) or fromPosition (inclusive), not both');
        }
        let remaining = maxCount;
        // the types hint (only with `after`): filtered in SQL, so the other rows are never parsed
        const types = options.types && options.fromPosition === undefined ? JSON.stringify(options.types) : undefined;
        // the first page may include fromPosition; every later page reads strictly after the last row
        let stmt = options.fromPosition !== undefined ? self.rAllFrom : self.rAllAfter;
        let cursor: number | bigint = options.fromPosition ?? options.after ?? 0;
        while (remaining > 0) {
          const limit = Math.min(self.pageSize, remaining);
          const rows = types !== undefined ? self.page(self.rAllAfterTypes, cursor, types, limit) : self.page(stmt, cursor, limit);
          for (const r of rows) yield toEvent(r);
          remaining -= rows.length;
          if (rows.length < limit) return;
          cursor = rows[rows.length - 1][0];
          stmt = self.rAllAfter;
        }
      },
    };
  }

  /** Known exactly for a stream this store wrote while no other connection committed since (writer's data_version). */
  knownStreamRevision(stream: string): bigint | undefined {
    if (this.closed || this.cachedHead === null) return undefined;
    if ((this.sWriterDataVersion.get() as number) !== this.cacheVersion) return undefined;
    return this.streamHeadCache.get(stream);
  }

  async headPosition(): Promise<bigint> {
    const h = this.rHead.get() as number | null;
    return h == null ? 0n : BigInt(h);
  }

  // ---------------------------------------------------------------- subscriptions

  subscribeToAll(options: { after?: bigint } = {}): Observable<SubscriptionMessage> {
    return this.subscribe((after, limit) => this.page(this.rAllAfter, after, limit), options.after ?? 0n, true, (after) => {
      const min = this.catchUpThreadMin;
      if (min === false) return null;
      // a long way to catch up: at least `min` events after the cursor
      const far = min <= 0 || this.rCountAfter.get(after, min - 1) !== undefined;
      return far ? new CatchUpReader(this.file, after, this.pageSize) : null;
    });
  }

  subscribeToStream(stream: string, options: { fromRevision?: bigint } = {}): Observable<SubscriptionMessage> {
    const from = options.fromRevision ?? -1n;
    return this.subscribe((after, limit) => this.page(this.rStreamAfter, stream, after, limit), from, false);
  }

  /**
   * One subscription: `cursor` is the last delivered position (all) or revision (stream). Every read
   * starts strictly after it, so there is never a gap or a duplicate across catch-up and live.
   */
  private subscribe(
    readAfter: (cursor: bigint, limit: number) => Row[],
    start: bigint,
    byPosition: boolean,
    catchUpReader?: (cursor: bigint) => CatchUpReader | null,
  ): Observable<SubscriptionMessage> {
    return new Observable<SubscriptionMessage>((subscriber) => {
      let cursor = start;
      let lastPosition = byPosition ? start : 0n;
      let caughtUp = false;
      let running = false;
      let dirty = false;
      let stopped = false;
      /** Reads the catch-up pages on a worker thread (long catch-ups of `subscribeToAll` only). */
      let reader: CatchUpReader | null | undefined = catchUpReader ? undefined : null;
      const endReader = (): void => {
        reader?.close();
        reader = null;
      };

      const pump = (): void => {
        if (stopped) return;
        if (running) {
          dirty = true;
          return;
        }
        running = true;
        dirty = false;
        setImmediate(step);
      };

      const deliver = (event: RecordedEvent): void => {
        cursor = byPosition ? event.position : event.revision;
        lastPosition = event.position;
        subscriber.next({ kind: 'event', event });
      };

      const step = (): void => {
        if (stopped || this.closed) {
          running = false;
          endReader();
          return;
        }
        let count: number;
        try {
          if (reader === undefined) reader = catchUpReader!(cursor);
          if (reader !== null) {
            const events = reader.take();
            if (events === null) {
              reader.whenReady(step); // still running: the next page is on its way
              return;
            }
            if (events.length < this.pageSize) endReader(); // the thread's last page
            this.stats.pagesRead += 1;
            this.stats.threadPages += 1;
            this.stats.rowsRead += events.length;
            if (events.length > this.stats.maxRowsPerPage) this.stats.maxRowsPerPage = events.length;
            count = events.length;
            for (const event of events) {
              if (stopped) break;
              deliver(event);
            }
          } else {
            const rows = readAfter(cursor, this.pageSize);
            count = rows.length;
            for (const r of rows) {
              if (stopped) break;
              deliver(toEvent(r));
            }
          }
        } catch (error) {
          running = false;
          stopped = true;
          endReader();
          subscriber.error(error);
          return;
        }
        if (stopped) {
          running = false;
          endReader();
          return;
        }
        if (count === this.pageSize) {
          setImmediate(step); // more to read: next page on a later turn, so appends keep flowing
          return;
        }
        if (!caughtUp) {
          caughtUp = true;
          const position = byPosition ? lastPosition : BigInt((this.rHead.get() as number | null) ?? 0);
          subscriber.next({ kind: 'caughtUp', position: position > lastPosition ? position : lastPosition });
        }
        if (dirty) {
          dirty = false;
          setImmediate(step);
          return;
        }
        running = false;
      };

      const wake = (): void => {
        if (caughtUp) pump();
        else dirty = true;
      };
      const complete = (): void => {
        stopped = true;
        endReader();
        subscriber.complete();
      };
      this.completers.add(complete);
      this.addListener(wake);
      pump();
      return () => {
        stopped = true;
        endReader();
        this.completers.delete(complete);
        this.removeListener(wake);
      };
    });
  }

  private addListener(fn: () => void): void {
    this.listeners.add(fn);
    if (!this.pollTimer && !this.closed) {
      this.lastDataVersion = this.rDataVersion.get() as number;
      this.pollTimer = setInterval(this.poll, this.pollIntervalMs);
      this.pollTimer.unref();
    }
  }

  private removeListener(fn: () => void): void {
    this.listeners.delete(fn);
    if (this.listeners.size === 0 && this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = null;
    }
  }

  /** Commits by other connections (other processes) change the read connection's data_version. */
  private readonly poll = (): void => {
    if (this.closed) return;
    const v = this.rDataVersion.get() as number;
    if (v !== this.lastDataVersion) {
      this.lastDataVersion = v;
      this.notify();
    }
  };

  private notify(): void {
    for (const fn of [...this.listeners]) fn();
  }

  // ---------------------------------------------------------------- audit

  /**
   * Recomputes the whole hash chain on its own read snapshot: an altered, removed, inserted or
   * reordered row breaks it. Every row must also sit exactly where the offset rule puts it (the first
   * at the mode's first position, each next one at `nextPosition` of the row before it: dense 1, 2,
   * 3, …; sparse the previous position + the previous row's size), so a removed or inserted row is
   * found in both modes. `firstBadPosition` is the first position where the file and the chain
   * disagree: a row whose hash or position is wrong, or where a missing row should have been.
   *
   * What a chain kept inside the file cannot prove by itself: that the newest rows were not cut off,
   * or that someone with write access did not recompute every later hash. For that, keep the
   * `headHash` (and `events`) an earlier verification returned somewhere else (a log, a signed
   * report) and pass it back as `knownHead` (with the position of the row it is the hash of): the
   * chain must still contain exactly that hash at that position.
   */
  async verifyChain(options: { knownHead?: { position: bigint; hash: string } } = {}): Promise<VerifyChainResult> {
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      db.prepare('BEGIN').run();
      const stmt = db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw();
      const known = options.knownHead;
      let knownSeen = false;
      let prev = GENESIS_HASH;
      let after = 0;
      let expectedPos = this.firstPosition;
      let count = 0;
      for (;;) {
        const rows = stmt.all(after, 5000) as Row[];
        for (const r of rows) {
          if (r[0] !== expectedPos) return { ok: false, firstBadPosition: BigInt(Math.min(r[0], expectedPos)) };
          const h = chainHash(prev, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
          if (h !== r[8]) return { ok: false, firstBadPosition: BigInt(r[0]) };
          if (known && BigInt(r[0]) === known.position) {
            if (h !== known.hash) return { ok: false, firstBadPosition: known.position };
            knownSeen = true;
          }
          prev = h;
          after = r[0];
          expectedPos = this.nextPosition(r[0], r[1], r[2], r[4], r[5], r[6], r[7]);
          count += 1;
        }
        if (rows.length < 5000) break;
        await new Promise((r) => setImmediate(r));
      }
      // the kept head lies past the end of the chain (or between its rows): the rows from where the
      // next one was due are gone
      if (known && !knownSeen && known.position > 0n) return { ok: false, firstBadPosition: BigInt(Math.min(expectedPos, Number(known.position))) };
      db.prepare('COMMIT').run();
      return { ok: true, events: count, headHash: prev };
    } finally {
      db.close();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  async close(): Promise<void> {
    if (this.closed) return;
    while (this.queue.length > 0 || this.flushScheduled) {
      await new Promise<void>((r) => this.drainWaiters.push(r));
    }
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.listeners.clear();
    for (const complete of [...this.completers]) complete();
    this.completers.clear();
    this.writer.close();
    this.reader.close();
  }
}

/**
 * The position mode asked for: the `positions` option, else `SAKSFLYT_SPARSE_POSITIONS=1` in the
 * environment (so the api and every test pick it up without code changes), else 'dense'.
 */
export function requestedPositionMode(options: { positions?: PositionMode }, env: NodeJS.ProcessEnv = process.env): PositionMode {
  if (options.positions !== undefined) {
    if (options.positions !== 'dense' && options.positions !== 'sparse') throw new Error(`Invalid positions option: ${String(options.positions)}`);
    return options.positions;
  }
  return env.SAKSFLYT_SPARSE_POSITIONS === '1' ? 'sparse' : 'dense';
}

/**
 * The file's position mode, fixed when it is first opened (a file written before the mode existed,
 * with events and no mode recorded, is dense). Asking for the other mode throws: its positions could
 * not be verified.
 */
function fileMode(writer: Database.Database, requested: PositionMode, file: string): PositionMode {
  writer.prepare('BEGIN IMMEDIATE').run();
  try {
    let mode = writer.prepare("SELECT value FROM store_meta WHERE key = 'positions'").pluck().get() as string | undefined;
    if (mode === undefined) {
      const empty = writer.prepare('SELECT 1 FROM events LIMIT 1').pluck().get() === undefined;
      mode = empty ? requested : 'dense';
      writer.prepare("INSERT INTO store_meta (key, value) VALUES ('positions', ?)").run(mode);
    }
    writer.prepare('COMMIT').run();
    if (mode !== 'dense' && mode !== 'sparse') throw new Error(`${file}: unknown position mode ${mode}`);
    if (mode !== requested) {
      throw new Error(
        `${file} keeps ${mode} positions, but ${requested} positions were asked for (positions option or SAKSFLYT_SPARSE_POSITIONS): a file's position mode is fixed when it is created`,
      );
    }
    return mode;
  } finally {
    if (writer.inTransaction) writer.prepare('ROLLBACK').run();
  }
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteEventStore> {
  const requested = requestedPositionMode(options);
  const writer = new Database(options.file);
  try {
    applyWritePragmas(writer);
    writer.exec(SCHEMA_SQL);
    const positions = fileMode(writer, requested, options.file);
    const reader = new Database(options.file, { fileMustExist: true });
    reader.pragma('busy_timeout = 10000');
    reader.pragma('cache_size = -65536');
    return new SqliteEventStore(options.file, writer, reader, { ...options, positions });
  } catch (error) {
    writer.close();
    throw error;
  }
}
