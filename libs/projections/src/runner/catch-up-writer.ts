/**
 * Flushes written on another thread: a flush (every projection's changed documents, change-log rows
 * and checkpoint) is serialised on the main thread (`toWriteUnit`, `ChangeLog.take`) and written by a
 * worker in ONE transaction on its own connection, while the main thread goes on applying events and
 * answering requests. Only a flush that swaps in a rebuilt generation is written on the main thread.
 */
import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { docJson } from './doc-json.js';
import { HISTORY_SQL, type HistoryOp } from './history.js';
import { DELETE_DOC_SQL, INSERT_CHANGE_SQL, PRUNE_CHANGES_SQL, UPDATE_GENERATION_SQL, UPSERT_DOC_SQL } from './sqlite-schema.js';
import type { Unit } from './unit.js';

/**
 * One unit's part of a flush: flat (collection, id, JSON or null = delete) triples, its change-log
 * rows (flat position, JSON pairs) and prune (rows at and before it go), and its checkpoint row.
 */
export interface WriteUnit {
  name: string;
  generation: number;
  ops: Array<string | null>;
  log: Array<bigint | string>;
  prune: bigint | null;
  gen: [position: bigint, status: string, error: string | null, active: number, logFrom: bigint | null];
}

/** One flush: the units' documents, change-log rows and checkpoints, and the time machine's history (`history.ts`). */
export interface WriteBatch {
  units: WriteUnit[];
  history: HistoryOp[];
}

/**
 * The unit's changed documents (JSON, or null for deleted ones), the change-log rows given, and its
 * checkpoint (taken after the rows: a prune moves `logFrom`), as a flush to write.
 */
export function toWriteUnit(u: Unit, log: { rows: Array<bigint | string>; prune: bigint | null } = { rows: [], prune: null }): WriteUnit {
  const ops: Array<string | null> = [];
  for (const [collection, ids] of u.dirty) {
    const map = u.cache.get(collection);
    for (const id of ids) {
      const doc = map?.get(id);
      ops.push(collection, id, doc === undefined ? null : docJson(doc));
    }
  }
  return { name: u.name, generation: u.generation, ops, log: log.rows, prune: log.prune, gen: [u.position, u.status, u.error ?? null, u.active ? 1 : 0, u.logFrom] };
}

/**
 * The writer thread: writes one flush (documents, change-log rows, checkpoints) in ONE transaction on
 * its own connection to the runner's file, while the main thread goes on.
 * It answers on `port` and then clears `state[0]`, so the main thread can wait for it synchronously.
 */
const WRITER_SOURCE = `
const { workerData } = require('node:worker_threads');
const state = new Int32Array(workerData.shared);
const port = workerData.port;
// however this thread ends (an uncaught error included), a main thread waiting for it is woken
process.on('exit', () => {
  Atomics.store(state, 1, 1);
  Atomics.store(state, 0, 0);
  Atomics.notify(state, 0);
});
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
  const insertChange = db.prepare(workerData.sql.insertChange);
  const prune = db.prepare(workerData.sql.prune);
  const history = workerData.sql.history.map((s) => db.prepare(s));
  write = db.transaction((batch) => {
    for (const u of batch.units) {
      const ops = u.ops;
      for (let i = 0; i < ops.length; i += 3) {
        if (ops[i + 2] === null) del.run(u.name, u.generation, ops[i], ops[i + 1]);
        else upsert.run(u.name, u.generation, ops[i], ops[i + 1], ops[i + 2]);
      }
      const log = u.log;
      for (let i = 0; i < log.length; i += 2) insertChange.run(u.name, u.generation, log[i], log[i + 1]);
      if (u.prune !== null) prune.run(u.name, u.generation, u.prune);
      gen.run(u.gen[0], u.gen[1], u.gen[2], u.gen[3], u.gen[4], u.name, u.generation);
    }
    for (const op of batch.history) history[op[0]].run(...op.slice(1));
  });
} catch (e) {
  broken = (e && e.message) || String(e);
}
let refuse = workerData.refuseFlushes;
let flushes = 0;
const pause = new Int32Array(new SharedArrayBuffer(4));
port.on('message', (msg) => {
  let error = null;
  if (msg === 'close') {
    if (db) db.close();
  } else if (broken !== null) error = broken;
  else if (refuse > 0) {
    refuse--;
    error = 'flush refused (fault injected by the runner options)';
  } else {
    if (++flushes === workerData.diesAt) throw new Error('writer thread ended (fault injected by the runner options)');
    if (workerData.slowMs > 0) Atomics.wait(pause, 0, 0, workerData.slowMs);
    try { write(msg); } catch (e) { error = (e && e.message) || String(e); }
  }
  port.postMessage({ error });
  Atomics.store(state, 0, 0);
  Atomics.notify(state, 0);
  if (msg === 'close') port.close();
});
`;

