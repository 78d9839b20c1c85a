/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses `wal_autocheckpoint` pages, on the committing connection: copying the WAL into the
 * database file and syncing both, on the event loop, every few thousand pages written (a stall of
 * every request in flight). A connection given to `offloadCheckpoints` checkpoints only as a
 * fallback (at `fallbackPages`, should this thread fall behind or die); a worker thread with a
 * connection of its own runs `PRAGMA wal_checkpoint(PASSIVE)` every `intervalMs` instead (PASSIVE:
 * it never waits for, nor blocks, readers or the writer). The connection's `synchronous` setting
 * is the thread's too, so a checkpoint syncs exactly as SQLite's own would.
 *
 * PASSIVE alone never lets the WAL restart under continuous writing: the writer restarts the WAL
 * from its start only when every frame in it is checkpointed, and new commits keep landing while a
 * pass copies (seen: 54 MB of WAL for 4 200 appends, reset only by the fallback on the event loop).
 * So once a pass finds at least `restartPages` frames in the WAL, the thread runs
 * `wal_checkpoint(RESTART)` right after it: it takes the writer lock, copies the few frames
 * committed since the pass, and once no reader uses the WAL has the next commit write from the
 * WAL's start. Its busy wait is bounded (`restartBusyMs`, then it gives up until a later pass), so
 * the writer's BEGIN waits at most about that long. `journal_size_limit` on the connection
 * truncates the file back after a restart, should it ever have grown beyond the limit.
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
  try {
    const pass = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (pass && pass.log >= workerData.restartPages) restart();
  } catch (e) { /* busy or gone: the next tick, or the fallback */ }
}, workerData.intervalMs);
function restart() {
  db.pragma('busy_timeout = ' + workerData.restartBusyMs);
  try { db.pragma('wal_checkpoint(RESTART)'); } finally { db.pragma('busy_timeout = 0'); }
}
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

export interface CheckpointOptions {
  /** Between PASSIVE passes (ms, default 100). */
  intervalMs?: number;
  /** `db`'s own checkpoint, on its COMMIT, should the thread fall behind (pages, default 16 000). */
  fallbackPages?: number;
  /** A pass finding at least this many frames in the WAL is followed by a RESTART (default 2 048: 8 MiB of 4 KiB pages). */
  restartPages?: number;
  /** The RESTART's longest wait for the writer lock and for readers (ms, default 10). */
  restartBusyMs?: number;
  /** `journal_size_limit` of `db`: the WAL file is truncated to this after a restart (bytes, default 16 MiB). */
  walSizeLimit?: number;
}

/** Moves `db`'s checkpoints (a WAL-mode connection to `file`) to a worker thread. */
export function offloadCheckpoints(db: Database.Database, file: string, options: CheckpointOptions = {}): Checkpointer {
  const synchronous = Number(db.pragma('synchronous', { simple: true }));
  db.pragma(`wal_autocheckpoint = ${options.fallbackPages ?? 16_000}`);
  db.pragma(`journal_size_limit = ${options.walSizeLimit ?? 16 * 1024 * 1024}`);
  const worker = new Worker(CHECKPOINT_SOURCE, {
    eval: true,
    workerData: {
      file,
      synchronous,
      intervalMs: options.intervalMs ?? 100,
      restartPages: options.restartPages ?? 2048,
      restartBusyMs: options.restartBusyMs ?? 10,
      sqlite: createRequire(import.meta.url).resolve('better-sqlite3'),
    },
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
