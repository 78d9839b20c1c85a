import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import Database from 'better-sqlite3';
import { firstValueFrom, filter } from 'rxjs';
import { createEventStore, WrongExpectedRevision, type NewEvent, type SubscriptionMessage } from '../src/index.js';
import { chainHash, GENESIS_HASH, openSqliteStore, SqliteEventStore } from '../src/sqlite/sqlite-event-store.js';
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

const ev = (i = 0, id?: string): NewEvent => ({
  ...(id ? { id } : {}),
  type: 'Tested',
  data: { v: 1, i },
  metadata: { actor: 'test', correlationId: 'c', at: '2024-01-01T00:00:00Z' },
});

describe('group commit', () => {
  test('concurrent appends share one transaction; each is checked against its own expected revision', async () => {
    const store = await openSqliteStore({ file: tempFile() });
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
    const store = await openSqliteStore({ file });
    const r = await store.append('durable', [ev(1), ev(2)], { expectedRevision: 'no_stream' });
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(2);
    raw.close();
    expect(r.position).toBe(2n);
    await store.close();
  });

  test('close waits for queued appends', async () => {
    const file = tempFile();
    const store = await openSqliteStore({ file });
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

describe('hash chain', () => {
  async function seeded(): Promise<{ file: string; store: SqliteEventStore }> {
    const file = tempFile();
    const store = await openSqliteStore({ file });
    for (let i = 0; i < 10; i++) await store.append(`h-${i % 3}`, [ev(i)], { expectedRevision: 'any' });
    return { file, store };
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
    ['an altered payload', `UPDATE events SET data = '{"v":1,"i":99}' WHERE position = 4`, 4n],
    ['an altered type', `UPDATE events SET type = 'Forged' WHERE position = 7`, 7n],
    ['a removed row', `DELETE FROM events WHERE position = 5`, 5n],
    [
      'two reordered rows',
      `UPDATE events SET position = -1 WHERE position = 3; UPDATE events SET position = 3 WHERE position = 6; UPDATE events SET position = 6 WHERE position = -1;`,
      3n,
    ],
  ])('%s is detected', async (_what, sql, bad) => {
    const { file, store } = await seeded();
    tamper(file, sql);
    expect(await store.verifyChain()).toEqual({ ok: false, firstBadPosition: bad });
    await store.close();
  });

  test('cutting off the newest rows is detected against a head kept outside the file', async () => {
    const { file, store } = await seeded();
    const before = await store.verifyChain();
    if (!before.ok) throw new Error('expected an intact chain');
    const knownHead = { position: BigInt(before.events), hash: before.headHash };
    expect(await store.verifyChain({ knownHead })).toEqual(before);
    tamper(file, 'DELETE FROM events WHERE position >= 9');
    // the shorter chain is internally consistent; only the kept head shows the cut
    expect(await store.verifyChain()).toMatchObject({ ok: true, events: 8 });
    expect(await store.verifyChain({ knownHead })).toEqual({ ok: false, firstBadPosition: 9n });
    await store.close();
  });

  test('a rewrite that recomputes every later hash is detected against a kept head', async () => {
    const { file, store } = await seeded();
    const before = await store.verifyChain();
    if (!before.ok) throw new Error('expected an intact chain');
    const raw = new Database(file);
    const rows = raw.prepare('SELECT position, id, stream, revision, type, data, metadata, recorded_at FROM events ORDER BY position').raw().all() as Array<
      [number, string, string, number, string, string, string, string]
    >;
    const update = raw.prepare('UPDATE events SET data = ?, hash = ? WHERE position = ?');
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const data = r[0] === 3 ? '{"v":1,"i":-1}' : r[5];
      prev = chainHash(prev, r[0], r[1], r[2], r[3], r[4], data, r[6], r[7]);
      update.run(data, prev, r[0]);
    }
    raw.close();
    expect(await store.verifyChain()).toMatchObject({ ok: true }); // a forger with write access can do this...
    expect(await store.verifyChain({ knownHead: { position: BigInt(before.events), hash: before.headHash } })).toEqual({
      ok: false,
      firstBadPosition: 10n,
    }); // ...but not match a head published earlier
    await store.close();
  });

  test('a recomputed hash without the rest of the chain is detected', async () => {
    const { file, store } = await seeded();
    tamper(file, `UPDATE events SET hash = '${'a'.repeat(64)}' WHERE position = 2`);
    expect(await store.verifyChain()).toEqual({ ok: false, firstBadPosition: 2n });
    await store.close();
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
    const expected = [];
    for await (const e of store.readAll()) expected.push(e);
    const got: SubscriptionMessage[] = [];
    const sub = store.subscribeToAll({ after: 250n }).subscribe((m) => got.push(m));
    // appends while it catches up (the thread may or may not see them: either way once, in order)
    for (let i = 0; i < 20; i++) await store.append('racing', [ev(10_000 + i)], { expectedRevision: 'any' });
    const deadline = Date.now() + 10_000;
    while (!got.some((m) => m.kind === 'caughtUp') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    await store.append('after-caught-up', [ev(20_000)], { expectedRevision: 'no_stream' });
    while (got.filter((m) => m.kind === 'event').length < 3000 - 250 + 21 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    sub.unsubscribe();

    const events = got.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
    expect(events.map((e) => Number(e.position))).toEqual(Array.from({ length: 3000 - 250 + 21 }, (_, i) => 251 + i));
    // the same events as the store's own reader gives (ids, data, metadata, hashes, bigints)
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
    expect(await caught).toEqual({ kind: 'caughtUp', position: 600n });
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
    const raw = new Database(file);
    raw.prepare('UPDATE events SET data = ? WHERE position = 1500').run(text);
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
    expect(seen.every((p, i) => p === BigInt(i + 1))).toBe(true);
    expect(seen.at(-1)! < 1500n).toBe(true);
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
    await b.append('x', [ev(2)], { expectedRevision: 0n });
    const seen = [];
    for await (const e of a.readStream('x')) seen.push(e.revision);
    expect(seen).toEqual([0n, 1n]);
    const live = firstValueFrom(a.subscribeToAll({ after: 2n }).pipe(filter((m) => m.kind === 'event')));
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

  test("the writer's cached heads are dropped when another connection commits", async () => {
    const file = tempFile();
    const a = await openSqliteStore({ file });
    const b = await openSqliteStore({ file });
    await a.append('shared', [ev(0)], { expectedRevision: 'no_stream' }); // a caches revision 0, position 1
    await b.append('shared', [ev(1)], { expectedRevision: 0n });
    await b.append('other', [ev(2)], { expectedRevision: 'no_stream' });
    await expect(a.append('shared', [ev(3)], { expectedRevision: 0n })).rejects.toMatchObject({ actual: 1n });
    expect(await a.append('shared', [ev(3)], { expectedRevision: 1n })).toEqual({ nextRevision: 2n, position: 4n });
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
    expect(await store.headPosition()).toBe(6n);
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

  test('routes to the EventStoreDB adapter when EVENTSTORE_CONNECTION_STRING is set', async () => {
    // nothing listens on port 1: the EventStoreDB adapter (loaded only now) reports it cannot connect
    await expect(
      createEventStore({ EVENTSTORE_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false', SAKSFLYT_DATA_DIR: '/nonexistent' }),
    ).rejects.toThrow(/EventStoreDB/);
  }, 30_000);
});
