/**
 * The bounded change log (`projection_changes`): once a serving generation has caught up, the changes
 * of every event are kept (the last `limit`, pruned in steps) so a feed can resume after `Last-Event-ID`.
 * `logFrom` on a generation is the position the log reaches back to (null: no log yet).
 */
import type Database from 'better-sqlite3';
import { changesJson } from './doc-json.js';
import { INSERT_CHANGE_SQL, PRUNE_CHANGES_SQL } from './sqlite-schema.js';
import type { ChangeMessage, DocChange } from './types.js';
import type { Entry, Unit } from './unit.js';

export class ChangeLog {
  private readonly stmts;

  constructor(
    db: Database.Database,
    /** Entries kept per generation (pruned back to this once it is exceeded by a quarter). */
    private readonly limit: number,
  ) {
    this.stmts = {
      insertChange: db.prepare(INSERT_CHANGE_SQL),
      pruneChanges: db.prepare(PRUNE_CHANGES_SQL),
      deleteChanges: db.prepare('DELETE FROM projection_changes WHERE name = ? AND generation = ?'),
      changesAfter: db
        .prepare('SELECT position, changes FROM projection_changes WHERE name = ? AND generation = ? AND position > ? ORDER BY position')
        .raw(true),
      positions: db.prepare('SELECT position FROM projection_changes WHERE name = ? AND generation = ? ORDER BY position').pluck().safeIntegers(true),
    };
  }

  /** The positions logged for one generation, in order (a unit keeps them, to prune without reading). */
  positions(name: string, generation: number): bigint[] {
    return this.stmts.positions.all(name, generation) as bigint[];
  }

  /** Deletes one generation's log. */
  drop(name: string, generation: number): void {
    this.stmts.deleteChanges.run(name, generation);
  }

  /** A generation that serves and has caught up starts its change log (for resume) now. */
  begin(e: Entry): void {
    const u = e.live;
    if (u === e.serving && u.caughtUp && u.logFrom === null && u.status !== 'failed') {
      // changes up to here are not in the log: resume is possible from this position on
      u.logFrom = u.position;
      u.statusDirty = true;
    }
  }

  /** True when flushing this entry would write or prune its change log. */
  hasWork(e: Entry): boolean {
    const u = e.live;
    return u === e.serving && u.logFrom !== null && (u.pending.length > 0 || this.overLimit(u));
  }

  /**
   * The entry's pending changes as change-log rows (flat position, JSON pairs) and the prune they
   * call for (the position at and before which rows go, or null); the unit's log bookkeeping
   * (`logPositions`, `logFrom`) is moved on as if they were written. The flush writes them, on the
   * writer thread or here (`write`), in the same transaction as the documents and the checkpoint.
   */
  take(e: Entry): { rows: Array<bigint | string>; prune: bigint | null } {
    const u = e.live;
    const rows: Array<bigint | string> = [];
    if (u.logFrom === null || u !== e.serving) return { rows, prune: null };
    for (const m of u.pending) {
      if (m.position <= u.logFrom) continue;
      rows.push(m.position, changesJson(m.changes));
      u.logPositions.push(m.position);
    }
    let prune: bigint | null = null;
    if (this.overLimit(u)) {
      // keep the newest `limit`: the log then reaches back to the newest one dropped
      const drop = u.logPositions.length - this.limit;
      prune = u.logPositions[drop - 1]!;
      u.logPositions = u.logPositions.slice(drop);
      u.logFrom = prune;
    }
    return { rows, prune };
  }

  /** Writes rows and a prune from `take` (inside a transaction). */
  write(name: string, generation: number, rows: ReadonlyArray<bigint | string>, prune: bigint | null): void {
    const s = this.stmts;
    for (let i = 0; i < rows.length; i += 2) s.insertChange.run(name, generation, rows[i], rows[i + 1]);
    if (prune !== null) s.pruneChanges.run(name, generation, prune);
  }

  /** The logged change messages after `position`, or null when the log does not reach back that far. */
  after(u: Unit, position: bigint): ChangeMessage[] | null {
    if (u.logFrom === null || position < u.logFrom) return null;
    const rows = this.stmts.changesAfter.all(u.name, u.generation, position) as Array<[number, string]>;
    return rows.map(([p, c]) => ({ position: BigInt(p), changes: JSON.parse(c) as DocChange[] }));
  }

  private overLimit(u: Unit): boolean {
    return u.logPositions.length > this.limit * 1.25;
  }
}
