/**
 * The auditor's time machine (API.md "Extensions: the auditor's time machine"): any view of any
 * projection as it stood at a global position or a time, through the SAME projection definitions
 * the runner serves (`projection.evolve`, then the view's `query`), so a view added later answers
 * for every past moment too.
 *
 * Its history is recorded by the projection runner from its own fold as it applies events
 * (`history.ts`, in the runner's SQLite file, in the runner's flushes): a time index
 * (`projection_time_index`: per position the running maximum of `metadata.at`, so `asOf` T is a
 * prefix of the log) and a snapshot every `snapshotEvery` events (the documents changed since the
 * one before, keyed by projection name, version and position). Nothing is folded a second time and
 * nothing waits for a read to catch up: a read waits only until the runner has recorded the position
 * asked for (the head, normally a few milliseconds behind).
 *
 * A read at P = the nearest snapshot at or before P, read back from SQLite (`snapshot-reader.ts`:
 * one seek per document, a whole collection in one statement, collections kept in an LRU bounded by
 * bytes), + the events after it up to P (at most `snapshotEvery`) replayed through `evolve` into an
 * overlay. Memory is bounded by `cacheBytes` plus the few replayed moments kept (`cacheSize`).
 * Positions are the store's: compared, never computed.
 *
 * Without a `runner` (the CLI, tests), the time machine starts one of its own on `file` at the first
 * read and stops it on `close` (the same runner, the same fold, the same tables).
 */
import Database from 'better-sqlite3';
import type { EventStore } from '@saksflyt/event-store';
import { HISTORY_SCHEMA_SQL, type HistoryHead } from './history.js';
import { ProjectionRunner } from './projection-runner.js';
import { Overlay, SnapshotCache, SnapshotReader, SnapshotTables } from './snapshot-reader.js';
import type { DocReader, Projection } from './types.js';

/** The time machine's tables (created by the runner's history; kept here for older imports). */
export const TIME_MACHINE_SCHEMA_SQL = HISTORY_SCHEMA_SQL;

/**
 * Default bound of the snapshot collections kept in memory: 64 MiB of the JSON they were parsed from.
 * On 1 000 000 events the largest collection (the register's decisions) is about 8 MB of JSON, so
 * this keeps the few snapshots read most recently (a burst of reads around one moment, the views of
 * one page) while staying a small, fixed part of a server's heap (parsed objects take roughly two to
 * three times their JSON).
 */
export const DEFAULT_SNAPSHOT_CACHE_BYTES = 64 * 1024 * 1024;

export interface TimeMachineOptions {
  store: EventStore;
  /** The runner's SQLite file (the history's tables are kept beside the projections' own). */
  file: string;
  projections: readonly Projection<any, any>[];
  /** The live runner recording the history (without: one of its own, started at the first read). */
  runner?: ProjectionRunner;
  /** Events between snapshots, for a runner of its own (default 1 000: the most a read replays). */
  snapshotEvery?: number;
  /** Replayed moments kept in memory (default 16). */
  cacheSize?: number;
  /** Bytes (of JSON) of snapshot collections kept in memory (default `DEFAULT_SNAPSHOT_CACHE_BYTES`). */
  cacheBytes?: number;
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

/** The prepared statements over the time machine's tables (its own connection: it reads what the runner committed). */
class TimeMachineTables {
  readonly db: Database.Database;
  readonly snapshotBefore;
  readonly positionAt;
  readonly indexRow;
  readonly snapshots;
  readonly snapshotTables: SnapshotTables;

  constructor(file: string) {
    const db = (this.db = new Database(file));
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    db.exec(HISTORY_SCHEMA_SQL);
    const big = <S extends Database.Statement>(s: S): S => s.safeIntegers(true) as S;
    // (ORDER BY … LIMIT 1: one index seek; MAX() with a range would walk the range)
    this.snapshotBefore = big(db.prepare('SELECT position AS p FROM projection_snapshots WHERE name = ? AND version = ? AND position <= ? ORDER BY position DESC LIMIT 1'));
    // the times are a running maximum, so the last row by time is the last position recorded by then
    this.positionAt = big(db.prepare('SELECT position AS p FROM projection_time_index WHERE at_ms <= ? ORDER BY at_ms DESC, position DESC LIMIT 1'));
    this.indexRow = big(db.prepare('SELECT position, at_ms FROM projection_time_index WHERE position = ?'));
    this.snapshots = big(db.prepare('SELECT position FROM projection_snapshots WHERE name = ? AND version = ? ORDER BY position').pluck());
    this.snapshotTables = new SnapshotTables(db);
  }
}

export class TimeMachine {
  private tables: TimeMachineTables | null = null;
  /** View name → its projection and query. */
  private readonly views = new Map<string, { projection: Projection<any, any>; query: (d: DocReader, q: any) => unknown }>();
  private readonly projections = new Map<string, Projection<any, any>>();
  private readonly cacheSize: number;
  private readonly cache = new Map<string, DocReader>();
  private readonly snapshotCache: SnapshotCache;
  private readonly snapshotReaders = new Map<string, SnapshotReader>();
  private runner: ProjectionRunner | null;
  private starting: Promise<ProjectionRunner> | null = null;
  private readonly ownRunner: boolean;
  private closed = false;

