/**
 * The time machine's history, recorded by the projection runner from its OWN fold (no second fold
 * of the log): as the runner applies each event to a projection's live generation, the recorder
 *
 * - adds the event to the time index (`projection_time_index`: position → the running maximum of
 *   `metadata.at` up to it, so `asOf` T is a prefix of the log);
 * - every `snapshotEvery` events of a projection, takes a snapshot: the documents the fold changed
 *   since the previous snapshot, as they are in the runner's cache at that position
 *   (`projection_snapshot_docs`, null = deleted; `projection_snapshots` lists the positions), keyed
 *   by projection name, version and position.
 *
 * Everything is written in the runner's flush, in the SAME transaction as the documents and the
 * checkpoint (on the main thread or the catch-up writer thread), so history and checkpoint never
 * disagree after a crash. Per generation the recorder also keeps, in that transaction, how many
 * events have passed since the last snapshot and which documents changed since
 * (`projection_history`, `projection_history_pending`): a restart resumes the count and the set
 * exactly where the checkpoint is. A generation whose history does not reach its checkpoint (a file
 * written before the history existed) is rebuilt from 0 by the runner's version machinery
 * (`GenerationStore.open`), the old generation serving until the rebuild has caught up.
 *
 * Per document the recorder also keeps the first and last snapshot it has a row at
 * (`projection_snapshot_ids`, and in memory as a `Span`): a snapshot reader at S shares the live
 * document when it has not changed since S (`HistoryHead`, `snapshot-reader.ts`).
 *
 * Memory: two positions per document ever snapshotted, the ids changed since the last snapshot, and
 * what waits for the next flush.
 */
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@saksflyt/event-store';
import type { Unit } from './unit.js';

