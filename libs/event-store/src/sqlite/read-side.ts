/**
 * The read side, on its own read connection: reads and subscriptions.
 *
 * - Reads page with `LIMIT`; no statement iterator is ever held open across an await.
 * - Subscriptions catch up page by page, emit one `caughtUp`, then go live: woken by in-process
 *   appends (`notify`, after every group commit) and, for commits by other processes, by polling
 *   `PRAGMA data_version`. A long catch-up of `subscribeToAll` reads its pages on a worker thread
 *   (`catch-up-reader.ts`).
 */
import type Database from 'better-sqlite3';
import { Observable } from 'rxjs';
import { StreamNotFound, type ReadAllOptions, type ReadStreamOptions, type RecordedEvent, type SubscriptionMessage } from '../port.js';
import { CatchUpReader } from './catch-up-reader.js';
import type { RecentRows } from './recent-rows.js';
import { COLUMNS, toEvent, type Row } from './schema.js';

/** What the read side counts (part of `SqliteStoreStats`). */
export interface ReadStats {
  /** Largest number of rows materialised by one read page (≤ pageSize). */
  maxRowsPerPage: number;
  /** Pages read (readStream, readAll, subscriptions). */
  pagesRead: number;
  /** Rows read in total. */
  rowsRead: number;
  /** Of the pages read, those read by a catch-up reader thread. */
  threadPages: number;
  /** Reads after a position answered from the rows committed last, in memory (not counted as pages). */
  recentReads: number;
}

export class ReadSide {
  /** Set by `close`: subscriptions stop, polling stops. */
  closed = false;
  private readonly listeners = new Set<() => void>();
  private readonly completers = new Set<() => void>();
  private pollTimer: NodeJS.Timeout | null = null;
  private lastDataVersion = 0;

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
    private readonly file: string,
    reader: Database.Database,
    readonly pageSize: number,
    private readonly pollIntervalMs: number,
    private readonly catchUpThreadMin: number | false,
    private readonly stats: ReadStats,
    /** Subscriptions deliver no event after this position (null: no limit): the writer's commits not yet on disk (`WalSync`). */
    private readonly durableLimit: () => number | null = () => null,
    /** The rows this process committed last (`recent-rows.ts`): reads after the head's recent past are answered from them. */
    private readonly recent: RecentRows | null = null,
    /** The head as the writer knows it (undefined: another connection may have written; read the file). */
    private readonly knownHead: () => bigint | undefined = () => undefined,
  ) {
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
        const typeSet = types !== undefined ? new Set(options.types) : undefined;
        while (remaining > 0) {
          const limit = Math.min(self.pageSize, remaining);
          // after the head's recent past (exclusive cursors only): from the rows committed last
          const rows =
            (stmt === self.rAllAfter ? self.recentPage(cursor, limit, typeSet) : null) ??
            (types !== undefined ? self.page(self.rAllAfterTypes, cursor, types, limit) : self.page(stmt, cursor, limit));
          for (const r of rows) yield toEvent(r);
          remaining -= rows.length;
          if (rows.length < limit) return;
          cursor = rows[rows.length - 1][0];
          stmt = self.rAllAfter;
        }
      },
    };
  }

  async headPosition(): Promise<bigint> {
    const h = this.rHead.get() as number | null;
    return h == null ? 0n : BigInt(h);
  }

  // ---------------------------------------------------------------- subscriptions

  /**
   * The page after the cursor from the rows committed last, when they answer it as the file would:
   * a full page, or a short one that reaches the head as the writer knows it (no other connection
   * has written after it). Null: read the page from the file.
   */
  private recentPage(cursor: number | bigint, limit: number, types?: ReadonlySet<string>): Row[] | null {
    const r = this.recent?.after(cursor, limit, types) ?? null;
    if (r === null || (r.rows.length < limit && this.knownHead() !== BigInt(r.end))) return null;
    this.stats.recentReads += 1;
    return r.rows;
  }

  subscribeToAll(options: { after?: bigint } = {}): Observable<SubscriptionMessage> {
    const readAfter = (after: bigint, limit: number): Row[] => this.recentPage(after, limit) ?? this.page(this.rAllAfter, after, limit);
    return this.subscribe(readAfter, options.after ?? 0n, true, (after) => {
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
        /** An event not yet on disk was left for the wake after its fsync. */
        let held = false;
        try {
          const cap = this.durableLimit();
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
              if (cap !== null && event.position > BigInt(cap)) {
                held = true;
                endReader(); // the rest is read again after the cursor, once on disk
                break;
              }
              deliver(event);
            }
          } else {
            const rows = readAfter(cursor, this.pageSize);
            count = rows.length;
            for (const r of rows) {
              if (stopped) break;
              if (cap !== null && r[0] > cap) {
                held = true;
                break;
              }
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
        if (count === this.pageSize && !held) {
          setImmediate(step); // more to read: next page on a later turn, so appends keep flowing
          return;
        }
        if (!caughtUp) {
          caughtUp = true;
          const cap = this.durableLimit();
          const head = (this.rHead.get() as number | null) ?? 0;
          const position = byPosition ? lastPosition : BigInt(cap !== null && cap < head ? cap : head);
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

  /** Wakes every live subscription (called after each group commit, and by the poll). */
  notify(): void {
    for (const fn of [...this.listeners]) fn();
  }

  /** Stops polling and completes every subscription. */
  close(): void {
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.listeners.clear();
    for (const complete of [...this.completers]) complete();
    this.completers.clear();
  }
}
