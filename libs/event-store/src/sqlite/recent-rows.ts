/**
 * The rows this process committed last, kept in memory for the reads that follow the head: the
 * projection runner's subscription and the catalogue read exactly what was just written, and reading
 * it back from the file cost a statement per page (about 5 % of the server's main thread per command
 * in the `http_commands` bench).
 *
 * The one rule: `rows` are exactly the table's rows with `base < position <= end`. The writer keeps it
 * (`committed`): a batch is written under the file's write lock, so its rows are all the rows between
 * the head it read and the head it left; when no other connection committed since the previous batch
 * (the writer's `data_version`), they extend the rows kept, else the rows kept start again at this
 * batch. Anything outside that range (older, or after `end`: another process may have written) is read
 * from the file as before. Rows enter after COMMIT, so a rolled-back batch is never here; subscriptions
 * still deliver only what is on disk (their durable limit applies to these rows as to any).
 */
import type { Row } from './schema.js';

export class RecentRows {
  private rows: Row[] = [];
  /** The position just before the first row kept (null: nothing known). */
  private base: number | null = null;

  constructor(
    /** Rows kept at least (up to half as many more before the oldest are dropped). */
    private readonly capacity = 4096,
  ) {}

  /** The position of the last row kept (the base when none is). */
  get end(): number | null {
    return this.rows.length ? this.rows[this.rows.length - 1]![0] : this.base;
  }

  /** A batch committed: `rows` (in position order) are every row after `before` up to the new head; `extends` when no other connection committed since the last batch. */
  committed(before: number, rows: readonly Row[], extendsKept: boolean): void {
    if (!extendsKept || this.base === null || this.end !== before) {
      this.rows = [];
      this.base = before;
    }
    for (const r of rows) this.rows.push(r);
    if (this.rows.length > this.capacity * 1.5) {
      const drop = this.rows.length - this.capacity;
      this.base = this.rows[drop - 1]![0];
      this.rows = this.rows.slice(drop);
    }
  }

  /** Forgets everything (a failed batch: the writer reads the head afresh). */
  reset(): void {
    this.rows = [];
    this.base = null;
  }

  /**
   * The rows kept after `cursor` (at most `limit`, only `types` if given), when `base <= cursor < end`;
   * null when the kept rows cannot answer (read the file). An answer short of `limit` holds every kept
   * row after the cursor, up to `end`.
   */
  after(cursor: number | bigint, limit: number, types?: ReadonlySet<string>): { rows: Row[]; end: number } | null {
    const base = this.base;
    const rows = this.rows;
    if (base === null || rows.length === 0) return null;
    const c = Number(cursor);
    const end = rows[rows.length - 1]![0];
    if (c < base || c >= end) return null;
    // the first row after the cursor
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (rows[mid]![0] <= c) lo = mid + 1;
      else hi = mid;
    }
    const out: Row[] = [];
    for (let i = lo; i < rows.length && out.length < limit; i++) {
      const r = rows[i]!;
      if (types === undefined || types.has(r[4])) out.push(r);
    }
    return { rows: out, end };
  }
}
