/**
 * The bounded change log (`projection_changes`): once a serving generation has caught up, the changes
 * of every event are kept (the last `limit`, pruned in steps) so a feed can resume after `Last-Event-ID`.
 * `logFrom` on a generation is the position the log reaches back to (null: no log yet).
 */
import type Database from 'better-sqlite3';
import { changesJson } from './doc-json.js';
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
      insertChange: db.prepare('INSERT OR REPLACE INTO projection_changes (name, generation, position, changes) VALUES (?, ?, ?, ?)'),
      countChanges: db.prepare('SELECT count(*) FROM projection_changes WHERE name = ? AND generation = ?').pluck(),
      changeCutoff: db
        .prepare('SELECT position FROM projection_changes WHERE name = ? AND generation = ? ORDER BY position DESC LIMIT 1 OFFSET ?')
        .pluck(),
      pruneChanges: db.prepare('DELETE FROM projection_changes WHERE name = ? AND generation = ? AND position <= ?'),
      deleteChanges: db.prepare('DELETE FROM projection_changes WHERE name = ? AND generation = ?'),
      changesAfter: db
        .prepare('SELECT position, changes FROM projection_changes WHERE name = ? AND generation = ? AND position > ? ORDER BY position')
        .raw(true),
    };
  }

  /** The entries logged for one generation. */
  count(name: string, generation: number): number {
    return Number(this.stmts.countChanges.get(name, generation));
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

  /** Logs the entry's pending changes and prunes its log (inside the flush's transaction). */
  append(e: Entry): void {
    const u = e.live;
    if (u.logFrom === null || u !== e.serving) return;
    const s = this.stmts;
    for (const m of u.pending) {
      if (m.position <= u.logFrom) continue;
      s.insertChange.run(u.name, u.generation, m.position, changesJson(m.changes));
      u.logCount++;
    }
    if (this.overLimit(u)) {
      const cutoff = s.changeCutoff.get(u.name, u.generation, this.limit) as number | undefined;
      if (cutoff !== undefined) {
        s.pruneChanges.run(u.name, u.generation, cutoff);
        u.logFrom = BigInt(cutoff);
        u.logCount = this.limit;
      }
    }
  }

  /** The logged change messages after `position`, or null when the log does not reach back that far. */
  after(u: Unit, position: bigint): ChangeMessage[] | null {
    if (u.logFrom === null || position < u.logFrom) return null;
    const rows = this.stmts.changesAfter.all(u.name, u.generation, position) as Array<[number, string]>;
    return rows.map(([p, c]) => ({ position: BigInt(p), changes: JSON.parse(c) as DocChange[] }));
  }

  private overLimit(u: Unit): boolean {
    return u.logCount > this.limit * 1.25;
  }
}