export const HISTORY_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS projection_time_index (
  position INTEGER PRIMARY KEY,
  at_ms    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS projection_time_index_at ON projection_time_index (at_ms, position);
CREATE TABLE IF NOT EXISTS projection_snapshots (
  name     TEXT    NOT NULL,
  version  INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (name, version, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS projection_snapshot_docs (
  name       TEXT    NOT NULL,
  version    INTEGER NOT NULL,
  collection TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  position   INTEGER NOT NULL,
  doc        TEXT,
  PRIMARY KEY (name, version, collection, id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS projection_snapshot_ids (
  name       TEXT    NOT NULL,
  version    INTEGER NOT NULL,
  collection TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  first      INTEGER NOT NULL,
  last       INTEGER NOT NULL,
  PRIMARY KEY (name, version, collection, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS projection_history (
  name       TEXT    NOT NULL,
  generation INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  position   INTEGER NOT NULL,
  since      INTEGER NOT NULL,
  PRIMARY KEY (name, generation)
);
CREATE TABLE IF NOT EXISTS projection_history_pending (
  name       TEXT    NOT NULL,
  generation INTEGER NOT NULL,
  collection TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  PRIMARY KEY (name, generation, collection, id)
) WITHOUT ROWID;
`;

/** The statements of a history write (shared with the catch-up writer thread); an op is `[index, ...parameters]`. */
export const HISTORY_SQL = [
  'INSERT OR IGNORE INTO projection_time_index (position, at_ms) VALUES (?, ?)',
  'INSERT OR REPLACE INTO projection_snapshot_docs (name, version, collection, id, position, doc) VALUES (?, ?, ?, ?, ?, ?)',
  'INSERT OR IGNORE INTO projection_snapshots (name, version, position) VALUES (?, ?, ?)',
  'INSERT OR REPLACE INTO projection_history (name, generation, version, position, since) VALUES (?, ?, ?, ?, ?)',
  'DELETE FROM projection_history_pending WHERE name = ? AND generation = ?',
  'INSERT OR IGNORE INTO projection_history_pending (name, generation, collection, id) VALUES (?, ?, ?, ?)',
  'INSERT INTO projection_snapshot_ids (name, version, collection, id, first, last) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name, version, collection, id) DO UPDATE SET last = excluded.last',
] as const;
const INDEX = 0;
const SNAPSHOT_DOC = 1;
const SNAPSHOT = 2;
const HEAD = 3;
const CLEAR_PENDING = 4;
const PENDING = 5;
const SPAN = 6;

/** The first and last snapshot at which a document has a row (its content or its deletion). */
export interface Span {
  first: bigint;
  last: bigint;
}

/**
 * What a snapshot reader needs of the live fold: per collection every document ever snapshotted with
 * its span, and the live document when it is still the one of its last snapshot (so a reader at S
 * shares it instead of reading it back: a document is never changed after \`put\`).
 */
export interface HistoryHead {
  spans(collection: string): ReadonlyMap<string, Span> | undefined;
  /** The live document (undefined: deleted) when it has not changed since its last snapshot; \`CHANGED\` otherwise. */
  unchanged(collection: string, id: string): unknown;
}
export const CHANGED = Symbol('changed since the last snapshot');

export type HistoryOp = Array<string | number | bigint | null>;

/** Runs history ops with the statements of `HISTORY_SQL` prepared on one connection (inside its transaction). */
export function writeHistory(stmts: readonly Database.Statement[], ops: readonly HistoryOp[]): void {
  for (const op of ops) stmts[op[0] as number]!.run(...op.slice(1));
}

/** One live generation's part of the history. */
interface Track {
  unit: Unit;
  /** Events passed since the last snapshot. */
  since: number;
  /** Documents changed since the last snapshot. */
  changed: Map<string, Set<string>>;
  /** Flat (collection, id) of `changed` not yet in `projection_history_pending`. */
  unsaved: string[];
  /** A snapshot was taken since the last write: the pending rows start again. */
  clearPending: boolean;
  /** Snapshots taken, not yet written: position and flat (collection, id, document or undefined = deleted). */
  snaps: Array<{ position: bigint; rows: unknown[] }>;
  /** Every document ever snapshotted, per collection, with its span (memory: two positions per document). */
  spans: Map<string, Map<string, Span>>;
}

export class HistoryRecorder {
  private readonly tracks: Track[] = [];
  private readonly stmts;
  private readonly writeStmts: Database.Statement[];
  /** The last position in the time index (written or waiting) and the running maximum of its times. */
  private indexed: bigint;
  private indexedAt: number;
  /** The highest position the subscription has delivered (or caught up at). */
  private cursor: bigint;
  /** Flat (position, at_ms) waiting for the next write. */
  private index: Array<bigint | number> = [];
  /** Ops of a write that failed, written first next time. */
  private carry: HistoryOp[] = [];

  constructor(
    private readonly db: Database.Database,
    readonly snapshotEvery: number,
  ) {
    db.exec(HISTORY_SCHEMA_SQL);
    const big = <S extends Database.Statement>(s: S): S => s.safeIntegers(true) as S;
    this.stmts = {
      indexHead: big(db.prepare('SELECT position, at_ms FROM projection_time_index ORDER BY position DESC LIMIT 1')),
      head: big(db.prepare('SELECT position, since FROM projection_history WHERE name = ? AND generation = ? AND version = ?')),
      pending: db.prepare('SELECT collection, id FROM projection_history_pending WHERE name = ? AND generation = ?').raw(true),
      spans: big(db.prepare('SELECT collection, id, first, last FROM projection_snapshot_ids WHERE name = ? AND version = ?').raw(true)),
      dropOtherVersions: [
        db.prepare('DELETE FROM projection_snapshots WHERE name = ? AND version <> ?'),
        db.prepare('DELETE FROM projection_snapshot_docs WHERE name = ? AND version <> ?'),
        db.prepare('DELETE FROM projection_snapshot_ids WHERE name = ? AND version <> ?'),
      ],
      dropVersion: [
        db.prepare('DELETE FROM projection_snapshots WHERE name = ? AND version = ?'),
        db.prepare('DELETE FROM projection_snapshot_docs WHERE name = ? AND version = ?'),
        db.prepare('DELETE FROM projection_snapshot_ids WHERE name = ? AND version = ?'),
      ],
      dropOtherGenerations: [
        db.prepare('DELETE FROM projection_history WHERE name = ? AND generation <> ?'),
        db.prepare('DELETE FROM projection_history_pending WHERE name = ? AND generation <> ?'),
      ],
      dropGeneration: [db.prepare('DELETE FROM projection_history WHERE name = ? AND generation = ?'), db.prepare('DELETE FROM projection_history_pending WHERE name = ? AND generation = ?')],
    };
    this.writeStmts = HISTORY_SQL.map((s) => db.prepare(s));
    const head = this.stmts.indexHead.get() as { position: bigint; at_ms: bigint } | undefined;
    this.indexed = this.cursor = head?.position ?? 0n;
    this.indexedAt = head ? Number(head.at_ms) : Number.NEGATIVE_INFINITY;
  }

  /** The position the time index has reached (the subscription starts no later than this). */
  get indexPosition(): bigint {
    return this.indexed;
  }

  /** True when the generation's recorded history reaches its checkpoint (a fresh one always does). */
  covers(name: string, generation: number, version: number, position: bigint): boolean {
    if (position === 0n) return true;
    const h = this.stmts.head.get(name, generation, version) as { position: bigint } | undefined;
    return h !== undefined && h.position === position;
  }

  /** Records the history of a projection's live generation from here on (call inside the load transaction). */
  track(unit: Unit): void {
    const s = this.stmts;
    const { name, version, generation } = unit;
    for (const d of s.dropOtherVersions) d.run(name, version);
    for (const d of s.dropOtherGenerations) d.run(name, generation);
    const t: Track = { unit, since: 0, changed: new Map(), unsaved: [], clearPending: false, snaps: [], spans: new Map() };
    if (unit.position === 0n) {
      // a fold from the first event: whatever this version had recorded is taken afresh
      for (const d of s.dropVersion) d.run(name, version);
      for (const d of s.dropGeneration) d.run(name, generation);
    } else {
      const h = s.head.get(name, generation, version) as { since: bigint } | undefined;
      t.since = h ? Number(h.since) : 0;
      for (const [collection, id] of s.pending.iterate(name, generation) as Iterable<[string, string]>) this.addChanged(t, collection, id, false);
      for (const [collection, id, first, last] of s.spans.iterate(name, version) as Iterable<[string, string, bigint, bigint]>) this.spansOf(t, collection).set(id, { first, last });
    }
    unit.onWrite = (collection, id) => this.addChanged(t, collection, id, true);
    this.tracks.push(t);
  }

  private spansOf(t: Track, collection: string): Map<string, Span> {
    let m = t.spans.get(collection);
    if (!m) t.spans.set(collection, (m = new Map()));
    return m;
  }

  /** What snapshot readers share of the projection's live fold (undefined: not recorded here). */
  head(name: string, version: number): HistoryHead | undefined {
    const t = this.tracks.find((x) => x.unit.name === name && x.unit.version === version);
    if (!t) return undefined;
    return {
      spans: (collection) => t.spans.get(collection),
      unchanged: (collection, id) => (t.changed.get(collection)?.has(id) ? CHANGED : t.unit.cache.get(collection)?.get(id)),
    };
  }

  private addChanged(t: Track, collection: string, id: string, unsaved: boolean): void {
    let ids = t.changed.get(collection);
    if (!ids) t.changed.set(collection, (ids = new Set()));
    if (ids.has(id)) return;
    ids.add(id);
    if (unsaved) t.unsaved.push(collection, id);
  }

  /** Adds an event to the time index (once); true when it was new to it. */
  indexEvent(e: RecordedEvent): boolean {
    if (e.position > this.cursor) this.cursor = e.position;
    if (e.position <= this.indexed) return false;
    const ms = Date.parse(e.metadata.at);
    if (!Number.isNaN(ms) && ms > this.indexedAt) this.indexedAt = ms;
    this.index.push(e.position, this.indexedAt === Number.NEGATIVE_INFINITY ? 0 : this.indexedAt);
    this.indexed = e.position;
    return true;
  }

  /** The subscription caught up at `position`. */
  caughtUp(position: bigint): void {
    if (position > this.cursor) this.cursor = position;
  }

  /** The unit has passed one more event (applied it, or skipped a type it does not read): a snapshot every `snapshotEvery`. */
  passed(unit: Unit): void {
    const t = this.tracks.find((x) => x.unit === unit);
    if (!t || ++t.since < this.snapshotEvery) return;
    t.since = 0;
    const rows: unknown[] = [];
    const position = unit.position;
    for (const [collection, ids] of t.changed) {
      const map = unit.cache.get(collection);
      const spans = this.spansOf(t, collection);
      for (const id of ids) {
        rows.push(collection, id, map?.get(id));
        const span = spans.get(id);
        if (span) span.last = position;
        else spans.set(id, { first: position, last: position });
      }
    }
    t.snaps.push({ position, rows });
    t.changed = new Map();
    t.unsaved = [];
    t.clearPending = true;
  }

  /** The lowest position the history has reached: the index and every live generation that has not failed. */
  reached(): bigint {
    let low = this.cursor;
    for (const t of this.tracks) if (t.unit.status !== 'failed' && t.unit.position < low) low = t.unit.position;
    return low;
  }

  /** True when a flush has history to write. */
  hasWork(): boolean {
    return this.carry.length > 0 || this.index.length > 0 || this.tracks.some((t) => t.snaps.length > 0 || t.unsaved.length > 0 || t.clearPending);
  }

  /** What the next flush writes (with every live generation's head row); `restore` them if it fails. */
  take(): HistoryOp[] {
    const ops = this.carry;
    this.carry = [];
    const index = this.index;
    for (let i = 0; i < index.length; i += 2) ops.push([INDEX, index[i]!, index[i + 1]!]);
    this.index = [];
    for (const t of this.tracks) {
      const { name, version, generation } = t.unit;
      for (const s of t.snaps) {
        const r = s.rows;
        for (let i = 0; i < r.length; i += 3) {
          ops.push([SNAPSHOT_DOC, name, version, r[i] as string, r[i + 1] as string, s.position, r[i + 2] === undefined ? null : JSON.stringify(r[i + 2])]);
          ops.push([SPAN, name, version, r[i] as string, r[i + 1] as string, s.position, s.position]);
        }
        ops.push([SNAPSHOT, name, version, s.position]);
      }
      t.snaps = [];
      if (t.clearPending) {
        ops.push([CLEAR_PENDING, name, generation]);
        for (const [collection, ids] of t.changed) for (const id of ids) ops.push([PENDING, name, generation, collection, id]);
        t.clearPending = false;
      } else for (let i = 0; i < t.unsaved.length; i += 2) ops.push([PENDING, name, generation, t.unsaved[i]!, t.unsaved[i + 1]!]);
      t.unsaved = [];
      ops.push([HEAD, name, generation, version, t.unit.position, t.since]);
    }
    return ops;
  }

  /** A write of `ops` failed: they are written first by the next one. */
  restore(ops: HistoryOp[]): void {
    this.carry = ops.concat(this.carry);
  }

  /** Writes ops on the runner's connection (inside the flush's transaction). */
  write(ops: readonly HistoryOp[]): void {
    writeHistory(this.writeStmts, ops);
  }
}
