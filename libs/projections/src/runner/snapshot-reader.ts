/**
 * Reading the time machine's snapshots (written by `history.ts`) back from SQLite, with a bounded
 * memory: a document at snapshot S is its latest row at or before S (null: deleted).
 *
 * - `get`: one index seek (or the collection, when it is in the cache);
 * - `list`: the whole collection at S in one statement (per id ever in the collection, the latest
 *   row at or before S: two index seeks per id, never a walk over older versions), kept in a
 *   least-recently-used cache bounded by the bytes of JSON it was parsed from (`SnapshotCache`).
 *
 * `Overlay` is a snapshot with the tail replayed over it: writes land in the overlay, reads fall
 * through; the snapshot is never copied.
 */
import type Database from 'better-sqlite3';
import type { DocReader, DocStore } from './types.js';

/** Loaded collections at a snapshot, least recently used dropped first once `limitBytes` is exceeded. */
export class SnapshotCache {
  private readonly entries = new Map<string, { docs: Map<string, unknown>; bytes: number }>();
  private held = 0;

  constructor(readonly limitBytes: number) {}

  get(key: string): Map<string, unknown> | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.docs;
  }

  /** Keeps a loaded collection (not at all when it alone is over the limit). */
  set(key: string, docs: Map<string, unknown>, bytes: number): void {
    if (bytes > this.limitBytes) return;
    this.entries.set(key, { docs, bytes });
    this.held += bytes;
    for (const [k, e] of this.entries) {
      if (this.held <= this.limitBytes) break;
      this.entries.delete(k);
      this.held -= e.bytes;
    }
  }

  /** What is held: collections and the bytes of JSON they were parsed from. */
  stats(): { collections: number; bytes: number; limitBytes: number } {
    return { collections: this.entries.size, bytes: this.held, limitBytes: this.limitBytes };
  }
}

/** The statements reading snapshots. */
export class SnapshotTables {
  readonly docAt;
  readonly collectionAt;

  constructor(db: Database.Database) {
    this.docAt = db
      .prepare('SELECT doc FROM projection_snapshot_docs WHERE name = ? AND version = ? AND collection = ? AND id = ? AND position <= ? ORDER BY position DESC LIMIT 1')
      .pluck()
      .safeIntegers(true);
    // every id ever in the collection (one seek each: a loose index scan), then its latest row at or before the position
    this.collectionAt = db
      .prepare(
        `WITH RECURSIVE ids(id) AS (
           SELECT MIN(id) FROM projection_snapshot_docs WHERE name = @name AND version = @version AND collection = @collection
           UNION ALL
           SELECT (SELECT d.id FROM projection_snapshot_docs d WHERE d.name = @name AND d.version = @version AND d.collection = @collection AND d.id > ids.id ORDER BY d.id LIMIT 1)
           FROM ids WHERE ids.id IS NOT NULL
         )
         SELECT id, (SELECT d.doc FROM projection_snapshot_docs d WHERE d.name = @name AND d.version = @version AND d.collection = @collection AND d.id = ids.id AND d.position <= @position ORDER BY d.position DESC LIMIT 1) AS doc
         FROM ids WHERE id IS NOT NULL`,
      )
      .raw(true)
      .safeIntegers(true);
  }
}

/** Documents fetched one by one per reader (at most this many kept). */
const GETS_KEPT = 4096;

/** A projection's documents at one snapshot (null: before the first, nothing). */
export class SnapshotReader implements DocReader {
  private readonly gets = new Map<string, unknown>();

  constructor(
    private readonly tables: SnapshotTables,
    private readonly cache: SnapshotCache,
    private readonly name: string,
    private readonly version: number,
    readonly position: bigint | null,
  ) {}

  private key(collection: string): string {
    return `${this.name}\u0000${this.version}\u0000${this.position}\u0000${collection}`;
  }

  get<T>(collection: string, id: string): T | undefined {
    if (this.position === null) return undefined;
    const listed = this.cache.get(this.key(collection));
    if (listed) return listed.get(id) as T | undefined;
    const k = `${collection}\u0000${id}`;
    if (this.gets.has(k)) return this.gets.get(k) as T | undefined;
    const json = this.tables.docAt.get(this.name, this.version, collection, id, this.position) as string | null | undefined;
    const doc = json == null ? undefined : JSON.parse(json);
    if (this.gets.size < GETS_KEPT) this.gets.set(k, doc);
    return doc as T | undefined;
  }

  /** The whole collection at the snapshot (from the cache, or loaded into it). */
  map(collection: string): Map<string, unknown> {
    if (this.position === null) return new Map();
    const key = this.key(collection);
    let m = this.cache.get(key);
    if (m) return m;
    m = new Map();
    let bytes = 0;
    const rows = this.tables.collectionAt.iterate({ name: this.name, version: this.version, collection, position: this.position }) as Iterable<[string, string | null]>;
    for (const [id, json] of rows) {
      if (json === null) continue;
      bytes += json.length;
      m.set(id, JSON.parse(json));
    }
    this.cache.set(key, m, bytes);
    return m;
  }

  list<T>(collection: string): T[] {
    return Array.from(this.map(collection).values()) as T[];
  }
}

const DELETED = Symbol('deleted');

/** The documents after replaying a tail over a snapshot: writes land here, reads fall through. */
export class Overlay implements DocStore {
  private readonly layer = new Map<string, Map<string, unknown>>();
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
