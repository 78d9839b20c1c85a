/**
 * The one contract every EventStore adapter must pass (SQLite always; EventStoreDB when a server is
 * configured). Stream names carry a random suffix so the suite can run against a shared real server.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Observable, Subscription } from 'rxjs';
import {
  StreamNotFound,
  WrongExpectedRevision,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type SubscriptionMessage,
} from '../port.js';

export interface EventStoreContractOptions {
  /** When set, the suite is registered as skipped and this reason is printed. */
  skip?: string;
  /** Events written for the large-read test (default 100 000; 0 skips it, e.g. for a slow remote store). */
  largeReadEvents?: number;
  /**
   * Paging counters of the adapter, when it exposes them (the SQLite adapter does): used to prove
   * that a large read never materialises more than one page of rows at once.
   */
  pageStats?: (store: EventStore) => { pageSize: number; maxRowsPerPage: number; rowsRead: number };
}

const suffix = (): string => randomUUID().slice(0, 8);

function ev(type = 'ContractTested', data: Record<string, unknown> = {}, id?: string): NewEvent {
  return {
    ...(id ? { id } : {}),
    type,
    data: { v: 1, ...data },
    metadata: { actor: 'contract', correlationId: randomUUID(), causationId: null, at: new Date().toISOString() },
  };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function expectWrong(
  p: Promise<unknown>,
  expected: ExpectedRevision,
  actual: bigint | 'no_stream',
): Promise<void> {
  let error: unknown;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(WrongExpectedRevision);
  const w = error as WrongExpectedRevision;
  expect(w.expected).toBe(expected);
  expect(w.actual).toBe(actual);
}

/** Subscribes and collects messages until `done` says so (or the timeout passes, which fails). */
function collectUntil(
  source: Observable<SubscriptionMessage>,
  done: (messages: SubscriptionMessage[]) => boolean,
  timeoutMs = 30_000,
): { promise: Promise<SubscriptionMessage[]>; subscription: Subscription } {
  const messages: SubscriptionMessage[] = [];
  let subscription!: Subscription;
  const promise = new Promise<SubscriptionMessage[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription?.unsubscribe();
      reject(new Error(`subscription timed out after ${messages.length} messages`));
    }, timeoutMs);
    subscription = source.subscribe({
      next: (m) => {
        messages.push(m);
        if (done(messages)) {
          clearTimeout(timer);
          queueMicrotask(() => subscription.unsubscribe());
          resolve(messages);
        }
      },
      error: (e) => {
        clearTimeout(timer);
        reject(e);
      },
    });
  });
  return { promise, subscription };
}

