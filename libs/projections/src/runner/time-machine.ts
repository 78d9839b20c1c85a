/**
 * The auditor's time machine (API.md "Extensions: the auditor's time machine"): any view of any
 * projection as it stood at a global position or a time, computed by replaying the log up to that
 * point through the SAME projection definitions the runner serves (`projection.evolve`, then the
 * view's `query`), so a view added later answers for every past moment too.
 *
 * Speed, on a store of a million events (stored beside the projections, in the runner's SQLite file;
 * the same tables whichever event store is used):
 * - a time index (`projection_time_index`): per event position, the latest `metadata.at` up to it
 *   (a running maximum, so the index is monotonic): `asOf` T is the last position whose events were
 *   all recorded at or before T (a prefix of the log, never a log with holes);
 * - periodic snapshots (`projection_snapshots`, every `snapshotEvery` events): at each, the documents
 *   changed since the previous one (`projection_snapshot_docs`, null = deleted), keyed by the
 *   projection's name and version (a new version drops the old rows and is snapshotted afresh).
 *   A document at snapshot S is its latest row at or before S.
 *
 * The snapshotted versions are also held in memory (`History`: loaded once from the rows, added to
 * as snapshots are taken; they share the fold's immutable documents). A read at P = the nearest
 * snapshot at or before P + replay of the events after it up to P into an overlay (the snapshot is
 * never copied). Positions are the store's: compared, never computed.
 */
import Database from 'better-sqlite3';
import type { EventStore, RecordedEvent } from '@saksflyt/event-store';
import type { DocReader, DocStore, Projection } from './types.js';
import { Unit } from './unit.js';

export const TIME_MACHINE_SCHEMA_SQL = `
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
`;

export interface TimeMachineOptions {
  store: EventStore;
  /** The runner's SQLite file (the tables above are kept beside the projections' own). */
  file: string;
  projections: readonly Projection<any, any>[];
  /** Events between snapshots (default 1 000: the most a read replays). */
  snapshotEvery?: number;
  /** Replayed moments kept in memory (default 16). */
  cacheSize?: number;
}

/** A moment of the log: the position answered and the time it stood for (ms since the epoch). */
export interface Moment {
  position: bigint;
  atMs: number;
}

/** Thrown for a position the store never gave (or one past its head). */
export class UnknownPosition extends Error {
  constructor(readonly position: bigint) {
    super(`position ${position} is not a position of this store`);
    this.name = 'UnknownPosition';
  }
}

const DELETED = Symbol('deleted');
type Layer = Map<string, Map<string, unknown>>;

/**
 * Every snapshotted version of a projection's documents, in memory (loaded once from the snapshot
 * rows, then added to as snapshots are taken): per collection and id, the snapshot positions at
 * which the document changed (ascending) and its content then (null: deleted). Documents are never
 * changed after `put` (the projection contract), so versions share the objects the fold made.
 */
class History {
  readonly collections = new Map<string, Map<string, { positions: bigint[]; docs: unknown[] }>>();

  add(collection: string, id: string, position: bigint, doc: unknown): void {
    let c = this.collections.get(collection);
    if (!c) this.collections.set(collection, (c = new Map()));
    let v = c.get(id);
    if (!v) c.set(id, (v = { positions: [], docs: [] }));
    v.positions.push(position);
    v.docs.push(doc);
  }

  /** The document as it was at snapshot `position`. */
  at(v: { positions: bigint[]; docs: unknown[] }, position: bigint): unknown {
    for (let i = v.positions.length - 1; i >= 0; i--) if (v.positions[i]! <= position) return v.docs[i] ?? undefined;
    return undefined;
  }
}

/** Documents at a snapshot (each collection listed once per reader). */
class SnapshotReader implements DocReader {
  private readonly lists = new Map<string, Map<string, unknown>>();
  constructor(
    private readonly history: History,
    readonly position: bigint | null,
  ) {}

  get<T>(collection: string, id: string): T | undefined {
    if (this.position === null) return undefined;
    const listed = this.lists.get(collection);
    if (listed) return listed.get(id) as T | undefined;
    const v = this.history.collections.get(collection)?.get(id);
    return (v ? this.history.at(v, this.position) : undefined) as T | undefined;
  }

  map(collection: string): Map<string, unknown> {
    let m = this.lists.get(collection);
    if (m) return m;
    m = new Map();
    const c = this.position === null ? undefined : this.history.collections.get(collection);
    if (c)
      for (const [id, v] of c) {
        const doc = this.history.at(v, this.position!);
        if (doc !== undefined) m.set(id, doc);
      }
    this.lists.set(collection, m);
    return m;
  }

