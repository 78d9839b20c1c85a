/**
 * What the group-commit writer knows of the file between its batches: the chain head (the last
 * row's position and hash, where the next row goes), the revision of every stream it wrote, and the
 * rows it committed last (`RecentRows`, for the reads that follow the head). All of it holds while no
 * other connection (another process) has committed since this writer's last batch: that is what the
 * writer connection's `data_version` says (its own commits do not change it).
 */
import type { Row } from './schema.js';
import type { RecentRows } from './recent-rows.js';

/** The chain head: the last row, and where the next one goes. */
export interface BatchHead {
  /** Position of the last row (0 when empty). */
  position: number;
  /** Position the next row gets (the offset rule: `nextPosition`). */
  next: number;
  hash: string;
}

/** Stream revisions kept at most (then forgotten, and read from the file again). */
const STREAMS_KEPT = 10_000;

export class WriterCache {
  private head: BatchHead | null = null;
  /** The writer's data_version when `head` was read. */
  private version = -1;
  private readonly streams = new Map<string, bigint>();
  /** The writer's data_version as read in this turn of the event loop (null: not read yet). */
  private versionSeen: number | null = null;

  constructor(
    /** `PRAGMA data_version` on the writer's connection. */
    private readonly dataVersion: () => number,
    private readonly recent: RecentRows,
  ) {}

  /**
   * At a batch's start, inside its transaction (under the write lock): the head to write on (read
   * from the file by `readHead` when another connection committed since, or nothing is known), and
   * whether the batch follows this writer's previous one (its rows then extend the rows kept).
   */
  begin(readHead: () => BatchHead): { head: BatchHead; follows: boolean } {
    const version = this.dataVersion();
    if (version === this.version && this.head !== null) return { head: this.head, follows: true };
    this.streams.clear();
    this.head = readHead();
    this.version = version;
    return { head: this.head, follows: false };
  }

  /** The revision of a stream as this writer left it (undefined: read it from the file). Inside a batch. */
  streamRevision(stream: string): bigint | undefined {
    return this.streams.get(stream);
  }

  /** A batch committed on `before`: the new head, the streams' revisions and the rows it wrote. */
  committed(before: number, head: BatchHead, streams: ReadonlyMap<string, bigint>, rows: readonly Row[], follows: boolean): void {
    this.head = head;
    this.recent.committed(before, rows, follows);
    if (this.streams.size + streams.size > STREAMS_KEPT) this.streams.clear();
    for (const [stream, rev] of streams) this.streams.set(stream, rev);
  }

  /** A batch failed: nothing is known any more (the next one reads the head from the file). */
  reset(): void {
    this.head = null;
    this.streams.clear();
    this.recent.reset();
  }

  /** Known exactly for a stream this writer wrote while no other connection committed since. */
  knownStreamRevision(stream: string): bigint | undefined {
    return this.valid() ? this.streams.get(stream) : undefined;
  }

  /** The last position committed, known while no other connection committed since (else undefined: read it). */
  knownHeadPosition(): bigint | undefined {
    return this.valid() && this.head !== null ? BigInt(this.head.position) : undefined;
  }

  /**
   * The head and stream revisions still hold: no other connection has committed since this writer's
   * last look. The pragma is read once per turn of the event loop: a commit by another process within
   * the same turn is seen at the next (as if it had come a moment later). Nothing is written on this
   * knowledge alone: every append checks its expected revisions inside its transaction, where
   * `begin` reads the pragma afresh.
   */
  private valid(): boolean {
    if (this.head === null) return false;
    if (this.versionSeen === null) {
      this.versionSeen = this.dataVersion();
      setImmediate(() => {
        this.versionSeen = null;
      }).unref();
    }
    return this.versionSeen === this.version;
  }
}
