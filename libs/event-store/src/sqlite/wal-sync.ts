/**
 * Durability off the event loop: the write connection commits with `synchronous = NORMAL` (WAL
 * mode: COMMIT writes the transaction's frames to the WAL file and returns without fsync; SQLite
 * still syncs around every checkpoint, so the file is never corrupted), and the WAL file is then
 * fsynced here, on libuv's thread pool, while the event loop goes on taking requests and writing
 * the next group commit. An append is settled (its promise resolved or rejected) only once an
 * fsync that began after its COMMIT has completed: every acknowledged append is on disk, as with
 * `synchronous = FULL`, but no fsync ever blocks the event loop, and one fsync covers every commit
 * made while the previous one was running.
 *
 * Subscriptions deliver only durable events (`durableLimit`): a projection never checkpoints past
 * an event a power loss could take back.
 *
 * A lone writer (each append awaited before the next) would pay the thread-pool hop on every
 * append for nothing: there is no other commit to share the fsync with. So when a commit is alone
 * (one call in its batch, none queued behind it, no earlier commit waiting for its fsync) and the
 * writer has been calm for CALM_BEFORE_INLINE such commits, it runs at `synchronous = FULL`
 * (`chooseInline`): SQLite fsyncs the WAL inside COMMIT and the append is durable when COMMIT
 * returns. Only while such a COMMIT takes at most `inlineMaxMs` (a slow disk would stall the event
 * loop): a slower one sends the writer back to pool fsyncs, and inline is tried again after
 * PROBE_EVERY commits. Concurrent writers (group commit) are never inline.
 */
