/**
 * Reading the time machine's snapshots (written by `history.ts`) with a bounded memory: a document
 * at snapshot S is its latest row at or before S (null: deleted). The live fold's recorder knows,
 * per document, the first and last snapshot it has a row at (`Span`, two positions per document), so:
 *
 * - a document first snapshotted after S did not exist at S (nothing is read);
 * - a document whose last row is at or before S and that has not changed since is the live
 *   document itself (shared with the runner's fold, never copied: documents are never changed
 *   after `put`);
 * - any other (changed after S) is read back from SQLite: one index seek.
 *
 * A whole collection at S (for `list`) is built that way and kept in a least-recently-used cache
 * bounded by an estimate of what it holds beyond the live fold: 64 bytes per entry plus the JSON of
 * the documents read back (`SnapshotCache`). `Overlay` is a snapshot with the tail replayed over it:
 * writes land in the overlay, reads fall through; the snapshot is never copied.
 */
import type Database from 'better-sqlite3';
import { CHANGED, type HistoryHead } from './history.js';
import type { DocReader, DocStore } from './types.js';

/** Estimated bytes of one entry of a cached collection (the Map's slot, the key), beside its read-back JSON. */
const ENTRY_BYTES = 64;

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

  /** What is held: collections and their estimated bytes. */
  stats(): { collections: number; bytes: number; limitBytes: number } {
    return { collections: this.entries.size, bytes: this.held, limitBytes: this.limitBytes };
  }
}

/** The statement reading one document at a snapshot. */
export class SnapshotTables {
  readonly docAt;

  constructor(db: Database.Database) {
    this.docAt = db
      .prepare('SELECT doc FROM projection_snapshot_docs WHERE name = ? AND version = ? AND collection = ? AND id = ? AND position <= ? ORDER BY position DESC LIMIT 1')
      .pluck()
      .safeIntegers(true);
  }
}

/** Documents read back one by one per reader (at most this many kept). */
const GETS_KEPT = 4096;

/** A projection's documents at one snapshot (null: before the first, nothing). */
export class SnapshotReader implements DocReader {
  private readonly gets = new Map<string, unknown>();

  constructor(
    private readonly tables: SnapshotTables,
    private readonly cache: SnapshotCache,
    private readonly head: HistoryHead,
    private readonly name: string,
    private readonly version: number,
    readonly position: bigint | null,
  ) {}

  private key(collection: string): string {
    return `${this.name}\u0000${this.version}\u0000${this.position}\u0000${collection}`;
  }

  /** The document at the snapshot, and the bytes of JSON read back for it (0: shared with the live fold, or absent). */
  private at(collection: string, id: string, position: bigint): [unknown, number] {
    const span = this.head.spans(collection)?.get(id);
    if (!span || span.first > position) return [undefined, 0];
    if (span.last <= position) {
      const live = this.head.unchanged(collection, id);
      if (live !== CHANGED) return [live, 0];
    }
    const json = this.tables.docAt.get(this.name, this.version, collection, id, position) as string | null | undefined;
    return json == null ? [undefined, 0] : [JSON.parse(json), json.length];
  }

  get<T>(collection: string, id: string): T | undefined {
    if (this.position === null) return undefined;
    const listed = this.cache.get(this.key(collection));
    if (listed) return listed.get(id) as T | undefined;
    const k = `${collection}\u0000${id}`;
    if (this.gets.has(k)) return this.gets.get(k) as T | undefined;
    const [doc] = this.at(collection, id, this.position);
    if (this.gets.size < GETS_KEPT) this.gets.set(k, doc);
    return doc as T | undefined;
  }

  /** The whole collection at the snapshot (from the cache, or built into it). */
  map(collection: string): Map<string, unknown> {
    const position = this.position;
    if (position === null) return new Map();
    const key = this.key(collection);
    let m = this.cache.get(key);
    if (m) return m;
    m = new Map();
    let bytes = 0;
    const spans = this.head.spans(collection);
    if (spans)
      for (const [id, span] of spans) {
        if (span.first > position) continue;
        const [doc, read] = this.at(collection, id, position);
        bytes += ENTRY_BYTES + read;
        if (doc !== undefined) m.set(id, doc);
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
