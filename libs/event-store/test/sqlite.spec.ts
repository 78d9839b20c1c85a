import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { firstValueFrom, filter } from 'rxjs';
import { createEventStore, WrongExpectedRevision, type NewEvent, type RecordedEvent, type SubscriptionMessage } from '../src/index.js';
import {
  chainHash,
  DuplicateEventId,
  GENESIS_HASH,
  openSqliteStore,
  SPARSE_FIRST_POSITION,
  sparseRowSize,
  SqliteEventStore,
  type PositionMode,
  type SqliteStoreOptions,
} from '../src/sqlite/sqlite-event-store.js';
import { buildAdapter, fixturesDir } from './fixtures/build-adapter.js';

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-sqlite-'));
  dirs.push(dir);
  return path.join(dir, 'events.db');
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** For tests that spell out dense positions (1, 2, 3, …): the mode is given, not taken from the environment. */
const openDense = (options: SqliteStoreOptions) => openSqliteStore({ positions: 'dense', ...options });

/** Every event of the store, in log order. */
async function log(store: SqliteEventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

const ev = (i = 0, id?: string): NewEvent => ({
  ...(id ? { id } : {}),
  type: 'Tested',
  data: { v: 1, i },
  metadata: { actor: 'test', correlationId: 'c', at: '2024-01-01T00:00:00Z' },
});

describe('group commit', () => {
  test('concurrent appends share one transaction; each is checked against its own expected revision', async () => {
    const store = await openDense({ file: tempFile() });
    const before = store.stats.transactions;
    const results = await Promise.allSettled([
      ...Array.from({ length: 30 }, (_, i) => store.append(`s-${i}`, [ev(i)], { expectedRevision: 'no_stream' })),
      // same stream, expected revisions that only hold counting appends earlier in the batch
      store.append('chain', [ev()], { expectedRevision: 'no_stream' }),
      store.append('chain', [ev(), ev()], { expectedRevision: 0n }),
      store.append('chain', [ev()], { expectedRevision: 2n }),
      // and one that must fail alone
      store.append('chain', [ev()], { expectedRevision: 0n }),
    ]);
    expect(store.stats.transactions - before).toBe(1);
    expect(results.slice(0, 33).every((r) => r.status === 'fulfilled')).toBe(true);
    const failed = results[33];
    expect(failed.status).toBe('rejected');
    const reason = (failed as PromiseRejectedResult).reason as WrongExpectedRevision;
    expect(reason).toBeInstanceOf(WrongExpectedRevision);
    expect(reason.expected).toBe(0n);
    expect(reason.actual).toBe(3n);
    expect(await store.headPosition()).toBe(34n);
    await store.close();
  });

  test('a batch is capped at maxBatch appends', async () => {
    const store = await openSqliteStore({ file: tempFile(), maxBatch: 8 });
    await Promise.all(Array.from({ length: 32 }, (_, i) => store.append(`s-${i}`, [ev(i)], { expectedRevision: 'any' })));
    expect(store.stats.transactions).toBe(4);
    expect(store.stats.eventsWritten).toBe(32);
    await store.close();
  });

  test('appends resolve only after commit: a fresh connection sees them at once', async () => {
    const file = tempFile();
    const store = await openDense({ file });
    const r = await store.append('durable', [ev(1), ev(2)], { expectedRevision: 'no_stream' });
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(2);
    raw.close();
    expect(r.position).toBe(2n);
    await store.close();
  });

  test('close waits for queued appends', async () => {
    const file = tempFile();
    const store = await openDense({ file });
    const p = store.append('late', [ev()], { expectedRevision: 'any' });
    await store.close();
    await expect(p).resolves.toEqual({ nextRevision: 0n, position: 1n });
    await expect(store.append('late', [ev()], { expectedRevision: 'any' })).rejects.toThrow(/closed/);
  });

  test('invalid appends are rejected before they reach the batch', async () => {
    const store = await openSqliteStore({ file: tempFile() });
    await expect(store.append('s', [], { expectedRevision: 'any' })).rejects.toThrow(/at least one event/);
    await expect(store.append('s', [ev()], { expectedRevision: -1n })).rejects.toThrow(/Invalid expectedRevision/);
    await expect(store.append('', [ev()], { expectedRevision: 'any' })).rejects.toThrow(/Stream name/);
    await expect(store.append('s', [ev(0, 'dup'), ev(1, 'dup')], { expectedRevision: 'any' })).rejects.toThrow(/twice/);
    expect(await store.headPosition()).toBe(0n);
    await store.close();
  });

  test('an event id used in another stream is rejected with a clear error', async () => {
    const store = await openSqliteStore({ file: tempFile() });
    await store.append('a', [ev(0, 'same-id')], { expectedRevision: 'any' });
    await expect(store.append('b', [ev(0, 'same-id')], { expectedRevision: 'any' })).rejects.toThrow(/already used in stream a/);
    await store.close();
  });
});

describe('appendMany in the group commit', () => {
  test('a failing appendMany rolls back alone; the other calls of the same transaction commit', async () => {
    const file = tempFile();
    const store = await openSqliteStore({ file });
    // a write that fails half-way through its INSERTs (the second stream's event), after the
    // first stream's rows went in: only the savepoint can take those back
    const raw = new Database(file);
    raw.exec(`CREATE TRIGGER boom BEFORE INSERT ON events WHEN NEW.type = 'Boom' BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    raw.close();
    const before = store.stats.transactions;
    const results = await Promise.allSettled([
      store.append('left', [ev(1)], { expectedRevision: 'no_stream' }),
      store.appendMany([
        { stream: 'half-a', expectedRevision: 'no_stream', events: [ev(2), ev(3)] },
        { stream: 'half-b', expectedRevision: 'no_stream', events: [ev(4), { ...ev(5), type: 'Boom' }] },
      ]),
      store.appendMany([
        { stream: 'right-a', expectedRevision: 'no_stream', events: [ev(6)] },
        { stream: 'left', expectedRevision: 0n, events: [ev(7)] },
      ]),
      // conflicts on its second stream: nothing of it, although its first stream was fine
      store.appendMany([
        { stream: 'lost', expectedRevision: 'no_stream', events: [ev(8)] },
        { stream: 'left', expectedRevision: 0n, events: [ev(9)] },
      ]),
    ]);
    expect(store.stats.transactions - before).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/boom/);
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ stream: 'left', expected: 0n, actual: 1n });
    const events = await log(store);
    expect(events.map((e) => `${e.stream}@${e.revision}`)).toEqual(['left@0', 'right-a@0', 'left@1']);
    const third = (results[2] as PromiseFulfilledResult<{ streams: unknown[]; position: bigint }>).value;
    expect(third).toEqual({
      streams: [
        { stream: 'right-a', nextRevision: 0n, position: events[1].position },
        { stream: 'left', nextRevision: 1n, position: events[2].position },
      ],
      position: events[2].position,
    });
    // the chain and the cached head stayed right through the rolled-back savepoints
    expect(await store.verifyChain()).toMatchObject({ ok: true, events: 3 });
    const next = await store.appendMany([{ stream: 'half-a', expectedRevision: 'no_stream', events: [ev(10)] }]);
    expect(next.streams[0].nextRevision).toBe(0n);
    expect(await store.verifyChain()).toMatchObject({ ok: true, events: 4 });
    await store.close();
  });

  test('a partial repeat is refused with DuplicateEventId saying so; ids are unique across the writes of one call', async () => {
    const store = await openSqliteStore({ file: tempFile() });
    await store.appendMany([{ stream: 'x', expectedRevision: 'no_stream', events: [ev(0, 'x-0'), ev(1, 'x-1')] }]);
    const partial = store.appendMany([
      { stream: 'x', expectedRevision: 'no_stream', events: [ev(0, 'x-0'), ev(1, 'x-1')] },
      { stream: 'y', expectedRevision: 'no_stream', events: [ev(2, 'y-0')] },
    ]);
    await expect(partial).rejects.toBeInstanceOf(DuplicateEventId);
    await expect(partial).rejects.toThrow(/repeats its write to x but not its write to y.*nothing written/);
    await expect(
      store.appendMany([
        { stream: 'p', expectedRevision: 'any', events: [ev(0, 'twice')] },
        { stream: 'q', expectedRevision: 'any', events: [ev(1, 'twice')] },
      ]),
    ).rejects.toThrow(/twice/);
    await expect(
      store.appendMany([
        { stream: 'p', expectedRevision: 'any', events: [ev(0)] },
        { stream: 'q', expectedRevision: 'any', events: [ev(1, 'x-1')] },
      ]),
    ).rejects.toThrow(/already used in stream x/);
    await expect(store.appendMany([{ stream: 'p', expectedRevision: -1n, events: [ev()] }])).rejects.toThrow(/Invalid expectedRevision/);
    await expect(store.appendMany([{ stream: '', expectedRevision: 'any', events: [ev()] }])).rejects.toThrow(/Stream name/);
    await expect(store.appendMany([{ stream: 'p', expectedRevision: 'any', events: [{ ...ev(), type: '' }] }])).rejects.toThrow(/type/);
    expect((await log(store)).map((e) => e.id)).toEqual(['x-0', 'x-1']);
    await store.close();
  });
});

describe.each(['dense', 'sparse'] as PositionMode[])('hash chain (%s positions)', (positions) => {
  /** Ten events; `at[k]` is the position of the k-th (1-based, as the tamper cases count). */
  async function seeded(): Promise<{ file: string; store: SqliteEventStore; at: (k: number) => number }> {
    const file = tempFile();
    const store = await openSqliteStore({ file, positions });
    for (let i = 0; i < 10; i++) await store.append(`h-${i % 3}`, [ev(i)], { expectedRevision: 'any' });
    const positionsOf = (await log(store)).map((e) => Number(e.position));
    return { file, store, at: (k) => positionsOf[k - 1] };
  }
  const tamper = (file: string, sql: string): void => {
    const raw = new Database(file);
    raw.exec(sql);
    raw.close();
  };

  test('an untouched chain verifies and its head is the last row hash', async () => {
    const { file, store } = await seeded();
    const v = await store.verifyChain();
    expect(v.ok).toBe(true);
    const raw = new Database(file, { readonly: true });
    const last = raw.prepare('SELECT hash FROM events ORDER BY position DESC LIMIT 1').pluck().get();
    raw.close();
    expect(v).toEqual({ ok: true, events: 10, headHash: last });
    for await (const e of store.readAll({ maxCount: 1 })) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    await store.close();
  });

  test.each([
    ['an altered payload', (at: (k: number) => number) => `UPDATE events SET data = '{"v":1,"i":99}' WHERE position = ${at(4)}`, 4, 'altered'],
    ['an altered type', (at: (k: number) => number) => `UPDATE events SET type = 'Forged' WHERE position = ${at(7)}`, 7, 'altered'],
    ['a removed row', (at: (k: number) => number) => `DELETE FROM events WHERE position = ${at(5)}`, 5, 'deleted'],
    [
      'two reordered rows',
      (at: (k: number) => number) =>
        `UPDATE events SET position = -1 WHERE position = ${at(3)}; UPDATE events SET position = ${at(3)} WHERE position = ${at(6)}; UPDATE events SET position = ${at(6)} WHERE position = -1;`,
      3,
      'reordered',
    ],
  ])('%s is detected at its position', async (_what, sql, bad, kind) => {
    const { file, store, at } = await seeded();
    tamper(file, sql(at));
    expect(await store.verifyChain()).toEqual({ ok: false, firstBadPosition: BigInt(at(bad)), kind });
    await store.close();
  });

  test('cutting off the newest rows is detected against a head kept outside the file', async () => {
    const { file, store, at } = await seeded();
    const before = await store.verifyChain();
    if (!before.ok) throw new Error('expected an intact chain');
    const knownHead = { position: await store.headPosition(), hash: before.headHash };
    expect(knownHead.position).toBe(BigInt(at(10)));
    expect(await store.verifyChain({ knownHead })).toEqual(before);
    tamper(file, `DELETE FROM events WHERE position >= ${at(9)}`);
    // the shorter chain is internally consistent; only the kept head shows the cut, where the first
    // missing row was due
    expect(await store.verifyChain()).toMatchObject({ ok: true, events: 8 });
    expect(await store.verifyChain({ knownHead })).toEqual({ ok: false, firstBadPosition: BigInt(at(9)), kind: 'cut-off' });
    await store.close();
  });

  test('a rewrite that recomputes every later hash is detected against a kept head', async () => {
    const { file, store, at } = await seeded();
    const before = await store.verifyChain();
    if (!before.ok) throw new Error('expected an intact chain');
    const raw = new Database(file);
    const rows = raw.prepare('SELECT position, id, stream, revision, type, data, metadata, recorded_at FROM events ORDER BY position').raw().all() as Array<
      [number, string, string, number, string, string, string, string]
    >;
    const update = raw.prepare('UPDATE events SET data = ?, hash = ? WHERE position = ?');
    let prev = GENESIS_HASH;
    for (const r of rows) {
      // a forgery of the same length, so that (sparse) every row stays where the offset rule puts it
      const data = r[0] === at(3) ? '{"v":1,"i":9}' : r[5];
      expect(data.length).toBe(r[5].length);
      prev = chainHash(prev, r[0], r[1], r[2], r[3], r[4], data, r[6], r[7]);
      update.run(data, prev, r[0]);
    }
    raw.close();
    expect(await store.verifyChain()).toMatchObject({ ok: true }); // a forger with write access can do this...
    expect(await store.verifyChain({ knownHead: { position: BigInt(at(10)), hash: before.headHash } })).toEqual({
      ok: false,
      firstBadPosition: BigInt(at(10)),
      kind: 'rewritten',
    }); // ...but not match a head published earlier
    await store.close();
  });

  test('a recomputed hash without the rest of the chain is detected', async () => {
    const { file, store, at } = await seeded();
    tamper(file, `UPDATE events SET hash = '${'a'.repeat(64)}' WHERE position = ${at(2)}`);
    expect(await store.verifyChain()).toEqual({ ok: false, firstBadPosition: BigInt(at(2)), kind: 'altered' });
    await store.close();
  });

  test('a row added past the head at a position the offset rule does not give is detected', async () => {
    const { file, store, at } = await seeded();
    const raw = new Database(file);
    const head = raw.prepare('SELECT hash FROM events WHERE position = ?').pluck().get(at(10)) as string;
    const p = at(10) + 7; // not where the next row goes in either mode
    const id = 'forged';
    const data = '{"v":1}';
    const meta = '{"actor":"x"}';
    const when = '2024-01-01T00:00:00.000Z';
    raw.prepare('INSERT INTO events (position, id, stream, revision, type, data, metadata, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(p, id, 'h-0', 99, 'Forged', data, meta, when, chainHash(head, p, id, 'h-0', 99, 'Forged', data, meta, when));
    raw.close();
    const v = await store.verifyChain();
    expect(v.ok).toBe(false);
    // its hash chains, but no row goes there: an inserted row, at its position (both modes)
    expect(v).toEqual({ ok: false, firstBadPosition: BigInt(p), kind: 'inserted' });
    await store.close();
  });
});

describe('sparse positions', () => {
  test('are gapped like log offsets: the first at SPARSE_FIRST_POSITION, each next one the previous + its row size', async () => {
    const store = await openSqliteStore({ file: tempFile(), positions: 'sparse' });
    expect(store.positions).toBe('sparse');
    expect(await store.headPosition()).toBe(0n);
    await store.append('s-1', [ev(1), ev(2)], { expectedRevision: 'no_stream' });
    await store.appendMany([
      { stream: 's-2', expectedRevision: 'no_stream', events: [ev(3)] },
      { stream: 's-1', expectedRevision: 1n, events: [ev(4, 'given-id')] },
    ]);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(`s-${i % 4}`, [ev(10 + i)], { expectedRevision: 'any' })));
    const events = await log(store);
    expect(events.length).toBe(24);
    expect(events[0].position).toBe(BigInt(SPARSE_FIRST_POSITION));
    const raw = new Database(store.file, { readonly: true });
    const rows = raw.prepare('SELECT position, id, stream, type, data, metadata, recorded_at FROM events ORDER BY position').raw().all() as Array<
      [number, string, string, string, string, string, string]
    >;
    raw.close();
    for (let i = 1; i < rows.length; i++) {
      const r = rows[i - 1];
      expect(rows[i][0]).toBe(r[0] + sparseRowSize(r[1], r[2], r[3], r[4], r[5], r[6]));
      expect(rows[i][0] > r[0] + 1).toBe(true);
    }
    expect(await store.headPosition()).toBe(events.at(-1)!.position);
    expect(await store.verifyChain()).toMatchObject({ ok: true, events: 24 });
    await store.close();
  });

  test('a row inserted between two rows is detected', async () => {
    const file = tempFile();
    const store = await openSqliteStore({ file, positions: 'sparse' });
    for (let i = 0; i < 5; i++) await store.append('s', [ev(i)], { expectedRevision: 'any' });
    const events = await log(store);
    const between = Number(events[2].position) + 1;
    const raw = new Database(file);
    raw.prepare('INSERT INTO events (position, id, stream, revision, type, data, metadata, recorded_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(between, 'forged', 'other', 0, 'Forged', '{}', '{}', 'x', chainHash(events[2].hash!, between, 'forged', 'other', 0, 'Forged', '{}', '{}', 'x'));
    raw.close();
    expect(await store.verifyChain()).toEqual({ ok: false, firstBadPosition: BigInt(between), kind: 'inserted' });
    await store.close();
  });

  test("the mode is the file's, fixed when it is created; SAKSFLYT_SPARSE_POSITIONS=1 asks for sparse when the option is not given", async () => {
    const file = tempFile();
    const saved = process.env.SAKSFLYT_SPARSE_POSITIONS;
    try {
      process.env.SAKSFLYT_SPARSE_POSITIONS = '1';
      const sparse = await openSqliteStore({ file });
      expect(sparse.positions).toBe('sparse');
      await sparse.append('s', [ev()], { expectedRevision: 'no_stream' });
      await sparse.close();
      await expect(openSqliteStore({ file, positions: 'dense' })).rejects.toThrow(/keeps sparse positions, but dense positions were asked for/);
      delete process.env.SAKSFLYT_SPARSE_POSITIONS;
      await expect(openSqliteStore({ file })).rejects.toThrow(/keeps sparse positions/);
      const again = await openSqliteStore({ file, positions: 'sparse' });
      expect(await again.headPosition()).toBe(BigInt(SPARSE_FIRST_POSITION));
      await again.close();
      // an explicit option wins over the environment
      process.env.SAKSFLYT_SPARSE_POSITIONS = '1';
      const dense = await openSqliteStore({ file: tempFile(), positions: 'dense' });
      expect(dense.positions).toBe('dense');
      await dense.close();
    } finally {
      if (saved === undefined) delete process.env.SAKSFLYT_SPARSE_POSITIONS;
      else process.env.SAKSFLYT_SPARSE_POSITIONS = saved;
    }
  });

  test('a file written before the mode was recorded (events, no mode) is dense', async () => {
    const file = tempFile();
    const store = await openDense({ file });
    await store.append('old', [ev(), ev()], { expectedRevision: 'no_stream' });
    await store.close();
    const raw = new Database(file);
    raw.exec('DROP TABLE store_meta');
    raw.close();
    const reopened = await openDense({ file });
    expect(await reopened.append('old', [ev()], { expectedRevision: 1n })).toEqual({ nextRevision: 2n, position: 3n });
    expect(await reopened.verifyChain()).toMatchObject({ ok: true, events: 3 });
    await reopened.close();
    await expect(openSqliteStore({ file, positions: 'sparse' })).rejects.toThrow(/keeps dense positions/);
  });
});

describe('catch-up reader thread (subscribeToAll with a long way to catch up)', () => {
  /** Appends `n` events to `streams` streams in batches; returns the store. */
  async function filled(file: string, n: number, options: { pageSize?: number; catchUpThreadMin?: number | false } = {}) {
    const store = await openSqliteStore({ file, ...options });
    for (let i = 0; i < n; i += 250) {
      await store.append(`fill-${(i / 250) % 7}`, Array.from({ length: Math.min(250, n - i) }, (_, j) => ev(i + j)), { expectedRevision: 'any' });
    }
    return store;
  }

  test('delivers exactly what readAll reads, in order, with appends racing the catch-up; then goes live', async () => {
    const store = await filled(tempFile(), 3000, { pageSize: 100, catchUpThreadMin: 1000 });
    const expected = await log(store);
    const got: SubscriptionMessage[] = [];
    // after the 250th event's position (whatever the position mode made it)
    const sub = store.subscribeToAll({ after: expected[249].position }).subscribe((m) => got.push(m));
    // appends while it catches up (the thread may or may not see them: either way once, in order)
    for (let i = 0; i < 20; i++) await store.append('racing', [ev(10_000 + i)], { expectedRevision: 'any' });
    const deadline = Date.now() + 10_000;
    while (!got.some((m) => m.kind === 'caughtUp') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await store.append('after-caught-up', [ev(20_000)], { expectedRevision: 'no_stream' });
    while (got.filter((m) => m.kind === 'event').length < 3000 - 250 + 21 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    sub.unsubscribe();

    const events = got.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
    // exactly the rest of the log, racing appends included, as the store's own reader gives it (ids,
    // data, metadata, hashes, bigints)
    expect(events).toEqual((await log(store)).slice(250));
    expect(events.length).toBe(3000 - 250 + 21);
    expect(events.slice(0, 3000 - 250)).toEqual(expected.slice(250));
    expect(typeof events[0].position).toBe('bigint');
    expect(typeof events[0].revision).toBe('bigint');
    expect(got.filter((m) => m.kind === 'caughtUp')).toHaveLength(1);
    expect(events.at(-1)!.stream).toBe('after-caught-up');
    // the catch-up really ran on the thread, page by page
    expect(store.stats.threadPages).toBeGreaterThanOrEqual(27);
    expect(store.stats.maxRowsPerPage).toBeLessThanOrEqual(100);
    await store.close();
  });

  test('a short catch-up (under catchUpThreadMin) reads on the store connection', async () => {
    const store = await filled(tempFile(), 600, { pageSize: 100, catchUpThreadMin: 1000 });
    const caught = firstValueFrom(store.subscribeToAll().pipe(filter((m) => m.kind === 'caughtUp')));
    expect(await caught).toEqual({ kind: 'caughtUp', position: await store.headPosition() });
    expect(store.stats.threadPages).toBe(0);
    await store.close();
  });

  test('unsubscribing and closing the store in the middle of a catch-up stop delivery at once', async () => {
    const file = tempFile();
    const store = await filled(file, 5000, { pageSize: 50, catchUpThreadMin: 0 });
    let n = 0;
    const sub = store.subscribeToAll().subscribe(() => {
      n++;
      if (n === 120) sub.unsubscribe();
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(n).toBe(120);

    let m = 0;
    let completed = false;
    store.subscribeToAll().subscribe({ next: () => m++, complete: () => (completed = true) });
    while (m < 100) await new Promise((r) => setImmediate(r));
    await store.close();
    const atClose = m;
    await new Promise((r) => setTimeout(r, 200));
    expect(completed).toBe(true);
    expect(m).toBe(atClose);
    expect(m).toBeLessThan(5000);
  });

  test.each([
    ['not JSON', '{not json'],
    ['two values', '1,2'],
    ['a text that would forge a row', '1],[99,"forged","s",0,"Forged",{},{"actor":"x","at":"y"},"z","h"'],
  ])('a stored data text that is %s fails the subscription with an error (no hang, nothing skipped or forged)', async (_what, text) => {
    const file = tempFile();
    const store = await filled(file, 2000, { pageSize: 100, catchUpThreadMin: 0 });
    const positions = (await log(store)).map((e) => e.position);
    const victim = positions[1499]; // the 1500th event
    const raw = new Database(file);
    raw.prepare('UPDATE events SET data = ? WHERE position = ?').run(text, Number(victim));
    raw.close();
    const seen: bigint[] = [];
    let caughtUp = false;
    let sub: { unsubscribe(): void } | undefined;
    const error = await new Promise<unknown>((resolve) => {
      sub = store.subscribeToAll().subscribe({
        next: (msg) => {
          if (msg.kind === 'event') seen.push(msg.event.position);
          else caughtUp = true;
        },
        error: resolve,
      });
      // no error by then is a failure (not a hang): the bad row went through
      setTimeout(() => resolve('no error within 10 s'), 10_000).unref();
    });
    sub?.unsubscribe();
    expect(caughtUp).toBe(false);
    expect(String(error)).toMatch(/JSON/);
    // delivered in order up to the page holding the bad row, never past it
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual(positions.slice(0, seen.length));
    expect(seen.at(-1)! < victim).toBe(true);
    await store.close();
  });
});

describe('several connections and processes on one file', () => {
  test('a second store on the same file sees new events, and its subscription notices them', async () => {
    const file = tempFile();
    const a = await openSqliteStore({ file });
    const b = await openSqliteStore({ file });
    await a.append('x', [ev(1)], { expectedRevision: 'no_stream' });
    const got: SubscriptionMessage[] = [];
    const sub = a.subscribeToStream('y').subscribe((m) => got.push(m));
    const second = await b.append('x', [ev(2)], { expectedRevision: 0n });
    const seen = [];
    for await (const e of a.readStream('x')) seen.push(e.revision);
    expect(seen).toEqual([0n, 1n]);
    const live = firstValueFrom(a.subscribeToAll({ after: second.position }).pipe(filter((m) => m.kind === 'event')));
    await new Promise((r) => setTimeout(r, 100));
    await b.append('y', [ev(3)], { expectedRevision: 'no_stream' });
    const m = await live;
    expect(m.kind === 'event' && m.event.stream).toBe('y');
    const deadline = Date.now() + 5000;
    while (!got.some((x) => x.kind === 'event') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(got.map((x) => x.kind)).toEqual(['caughtUp', 'event']);
    sub.unsubscribe();
    await a.close();
    await b.close();
  });

  test.each(['dense', 'sparse'] as PositionMode[])("the writer's cached heads are dropped when another connection commits (%s positions)", async (positions) => {
    const file = tempFile();
    const a = await openSqliteStore({ file, positions });
    const b = await openSqliteStore({ file, positions });
    await a.append('shared', [ev(0)], { expectedRevision: 'no_stream' }); // a caches revision 0 and the head
    await b.append('shared', [ev(1)], { expectedRevision: 0n });
    await b.append('other', [ev(2)], { expectedRevision: 'no_stream' });
    await expect(a.append('shared', [ev(3)], { expectedRevision: 0n })).rejects.toMatchObject({ actual: 1n });
    const r = await a.append('shared', [ev(3)], { expectedRevision: 1n });
    expect(r.nextRevision).toBe(2n);
    expect(r.position).toBe(await a.headPosition());
    if (positions === 'dense') expect(r.position).toBe(4n);
    // the next row went where the offset rule puts it after b's last row
    expect(await a.verifyChain()).toMatchObject({ ok: true, events: 4 });
    await a.close();
    await b.close();
  });

  test('a subscription in this process notices appends committed by a child process', async () => {
    const adapter = buildAdapter();
    dirs.push(adapter);
    const file = tempFile();
    const store = await openSqliteStore({ file });
    await store.append('parent', [ev()], { expectedRevision: 'no_stream' });
    const received: bigint[] = [];
    let caughtUp = 0;
    const sub = store.subscribeToStream('from-child').subscribe((m) => {
      if (m.kind === 'event') received.push(m.event.revision);
      else caughtUp += 1;
    });
    const child = spawn(process.execPath, [path.join(fixturesDir, 'append-child.mjs'), adapter, file, 'from-child', '5'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(0);
    expect(out).toContain('done');
    const deadline = Date.now() + 5000;
    while (received.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    sub.unsubscribe();
    expect(received).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(caughtUp).toBe(1);
    const all = await log(store);
    expect(all.length).toBe(6);
    expect(await store.headPosition()).toBe(all.at(-1)!.position);
    expect(await store.verifyChain()).toMatchObject({ ok: true, events: 6 });
    await store.close();
  }, 30_000);
});

describe('createEventStore', () => {
  test('uses the SQLite file under SAKSFLYT_DATA_DIR, creating the directory', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'saksflyt-env-')), 'nested', 'data');
    dirs.push(path.dirname(path.dirname(dir)));
    const store = await createEventStore({ SAKSFLYT_DATA_DIR: dir });
    expect(store.kind).toBe('sqlite');
    expect(existsSync(path.join(dir, 'saksflyt.db'))).toBe(true);
    expect(await store.headPosition()).toBe(0n);
    await store.close();
  });

  test('routes to the KurrentDB adapter when EVENTSTORE_CONNECTION_STRING is set', async () => {
    // nothing listens on port 1: the KurrentDB adapter (loaded only now) reports it cannot connect
    await expect(
      createEventStore({ EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false', SAKSFLYT_DATA_DIR: '/nonexistent' }),
    ).rejects.toThrow(/Cannot reach KurrentDB at esdb:\/\/127\.0\.0\.1:1/);
  }, 30_000);
});

describe('cheap reads for the command side', () => {
  const e = (type: string): NewEvent => ({ type, data: {}, metadata: { actor: 't', correlationId: 'c', at: new Date(0).toISOString() } });

  test('knownStreamRevision: the streams it wrote itself, until another connection commits', async () => {
    const file = tempFile();
    const a = await openSqliteStore({ file });
    expect(a.knownStreamRevision('s')).toBeUndefined(); // never written here
    await a.append('s', [e('A'), e('B')], { expectedRevision: 'no_stream' });
    expect(a.knownStreamRevision('s')).toBe(1n);
    expect(a.knownStreamRevision('t')).toBeUndefined();
    const b = await openSqliteStore({ file }); // another connection (another process)
    await b.append('u', [e('A')], { expectedRevision: 'no_stream' });
    expect(a.knownStreamRevision('s')).toBeUndefined(); // someone else committed: not known any more
    await b.append('s', [e('C')], { expectedRevision: 1n });
    await a.append('s', [e('D')], { expectedRevision: 2n }); // its next batch re-reads the heads
    expect(a.knownStreamRevision('s')).toBe(3n);
    await b.close();
    await a.close();
    expect(a.knownStreamRevision('s')).toBeUndefined();
  });

  test('readAll types hint: only those types, in position order, after the cursor', async () => {
    const store = await openSqliteStore({ file: tempFile(), pageSize: 2 });
    const types = ['A', 'B', 'A', 'C', 'A', 'B', 'A'];
    const positions: bigint[] = [];
    for (const t of types) positions.push((await store.append('s', [e(t)], { expectedRevision: 'any' })).position);
    const got: RecordedEvent[] = [];
    for await (const x of store.readAll({ after: positions[0], types: ['A', 'C'] })) got.push(x);
    expect(got.map((x) => x.type)).toEqual(['A', 'C', 'A', 'A']);
    expect(got.map((x) => x.position)).toEqual([positions[2], positions[3], positions[4], positions[6]]);
    await store.close();
  });
});
