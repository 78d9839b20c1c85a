/**
 * Event store benchmarks (issue 2): durable appends with 1 and 32 writers, and full readAll replay,
 * each beside a raw better-sqlite3 ceiling measured in the same run, on fresh files with the same
 * pragmas (applyWritePragmas: WAL, synchronous=FULL) and the same table.
 *
 * fsync latency on a shared machine is noisy, so store and ceiling are measured in short alternating
 * slices (ABBA order) on files kept open, and each figure is total events / total time over its
 * slices: both sides see the same noise.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { applyWritePragmas, openSqliteStore, SCHEMA_SQL } from '../libs/event-store/src/sqlite/sqlite-event-store.js';
import type { NewEvent } from '../libs/event-store/src/port.js';
import type { BenchFigures } from './types.js';

const APPEND_1W_EVENTS = Number(process.env.BENCH_APPEND_1W ?? 3000);
const APPEND_32W_ROUNDS = Number(process.env.BENCH_APPEND_32W_ROUNDS ?? 240); // × 32 events
const REPLAY_EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000);
const SLICES = 24;

function event(i: number): NewEvent {
  return {
    type: 'CaseEndorsed',
    data: { v: 1, caseId: '4f6c2b1e-9a7d-4c1f-8e2a-3b5d7f9a1c2e', number: `${i % 57}/18`, vedtak: 'NEHS tar saken til orientering.' },
    metadata: { actor: 'sekretariat', correlationId: '0b7d1c8e-2f3a-4d5b-9c6e-7a8f9b0c1d2e', causationId: null, at: '2018-12-06T10:00:00+01:00' },
  };
}

const HASH_PLACEHOLDER = 'f'.repeat(64);
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** A raw connection with the adapter's pragmas and table, inserting the same row shape. */
function rawDb(file: string) {
  const db = new Database(file);
  applyWritePragmas(db);
  db.exec(SCHEMA_SQL);
  const insert = db.prepare(
    'INSERT INTO events (id, stream, revision, type, data, metadata, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const put = (stream: string, revision: number, e: NewEvent): void => {
    insert.run(randomUUID(), stream, revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), new Date().toISOString(), HASH_PLACEHOLDER);
  };
  return { db, begin, commit, put };
}

/** Runs `a` and `b` in alternating slices (ABBA); returns total seconds of each. */
async function alternate(slices: number, a: (slice: number) => Promise<void> | void, b: (slice: number) => Promise<void> | void) {
  let ta = 0;
  let tb = 0;
  for (let s = 0; s < slices; s++) {
    const order = s % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const which of order) {
      gc();
      const t0 = performance.now();
      if (which === 'a') await a(s);
      else await b(s);
      const dt = (performance.now() - t0) / 1000;
      if (which === 'a') ta += dt;
      else tb += dt;
    }
  }
  return { ta, tb };
}

async function append1w(dir: string): Promise<{ value: number; ceiling: number }> {
  const raw = rawDb(path.join(dir, 'raw-1w.db'));
  const store = await openSqliteStore({ file: path.join(dir, 'store-1w.db') });
  const perSlice = Math.ceil(APPEND_1W_EVENTS / SLICES);
  let rawRev = 0;
  let expected: bigint | 'no_stream' = 'no_stream';
  const { ta, tb } = await alternate(
    SLICES,
    async () => {
      for (let i = 0; i < perSlice; i++) {
        expected = (await store.append('one-writer', [event(i)], { expectedRevision: expected })).nextRevision;
      }
    },
    () => {
      for (let i = 0; i < perSlice; i++) {
        raw.begin.run();
        raw.put('one-writer', rawRev++, event(i));
        raw.commit.run();
      }
    },
  );
  await store.close();
  raw.db.close();
  const n = perSlice * SLICES;
  return { value: n / ta, ceiling: n / tb };
}

async function append32w(dir: string): Promise<{ value: number; ceiling: number; transactions: number }> {
  const raw = rawDb(path.join(dir, 'raw-32w.db'));
  const store = await openSqliteStore({ file: path.join(dir, 'store-32w.db') });
  const roundsPerSlice = Math.ceil(APPEND_32W_ROUNDS / SLICES);
  const expected: Array<bigint | 'no_stream'> = Array.from({ length: 32 }, () => 'no_stream');
  let rawRound = 0;
  const { ta, tb } = await alternate(
    SLICES,
    async () => {
      await Promise.all(
        Array.from({ length: 32 }, async (_, w) => {
          for (let i = 0; i < roundsPerSlice; i++) {
            expected[w] = (await store.append(`writer-${w}`, [event(i)], { expectedRevision: expected[w] })).nextRevision;
          }
        }),
      );
    },
    () => {
      for (let r = 0; r < roundsPerSlice; r++) {
        raw.begin.run();
        for (let w = 0; w < 32; w++) raw.put(`writer-${w}`, rawRound, event(r));
        raw.commit.run();
        rawRound++;
      }
    },
  );
  const transactions = store.stats.transactions;
  await store.close();
  raw.db.close();
  const n = roundsPerSlice * SLICES * 32;
  return { value: n / ta, ceiling: n / tb, transactions };
}