export function describeEventStoreContract(
  name: string,
  open: () => Promise<EventStore>,
  options: EventStoreContractOptions = {},
): void {
  if (options.skip) {
    const line = `skipped: ${name} event store contract: ${options.skip}`;
    process.stdout.write(`${line}\n`);
    describe(`EventStore contract: ${name} (SKIPPED: ${options.skip})`, () => {
      test.skip(`skipped: ${options.skip}`, () => undefined);
    });
    return;
  }

  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    describe('expected revision', () => {
      test("'no_stream' succeeds on a new stream and fails on an existing one", async () => {
        const s = `contract-${suffix()}`;
        const r = await store.append(s, [ev()], { expectedRevision: 'no_stream' });
        expect(r.nextRevision).toBe(0n);
        expect(typeof r.position).toBe('bigint');
        await expectWrong(store.append(s, [ev()], { expectedRevision: 'no_stream' }), 'no_stream', 0n);
      });

      test("'stream_exists' fails on a new stream and succeeds on an existing one", async () => {
        const s = `contract-${suffix()}`;
        await expectWrong(store.append(s, [ev()], { expectedRevision: 'stream_exists' }), 'stream_exists', 'no_stream');
        await store.append(s, [ev(), ev()], { expectedRevision: 'no_stream' });
        const r = await store.append(s, [ev()], { expectedRevision: 'stream_exists' });
        expect(r.nextRevision).toBe(2n);
      });

      test("'any' succeeds on new and existing streams", async () => {
        const s = `contract-${suffix()}`;
        expect((await store.append(s, [ev()], { expectedRevision: 'any' })).nextRevision).toBe(0n);
        expect((await store.append(s, [ev(), ev()], { expectedRevision: 'any' })).nextRevision).toBe(2n);
      });

      test('an exact revision succeeds when right and fails with expected and actual when wrong', async () => {
        const s = `contract-${suffix()}`;
        await expectWrong(store.append(s, [ev()], { expectedRevision: 0n }), 0n, 'no_stream');
        await store.append(s, [ev()], { expectedRevision: 'no_stream' });
        const r = await store.append(s, [ev(), ev()], { expectedRevision: 0n });
        expect(r.nextRevision).toBe(2n);
        await expectWrong(store.append(s, [ev()], { expectedRevision: 0n }), 0n, 2n);
        await expectWrong(store.append(s, [ev()], { expectedRevision: 7n }), 7n, 2n);
        expect((await store.append(s, [ev()], { expectedRevision: 2n })).nextRevision).toBe(3n);
        const events = await collect(store.readStream(s));
        expect(events.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
      });

      test('a failed append writes nothing', async () => {
        const s = `contract-${suffix()}`;
        await store.append(s, [ev()], { expectedRevision: 'no_stream' });
        await expect(store.append(s, [ev(), ev(), ev()], { expectedRevision: 5n })).rejects.toBeInstanceOf(
          WrongExpectedRevision,
        );
        expect((await collect(store.readStream(s))).length).toBe(1);
      });
    });

    describe('reading', () => {
      test('readStream throws StreamNotFound for a stream with no events', async () => {
        const s = `contract-missing-${suffix()}`;
        await expect(collect(store.readStream(s))).rejects.toBeInstanceOf(StreamNotFound);
        await expect(collect(store.readStream(s, { direction: 'backwards' }))).rejects.toBeInstanceOf(StreamNotFound);
      });

      test('forwards, backwards, fromRevision and maxCount', async () => {
        const s = `contract-${suffix()}`;
        const written = Array.from({ length: 10 }, (_, i) => ev('Numbered', { i }, randomUUID()));
        await store.append(s, written, { expectedRevision: 'no_stream' });
        const all = await collect(store.readStream(s));
        expect(all.map((e) => e.revision)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
        expect(all.map((e) => e.id)).toEqual(written.map((e) => e.id));
        expect(all.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 10 }, (_, i) => i));
        expect(all[0].metadata.actor).toBe('contract');
        expect(all[0].stream).toBe(s);
        expect(all[0].type).toBe('Numbered');
        expect(typeof all[0].recordedAt).toBe('string');

        const from3 = await collect(store.readStream(s, { fromRevision: 3n }));
        expect(from3.map((e) => e.revision)).toEqual([3n, 4n, 5n, 6n, 7n, 8n, 9n]);
        const first4 = await collect(store.readStream(s, { maxCount: 4 }));
        expect(first4.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n]);
        const back = await collect(store.readStream(s, { direction: 'backwards' }));
        expect(back.map((e) => e.revision)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(9 - i)));
        const back3 = await collect(store.readStream(s, { direction: 'backwards', fromRevision: 5n, maxCount: 3 }));
        expect(back3.map((e) => e.revision)).toEqual([5n, 4n, 3n]);
        const past = await collect(store.readStream(s, { fromRevision: 10n }));
        expect(past).toEqual([]);
      });

      test('global order across streams: positions strictly increase and readAll follows them', async () => {
        const streams = [`contract-a-${suffix()}`, `contract-b-${suffix()}`, `contract-c-${suffix()}`];
        const results: Array<{ id: string; position: bigint }> = [];
        for (let i = 0; i < 12; i++) {
          const e = ev('Ordered', { i }, randomUUID());
          const r = await store.append(streams[i % 3], [e], { expectedRevision: 'any' });
          results.push({ id: e.id as string, position: r.position });
        }
        for (let i = 1; i < results.length; i++) expect(results[i].position > results[i - 1].position).toBe(true);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(results[results.length - 1].position);

        const mine = new Set(results.map((r) => r.id));
        const read: RecordedEvent[] = [];
        for await (const e of store.readAll({ fromPosition: results[0].position })) {
          if (mine.has(e.id)) read.push(e);
          if (read.length === results.length) break;
        }
        expect(read.map((e) => e.id)).toEqual(results.map((r) => r.id));
        expect(read.map((e) => e.position)).toEqual(results.map((r) => r.position));
        // readAll is inclusive of fromPosition and honours maxCount
        const one = await collect(store.readAll({ fromPosition: results[5].position, maxCount: 1 }));
        expect(one.map((e) => e.id)).toEqual([results[5].id]);
      });
    });

    describe('concurrency', () => {
      test('100 concurrent appends with the same expected revision: exactly one winner', async () => {
        const s = `contract-race-${suffix()}`;
        await store.append(s, [ev()], { expectedRevision: 'no_stream' });
        const outcomes = await Promise.allSettled(
          Array.from({ length: 100 }, (_, i) => store.append(s, [ev('Raced', { i })], { expectedRevision: 0n })),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        expect(won.length).toBe(1);
        expect((won[0] as PromiseFulfilledResult<{ nextRevision: bigint }>).value.nextRevision).toBe(1n);
        for (const o of outcomes) {
          if (o.status === 'rejected') {
            expect(o.reason).toBeInstanceOf(WrongExpectedRevision);
            expect((o.reason as WrongExpectedRevision).actual).toBe(1n);
          }
        }
        expect((await collect(store.readStream(s))).length).toBe(2);
      });

      test('100 concurrent writers retrying on conflict: one winner per revision, nothing lost', async () => {
        const s = `contract-retry-${suffix()}`;
        const writer = async (w: number): Promise<bigint> => {
          let expected: ExpectedRevision = 'no_stream';
          for (;;) {
            try {
              return (await store.append(s, [ev('Retried', { w })], { expectedRevision: expected })).nextRevision;
            } catch (e) {
              if (!(e instanceof WrongExpectedRevision)) throw e;
              expected = e.actual;
            }
          }
        };
        const revisions = await Promise.all(Array.from({ length: 100 }, (_, w) => writer(w)));
        expect([...revisions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(
          Array.from({ length: 100 }, (_, i) => BigInt(i)),
        );
        const events = await collect(store.readStream(s));
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 100 }, (_, i) => BigInt(i)));
        expect(new Set(events.map((e) => (e.data as { w: number }).w)).size).toBe(100);
      });

      test("200 concurrent appends with 'any': revisions 0..199, no gap, nothing lost", async () => {
        const s = `contract-any-${suffix()}`;
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) => store.append(s, [ev('Any', { i })], { expectedRevision: 'any' })),
        );
        const revs = results.map((r) => r.nextRevision).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(revs).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(i)));
        const events = await collect(store.readStream(s));
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(i)));
        expect(new Set(events.map((e) => (e.data as { i: number }).i)).size).toBe(200);
        for (let i = 1; i < events.length; i++) expect(events[i].position > events[i - 1].position).toBe(true);
      });
    });

    describe('idempotency', () => {
      test('re-appending the same event ids returns the original result and writes nothing', async () => {
        const s = `contract-idem-${suffix()}`;
        const batch = [ev('Once', {}, randomUUID()), ev('Once', {}, randomUUID()), ev('Once', {}, randomUUID())];
        const first = await store.append(s, batch, { expectedRevision: 'no_stream' });
        const again = await store.append(s, batch, { expectedRevision: 'no_stream' });
        expect(again).toEqual(first);
        const againAny = await store.append(s, batch, { expectedRevision: 'any' });
        expect(againAny.nextRevision).toBe(first.nextRevision);
        const events = await collect(store.readStream(s));
        expect(events.length).toBe(3);
        expect(events.map((e) => e.id)).toEqual(batch.map((e) => e.id));
        // a new event after that still gets the next revision
        expect((await store.append(s, [ev()], { expectedRevision: 2n })).nextRevision).toBe(3n);
      });

      test('a partial overlap of ids is rejected and writes nothing', async () => {
        const s = `contract-idem-partial-${suffix()}`;
        const a = ev('Once', {}, randomUUID());
        const b = ev('Once', {}, randomUUID());
        await store.append(s, [a, b], { expectedRevision: 'no_stream' });
        await expect(store.append(s, [a, ev('New', {}, randomUUID())], { expectedRevision: 'no_stream' })).rejects.toThrow();
        expect((await collect(store.readStream(s))).length).toBe(2);
      });
    });

    describe('subscriptions', () => {
      test('subscribeToAll: catch-up then live with appends racing the switch: no gap, no duplicate, one caughtUp', async () => {
        const s = `contract-suball-${suffix()}`;
        const start = await store.headPosition();
        const before = 1200; // several pages of catch-up
        await store.append(s, Array.from({ length: before }, (_, i) => ev('Before', { i })), { expectedRevision: 'no_stream' });
        const total = before + 300;
        const isMine = (m: SubscriptionMessage): boolean => m.kind === 'event' && m.event.stream === s;
        const { promise } = collectUntil(
          store.subscribeToAll({ after: start }),
          (ms) => ms.filter(isMine).length >= total && ms.some((m) => m.kind === 'caughtUp'),
        );
        // racing appends: issued while the subscription is catching up, and after
        const racing: Promise<unknown>[] = [];
        for (let i = 0; i < 300; i++) {
          racing.push(store.append(s, [ev('Racing', { i: before + i })], { expectedRevision: 'any' }));
          if (i % 50 === 0) await new Promise((r) => setTimeout(r, 2));
        }
        await Promise.all(racing);
        const messages = await promise;
        expect(messages.filter((m) => m.kind === 'caughtUp').length).toBe(1);
        const events = messages.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
        for (let i = 1; i < events.length; i++) expect(events[i].position > events[i - 1].position).toBe(true);
        expect(events[0].position > start).toBe(true);
        const mine = events.filter((e) => e.stream === s);
        expect(mine.map((e) => e.revision)).toEqual(Array.from({ length: total }, (_, i) => BigInt(i)));
        const caughtUpIndex = messages.findIndex((m) => m.kind === 'caughtUp');
        const caughtUp = messages[caughtUpIndex] as { kind: 'caughtUp'; position: bigint };
        const lastBefore = messages.slice(0, caughtUpIndex).filter((m) => m.kind === 'event').pop();
        if (lastBefore && lastBefore.kind === 'event') expect(caughtUp.position >= lastBefore.event.position).toBe(true);
      });

      test('subscribeToAll({ after }) is exclusive', async () => {
        const s = `contract-excl-${suffix()}`;
        const r1 = await store.append(s, [ev('One', {}, randomUUID())], { expectedRevision: 'no_stream' });
        const second = ev('Two', {}, randomUUID());
        await store.append(s, [second], { expectedRevision: 0n });
        const { promise } = collectUntil(store.subscribeToAll({ after: r1.position }), (ms) =>
          ms.some((m) => m.kind === 'event' && m.event.stream === s),
        );
        const messages = await promise;
        const firstMine = messages.find((m) => m.kind === 'event' && m.event.stream === s);
        expect(firstMine && firstMine.kind === 'event' && firstMine.event.id).toBe(second.id);
      });

      test('subscribeToStream: catch-up then live, no gap, no duplicate, one caughtUp', async () => {
        const s = `contract-substream-${suffix()}`;
        const other = `contract-noise-${suffix()}`;
        await store.append(s, Array.from({ length: 700 }, (_, i) => ev('Before', { i })), { expectedRevision: 'no_stream' });
        const total = 900;
        const { promise } = collectUntil(
          store.subscribeToStream(s),
          (ms) => ms.filter((m) => m.kind === 'event').length >= total && ms.some((m) => m.kind === 'caughtUp'),
        );
        const racing: Promise<unknown>[] = [];
        for (let i = 0; i < 200; i++) {
          racing.push(store.append(s, [ev('Racing', { i: 700 + i })], { expectedRevision: 'any' }));
          racing.push(store.append(other, [ev('Noise')], { expectedRevision: 'any' }));
          if (i % 40 === 0) await new Promise((r) => setTimeout(r, 2));
        }
        await Promise.all(racing);
        const messages = await promise;
        expect(messages.filter((m) => m.kind === 'caughtUp').length).toBe(1);
        const events = messages.flatMap((m) => (m.kind === 'event' ? [m.event] : []));
        expect(events.every((e) => e.stream === s)).toBe(true);
        expect(events.map((e) => e.revision)).toEqual(Array.from({ length: total }, (_, i) => BigInt(i)));
      });

      test('subscribeToStream({ fromRevision }) is exclusive and unsubscribe stops delivery', async () => {
        const s = `contract-substream-from-${suffix()}`;
        await store.append(s, Array.from({ length: 5 }, (_, i) => ev('E', { i })), { expectedRevision: 'no_stream' });
        const got: SubscriptionMessage[] = [];
        const sub = store.subscribeToStream(s, { fromRevision: 2n }).subscribe((m) => got.push(m));
        const deadline = Date.now() + 10_000;
        while (!got.some((m) => m.kind === 'caughtUp') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        const events = got.flatMap((m) => (m.kind === 'event' ? [m.event.revision] : []));
        expect(events).toEqual([3n, 4n]);
        sub.unsubscribe();
        await store.append(s, [ev('After')], { expectedRevision: 4n });
        await new Promise((r) => setTimeout(r, 300));
        expect(got.filter((m) => m.kind === 'event').length).toBe(2);
      });
    });

    const large = options.largeReadEvents ?? 100_000;
    (large > 0 ? test : test.skip)(`reads ${large} events lazily, page by page`, async () => {
      const s = `contract-large-${suffix()}`;
      const chunk = 1000;
      // Positions are not dense on every store (EventStoreDB's are byte offsets), so read $all
      // from the head as it stood before writing, not from arithmetic on the append result.
      const first = await store.headPosition();
      for (let i = 0; i < large; i += chunk) {
        const n = Math.min(chunk, large - i);
        const r = await store.append(
          s,
          Array.from({ length: n }, (_, j) => ({
            type: 'Bulk',
            data: { v: 1, i: i + j },
            metadata: { actor: 'contract', correlationId: 'bulk', at: '2020-01-01T00:00:00Z' },
          })),
          { expectedRevision: 'any' },
        );
        expect(r.nextRevision).toBe(BigInt(i + n - 1));
      }
      const stats = options.pageStats;
      // Taking only the first event reads one page, not the whole stream.
      const before = stats?.(store).rowsRead ?? 0;
      for await (const e of store.readStream(s)) {
        expect(e.revision).toBe(0n);
        break;
      }
      if (stats) expect(stats(store).rowsRead - before).toBeLessThanOrEqual(stats(store).pageSize);

      let count = 0;
      let expectedI = 0;
      for await (const e of store.readStream(s)) {
        if ((e.data as { i: number }).i !== expectedI) throw new Error(`out of order at ${count}`);
        expectedI += 1;
        count += 1;
      }
      expect(count).toBe(large);

      let allCount = 0;
      for await (const e of store.readAll({ fromPosition: first })) {
        if (e.stream === s) allCount += 1;
        if (allCount === large) break;
      }
      expect(allCount).toBe(large);
      if (stats) {
        const st = stats(store);
        expect(st.maxRowsPerPage).toBeLessThanOrEqual(st.pageSize);
        expect(st.pageSize).toBeLessThan(large);
      }
    }, 120_000);
  });
}