  list<T>(collection: string): T[] {
    return Array.from(this.map(collection).values()) as T[];
  }
}

/** The documents after replaying a tail over a snapshot: writes land here, reads fall through. */
class Overlay implements DocStore {
  private readonly layer: Layer = new Map();
  constructor(private readonly base: SnapshotReader) {}

  get<T>(collection: string, id: string): T | undefined {
    const m = this.layer.get(collection);
    if (m?.has(id)) {
      const d = m.get(id);
      return (d === DELETED ? undefined : d) as T | undefined;
    }
    return this.base.get<T>(collection, id);
  }

  list<T>(collection: string): T[] {
    const base = this.base.map(collection);
    const m = this.layer.get(collection);
    if (!m) return Array.from(base.values()) as T[];
    // no copy of the snapshot's map: its documents not written since, then the ones written (no particular order)
    const out: unknown[] = [];
    for (const [id, d] of base) if (!m.has(id)) out.push(d);
    for (const d of m.values()) if (d !== DELETED) out.push(d);
    return out as T[];
  }

  put(collection: string, id: string, doc: unknown): void {
    if (doc === undefined || doc === null) throw new Error(`put ${collection}/${id}: document is ${String(doc)}`);
    let m = this.layer.get(collection);
    if (!m) this.layer.set(collection, (m = new Map()));
    m.set(id, doc);
  }

  delete(collection: string, id: string): void {
    let m = this.layer.get(collection);
    if (!m) this.layer.set(collection, (m = new Map()));
    m.set(id, DELETED);
  }
}

/** The prepared statements over the time machine's tables. */
class TimeMachineTables {
  readonly db: Database.Database;
  readonly allDocs;
  readonly snapshotBefore;
  readonly lastSnapshot;
  readonly insertSnapshot;
  readonly insertDoc;
  readonly indexHead;
  readonly insertIndex;
  readonly positionAt;
  readonly indexRow;
  readonly dropOtherVersions;

  constructor(file: string) {
    const db = (this.db = new Database(file));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 10000');
    db.exec(TIME_MACHINE_SCHEMA_SQL);
    const big = <S extends Database.Statement>(s: S): S => s.safeIntegers(true) as S;
    this.allDocs = big(db.prepare('SELECT collection, id, position, doc FROM projection_snapshot_docs WHERE name = ? AND version = ? ORDER BY collection, id, position').raw(true));
    // (ORDER BY … LIMIT 1: one index seek; MAX() with a range would walk the range)
    this.snapshotBefore = big(db.prepare('SELECT position AS p FROM projection_snapshots WHERE name = ? AND version = ? AND position <= ? ORDER BY position DESC LIMIT 1'));
    this.lastSnapshot = big(db.prepare('SELECT MAX(position) AS p FROM projection_snapshots WHERE name = ? AND version = ?'));
    this.insertSnapshot = db.prepare('INSERT OR IGNORE INTO projection_snapshots (name, version, position) VALUES (?, ?, ?)');
    this.insertDoc = db.prepare('INSERT OR REPLACE INTO projection_snapshot_docs (name, version, collection, id, position, doc) VALUES (?, ?, ?, ?, ?, ?)');
    this.indexHead = big(db.prepare('SELECT position, at_ms FROM projection_time_index ORDER BY position DESC LIMIT 1'));
    this.insertIndex = db.prepare('INSERT OR IGNORE INTO projection_time_index (position, at_ms) VALUES (?, ?)');
    // the times are a running maximum, so the last row by time is the last position recorded by then
    this.positionAt = big(db.prepare('SELECT position AS p FROM projection_time_index WHERE at_ms <= ? ORDER BY at_ms DESC, position DESC LIMIT 1'));
    this.indexRow = big(db.prepare('SELECT position, at_ms FROM projection_time_index WHERE position = ?'));
    this.dropOtherVersions = {
      snapshots: db.prepare('DELETE FROM projection_snapshots WHERE name = ? AND version <> ?'),
      docs: db.prepare('DELETE FROM projection_snapshot_docs WHERE name = ? AND version <> ?'),
    };
  }
}

/** One projection's head state: the fold the snapshots are taken from. */
interface Head {
  projection: Projection<any, any>;
  types: Set<string> | null;
  unit: Unit;
  history: History;
  sinceSnapshot: number;
  error: string | null;
}

