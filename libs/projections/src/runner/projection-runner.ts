/**
 * The projection runner: one subscription to the global log (from the lowest checkpoint), events
 * applied in global order to every projection that has not seen them, views kept as keyed documents
 * in memory (write-back cache) and flushed in batches: changed documents, the change log and the
 * checkpoint of every projection in ONE SQLite transaction.
 *
 * - Versions: a projection whose code version differs from the stored active generation is rebuilt
 *   from position 0 into a new generation; the old generation keeps serving queries (frozen) until the
 *   new one has caught up, then they swap in one transaction.
 * - Failure: a projection whose `evolve` throws stops before that event (its checkpoint stays at the
 *   event before), reports `failed` with the error, and is retried from its checkpoint on next start.
 * - Feeds: after each commit, the serving generation's changes are emitted per event. Once caught up,
 *   they are also written to a bounded change log (`projection_changes`) for `Last-Event-ID` resume.
 */
import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Observable, Subject, type Subscription } from 'rxjs';
import type { EventStore, RecordedEvent, SubscriptionMessage } from '@saksflyt/event-store';
import { PROJECTION_SCHEMA_SQL, type GenerationRow } from './sqlite-schema.js';
import type {
  ChangeMessage,
  DocChange,
  DocReader,
  DocStore,
  FeedMessage,
  Projection,
  ProjectionState,
  ProjectionStatus,
  WaitResult,
} from './types.js';

export interface ProjectionRunnerOptions {
  store: EventStore;
  /** SQLite file for the runner's tables (e.g. `<dataDir>/saksflyt.db`). */
  file: string;
  projections: readonly Projection<any, any>[];
  /** Events applied between flushes while catching up (default 20 000). Live: flushed when idle. */
  batchSize?: number;
  /** Change-log entries kept per projection for resume (default 10 000). */
  changeLogLimit?: number;
  /**
   * Fault injection for tests: the catch-up writer thread refuses its first `writerThreadRefusals`
   * flushes (as it would on a write error), so the runner must write them itself.
   */
  faults?: { writerThreadRefusals?: number };
}

type Cache = Map<string, Map<string, unknown>>;
const SEP = '\u0000';

const UPSERT_DOC_SQL =
  'INSERT INTO projection_docs (name, generation, collection, id, doc) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, generation, collection, id) DO UPDATE SET doc = excluded.doc';
const DELETE_DOC_SQL = 'DELETE FROM projection_docs WHERE name = ? AND generation = ? AND collection = ? AND id = ?';
const UPDATE_GENERATION_SQL =
  'UPDATE projection_generations SET position = ?, status = ?, error = ?, active = ?, log_from = ? WHERE name = ? AND generation = ?';

/** One unit's part of a catch-up flush: flat (collection, id, JSON or null = delete) triples and its checkpoint row. */
interface WriteUnit {
  name: string;
  generation: number;
  ops: Array<string | null>;
  gen: [position: bigint, status: string, error: string | null, active: number, logFrom: bigint | null];
}

/**
 * The catch-up writer thread: writes one flush (documents + checkpoints) in ONE transaction on its
 * own connection to the runner's file, while the main thread goes on reading and applying events.
 * It answers on `port` and then clears `state[0]`, so the main thread can wait for it synchronously.
 */