  constructor(private readonly options: TimeMachineOptions) {
    this.cacheSize = options.cacheSize ?? 16;
    this.snapshotCache = new SnapshotCache(options.cacheBytes ?? DEFAULT_SNAPSHOT_CACHE_BYTES);
    this.runner = options.runner ?? null;
    this.ownRunner = !options.runner;
    for (const p of options.projections) {
      this.projections.set(p.name, p);
      this.views.set(p.name, { projection: p, query: (d, q) => p.query(d, q) });
      for (const [n, v] of Object.entries(p.views ?? {})) this.views.set(n, { projection: p, query: (d, q) => v.query(d, q) });
    }
  }

  private get t(): TimeMachineTables {
    return (this.tables ??= new TimeMachineTables(this.options.file));
  }

  /** The runner recording the history (started here when none was given). */
  private async recorder(): Promise<ProjectionRunner> {
    if (this.runner) return this.runner;
    if (this.closed) throw new Error('the time machine is closed');
    this.starting ??= ProjectionRunner.start({
      store: this.options.store,
      file: this.options.file,
      projections: this.options.projections,
      ...(this.options.snapshotEvery ? { snapshotEvery: this.options.snapshotEvery } : {}),
    });
    return (this.runner = await this.starting);
  }

  /** Waits until the history has recorded the store's head (as it is now) and committed it. */
  async sync(): Promise<void> {
    const runner = await this.recorder();
    await runner.recorded(await this.options.store.headPosition());
  }

  /** The moment `asOf` names: the last position whose events were all recorded at or before it (0n: before every event). */
  async momentAt(asOf: string): Promise<Moment> {
    const ms = Date.parse(asOf);
    if (Number.isNaN(ms)) throw new RangeError(`asOf is not a time: ${asOf}`);
    await this.sync();
    const p = (this.t.positionAt.get(ms) as { p: bigint } | undefined)?.p;
    return { position: p ?? 0n, atMs: ms };
  }

  /** The moment of a position the store gave (0n: before every event); UnknownPosition otherwise. */
  async momentOf(position: bigint): Promise<Moment> {
    if (position === 0n) return { position, atMs: 0 };
    let row = this.t.indexRow.get(position) as { position: bigint; at_ms: bigint } | undefined;
    if (!row) {
      await this.sync();
      row = this.t.indexRow.get(position) as { position: bigint; at_ms: bigint } | undefined;
    }
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
    const runner = await this.recorder();
    const status = runner.status().find((s) => s.name === projection.name);
    if (!status || status.version !== projection.version || this.projections.get(projection.name)?.version !== projection.version)
      throw new Error(`the time machine does not run ${projection.name} version ${projection.version}`);
    // the history must reach the position (at most the head: a position past it is no event's)
    const last = await this.options.store.headPosition();
    await runner.recorded(position < last ? position : last);
    const failed = runner.status().find((s) => s.name === projection.name)!;
    if (failed.status === 'failed' && failed.position < position) throw new Error(`projection ${projection.name} failed: ${failed.error}`);
    const snap = options.fromScratch ? null : ((this.t.snapshotBefore.get(projection.name, projection.version, position) as { p: bigint } | undefined)?.p ?? null);
    const head = runner.historyHead(projection.name, projection.version);
    if (!head) throw new Error(`the runner records no history of ${projection.name} version ${projection.version}`);
    const docs = new Overlay(this.snapshotReader(projection, head, snap));
    const types = projection.eventTypes ? new Set(projection.eventTypes) : null;
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

  private snapshotReader(projection: Projection<any, any>, head: HistoryHead, position: bigint | null): SnapshotReader {
    const key = `${projection.name}:${position}`;
    let r = this.snapshotReaders.get(key);
    if (r) {
      this.snapshotReaders.delete(key);
      this.snapshotReaders.set(key, r);
      return r;
    }
    r = new SnapshotReader(this.t.snapshotTables, this.snapshotCache, head, projection.name, projection.version, position);
    this.snapshotReaders.set(key, r);
    if (this.snapshotReaders.size > 4) this.snapshotReaders.delete(this.snapshotReaders.keys().next().value!);
    return r;
  }

  /** Positions of the snapshots taken of a projection (oldest first), for tests and the CLI. */
  snapshots(name: string): bigint[] {
    const p = this.projections.get(name);
    if (!p) return [];
    return this.t.snapshots.all(name, p.version) as bigint[];
  }

  /** The snapshot collections held in memory now (their JSON's bytes) and the bound. */
  memory(): { collections: number; bytes: number; limitBytes: number } {
    return this.snapshotCache.stats();
  }

  async close(): Promise<void> {
    this.closed = true;
    const own = this.ownRunner ? (this.runner ?? (await this.starting?.catch(() => null)) ?? null) : null;
    await own?.stop();
    this.tables?.db.close();
    this.tables = null;
  }
}
