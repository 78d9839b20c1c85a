/**
 * The runner's SQLite storage of generations: per projection, the generations (`projection_generations`:
 * version, checkpoint, status, which one is active) and their documents (`projection_docs`), plus the
 * change log (`ChangeLog`). Versions: a projection whose code version differs from the active
 * generation's is rebuilt from position 0 into a new generation (or resumes one such rebuild); the old
 * generation keeps serving until the new one has caught up, then `swap` replaces it.
 */
import Database from 'better-sqlite3';
import { offloadCheckpoints, type Checkpointer } from '@saksflyt/event-store';
import type { WriteUnit } from './catch-up-writer.js';
import { ChangeLog } from './change-log.js';
import { docJson } from './doc-json.js';
import { HistoryRecorder, type HistoryOp } from './history.js';
import { DELETE_DOC_SQL, PROJECTION_SCHEMA_SQL, UPDATE_GENERATION_SQL, UPSERT_DOC_SQL, type GenerationRow } from './sqlite-schema.js';
import type { Projection } from './types.js';
import { Unit } from './unit.js';

export class GenerationStore {
  private readonly db: Database.Database;
  private readonly stmts;
  readonly log: ChangeLog;
  /** The time machine's history (time index, snapshots), written in the same transactions. */
  readonly history: HistoryRecorder;
  /** The WAL checkpoints of this connection, on a thread of their own (not inside a flush's COMMIT). */
  private readonly checkpoints: Checkpointer;

  constructor(file: string, changeLogLimit: number, snapshotEvery: number) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(PROJECTION_SCHEMA_SQL);
    this.checkpoints = offloadCheckpoints(this.db, file);
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
    };
    this.log = new ChangeLog(db, changeLogLimit);
    this.history = new HistoryRecorder(db, snapshotEvery);
  }

  /** Runs `fn` in one transaction. */
  transaction(fn: () => void): void {
    this.db.transaction(fn)();
  }

  /**
   * The generation serving the projection's queries and the one applying events: the active one when
   * its version is the code's; else a rebuild (resumed, or a new generation from 0) beside the active
   * one (if any). Every other generation is dropped. Call inside `transaction`.
   * A generation of the code's version whose time-machine history does not reach its checkpoint
   * (written before the history existed) is rebuilt like a new version (`history.ts`).
   */
  open(projection: Projection<any, any>): { serving: Unit; live: Unit } {
    const rows = this.stmts.generations.all(projection.name) as GenerationRow[];
    const activeRow = rows.find((r) => r.active === 1);
    const nextGeneration = rows.reduce((m, r) => Math.max(m, r.generation), 0) + 1;
    const current = (r: GenerationRow) => r.version === projection.version && this.history.covers(r.name, r.generation, r.version, BigInt(r.position));
    let serving: Unit;
    let live: Unit;
    if (activeRow && current(activeRow)) {
      live = serving = this.loadUnit(projection, activeRow);
      for (const r of rows) if (r !== activeRow) this.dropGeneration(projection.name, r.generation);
    } else {
      const resumable = rows.find((r) => r.active === 0 && current(r));
      for (const r of rows) if (r !== activeRow && r !== resumable) this.dropGeneration(projection.name, r.generation);
      if (resumable) live = this.loadUnit(projection, resumable);
      else {
        const active = !activeRow;
        this.stmts.insertGeneration.run(projection.name, nextGeneration, projection.version, 'catching_up', active ? 1 : 0);
        live = new Unit(projection, nextGeneration, projection.version, 0n, 'catching_up', undefined, active, null);
      }
      serving = activeRow ? this.loadUnit(projection, activeRow) : live;
    }
    return { serving, live };
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
    unit.logPositions = this.log.positions(projection.name, row.generation);
    return unit;
  }

  private dropGeneration(name: string, generation: number): void {
    this.stmts.deleteDocs.run(name, generation);
    this.log.drop(name, generation);
    this.stmts.deleteGeneration.run(name, generation);
  }

  /** The caught-up rebuild `next` replaces `old`: old dropped, next active, its change log starts here. */
  swap(old: Unit, next: Unit): void {
    this.dropGeneration(old.name, old.generation);
    next.active = true;
    next.logFrom = next.position;
  }

  /** Writes the unit's changed documents (inside a flush's transaction). */
  writeDocs(u: Unit): void {
    const s = this.stmts;
    for (const [collection, ids] of u.dirty) {
      const map = u.cache.get(collection);
      for (const id of ids) {
        const doc = map?.get(id);
        if (doc === undefined) s.deleteDoc.run(u.name, u.generation, collection, id);
        else s.upsertDoc.run(u.name, u.generation, collection, id, docJson(doc));
      }
    }
  }

  /** Writes the unit's checkpoint row: position, status, error, active, change-log start. */
  saveCheckpoint(u: Unit): void {
    this.stmts.updateGeneration.run(u.position, u.status, u.error ?? null, u.active ? 1 : 0, u.logFrom, u.name, u.generation);
  }

  /** Writes a serialised flush (one the writer thread could not) in one transaction. */
  writeBatch(batch: WriteUnit[], history: readonly HistoryOp[]): void {
    const s = this.stmts;
    this.transaction(() => {
      for (const u of batch) {
        for (let i = 0; i < u.ops.length; i += 3) {
          const doc = u.ops[i + 2];
          if (doc === null) s.deleteDoc.run(u.name, u.generation, u.ops[i], u.ops[i + 1]);
          else s.upsertDoc.run(u.name, u.generation, u.ops[i], u.ops[i + 1], doc);
        }
        this.log.write(u.name, u.generation, u.log, u.prune);
        s.updateGeneration.run(...u.gen, u.name, u.generation);
      }
      this.history.write(history);
    });
  }

  async close(): Promise<void> {
    await this.checkpoints.close();
    this.db.close();
  }
}