export class TimeMachine {
  private readonly tables: TimeMachineTables;
  private readonly heads = new Map<string, Head>();
  /** View name → its projection and query. */
  private readonly views = new Map<string, { projection: Projection<any, any>; query: (d: DocReader, q: any) => unknown }>();
  private readonly every: number;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, DocReader>();
  private readonly snapshotReaders = new Map<string, SnapshotReader>();
  private indexed: bigint;
  private indexedAt: number;
  private syncing: Promise<number> | null = null;
  private closed = false;

  constructor(private readonly options: TimeMachineOptions) {
    this.every = options.snapshotEvery ?? 1000;
    this.cacheSize = options.cacheSize ?? 16;
    this.tables = new TimeMachineTables(options.file);
    const head = this.tables.indexHead.get() as { position: bigint; at_ms: bigint } | undefined;
    this.indexed = head?.position ?? 0n;
    this.indexedAt = head ? Number(head.at_ms) : Number.NEGATIVE_INFINITY;
    for (const p of options.projections) {
      this.views.set(p.name, { projection: p, query: (d, q) => p.query(d, q) });
      for (const [n, v] of Object.entries(p.views ?? {})) this.views.set(n, { projection: p, query: (d, q) => v.query(d, q) });
      this.heads.set(p.name, this.openHead(p));
    }
  }

  /** The head fold of a projection, restored from its last snapshot (rows of other versions dropped). */
  private openHead(projection: Projection<any, any>): Head {
    const t = this.tables;
    t.db.transaction(() => {
      t.dropOtherVersions.snapshots.run(projection.name, projection.version);
      t.dropOtherVersions.docs.run(projection.name, projection.version);
    })();
    const last = (t.lastSnapshot.get(projection.name, projection.version) as { p: bigint | null }).p;
    const unit = new Unit(projection, 0, projection.version, last ?? 0n, 'running', undefined, true, null);
    const history = new History();
    for (const [collection, id, position, doc] of t.allDocs.iterate(projection.name, projection.version) as Iterable<[string, string, bigint, string | null]>)
      history.add(collection, id, position, doc === null ? null : JSON.parse(doc));
    if (last !== null) {
      const r = new SnapshotReader(history, last);
      for (const c of history.collections.keys()) unit.cache.set(c, new Map(r.map(c)));
    }
    return { projection, types: projection.eventTypes ? new Set(projection.eventTypes) : null, unit, history, sinceSnapshot: 0, error: null };
  }

  /** Index and snapshot the log up to the store's head (one run at a time; callers share it). */
  async sync(): Promise<void> {
    const target = await this.options.store.headPosition();
    while (!this.closed && this.behind(target)) {
      this.syncing ??= this.run().finally(() => (this.syncing = null));
      if ((await this.syncing) === 0) break; // nothing more to read (a head that is no event's position)
    }
  }

  private behind(target: bigint): boolean {
    if (this.indexed < target) return true;
    for (const h of this.heads.values()) if (h.error === null && h.unit.position < target) return true;
    return false;
  }

  /** One pass over the log after the lowest cursor; resolves to the number of events read. */
  private async run(): Promise<number> {
    let read = 0;
    let from = this.indexed;
    for (const h of this.heads.values()) if (h.unit.position < from) from = h.unit.position;
    const t = this.tables;
    let batch: Array<() => void> = [];
    const commit = () => {
      const work = batch;
      batch = [];
      t.db.transaction(() => {
        for (const w of work) w();
      })();
    };
    for await (const e of this.options.store.readAll({ after: from })) {
      if (this.closed) return read;
      read++;
      if (e.position > this.indexed) {
        const ms = Date.parse(e.metadata.at);
        if (!Number.isNaN(ms) && ms > this.indexedAt) this.indexedAt = ms;
        const at = this.indexedAt === Number.NEGATIVE_INFINITY ? 0 : this.indexedAt;
        const p = e.position;
        batch.push(() => t.insertIndex.run(p, at));
        this.indexed = p;
      }
      for (const h of this.heads.values()) this.advance(h, e, batch);
      if (batch.length >= 10_000) commit();
    }
    commit();
    return read;
  }

