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
 */
import { fstatSync, fsync, openSync, closeSync, statSync } from 'node:fs';

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

  constructor(
    private readonly walFile: string,
    /** Runs after each fsync that settled commits (the writer wakes subscriptions and drain waiters). */
    private readonly synced: () => void,
  ) {}

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
   * `before`: the position of the last row before this commit; `last`: its last row's.
   */
  committed(before: number, last: number, settle: (error: unknown) => void): void {
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
    fsync(fd, (error) => {
      this.inFlight = false;
      const done = this.covering;
      this.covering = [];
      if (error) this.failed = new Error(`fsync of ${this.walFile} failed: ${error.message}`);
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
