/**
 * The catch-up reader thread of `subscribeToAll`: while a subscription has a long way to catch up
 * (a projection rebuilt from position 0), a worker thread runs the page SELECTs on its own read-only
 * connection and hands each page to the subscribing thread as ONE JSON text (the stored data and
 * metadata texts are embedded as they are), which the subscribing thread turns into events with one
 * `JSON.parse`. SQLite's stepping and the row decoding then run on another core while the
 * subscriber applies the previous page.
 *
 * - Order and completeness: the thread reads strictly after the last row it sent, in position
 *   order, the same query the store's own reader runs; pages arrive in order on one port.
 * - Back-pressure: at most `ahead` pages are in flight; the thread reads the next one only when the
 *   subscriber has taken one, so a slow subscriber never makes it buffer the log.
 * - End: a page shorter than `pageSize` is the last; the thread then stops and the subscription
 *   goes on with the store's own reads (live mode), from the last position delivered.
 * - Errors: the thread's error is given to the subscriber by `take()` (the subscription fails).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { EventMetadata, RecordedEvent } from '../port.js';

const READER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.sqlite);
let db;
let stmt;
let after = workerData.after;
let credit = workerData.ahead;
let done = false;
const q = JSON.stringify;
function read() {
  while (credit > 0 && !done) {
    const rows = stmt.all(after, workerData.pageSize);
    let text = '[';
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      text += (i === 0 ? '[' : ',[') + r[0] + ',' + q(r[1]) + ',' + q(r[2]) + ',' + r[3] + ',' + q(r[4]) + ',' + r[5] + ',' + r[6] + ',' + q(r[7]) + ',' + q(r[8]) + ']';
    }
    text += ']';
    if (rows.length > 0) after = rows[rows.length - 1][0];
    done = rows.length < workerData.pageSize;
    credit--;
    parentPort.postMessage({ text, count: rows.length });
  }
  if (done) { db.close(); parentPort.close(); }
}
parentPort.on('message', () => {
  credit++;
  try { read(); } catch (e) { parentPort.postMessage({ error: (e && e.message) || String(e) }); parentPort.close(); }
});
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  db.pragma('cache_size = -65536');
  stmt = db.prepare('SELECT position, id, stream, revision, type, data, metadata, recorded_at, hash FROM events WHERE position > ? ORDER BY position LIMIT ?').raw(true);
  read();
} catch (e) {
  parentPort.postMessage({ error: (e && e.message) || String(e) });
  parentPort.close();
}
`;

type PageRow = [position: number, id: string, stream: string, revision: number, type: string, data: unknown, metadata: EventMetadata, recordedAt: string, hash: string];

type Message = { text: string; count: number } | { error: string };

export class CatchUpReader {
  private readonly worker: Worker;
  private readonly queue: Message[] = [];
  private ready: (() => void) | null = null;
  private closed = false;
  /** The position of the last row handed out. */
  private last: number;

  /** Starts reading the rows after position `after`, `pageSize` rows per page, `ahead` pages ahead. */
  constructor(file: string, after: bigint, pageSize: number, ahead = 4) {
    this.last = Number(after);
    this.worker = new Worker(READER_SOURCE, {
      eval: true,
      workerData: { file, after: Number(after), pageSize, ahead, sqlite: createRequire(import.meta.url).resolve('better-sqlite3') },
    });
    // after its last page the thread ends by itself; ending before it means something killed it
    let lastSent = false;
    this.worker.on('message', (m: Message) => {
      if ('count' in m && m.count < pageSize) lastSent = true;
      this.queue.push(m);
      this.wake();
    });
    this.worker.on('error', (e: Error) => {
      this.queue.push({ error: e.message });
      this.wake();
    });
    this.worker.on('exit', (code) => {
      if (this.closed || lastSent) return;
      this.queue.push({ error: `the thread ended (exit code ${code}) before the last page` });
      this.wake();
    });
  }

  private wake(): void {
    const fn = this.ready;
    this.ready = null;
    fn?.();
  }

  /**
   * The next page's events, in position order (fewer than `pageSize`: the last page), or `null`
   * when it has not arrived yet (see `whenReady`). Throws when the thread failed.
   */
  take(): RecordedEvent[] | null {
    const m = this.queue.shift();
    if (m === undefined) return null;
    if ('error' in m) throw new Error(`catch-up reader: ${m.error}`);
    if (!this.closed) this.worker.postMessage(1); // room for one more page
    const rows = JSON.parse(m.text) as PageRow[];
    // The stored data and metadata texts are embedded as they are: a text that is not exactly one
    // JSON value (altered in the file) could shift or forge rows. The page must hold exactly the
    // rows the thread read, each whole, at the positions that follow the last one delivered.
    if (!Array.isArray(rows) || rows.length !== m.count) throw new Error(`catch-up reader: a page after position ${this.last} does not parse into its ${m.count} rows (a stored text is not valid JSON)`);
    const events = new Array<RecordedEvent>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (!Array.isArray(r) || r.length !== 9 || typeof r[0] !== 'number' || r[0] <= this.last || typeof r[1] !== 'string' || typeof r[2] !== 'string' || typeof r[3] !== 'number' || typeof r[4] !== 'string' || typeof r[6] !== 'object' || r[6] === null || typeof r[7] !== 'string' || typeof r[8] !== 'string') {
        throw new Error(`catch-up reader: row ${i + 1} of a page after position ${this.last} is malformed (a stored text is not valid JSON)`);
      }
      this.last = r[0];
      events[i] = {
        id: r[1],
        stream: r[2],
        type: r[4],
        data: r[5],
        metadata: r[6],
        revision: BigInt(r[3]),
        position: BigInt(r[0]),
        recordedAt: r[7],
        hash: r[8],
      };
    }
    return events;
  }

  /** Calls `fn` once, when the next page (or an error) has arrived. */
  whenReady(fn: () => void): void {
    if (this.queue.length > 0) setImmediate(fn);
    else this.ready = fn;
  }

  /** Ends the thread (it may already have ended after its last page). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ready = null;
    void this.worker.terminate();
  }
}