const WRITER_SOURCE = `
const { workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.shared);
const port = workerData.port;
let db = null;
let write = null;
let broken = null; // why this thread cannot write at all (every flush is then answered with it)
try {
  const Database = require(workerData.sqlite);
  db = new Database(workerData.file);
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = NORMAL');
  const upsert = db.prepare(workerData.sql.upsert);
  const del = db.prepare(workerData.sql.del);
  const gen = db.prepare(workerData.sql.gen);
  write = db.transaction((batch) => {
    for (const u of batch) {
      const ops = u.ops;
      for (let i = 0; i < ops.length; i += 3) {
        if (ops[i + 2] === null) del.run(u.name, u.generation, ops[i], ops[i + 1]);
        else upsert.run(u.name, u.generation, ops[i], ops[i + 1], ops[i + 2]);
      }
      gen.run(u.gen[0], u.gen[1], u.gen[2], u.gen[3], u.gen[4], u.name, u.generation);
    }
  });
} catch (e) {
  broken = (e && e.message) || String(e);
}
let refuse = workerData.refuseFlushes;
port.on('message', (msg) => {
  let error = null;
  if (msg === 'close') {
    if (db) db.close();
  } else if (broken !== null) error = broken;
  else if (refuse > 0) {
    refuse--;
    error = 'flush refused (fault injected by the runner options)';
  } else {
    try { write(msg); } catch (e) { error = (e && e.message) || String(e); }
  }
  port.postMessage({ error });
  Atomics.store(state, 0, 0);
  Atomics.notify(state, 0);
  if (msg === 'close') port.close();
});
`;

/** The background writer of catch-up flushes (at most one flush in flight). */
class CatchUpWriter {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly state = new Int32Array(new SharedArrayBuffer(4));
  private inflight: WriteUnit[] | null = null;

  constructor(file: string, refuseFlushes: number) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WRITER_SOURCE, {
      eval: true,
      workerData: {
        file,
        sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
        shared: this.state.buffer,
        port: port2,
        refuseFlushes,
        sql: { upsert: UPSERT_DOC_SQL, del: DELETE_DOC_SQL, gen: UPDATE_GENERATION_SQL },
      },
      transferList: [port2],
    });
    this.worker.unref();
  }

  /** Hands one flush to the thread (after the previous one is written). */
  post(batch: WriteUnit[]): void {
    this.drain();
    this.inflight = batch;
    Atomics.store(this.state, 0, 1);
    this.port.postMessage(batch);
  }

  /** Waits until the flush in flight is committed; returns it when the thread failed to write it. */
  drain(): WriteUnit[] | null {
    if (this.inflight === null) return null;
    const error = this.wait();
    const batch = this.inflight;
    this.inflight = null;
    return error === null ? null : batch;
  }

  private wait(): string | null {
    while (Atomics.load(this.state, 0) === 1) Atomics.wait(this.state, 0, 1);
    const reply = receiveMessageOnPort(this.port)?.message as { error: string | null } | undefined;
    return reply ? reply.error : 'catch-up writer gave no answer';
  }

  /** Closes the thread's connection and ends it (call `drain` first). */
  async close(): Promise<void> {
    Atomics.store(this.state, 0, 1);
    this.port.postMessage('close');
    this.wait();
    this.port.close();
    await this.worker.terminate();
  }
}

/** One generation of one projection. */
class Unit implements DocStore {
  readonly cache: Cache = new Map();
  /** Ids written since the last flush, per collection. */
  readonly dirty = new Map<string, Set<string>>();
  /** Changes applied but not yet committed (emitted after commit). */
  pending: ChangeMessage[] = [];
  committed: bigint;
  statusDirty = false;
  logCount = 0;
  caughtUp = false;

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

interface Entry {
  projection: Projection<any, any>;
  /** The event types evolve handles (null: all). */
  types: Set<string> | null;
  /** What queries read. */
  serving: Unit;
  /** The generation that applies events (the same as serving unless a new version is rebuilding). */
  live: Unit;
  subject: Subject<FeedMessage>;
}

interface Waiter {
  target: bigint;
  names: string[];
  resolve: (r: WaitResult) => void;
  timer: NodeJS.Timeout;
}

export class ProjectionRunner {
  private readonly db: Database.Database;
  private readonly entries = new Map<string, Entry>();
  /** Every servable name (projection names and their views) → the entry, query and collections. */
  private readonly viewIndex = new Map<string, { entry: Entry; query: (docs: DocReader, params: any) => unknown; collections: Set<string> | null }>();
  private subscription: Subscription | null = null;
  private waiters: Waiter[] = [];
  private sinceFlush = 0;
  private idleFlushScheduled = false;
  private caughtUp = false;
  private caughtUpResolvers: Array<() => void> = [];
  private stopped = false;
  private readonly batchSize: number;
  private readonly changeLogLimit: number;
  private readonly stmts;
  /** Writes catch-up flushes on another thread (created at the first one). */
  private writer: CatchUpWriter | null = null;

