/**
 * The runner's in-memory model: a `Unit` is one generation of one projection (its documents as a
 * write-back cache, what changed since the last flush, its checkpoint), an `Entry` is one projection
 * (the generation serving queries and the one applying events), a `ServedView` is one queryable name.
 */
import type { Subject } from 'rxjs';
import type { RecordedEvent } from '@saksflyt/event-store';
import type { ChangeMessage, DocChange, DocReader, DocStore, FeedMessage, Projection, ProjectionState } from './types.js';

type Cache = Map<string, Map<string, unknown>>;
const SEP = '\u0000';

/** One generation of one projection. */
export class Unit implements DocStore {
  readonly cache: Cache = new Map();
  /** Ids written since the last flush, per collection. */
  readonly dirty = new Map<string, Set<string>>();
  /** Changes applied since the last flush, for its change-log rows (the feeds got each at once). */
  pending: ChangeMessage[] = [];
  committed: bigint;
  statusDirty = false;
  /** The positions in this generation's change log, in order (pruned with it). */
  logPositions: bigint[] = [];
  caughtUp = false;
  /** Told of every document an applied event changed (the time machine's history, `history.ts`). */
  onWrite: ((collection: string, id: string) => void) | null = null;

  constructor(
    readonly projection: Projection<any, any>,
    readonly generation: number,
    readonly version: number,
    public position: bigint,
    public status: ProjectionState,
    public error: string | undefined,
    public active: boolean,
    public logFrom: bigint | null,
  ) {
    this.committed = position;
  }

  get name(): string {
    return this.projection.name;
  }

  /** Flat (collection, id, previous doc) triples per write of the event being applied, to undo when evolve throws. */
  private journal: unknown[] = [];

  get<T>(collection: string, id: string): T | undefined {
    return this.cache.get(collection)?.get(id) as T | undefined;
  }

  list<T>(collection: string): T[] {
    const map = this.cache.get(collection);
    return map ? (Array.from(map.values()) as T[]) : [];
  }

  put(collection: string, id: string, doc: unknown): void {
    if (doc === undefined || doc === null) throw new Error(`put ${collection}/${id}: document is ${String(doc)}`);
    let map = this.cache.get(collection);
    if (!map) this.cache.set(collection, (map = new Map()));
    this.journal.push(collection, id, map.get(id));
    map.set(id, doc);
  }

  delete(collection: string, id: string): void {
    const map = this.cache.get(collection);
    if (!map || !map.has(id)) return;
    this.journal.push(collection, id, map.get(id));
    map.delete(id);
  }

  /** Applies one event; false when evolve threw (everything it wrote is undone). */
  apply(event: RecordedEvent, keepChanges: boolean): boolean {
    const journal = this.journal;
    journal.length = 0;
    try {
      this.projection.evolve(this, event);
    } catch (error) {
      for (let i = journal.length - 3; i >= 0; i -= 3) {
        const collection = journal[i] as string;
        const id = journal[i + 1] as string;
        const prev = journal[i + 2];
        const map = this.cache.get(collection)!;
        if (prev === undefined) map.delete(id);
        else map.set(id, prev);
      }
      journal.length = 0;
      this.status = 'failed';
      this.error = `at position ${event.position} (${event.type}): ${error instanceof Error ? error.message : String(error)}`;
      this.statusDirty = true;
      return false;
    }
    this.position = event.position;
    if (journal.length === 0) return true;
    let changes: Map<string, DocChange> | null = keepChanges ? new Map() : null;
    let lastCollection: string | null = null;
    let ids: Set<string> | undefined;
    for (let i = 0; i < journal.length; i += 3) {
      const collection = journal[i] as string;
      const id = journal[i + 1] as string;
      if (collection !== lastCollection) {
        lastCollection = collection;
        ids = this.dirty.get(collection);
        if (!ids) this.dirty.set(collection, (ids = new Set()));
      }
      ids!.add(id);
      if (this.onWrite) this.onWrite(collection, id);
      if (changes) changes.set(collection + SEP + id, { collection, id, doc: this.cache.get(collection)?.get(id) ?? null });
    }
    journal.length = 0;
    if (changes) this.pending.push({ position: event.position, changes: Array.from(changes.values()) });
    changes = null;
    return true;
  }

  hasWork(): boolean {
    return this.dirty.size > 0 || this.committed !== this.position || this.statusDirty || this.pending.length > 0;
  }
}

/** One projection: the generation queries read and the one applying events. */
export interface Entry {
  projection: Projection<any, any>;
  /** The event types evolve handles (null: all). */
  types: Set<string> | null;
  /** What queries read. */
  serving: Unit;
  /** The generation that applies events (the same as serving unless a new version is rebuilding). */
  live: Unit;
  subject: Subject<FeedMessage>;
}

/** One name `query`, `snapshot`, `feed`, `waitFor` accept: a projection or one of its views. */
export interface ServedView {
  entry: Entry;
  query: (docs: DocReader, params: any) => unknown;
  /** The collections the view's feed carries (null: all). */
  collections: Set<string> | null;
}
