/**
 * The embedded event store: one SQLite file (better-sqlite3), WAL. Durable: an append is
 * acknowledged only once its transaction is on disk (COMMIT with synchronous=NORMAL, then an fsync
 * of the WAL file off the event loop; a lone writer's COMMIT at synchronous=FULL: `wal-sync.ts`).
 *
 * - Appends are group-committed on the write connection (`group-commit-writer.ts`): concurrent
 *   `append` and `appendMany` calls are written in ONE transaction, each call all or nothing.
 * - Every row carries a tamper-evidence hash chained to the previous row (`schema.ts`: `chainHash`);
 *   positions follow the file's mode (`positions.ts`); `verifyChain` recomputes both
 *   (`verify-chain.ts`).
 * - Reads and subscriptions run on a separate read connection (`read-side.ts`).
 *
 * This module is the store class wiring those parts together, and its opener.
 */
import Database from 'better-sqlite3';
import type { Observable } from 'rxjs';
import type {
  AppendManyResult,
  AppendOptions,
  AppendResult,
  BuiltFrom,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamWrite,
  SubscriptionMessage,
  VerifyOptions,
} from '../port.js';
import { GroupCommitWriter, type WriteStats } from './group-commit-writer.js';
import { fileMode, requestedPositionMode, type PositionMode } from './positions.js';
import { RecentRows } from './recent-rows.js';
import { ReadSide, type ReadStats } from './read-side.js';
import { applyWritePragmas, SCHEMA_SQL } from './schema.js';
import { lastRow, verifyChain, type VerifyChainResult } from './verify-chain.js';
import { WalSync, type SyncStats } from './wal-sync.js';
import { offloadCheckpoints, type Checkpointer } from './checkpointer.js';

export { DuplicateEventId } from './group-commit-writer.js';
export { offloadCheckpoints, type Checkpointer } from './checkpointer.js';
export { requestedPositionMode, storedPositionMode, SPARSE_FIRST_POSITION, SPARSE_ROW_HEADER, sparseRowSize, type PositionMode } from './positions.js';
export { applyWritePragmas, chainHash, GENESIS_HASH, SCHEMA_SQL } from './schema.js';
export type { VerifyChainResult } from './verify-chain.js';

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
  /**
   * A lone writer's commit fsyncs inside COMMIT (`synchronous = FULL`) while that takes at most
   * this long (ms, default INLINE_MAX_MS = 2); slower: the WAL is fsynced on the thread pool. See
   * `wal-sync.ts`.
   */
  inlineSyncMaxMs?: number;
}

/** The store's counters: the writer's (`WriteStats`), the syncs' (`SyncStats`) and the read side's (`ReadStats`). */
export interface SqliteStoreStats extends WriteStats, SyncStats, ReadStats {}

export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  /** One group-commit queue, written in submission order; `expectedLastEventId` is checked. */
  readonly ordersConcurrentAppends = true;
  readonly pageSize: number;
  readonly stats: SqliteStoreStats = {
    transactions: 0,
    appendsCommitted: 0,
    eventsWritten: 0,
    inlineSyncs: 0,
    poolSyncs: 0,
    maxRowsPerPage: 0,
    pagesRead: 0,
    rowsRead: 0,
    threadPages: 0,
    recentReads: 0,
  };
  /** The file's position mode: 'sparse' gaps positions like log offsets (see `nextPosition`). */
  readonly positions: PositionMode;
  private readonly writes: GroupCommitWriter;
  private readonly reads: ReadSide;
  private readonly sync: WalSync;
  /** The write connection's WAL checkpoints, on a thread of their own (`checkpointer.ts`). */
  private readonly checkpoints: Checkpointer;

  constructor(
    readonly file: string,
    private readonly writer: Database.Database,
    private readonly reader: Database.Database,
    options: SqliteStoreOptions,
  ) {
    this.pageSize = options.pageSize ?? 500;
    this.positions = options.positions ?? 'dense';
    this.checkpoints = offloadCheckpoints(writer, file);
    const sync = new WalSync(`${file}-wal`, () => this.writes.onSynced(), {
      db: writer,
      inlineMaxMs: options.inlineSyncMaxMs,
      stats: this.stats,
    });
    this.sync = sync;
    const recent = new RecentRows();
    const reads = new ReadSide(
      file,
      reader,
      this.pageSize,
      options.pollIntervalMs ?? 50,
      options.catchUpThreadMin ?? 20_000,
      this.stats,
      () => sync.durableLimit(),
      recent,
      () => this.writes.knownHeadPosition(),
    );
    this.reads = reads;
    this.writes = new GroupCommitWriter(writer, this.positions, options.maxBatch ?? 512, this.stats, () => reads.notify(), sync, recent);
  }

  append(stream: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.writes.append(stream, events, options);
  }

  appendMany(writes: StreamWrite[]): Promise<AppendManyResult> {
    return this.writes.appendMany(writes);
  }

  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    return this.reads.readStream(stream, options);
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.reads.readAll(options);
  }

  /** Known exactly for a stream this store wrote while no other connection committed since (writer's data_version). */
  knownStreamRevision(stream: string): bigint | undefined {
    return this.writes.knownStreamRevision(stream);
  }

  headPosition(): Promise<bigint> {
    const known = this.writes.knownHeadPosition();
    return known !== undefined ? Promise.resolve(known) : this.reads.headPosition();
  }

  subscribeToAll(options?: { after?: bigint }): Observable<SubscriptionMessage> {
    return this.reads.subscribeToAll(options);
  }

  subscribeToStream(stream: string, options?: { fromRevision?: bigint }): Observable<SubscriptionMessage> {
    return this.reads.subscribeToStream(stream, options);
  }

  /** See `verifyChain` in verify-chain.ts: the hash chain and every row's position, on a snapshot of its own. */
  verify(options?: VerifyOptions): Promise<VerifyChainResult> {
    return verifyChain(this.file, this.positions, options);
  }

  /** The same as `verify` (its earlier name). */
  verifyChain(options?: VerifyOptions): Promise<VerifyChainResult> {
    return this.verify(options);
  }

  /** The last durable row at or before the position (default: the head) and its chain hash. */
  async lastEvent(options: { atOrBefore?: bigint } = {}): Promise<BuiltFrom | null> {
    const head = await this.reads.headPosition(); // the file's own answer (an audit read: never the writer's cache)
    const at = options.atOrBefore === undefined || options.atOrBefore > head ? head : options.atOrBefore;
    return at <= 0n ? null : lastRow(this.reader, at);
  }

  async close(): Promise<void> {
    if (this.writes.closed) return;
    // the queued appends commit first; then, in the same turn, nothing new is taken and every
    // subscription completes
    while (this.writes.busy) await this.writes.nextFlush();
    this.writes.closed = true;
    this.reads.close();
    this.sync.close();
    await this.checkpoints.close();
    this.writer.close();
    this.reader.close();
  }
}

export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteEventStore> {
  const requested = requestedPositionMode(options);
  const writer = new Database(options.file);
  try {
    applyWritePragmas(writer);
    writer.exec(SCHEMA_SQL);
    // the store's own commits: no fsync in COMMIT; the WAL file is fsynced off the event loop
    // before any append is acknowledged (wal-sync.ts), so acknowledged appends are as durable
    writer.pragma('synchronous = NORMAL');
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