  private constructor(private readonly options: ProjectionRunnerOptions) {
    this.batchSize = options.batchSize ?? 20_000;
    this.changeLogLimit = options.changeLogLimit ?? 10_000;
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(PROJECTION_SCHEMA_SQL);
    const db = this.db;
    this.stmts = {
      generations: db.prepare('SELECT * FROM projection_generations WHERE name = ? ORDER BY generation'),
      insertGeneration: db.prepare(
        'INSERT INTO projection_generations (name, generation, version, position, status, error, active, log_from) VALUES (?, ?, ?, 0, ?, NULL, ?, NULL)',
      ),
      updateGeneration: db.prepare(UPDATE_GENERATION_SQL),
      deleteGeneration: db.prepare('DELETE FROM projection_generations WHERE name = ? AND generation = ?'),
      docs: db.prepare('SELECT collection, id, doc FROM projection_docs WHERE name = ? AND generation = ?').raw(true),
      upsertDoc: db.prepare(UPSERT_DOC_SQL),
      deleteDoc: db.prepare(DELETE_DOC_SQL),
      deleteDocs: db.prepare('DELETE FROM projection_docs WHERE name = ? AND generation = ?'),
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

  /** Opens the runner's tables, loads the views and subscribes to the store. */
  static async start(options: ProjectionRunnerOptions): Promise<ProjectionRunner> {
    const names = new Set<string>();
    for (const p of options.projections) {
      for (const n of [p.name, ...Object.keys(p.views ?? {})]) {
        if (names.has(n)) throw new Error(`Duplicate projection or view name ${n}`);
        names.add(n);
      }
    }
    const runner = new ProjectionRunner(options);
    runner.load();
    runner.subscribe();
    return runner;
  }

  // ------------------------------------------------------------------ loading

  private load(): void {
    this.db.transaction(() => {
      for (const projection of this.options.projections) {
        const rows = this.stmts.generations.all(projection.name) as GenerationRow[];
        const activeRow = rows.find((r) => r.active === 1);
        const nextGeneration = rows.reduce((m, r) => Math.max(m, r.generation), 0) + 1;
        let serving: Unit;
        let live: Unit;
        if (activeRow && activeRow.version === projection.version) {
          live = serving = this.loadUnit(projection, activeRow);
          for (const r of rows) if (r !== activeRow) this.dropGeneration(projection.name, r.generation);
        } else {
          const resumable = rows.find((r) => r.active === 0 && r.version === projection.version);
          for (const r of rows) if (r !== activeRow && r !== resumable) this.dropGeneration(projection.name, r.generation);
          if (resumable) live = this.loadUnit(projection, resumable);
          else {
            const active = !activeRow;
            this.stmts.insertGeneration.run(projection.name, nextGeneration, projection.version, 'catching_up', active ? 1 : 0);
            live = new Unit(projection, nextGeneration, projection.version, 0n, 'catching_up', undefined, active, null);
          }
          serving = activeRow ? this.loadUnit(projection, activeRow) : live;
        }
        const types = projection.eventTypes ? new Set(projection.eventTypes) : null;
        const entry: Entry = { projection, types, serving, live, subject: new Subject<FeedMessage>() };
        this.entries.set(projection.name, entry);
        this.viewIndex.set(projection.name, { entry, query: (d, q) => projection.query(d, q), collections: null });
        for (const [name, v] of Object.entries(projection.views ?? {})) {
          this.viewIndex.set(name, { entry, query: (d, q) => v.query(d, q), collections: new Set(v.collections) });
        }
      }
    })();
  }

  private loadUnit(projection: Projection<any, any>, row: GenerationRow): Unit {
    const unit = new Unit(
      projection,
      row.generation,
      row.version,
      BigInt(row.position),
      'catching_up', // a failed projection is retried from its checkpoint on start
      undefined,
      row.active === 1,
      row.log_from == null ? null : BigInt(row.log_from),
    );
    for (const [collection, id, doc] of this.stmts.docs.iterate(projection.name, row.generation) as Iterable<[string, string, string]>) {
      let map = unit.cache.get(collection);
      if (!map) unit.cache.set(collection, (map = new Map()));
      map.set(id, JSON.parse(doc));
    }
    unit.logCount = Number(this.stmts.countChanges.get(projection.name, row.generation));
    return unit;
  }

  private dropGeneration(name: string, generation: number): void {
    this.stmts.deleteDocs.run(name, generation);
    this.stmts.deleteChanges.run(name, generation);
    this.stmts.deleteGeneration.run(name, generation);
  }

  // ------------------------------------------------------------------ applying

  private subscribe(): void {
    let from: bigint | null = null;
    for (const e of this.entries.values()) if (from === null || e.live.position < from) from = e.live.position;
    this.subscription = this.options.store.subscribeToAll({ after: from ?? 0n }).subscribe({
      next: (m) => this.onMessage(m),
      error: (error) => this.onSubscriptionError(error),
    });
  }

  private onMessage(message: SubscriptionMessage): void {
    if (this.stopped) return;
    if (message.kind === 'caughtUp') {
      this.onCaughtUp(message.position);
      return;
    }
    const event = message.event;
    let applied = false;
    for (const entry of this.entries.values()) {
      const unit = entry.live;
      if (unit.status === 'failed' || event.position <= unit.position) continue;
      applied = true;
      if (entry.types !== null && !entry.types.has(event.type)) {
        unit.position = event.position;
        continue;
      }
      unit.apply(event, unit === entry.serving && (unit.logFrom !== null || entry.subject.observed));
    }
    if (!applied) return;
    this.sinceFlush++;
    if (this.sinceFlush >= this.batchSize) this.flush();
    else if (this.caughtUp) this.scheduleIdleFlush();
    if (this.waiters.length > 0) this.checkWaiters();
  }

  private onCaughtUp(position: bigint): void {
    for (const entry of this.entries.values()) {
      const unit = entry.live;
      if (unit.status === 'failed') continue;
      if (unit.position < position) unit.position = position;
      unit.caughtUp = true;
      unit.status = 'running';
      unit.statusDirty = true;
    }
    this.flush(true);
    this.drainWriter(); // caught up means committed
    this.caughtUp = true;
    for (const r of this.caughtUpResolvers) r();
    this.caughtUpResolvers = [];
    this.checkWaiters();
  }

  private onSubscriptionError(error: unknown): void {
    const text = `subscription: ${error instanceof Error ? error.message : String(error)}`;
    for (const entry of this.entries.values()) {
      if (entry.live.status === 'failed') continue;
      entry.live.status = 'failed';
      entry.live.error = text;
      entry.live.statusDirty = true;
    }
    try {
      this.flush();
      this.drainWriter();
    } catch {
      /* the database may be gone as well */
    }
  }

  private scheduleIdleFlush(): void {
    if (this.idleFlushScheduled) return;
    this.idleFlushScheduled = true;
    setImmediate(() => {
      this.idleFlushScheduled = false;
      if (!this.stopped) this.flush();
    });
  }

  /**
   * Writes every projection's changed documents, change log and checkpoint in one transaction, then
   * emits the committed changes. With `swap`, caught-up rebuilt generations replace the old ones.
   */
  private flush(swap = false): void {
    const entries = Array.from(this.entries.values());
    const swaps = swap ? entries.filter((e) => e.live !== e.serving && e.live.caughtUp && e.live.status !== 'failed') : [];
    // A generation that serves and has caught up starts its change log (for resume) now.
    for (const e of entries) {
      const u = e.live;
      if (u === e.serving && u.caughtUp && u.logFrom === null && u.status !== 'failed') {
        // changes up to here are not in the log: resume is possible from this position on
        u.logFrom = u.position;
        u.statusDirty = true;
      }
    }
    if (swaps.length === 0 && !entries.some((e) => e.live.hasWork())) return;
    // While catching up (nothing to emit, no swap, no change log to write), the documents and
    // checkpoints are written by the writer thread; everything else waits for it and writes here.
    if (!this.caughtUp && swaps.length === 0 && entries.every((e) => e.live.pending.length === 0 && !this.logWork(e))) {
      this.flushInBackground(entries);
      return;
    }
    this.drainWriter();
    const s = this.stmts;
    const emits: Array<[Entry, ChangeMessage[]]> = [];
    this.db.transaction(() => {
      for (const e of entries) {
        const u = e.live;
        if (!u.hasWork() && !swaps.includes(e)) continue;
        for (const [collection, ids] of u.dirty) {
          const map = u.cache.get(collection);
          for (const id of ids) {
            const doc = map?.get(id);
            if (doc === undefined) s.deleteDoc.run(u.name, u.generation, collection, id);
            else s.upsertDoc.run(u.name, u.generation, collection, id, JSON.stringify(doc));
          }
        }
        if (u.logFrom !== null && u === e.serving) {
          for (const m of u.pending) {
            if (m.position <= u.logFrom) continue;
            s.insertChange.run(u.name, u.generation, m.position, JSON.stringify(m.changes));
            u.logCount++;
          }
          if (u.logCount > this.changeLogLimit * 1.25) {
            const cutoff = s.changeCutoff.get(u.name, u.generation, this.changeLogLimit) as number | undefined;
            if (cutoff !== undefined) {
              s.pruneChanges.run(u.name, u.generation, cutoff);
              u.logFrom = BigInt(cutoff);
              u.logCount = this.changeLogLimit;
            }
          }
        }
        if (swaps.includes(e)) {
          const old = e.serving;
          this.dropGeneration(old.name, old.generation);
          u.active = true;
          u.logFrom = u.position;
        }
        s.updateGeneration.run(u.position, u.status, u.error ?? null, u.active ? 1 : 0, u.logFrom, u.name, u.generation);
      }
    })();
    this.sinceFlush = 0;
    for (const e of entries) {
      const u = e.live;
      u.dirty.clear();
      u.committed = u.position;
      u.statusDirty = false;
      if (u === e.serving && u.pending.length > 0) emits.push([e, u.pending]);
      u.pending = [];
    }
    for (const e of swaps) {
      e.serving = e.live;
      e.subject.next({ kind: 'snapshot', position: e.live.position, view: e.projection.query(e.live, {}) });
    }
    for (const [e, messages] of emits) for (const m of messages) e.subject.next({ kind: 'change', position: m.position, changes: m.changes });
  }

  /** True when flushing this entry would write or prune its change log. */
  private logWork(e: Entry): boolean {
    const u = e.live;
    return u === e.serving && u.logFrom !== null && (u.pending.length > 0 || u.logCount > this.changeLogLimit * 1.25);
  }

  /** A catch-up flush: serialises the changed documents here, hands the transaction to the writer thread. */
  private flushInBackground(entries: Entry[]): void {
    const batch: WriteUnit[] = [];
    for (const e of entries) {
      const u = e.live;
      if (!u.hasWork()) continue;
      const ops: Array<string | null> = [];
      for (const [collection, ids] of u.dirty) {
        const map = u.cache.get(collection);
        for (const id of ids) {
          const doc = map?.get(id);
          ops.push(collection, id, doc === undefined ? null : JSON.stringify(doc));
        }
      }
      batch.push({ name: u.name, generation: u.generation, ops, gen: [u.position, u.status, u.error ?? null, u.active ? 1 : 0, u.logFrom] });
    }
    this.drainWriter();
    (this.writer ??= new CatchUpWriter(this.options.file, this.options.faults?.writerThreadRefusals ?? 0)).post(batch);
    this.sinceFlush = 0;
    for (const e of entries) {
      const u = e.live;
      u.dirty.clear();
      u.committed = u.position;
      u.statusDirty = false;
    }
  }

  /** A flush the writer thread could not write, written again here (before anything later). */
  private unwritten: WriteUnit[] | null = null;

  /** Waits for the writer thread's flush in flight; writes it here when the thread failed to. */
  private drainWriter(): void {
    const failed = this.writer?.drain() ?? null;
    if (failed) this.unwritten = failed;
    if (this.unwritten === null) return;
    const batch = this.unwritten;
    const s = this.stmts;
    this.db.transaction(() => {
      for (const u of batch) {
        for (let i = 0; i < u.ops.length; i += 3) {
          const doc = u.ops[i + 2];
          if (doc === null) s.deleteDoc.run(u.name, u.generation, u.ops[i], u.ops[i + 1]);
          else s.upsertDoc.run(u.name, u.generation, u.ops[i], u.ops[i + 1], doc);
        }
        s.updateGeneration.run(...u.gen, u.name, u.generation);
      }
    })();
    this.unwritten = null;
  }

  // ------------------------------------------------------------------ reading

  private view(name: string) {
    const v = this.viewIndex.get(name);
    if (!v) throw new Error(`Unknown projection or view ${name}`);
    return v;
  }

  private entry(name: string): Entry {
    return this.view(name).entry;
  }

  /** Names of the projections this runner runs (not their extra view names: see `viewNames`). */
  names(): string[] {
    return Array.from(this.entries.keys());
  }

  /** Every name `query`, `snapshot`, `feed`, `waitFor` accept, with the projection serving it. */
  viewNames(): Array<{ view: string; projection: string }> {
    return Array.from(this.viewIndex.entries()).map(([view, v]) => ({ view, projection: v.entry.projection.name }));
  }

  /** The position the named projection's served view reflects. */
  position(name: string): bigint {
    return this.entry(name).serving.position;
  }

  /** The query answer from the served view as it is now, with the position it reflects. */
  query<V = unknown, Q = unknown>(name: string, params?: Q): { position: bigint; view: V } {
    const v = this.view(name);
    return { position: v.entry.serving.position, view: v.query(v.entry.serving as DocReader, params ?? {}) as V };
  }

  /** Read-only access to the served documents (for lookups the query function does not offer). */
  reader(name: string): DocReader {
    const u = this.entry(name).serving;
    return { get: (c, id) => u.get(c, id), list: (c) => u.list(c) };
  }

  /**
   * The committed view and its position: every change after that position is delivered by
   * `changes(name)` subscribed in the same tick (flushes pending changes first, so there is no gap).
   */
  snapshot<V = unknown, Q = unknown>(name: string, params?: Q): { position: bigint; view: V } {
    this.flush();
    this.drainWriter();
    return this.query<V, Q>(name, params);
  }

  /**
   * Changes of the served view as they are committed, per event. After a version swap the
   * observable emits `{ kind: 'snapshot' }` with the new view (query without params).
   */
  changes(name: string): Observable<FeedMessage> {
    return this.entry(name).subject.asObservable();
  }

  /**
   * Exactly the change messages after `position` (in order), from the change log; `null` when the
   * log does not reach back that far (the projection was rebuilt, or pruned): send a snapshot instead.
   */
  changesSince(name: string, position: bigint): ChangeMessage[] | null {
    this.flush();
    this.drainWriter();
    const u = this.entry(name).serving;
    if (u.logFrom === null || position < u.logFrom) return null;
    const rows = this.stmts.changesAfter.all(u.name, u.generation, position) as Array<[number, string]>;
    return rows.map(([p, c]) => ({ position: BigInt(p), changes: JSON.parse(c) as DocChange[] }));
  }

  /**
   * A live feed for SSE: without `lastEventId`, a snapshot first then every change; with it, every
   * change after it (or a snapshot when the log does not reach back). `filter` keeps only some
   * documents (messages left empty are dropped), e.g. one meeting's minutes.
   */
  feed<V = unknown, Q = unknown>(
    name: string,
    options: { params?: Q; lastEventId?: bigint; filter?: (change: DocChange) => boolean } = {},
  ): Observable<FeedMessage<V>> {
    const v = this.view(name);
    const filter = (c: DocChange): boolean => (v.collections === null || v.collections.has(c.collection)) && (!options.filter || options.filter(c));
    const filterMsg = (m: FeedMessage): FeedMessage | null => {
      if (m.kind === 'snapshot' || (!options.filter && v.collections === null)) return m;
      const changes = m.changes.filter(filter);
      return changes.length === 0 ? null : { kind: 'change', position: m.position, changes };
    };
    return new Observable<FeedMessage<V>>((subscriber) => {
      const first: FeedMessage[] = [];
      const missed = options.lastEventId === undefined ? null : this.changesSince(name, options.lastEventId);
      if (missed === null) {
        const s = this.snapshot(name, options.params);
        first.push({ kind: 'snapshot', position: s.position, view: s.view });
      } else for (const m of missed) first.push({ kind: 'change', position: m.position, changes: m.changes });
      const e = this.entry(name);
      const sub = e.subject.subscribe({
        next: (m) => {
          const out =
            m.kind === 'snapshot' ? ({ kind: 'snapshot', position: m.position, view: v.query(e.serving, options.params ?? {}) } as FeedMessage) : filterMsg(m);
          if (out) subscriber.next(out as FeedMessage<V>);
        },
        complete: () => subscriber.complete(),
      });
      for (const m of first) {
        const out = filterMsg(m);
        if (out) subscriber.next(out as FeedMessage<V>);
      }
      return () => sub.unsubscribe();
    });
  }

  /** Per projection: name, version, status, position, error, and what serves queries. */
  status(): ProjectionStatus[] {
    return Array.from(this.entries.values()).map((e) => ({
      name: e.projection.name,
      version: e.live.version,
      status: e.live.status,
      position: e.live.position,
      ...(e.live.error ? { error: e.live.error } : {}),
      serving: { version: e.serving.version, position: e.serving.position },
    }));
  }

  /** Resolves once the first catch-up is done (every projection has applied the log as it was). */
  whenCaughtUp(): Promise<void> {
    if (this.caughtUp) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpResolvers.push(resolve));
  }

  /**
   * Waits until every projection (or the named ones) serves a view at `position` or later;
   * after `timeoutMs`, resolves `{ reached: false, position }` with the lowest position reached.
   */
  waitFor(position: bigint, timeoutMs = 5000, names?: string[]): Promise<WaitResult> {
    const list = names ?? this.names();
    for (const n of list) this.entry(n);
    const now = this.lowest(list);
    if (now >= position) return Promise.resolve({ reached: true, position: now });
    return new Promise((resolve) => {
      const waiter: Waiter = {
        target: position,
        names: list,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve({ reached: false, position: this.lowest(list) });
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private lowest(names: string[]): bigint {
    let low: bigint | null = null;
    for (const n of names) {
      const p = this.entry(n).serving.position;
      if (low === null || p < low) low = p;
    }
    return low ?? 0n;
  }

  private checkWaiters(): void {
    if (this.waiters.length === 0) return;
    const keep: Waiter[] = [];
    for (const w of this.waiters) {
      const p = this.lowest(w.names);
      if (p >= w.target) {
        clearTimeout(w.timer);
        w.resolve({ reached: true, position: p });
      } else keep.push(w);
    }
    this.waiters = keep;
  }

  /** Unsubscribes, writes what is pending, closes the runner's database connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.subscription?.unsubscribe();
    this.flush();
    this.drainWriter();
    this.stopped = true;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve({ reached: false, position: this.lowest(w.names) });
    }
    this.waiters = [];
    for (const e of this.entries.values()) e.subject.complete();
    if (this.writer) await this.writer.close();
    this.writer = null;
    this.db.close();
  }
}
