/**
 * The rows committed last, kept in memory (`recent-rows.ts`): reads after the head's recent past are
 * answered from them, and must be exactly what the file answers, also when another connection (another
 * process) writes between this store's batches, with dense and sparse positions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import type { NewEvent, RecordedEvent, SubscriptionMessage } from '../src/index.js';
import { RecentRows } from '../src/sqlite/recent-rows.js';
import type { Row } from '../src/sqlite/schema.js';
import { openSqliteStore, type PositionMode, type SqliteEventStore } from '../src/sqlite/sqlite-event-store.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-recent-'));
  dirs.push(dir);
  return path.join(dir, 'events.db');
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const row = (position: number, type = 'T'): Row => [position, `id-${position}`, 's', 0, type, '{}', '{}', 'at', 'h'];

describe('RecentRows', () => {
  test('answers only inside (base, end]: before the base or at the end it leaves the read to the file', () => {
    const r = new RecentRows(8);
    expect(r.after(0, 10)).toBeNull(); // nothing known
    r.committed(10, [row(12), row(15), row(19)], false);
    expect(r.after(9, 10)).toBeNull(); // before the base: older rows are not here
    expect(r.after(10, 10)?.rows.map((x) => x[0])).toEqual([12, 15, 19]);
    expect(r.after(13, 10)?.rows.map((x) => x[0])).toEqual([15, 19]); // a cursor between rows (not an event's position)
    expect(r.after(15, 1)).toEqual({ rows: [row(19)], end: 19 });
    expect(r.after(12, 1)).toEqual({ rows: [row(15)], end: 19 });
    expect(r.after(19, 10)).toBeNull(); // at the end: another process may have written after it
  });

  test('a batch that does not follow the kept rows starts them again; the types filter keeps only those types', () => {
    const r = new RecentRows(8);
    r.committed(0, [row(1), row(2, 'U'), row(3)], false);
    r.committed(3, [row(4, 'U')], true);
    expect(r.after(0, 10, new Set(['U']))).toEqual({ rows: [row(2, 'U'), row(4, 'U')], end: 4 });
    r.committed(7, [row(8)], true); // another connection wrote 5..7: the kept rows no longer reach back
    expect(r.after(4, 10)).toBeNull();
    expect(r.after(7, 10)?.rows).toEqual([row(8)]);
    r.committed(8, [row(9)], false); // the writer saw another commit (even if nothing is missing)
    expect(r.after(7, 10)).toBeNull();
  });

  test('keeps at most half as many again as its capacity: the oldest go, the base moves up to them', () => {
    const r = new RecentRows(4);
    r.committed(0, [1, 2, 3, 4, 5, 6].map((p) => row(p)), false);
    expect(r.after(0, 10)?.rows).toHaveLength(6);
    r.committed(6, [row(7)], true); // 7 > 1.5 × 4: down to 4
    expect(r.after(2, 10)).toBeNull();
    expect(r.after(3, 10)?.rows.map((x) => x[0])).toEqual([4, 5, 6, 7]);
  });
});

const ev = (n: number): NewEvent => ({ type: n % 3 === 0 ? 'Third' : 'Other', data: { n }, metadata: { actor: 'test', correlationId: 'c', at: '2024-01-01T00:00:00Z' } });

async function fileRowsAfter(file: string, after: bigint): Promise<bigint[]> {
  const db = new Database(file, { readonly: true });
  const ps = (db.prepare('SELECT position FROM events WHERE position > ? ORDER BY position').pluck().safeIntegers(true).all(after) as bigint[]);
  db.close();
  return ps;
}

async function readAllPositions(store: SqliteEventStore, after: bigint, types?: string[]): Promise<bigint[]> {
  const out: bigint[] = [];
  for await (const e of store.readAll({ after, ...(types ? { types } : {}) })) out.push(e.position);
  return out;
}

describe.each(['dense', 'sparse'] as PositionMode[])('reads from the rows committed last (%s positions)', (positions) => {
  test('readAll after every position, and a live subscription, equal the file while another connection writes in between', async () => {
    const file = tempFile();
    const a = await openSqliteStore({ file, positions, pageSize: 7 });
    const b = await openSqliteStore({ file, positions });
    const live: RecordedEvent[] = [];
    let caught = false;
    const sub = a.subscribeToAll().subscribe((m: SubscriptionMessage) => {
      if (m.kind === 'event') live.push(m.event);
      else caught = true;
    });
    let n = 0;
    for (let round = 0; round < 12; round++) {
      // a few batches of a, concurrent (one group commit), then sometimes one of b
      await Promise.all(Array.from({ length: 1 + (round % 4) }, () => a.append(`a-${n % 5}`, [ev(n++), ev(n++)], { expectedRevision: 'any' })));
      if (round % 3 === 1) await b.append(`b-${round}`, [ev(n++)], { expectedRevision: 'any' });
    }
    const all = await fileRowsAfter(file, 0n);
    expect(all).toHaveLength(n);
    // every cursor: each event's position, and (sparse) one between two events
    const cursors = [0n, ...all, ...(positions === 'sparse' ? all.map((p) => p + 1n) : [])];
    for (const c of cursors) expect(await readAllPositions(a, c)).toEqual(all.filter((p) => p > c));
    // the types hint: the same events as the file's, of those types
    const thirds: bigint[] = [];
    for await (const e of a.readAll({ after: 0n })) if (e.type === 'Third') thirds.push(e.position);
    for (const c of cursors) expect(await readAllPositions(a, c, ['Third'])).toEqual(thirds.filter((p) => p > c));
    const deadline = Date.now() + 5000;
    while (live.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(caught).toBe(true);
    expect(live.map((e) => e.position)).toEqual(all);
    // the path was taken (reads answered from memory), and the answers are whole events
    expect(a.stats.recentReads).toBeGreaterThan(0);
    const fromFile: RecordedEvent[] = [];
    for await (const e of b.readAll({ after: 0n })) fromFile.push(e);
    expect(live).toEqual(fromFile);
    sub.unsubscribe();
    await a.close();
    await b.close();
  });
});
