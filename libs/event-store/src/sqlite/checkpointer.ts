/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses `wal_autocheckpoint` pages, on the committing connection: copying the WAL into the
 * database file and syncing both, on the event loop, every few thousand pages written (a stall of
 * every request in flight). A connection given to `offloadCheckpoints` checkpoints only as a
 * fallback (at `fallbackPages`, should this thread fall behind or die); a worker thread with a
 * connection of its own runs `PRAGMA wal_checkpoint(PASSIVE)` every `intervalMs` instead (PASSIVE:
 * it never waits for, nor blocks, readers or the writer). The connection's `synchronous` setting
 * is the thread's too, so a checkpoint syncs exactly as SQLite's own would.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const CHECKPOINT_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.sqlite);
let db = null;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
  db.pragma('synchronous = ' + workerData.synchronous);
  db.pragma('wal_autocheckpoint = 0');
} catch (e) {
  db = null;
}
const timer = db && setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { /* busy or gone: the next tick, or the fallback */ }
}, workerData.intervalMs);
parentPort.on('message', () => {
  if (timer) clearInterval(timer);
  if (db) db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the thread and closes its connection. */
  close(): Promise<void>;
}

/** Moves `db`'s checkpoints (a WAL-mode connection to `file`) to a worker thread. */
export function offloadCheckpoints(db: Database.Database, file: string, options: { intervalMs?: number; fallbackPages?: number } = {}): Checkpointer {
  const synchronous = Number(db.pragma('synchronous', { simple: true }));
  db.pragma(`wal_autocheckpoint = ${options.fallbackPages ?? 16_000}`);
  const worker = new Worker(CHECKPOINT_SOURCE, {
    eval: true,
    workerData: { file, synchronous, intervalMs: options.intervalMs ?? 100, sqlite: createRequire(import.meta.url).resolve('better-sqlite3') },
  });
  worker.unref();
  let closed: Promise<void> | null = null;
  return {
    close() {
      closed ??= new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.ref(); // the caller awaits the thread's end: it keeps the process alive until then
        worker.postMessage('close');
        setTimeout(() => void worker.terminate(), 2000).unref();
      });
      return closed;
    },
  };
}