  private advance(h: Head, e: RecordedEvent, batch: Array<() => void>): void {
    const u = h.unit;
    if (h.error !== null || e.position <= u.position) return;
    if (h.types !== null && !h.types.has(e.type)) u.position = e.position;
    else if (!u.apply(e, false)) {
      h.error = u.error ?? 'evolve failed';
      return;
    }
    if (++h.sinceSnapshot < this.every) return;
    h.sinceSnapshot = 0;
    const rows: Array<[string, string, string | null]> = [];
    const position = u.position;
    for (const [collection, ids] of u.dirty) {
      const map = u.cache.get(collection);
      for (const id of ids) {
        const doc = map?.get(id);
        rows.push([collection, id, doc === undefined ? null : JSON.stringify(doc)]);
        h.history.add(collection, id, position, doc ?? null);
      }
    }
    u.dirty.clear();
    const { name, version } = h.projection;
    const t = this.tables;
    batch.push(() => {
      for (const [c, id, doc] of rows) t.insertDoc.run(name, version, c, id, position, doc);
      t.insertSnapshot.run(name, version, position);
    });
  }

  /** The moment `asOf` names: the last position whose events were all recorded at or before it (0n: before every event). */
  async momentAt(asOf: string): Promise<Moment> {
    const ms = Date.parse(asOf);
    if (Number.isNaN(ms)) throw new RangeError(`asOf is not a time: ${asOf}`);
    await this.sync();
    const p = (this.tables.positionAt.get(ms) as { p: bigint } | undefined)?.p;
    return { position: p ?? 0n, atMs: ms };
  }

  /** The moment of a position the store gave (0n: before every event); UnknownPosition otherwise. */
  async momentOf(position: bigint): Promise<Moment> {
    await this.sync();
    if (position === 0n) return { position, atMs: 0 };
    const row = this.tables.indexRow.get(position) as { position: bigint; at_ms: bigint } | undefined;
    if (!row) throw new UnknownPosition(position);
    return { position, atMs: Number(row.at_ms) };
  }

  /** The named view's query answered from the documents as they stood at `position` (a position of `momentAt`/`momentOf`). */
  async query<V = unknown, Q = unknown>(name: string, position: bigint, params?: Q): Promise<V> {
    const v = this.views.get(name);
    if (!v) throw new Error(`Unknown projection or view ${name}`);
    const docs = await this.documentsAt(v.projection, position);
    return v.query(docs, params ?? {}) as V;
  }

  /** The documents the named view reads, as they stood at `position`. */
  async reader(name: string, position: bigint): Promise<DocReader> {
    const v = this.views.get(name);
    if (!v) throw new Error(`Unknown projection or view ${name}`);
    return this.documentsAt(v.projection, position);
  }

  /** The projection's documents at `position`: nearest snapshot + the tail replayed through `evolve`. */
  async documentsAt(projection: Projection<any, any>, position: bigint, options: { fromScratch?: boolean } = {}): Promise<DocReader> {
    const key = `${projection.name}:${position}`;
    const hit = options.fromScratch ? undefined : this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    await this.sync();
    const h = this.heads.get(projection.name);
    if (!h || h.projection.version !== projection.version) throw new Error(`the time machine does not run ${projection.name} version ${projection.version}`);
    if (h.error) throw new Error(`projection ${projection.name} failed: ${h.error}`);
    const t = this.tables;
    const snap = options.fromScratch ? null : ((t.snapshotBefore.get(projection.name, projection.version, position) as { p: bigint } | undefined)?.p ?? null);
    const docs = new Overlay(this.snapshotReader(projection, h.history, snap));
    const types = h.types;
    for await (const e of this.options.store.readAll({ after: snap ?? 0n })) {
      if (e.position > position) break;
      if (types && !types.has(e.type)) continue;
      projection.evolve(docs, e);
    }
    if (!options.fromScratch) {
      this.cache.set(key, docs);
      if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    }
    return docs;
  }

  private snapshotReader(projection: Projection<any, any>, history: History, position: bigint | null): SnapshotReader {
    const key = `${projection.name}:${position}`;
    let r = this.snapshotReaders.get(key);
    if (r) {
      this.snapshotReaders.delete(key);
      this.snapshotReaders.set(key, r);
      return r;
    }
    r = new SnapshotReader(history, position);
    this.snapshotReaders.set(key, r);
    if (this.snapshotReaders.size > 4) this.snapshotReaders.delete(this.snapshotReaders.keys().next().value!);
    return r;
  }

  /** Positions of the snapshots taken of a projection (oldest first), for tests and the CLI. */
  snapshots(name: string): bigint[] {
    const h = this.heads.get(name);
    if (!h) return [];
    return (
      this.tables.db
        .prepare('SELECT position FROM projection_snapshots WHERE name = ? AND version = ? ORDER BY position')
        .pluck()
        .safeIntegers(true)
        .all(name, h.projection.version) as bigint[]
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.syncing?.catch(() => undefined);
    this.tables.db.close();
  }
}