/** Fault injection and limits of the writer thread (see `ProjectionRunnerOptions.faults`). */
export interface WriterFaults {
  /** Flushes the thread refuses first, as on a write error. */
  refusals?: number;
  /** How long the thread takes over each flush (a slow disk), ms. */
  slowMs?: number;
  /** The thread ends with an uncaught error when handed its n-th flush (1-based). */
  diesAt?: number;
  /** How long the main thread waits for the thread's answer before the flush fails (default 120 s). */
  answerTimeoutMs?: number;
}

/** The background writer of flushes (at most one flush in flight). */
export class CatchUpWriter {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** [0]: 1 while the thread holds a flush (or `close`); [1]: 1 once the thread has ended. */
  private readonly state = new Int32Array(new SharedArrayBuffer(8));
  private inflight: WriteBatch | null = null;
  private readonly answerTimeoutMs: number;
  /** The thread missed the deadline of the flush in flight. */
  private overdue = false;
  /** Why the thread ended, when it ended with an error. */
  private endedBy: string | null = null;

  /** Flushes collected while the thread was still writing them (the main thread waited): diagnostics. */
  waited = 0;

  constructor(file: string, faults: WriterFaults = {}) {
    this.answerTimeoutMs = faults.answerTimeoutMs ?? 120_000;
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WRITER_SOURCE, {
      eval: true,
      workerData: {
        file,
        sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
        shared: this.state.buffer,
        port: port2,
        refuseFlushes: faults.refusals ?? 0,
        slowMs: faults.slowMs ?? 0,
        diesAt: faults.diesAt ?? 0,
        sql: { upsert: UPSERT_DOC_SQL, del: DELETE_DOC_SQL, gen: UPDATE_GENERATION_SQL, insertChange: INSERT_CHANGE_SQL, prune: PRUNE_CHANGES_SQL, history: HISTORY_SQL },
      },
      transferList: [port2],
    });
    // an uncaught error ends the thread (its exit handler wakes a waiting drain): said in `ended`
    this.worker.on('error', (error) => void (this.endedBy = error.message));
    this.worker.unref();
  }

  /** Hands one flush to the thread (after the previous one is written). */
  post(batch: WriteBatch): void {
    this.drain();
    this.inflight = batch;
    Atomics.store(this.state, 0, 1);
    this.port.postMessage(batch);
  }

  /** A flush was handed to the thread and not yet collected by `drain`. */
  get busy(): boolean {
    return this.inflight !== null;
  }

  /** The thread is still writing the flush in flight (collecting it now would wait). */
  get writing(): boolean {
    return this.inflight !== null && Atomics.load(this.state, 0) === 1;
  }

  /** The thread has ended (it writes nothing more: make another). */
  get ended(): boolean {
    return Atomics.load(this.state, 1) === 1;
  }

  /**
   * Waits until the flush in flight is committed; returns it when the thread failed to write it
   * (or ended without writing it). Throws, keeping the flush in flight, when the thread has not
   * answered within `answerTimeoutMs`: a hung thread never hangs the event loop for good.
   */
  drain(): WriteBatch | null {
    if (this.inflight === null) return null;
    if (Atomics.load(this.state, 0) === 1) this.waited++;
    const error = this.wait();
    const batch = this.inflight;
    this.inflight = null;
    return error === null ? null : batch;
  }

  private wait(): string | null {
    // once the thread has missed its deadline, later waits only look (each retry is not another long block)
    const deadline = Date.now() + (this.overdue ? 0 : this.answerTimeoutMs);
    while (Atomics.load(this.state, 0) === 1) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.overdue = true;
        throw new Error(`the flush writer thread has not answered in ${this.answerTimeoutMs} ms`);
      }
      Atomics.wait(this.state, 0, 1, left);
    }
    this.overdue = false;
    const reply = receiveMessageOnPort(this.port)?.message as { error: string | null } | undefined;
    if (reply) return reply.error;
    if (!this.ended) return 'the flush writer thread gave no answer';
    return `the flush writer thread ended${this.endedBy ? `: ${this.endedBy}` : ''}`;
  }

  /** Closes the thread's connection and ends it (call `drain` first). */
  async close(): Promise<void> {
    if (!this.ended) {
      Atomics.store(this.state, 0, 1);
      this.port.postMessage('close');
      try {
        this.wait();
      } catch {
        /* a hung thread is ended below */
      }
    }
    this.port.close();
    await this.worker.terminate();
  }
}
