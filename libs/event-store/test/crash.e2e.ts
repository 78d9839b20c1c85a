/**
 * kill -9 during a 32-writer append load loses no acknowledged event. A real child process runs our
 * adapter (transpiled from src, see fixtures/build-adapter.ts) with 32 concurrent writers that print
 * each event id only after its append promise resolved; after about a second it gets SIGKILL.
 * The same with appendMany over overlapping streams: no call is half there.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/sqlite/sqlite-event-store.js';
import { buildAdapter, fixturesDir } from './fixtures/build-adapter.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function runAndKill(adapter: string, file: string, runMs: number, fixture = 'crash-child.mjs'): Promise<string[]> {
  const child = spawn(process.execPath, [path.join(fixturesDir, fixture), adapter, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('child never became ready')), 15_000);
    child.stdout.on('data', () => {
      if (out.includes('ready\n')) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  await new Promise((r) => setTimeout(r, runMs));
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
    child.on('close', (code, signal) => r({ code, signal })),
  );
  child.kill('SIGKILL');
  const { signal } = await exited;
  expect(signal).toBe('SIGKILL');
  // only complete lines count as acknowledged
  const lines = out.split('\n');
  lines.pop();
  return lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4));
}

test('SIGKILL under 32 concurrent writers loses no acknowledged event and the chain verifies', async () => {
  const adapter = buildAdapter();
  dirs.push(adapter);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-crash-'));
  dirs.push(dir);
  const file = path.join(dir, 'events.db');

  let totalAcked = 0;
  for (let round = 0; round < 2; round++) {
    const acked = await runAndKill(adapter, file, 1000);
    expect(acked.length).toBeGreaterThan(32); // the load really ran
    totalAcked += acked.length;

    const raw = new Database(file, { readonly: true });
    const has = raw.prepare('SELECT 1 FROM events WHERE id = ?').pluck();
    const missing = acked.filter((id) => has.get(id) === undefined);
    const count = raw.prepare('SELECT COUNT(*) FROM events').pluck().get() as number;
    raw.close();
    expect(missing).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(totalAcked);

    const store = await openSqliteStore({ file });
    const verdict = await store.verifyChain();
    expect(verdict).toMatchObject({ ok: true, events: count });
    // per-stream revisions have no gap
    const revs = new Database(file, { readonly: true });
    const gaps = revs
      .prepare('SELECT stream FROM events GROUP BY stream HAVING MAX(revision) + 1 != COUNT(*)')
      .pluck()
      .all();
    revs.close();
    expect(gaps).toEqual([]);
    await store.close();
  }
}, 60_000);

test('SIGKILL in the middle of concurrent appendMany calls: every acknowledged call whole, no call half there', async () => {
  const adapter = buildAdapter();
  dirs.push(adapter);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-crash-many-'));
  dirs.push(dir);
  const file = path.join(dir, 'events.db');

  for (let round = 0; round < 3; round++) {
    const acked = await runAndKill(adapter, file, 700 + 300 * round, 'crash-many-child.mjs');
    expect(acked.length).toBeGreaterThan(16); // the load really ran

    const raw = new Database(file, { readonly: true });
    const calls = raw
      .prepare(`SELECT json_extract(data, '$.g') AS g, json_extract(data, '$.n') AS n, COUNT(*) AS c FROM events WHERE type = 'ManyCrashTested' GROUP BY g`)
      .all() as Array<{ g: string; n: number; c: number }>;
    const gaps = raw.prepare('SELECT stream FROM events GROUP BY stream HAVING MAX(revision) + 1 != COUNT(*)').pluck().all();
    const count = raw.prepare('SELECT COUNT(*) FROM events').pluck().get() as number;
    raw.close();
    const whole = new Set(calls.filter((x) => x.c === x.n).map((x) => x.g));
    expect(calls.filter((x) => x.c !== x.n)).toEqual([]); // no call half there
    expect(acked.filter((g) => !whole.has(g))).toEqual([]); // every acknowledged call there
    expect(gaps).toEqual([]);

    const store = await openSqliteStore({ file });
    expect(await store.verifyChain()).toMatchObject({ ok: true, events: count });
    await store.close();
  }
}, 90_000);