type Row = [number, string, string, number, string, string, string, string, string];

async function replay(dir: string): Promise<{ value: number; ceiling: number }> {
  const file = path.join(dir, 'replay.db');
  const store = await openSqliteStore({ file, pageSize: 1000 });
  const t0 = performance.now();
  const chunk = 10_000;
  for (let i = 0; i < REPLAY_EVENTS; i += chunk) {
    const events = Array.from({ length: Math.min(chunk, REPLAY_EVENTS - i) }, (_, j) => event(i + j));
    await store.append(`replay-${(i / chunk) % 100}`, events, { expectedRevision: 'any' });
  }
  console.log(`  wrote ${REPLAY_EVENTS} events through the adapter in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // The ceiling: raw SELECT of the same columns in LIMIT pages of all() (faster than iterate() here)
  // plus JSON.parse of data and metadata, on its own connection with the same cache size.
  const db = new Database(file, { readonly: true });
  db.pragma('cache_size = -65536');
  const page = db
    .prepare('SELECT position, id, stream, revision, type, data, metadata, recorded_at, hash FROM events WHERE position > ? ORDER BY position LIMIT 1000')
    .raw();
  const sliceSize = Math.ceil(REPLAY_EVENTS / 10);
  // Each slice reads after the last position of the slice before (0: from the beginning), as the
  // store gave them (positions need not be 1, 2, 3, …): looked up before anything is timed.
  const nth = db.prepare('SELECT position FROM events ORDER BY position LIMIT 1 OFFSET ?').pluck();
  const afters = Array.from({ length: Math.ceil(REPLAY_EVENTS / sliceSize) }, (_, s) => (s === 0 ? 0 : (nth.get(s * sliceSize - 1) as number)));
  let rawCount = 0;
  let storeCount = 0;
  let check = 0;
  const rawSlice = (s: number): void => {
    let after = afters[s];
    let left = Math.min(sliceSize, REPLAY_EVENTS - s * sliceSize);
    while (left > 0) {
      const rows = page.all(after) as Row[];
      if (rows.length === 0) break;
      for (const row of rows) {
        if (left === 0) break;
        const data = JSON.parse(row[5]) as { v: number };
        const metadata = JSON.parse(row[6]) as { actor: string };
        check += data.v + metadata.actor.length;
        rawCount++;
        left--;
      }
      after = rows[rows.length - 1][0];
    }
  };
  const storeSlice = async (s: number): Promise<void> => {
    const after = BigInt(afters[s]);
    const maxCount = Math.min(sliceSize, REPLAY_EVENTS - s * sliceSize);
    for await (const e of store.readAll({ after, maxCount })) {
      check += (e.data as { v: number }).v + e.metadata.actor.length;
      storeCount++;
    }
  };
  rawSlice(0); // warm up both paths once
  await storeSlice(0);
  rawCount = storeCount = 0;
  const slices = Math.ceil(REPLAY_EVENTS / sliceSize);
  const { ta, tb } = await alternate(slices, storeSlice, rawSlice);
  db.close();
  await store.close();
  if (rawCount !== REPLAY_EVENTS || storeCount !== REPLAY_EVENTS || check === 0) {
    throw new Error(`replay read ${storeCount} (store) and ${rawCount} (raw) of ${REPLAY_EVENTS}`);
  }
  return { value: REPLAY_EVENTS / ta, ceiling: REPLAY_EVENTS / tb };
}

export async function run(): Promise<BenchFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-bench-'));
  try {
    console.log(`  append_1w: ${APPEND_1W_EVENTS} sequential durable appends (store and raw in ${SLICES} alternating slices)`);
    const a1 = await append1w(dir);
    console.log(`  append_32w: 32 writers × ${APPEND_32W_ROUNDS} appends (store and raw in ${SLICES} alternating slices)`);
    const a32 = await append32w(dir);
    console.log(`    ${a32.transactions} group-commit transactions for ${Math.ceil(APPEND_32W_ROUNDS / SLICES) * SLICES * 32} appends`);
    console.log(`  replay: readAll over ${REPLAY_EVENTS} events`);
    const r = await replay(dir);
    const fig = (x: { value: number; ceiling: number }, target: number) => ({
      value: Math.round(x.value),
      unit: 'events/s',
      ceiling: Math.round(x.ceiling),
      ratio: Number((x.value / x.ceiling).toFixed(3)),
      target,
    });
    return { append_1w: fig(a1, 0.7), append_32w: fig(a32, 0.4), replay: fig(r, 0.5) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