import { fstatSync, fsync, openSync, closeSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';

/** Consecutive lone commits (pool-synced) before a lone commit runs inline. */
export const CALM_BEFORE_INLINE = 8;
/** After an inline commit slower than `inlineMaxMs`: commits before inline is tried again. */
export const PROBE_EVERY = 32;
/** The longest an inline COMMIT (its fsync included) may take for the writer to stay inline (ms). */
export const INLINE_MAX_MS = 2;

/** What WalSync counts (part of `SqliteStoreStats`). */
export interface SyncStats {
  /** Commits made durable by their own COMMIT at `synchronous = FULL` (a lone writer). */
  inlineSyncs: number;
  /** fsyncs of the WAL file begun on the thread pool. */
  poolSyncs: number;
}

export interface InlineOptions {
  /** The write connection: its `synchronous` level is switched for inline commits. Without it, never inline. */
  db?: Database.Database;
  /** See INLINE_MAX_MS (default). */
  inlineMaxMs?: number;
  stats?: SyncStats;
}

const NORMAL = 1;
const FULL = 2;

interface Pending {
  settle: (error: unknown) => void;
  last: number;
}

export class WalSync {
  private fd: number | null = null;
  /** Commits no fsync has begun to cover yet. */
  private waiting: Pending[] = [];
  /** Commits the fsync in flight covers. */
  private covering: Pending[] = [];
  private inFlight = false;
  /** Set when an fsync failed: nothing more is acknowledged (the writer refuses appends). */
  failed: Error | null = null;
  /** Every row at or below this position is on disk while commits are pending (see `durableLimit`). */
  private durable = 0;
  private readonly db: Database.Database | null;
  private readonly inlineMaxMs: number;
  readonly stats: SyncStats;
  /** The write connection's `synchronous` level as last read from it; null when a switch failed. */
  private level: number | null = null;
  /** Consecutive lone commits so far. */
  private calm = 0;
  /** Commits to go before inline is tried again (after a slow inline commit). */
  private probeIn = 0;

  constructor(
    private readonly walFile: string,
    /** Runs after each fsync that settled commits (the writer wakes subscriptions and drain waiters). */
    private readonly synced: () => void,
    options: InlineOptions = {},
  ) {
    this.db = options.db ?? null;
    this.inlineMaxMs = options.inlineMaxMs ?? INLINE_MAX_MS;
    this.stats = options.stats ?? { inlineSyncs: 0, poolSyncs: 0 };
    if (this.db) this.level = Number(this.db.pragma('synchronous', { simple: true }));
  }

  /**
   * Before BEGIN of a commit (the level cannot change inside a transaction): true when it is to run
   * inline, the connection now confirmed at FULL; false: at NORMAL (or unknown, after a failed
   * switch), settled by a pool fsync. `alone`: one call in the batch and none queued after it.
   */
  chooseInline(alone: boolean): boolean {
    if (this.db === null) return false;
    if (this.probeIn > 0) this.probeIn -= 1;
    const lone = alone && !this.pending && this.failed === null;
    const inline = lone && this.calm >= CALM_BEFORE_INLINE && this.probeIn === 0;
    this.calm = lone ? this.calm + 1 : 0;
    if (inline && this.setLevel(FULL)) return true;
    this.setLevel(NORMAL); // a failure leaves it at FULL or unknown: slower, never less durable
    return false;
  }

  /**
   * Runs the COMMIT of a commit `chooseInline` answered for. Inline: timed (too slow: back to pool
   * fsyncs for PROBE_EVERY commits), and an fsync error in it fails this WalSync as a failed pool
   * fsync does (thrown: the batch is refused, and so is every append after it).
   */
  commit(statement: Database.Statement, inline: boolean): void {
    if (!inline) {
      statement.run();
      return;
    }
    const t0 = performance.now();
    try {
      statement.run();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'SQLITE_IOERR_FSYNC' || code === 'SQLITE_IOERR_DIR_FSYNC') throw this.fail(error);
      throw error;
    } finally {
      if (performance.now() - t0 > this.inlineMaxMs) this.probeIn = PROBE_EVERY;
    }
  }

  private setLevel(want: number): boolean {
    if (this.level === want) return true;
    try {
      this.db!.exec(`PRAGMA synchronous = ${want === FULL ? 'FULL' : 'NORMAL'}`);
      this.level = Number(this.db!.pragma('synchronous', { simple: true })); // the connection's own answer
    } catch {
      this.level = null;
    }
    return this.level === want;
  }

  private fail(error: unknown): Error {
    const message = error instanceof Error ? error.message : String(error);
    this.failed ??= new Error(`fsync of ${this.walFile} failed: ${message}`, { cause: error });
    return this.failed;
  }

  /** Commits not yet on disk. */
  get pending(): boolean {
    return this.inFlight || this.waiting.length > 0;
  }

  /**
   * The highest position subscriptions may deliver: null when every committed row is on disk;
   * else the last position of the commits already synced (rows after it may still be lost).
   */
  durableLimit(): number | null {
    return this.pending ? this.durable : null;
  }

  /**
   * A COMMIT returned: `settle` runs once it is on disk (with the fsync's error if that failed).
   * `before`: the position of the last row before this commit; `last`: its last row's. `inline`:
   * it ran inline (`chooseInline`), so it is on disk already (and nothing earlier is pending).
   */
  committed(before: number, last: number, settle: (error: unknown) => void, inline = false): void {
    if (inline) {
      this.stats.inlineSyncs += 1;
      return settle(null);
    }
    if (!this.pending) this.durable = before;
    this.waiting.push({ settle, last });
    if (!this.inFlight) this.start();
  }

  private start(): void {
    if (this.failed) return this.settleAll(this.waiting.splice(0), this.failed);
    let fd: number;
    try {
      fd = this.open();
    } catch (error) {
      this.failed = error instanceof Error ? error : new Error(String(error));
      return this.settleAll(this.waiting.splice(0), this.failed);
    }
    this.covering = this.waiting;
    this.waiting = [];
    this.inFlight = true;
    this.stats.poolSyncs += 1;
    fsync(fd, (error) => {
      this.inFlight = false;
      const done = this.covering;
      this.covering = [];
      if (error) this.fail(error);
      else for (const p of done) if (p.last > this.durable) this.durable = p.last;
      this.settleAll(done, this.failed);
      if (this.waiting.length > 0) this.start();
      this.synced();
    });
  }

  private settleAll(list: Pending[], error: unknown): void {
    for (const p of list) p.settle(error ?? null);
  }

  /** The WAL file's descriptor (reopened if the file was replaced: an fsync must reach the file SQLite writes). */
  private open(): number {
    if (this.fd !== null && fstatSync(this.fd).ino === statSync(this.walFile).ino) return this.fd;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.fd = openSync(this.walFile, 'r');
    return this.fd;
  }

  /** Closes the descriptor (call when nothing is pending). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
