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
  type AppendManyResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type StreamWrite,
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
  /**
   * Whether the store refuses an event id already stored in ANOTHER stream (default true: the SQLite
   * store does). KurrentDB checks ids per stream only (see the port): its spec may set false, and the
   * test is then reported as skipped.
   */
  refusesIdsOfOtherStreams?: boolean;
  /**
   * The store leaves room between adjacent events' positions (KurrentDB's log offsets, a sparse
   * SQLite file): the test reading after a position that lies between two events then must find
   * such a gap instead of passing over it.
   */
  gappedPositions?: boolean;
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

/** Every event of these streams, in log order, after `after` (the suite may share a server). */
async function logOf(store: EventStore, streams: Iterable<string>, after: bigint): Promise<RecordedEvent[]> {
  const mine = new Set(streams);
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll({ after })) if (mine.has(e.stream)) out.push(e);
  return out;
}

/** The stream's events, or [] when it has none. */
async function streamOrNone(store: EventStore, stream: string): Promise<RecordedEvent[]> {
  try {
    return await collect(store.readStream(stream));
  } catch (e) {
    if (e instanceof StreamNotFound) return [];
    throw e;
  }
}

const byBigint = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

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

      test('the same ids in another order of the same stream are not a repeat: refused, nothing written', async () => {
        const s = `contract-idem-order-${suffix()}`;
        const a = ev('Once', {}, randomUUID());
        const b = ev('Once', {}, randomUUID());
        await store.append(s, [a, b], { expectedRevision: 'no_stream' });
        const head = await store.headPosition();
        await expect(store.append(s, [b, a], { expectedRevision: 'no_stream' })).rejects.toThrow();
        await expect(store.append(s, [b, a], { expectedRevision: 1n })).rejects.toThrow();
        expect((await collect(store.readStream(s))).map((e) => e.id)).toEqual([a.id, b.id]);
        expect(await logOf(store, [s], head)).toEqual([]);
      });

      test('re-running an appendMany with the same ids answers as the first time and writes nothing', async () => {
        const [x, y] = [`contract-idem-many-x-${suffix()}`, `contract-idem-many-y-${suffix()}`];
        await store.append(y, [ev('Before', {}, randomUUID())], { expectedRevision: 'no_stream' });
        const writes: StreamWrite[] = [
          { stream: x, expectedRevision: 'no_stream', events: [ev('X', {}, randomUUID()), ev('X', {}, randomUUID())] },
          { stream: y, expectedRevision: 0n, events: [ev('Y', {}, randomUUID())] },
        ];
        const first = await store.appendMany(writes);
        const head = await store.headPosition();
        // the retry of the same command: same ids, the expected revisions it had then
        expect(await store.appendMany(writes)).toEqual(first);
        expect(await logOf(store, [x, y], head)).toEqual([]);
        expect((await collect(store.readStream(x))).length).toBe(2);
        expect((await collect(store.readStream(y))).length).toBe(2);
        // a write after that still gets the next revisions
        const next = await store.appendMany([
          { stream: x, expectedRevision: 1n, events: [ev('X2')] },
          { stream: y, expectedRevision: 1n, events: [ev('Y2')] },
        ]);
        expect(next.streams.map((r) => r.nextRevision)).toEqual([2n, 2n]);
      });

      test('an appendMany that repeats one stream write but not another is refused and writes nothing', async () => {
        const [x, y] = [`contract-idem-half-x-${suffix()}`, `contract-idem-half-y-${suffix()}`];
        const done = [ev('X', {}, randomUUID()), ev('X', {}, randomUUID())];
        await store.appendMany([{ stream: x, expectedRevision: 'no_stream', events: done }]);
        const head = await store.headPosition();
        await expect(
          store.appendMany([
            { stream: x, expectedRevision: 'no_stream', events: done },
            { stream: y, expectedRevision: 'no_stream', events: [ev('Y', {}, randomUUID())] },
          ]),
        ).rejects.toThrow();
        expect(await logOf(store, [x, y], head)).toEqual([]);
        await expect(collect(store.readStream(y))).rejects.toBeInstanceOf(StreamNotFound);
      });

      (options.refusesIdsOfOtherStreams === false ? test.skip : test)('the same ids in another stream are refused, writing nothing', async () => {
        const [x, y, z] = [`contract-idem-other-x-${suffix()}`, `contract-idem-other-y-${suffix()}`, `contract-idem-other-z-${suffix()}`];
        const e = ev('Once', {}, randomUUID());
        await store.append(x, [e], { expectedRevision: 'no_stream' });
        const head = await store.headPosition();
        await expect(store.append(y, [e], { expectedRevision: 'no_stream' })).rejects.toThrow();
        await expect(
          store.appendMany([
            { stream: z, expectedRevision: 'no_stream', events: [ev('Z', {}, randomUUID())] },
            { stream: y, expectedRevision: 'any', events: [ev('Y', {}, randomUUID()), e] },
          ]),
        ).rejects.toThrow();
        expect(await logOf(store, [x, y, z], head)).toEqual([]);
        expect(await streamOrNone(store, y)).toEqual([]);
      });
    });

    describe('appendMany', () => {
      test('all or nothing: a conflict on any one stream throws WrongExpectedRevision naming it, and nothing is written', async () => {
        const [a, b, c] = [`contract-many-a-${suffix()}`, `contract-many-b-${suffix()}`, `contract-many-c-${suffix()}`];
        await store.append(b, [ev('Existing')], { expectedRevision: 'no_stream' });
        const head = await store.headPosition();
        for (const [i, bad] of [
          [0, { stream: b, expectedRevision: 'no_stream' }],
          [1, { stream: b, expectedRevision: 5n }],
          [2, { stream: b, expectedRevision: 1n }],
        ] as const) {
          const writes: StreamWrite[] = [
            { stream: a, expectedRevision: 'no_stream', events: [ev('A', { i }), ev('A', { i })] },
            { stream: bad.stream, expectedRevision: bad.expectedRevision, events: [ev('B', { i })] },
            { stream: c, expectedRevision: 'any', events: [ev('C', { i })] },
          ];
          // the conflicting stream first, in the middle and last
          const order = i === 0 ? [1, 0, 2] : i === 1 ? [0, 1, 2] : [0, 2, 1];
          let error: unknown;
          try {
            await store.appendMany(order.map((k) => writes[k]));
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(WrongExpectedRevision);
          expect((error as WrongExpectedRevision).stream).toBe(b);
          expect((error as WrongExpectedRevision).expected).toBe(bad.expectedRevision);
          expect((error as WrongExpectedRevision).actual).toBe(0n);
        }
        await expect(collect(store.readStream(a))).rejects.toBeInstanceOf(StreamNotFound);
        await expect(collect(store.readStream(c))).rejects.toBeInstanceOf(StreamNotFound);
        expect((await collect(store.readStream(b))).map((e) => e.type)).toEqual(['Existing']);
        expect(await logOf(store, [a, b, c], head)).toEqual([]);
        // the same call with the right revision writes all three
        const ok = await store.appendMany([
          { stream: a, expectedRevision: 'no_stream', events: [ev('A'), ev('A')] },
          { stream: b, expectedRevision: 0n, events: [ev('B')] },
          { stream: c, expectedRevision: 'any', events: [ev('C')] },
        ]);
        expect(ok.streams.map((r) => [r.stream, r.nextRevision])).toEqual([
          [a, 1n],
          [b, 1n],
          [c, 0n],
        ]);
        expect((await logOf(store, [a, b, c], head)).map((e) => e.type)).toEqual(['A', 'A', 'B', 'C']);
      });

      test("the answer: each stream's revision and last position, in the order given, and the highest position", async () => {
        const [a, b, c] = [`contract-many-r1-${suffix()}`, `contract-many-r2-${suffix()}`, `contract-many-r3-${suffix()}`];
        await store.append(b, [ev(), ev()], { expectedRevision: 'no_stream' });
        const head = await store.headPosition();
        const r = await store.appendMany([
          { stream: c, expectedRevision: 'no_stream', events: [ev('C', {}, randomUUID())] },
          { stream: b, expectedRevision: 1n, events: [ev('B', {}, randomUUID()), ev('B', {}, randomUUID()), ev('B', {}, randomUUID())] },
          { stream: a, expectedRevision: 'any', events: [ev('A', {}, randomUUID()), ev('A', {}, randomUUID())] },
        ]);
        expect(r.streams.map((x) => x.stream)).toEqual([c, b, a]);
        expect(r.streams.map((x) => x.nextRevision)).toEqual([0n, 4n, 1n]);
        for (const x of r.streams) {
          const events = await collect(store.readStream(x.stream));
          expect(x.position).toBe(events.at(-1)!.position);
          expect(x.nextRevision).toBe(events.at(-1)!.revision);
        }
        const written = await logOf(store, [a, b, c], head);
        expect(written.length).toBe(6);
        const top = written.map((e) => e.position).sort(byBigint).at(-1)!;
        expect(r.position).toBe(top);
        expect(r.position).toBe(r.streams.map((x) => x.position).sort(byBigint).at(-1));
        expect(await store.headPosition()).toBeGreaterThanOrEqual(r.position);
        // and append keeps answering as a one-stream appendMany
        const one = await store.append(a, [ev('A')], { expectedRevision: 1n });
        expect(one.nextRevision).toBe(2n);
        expect(one.position > r.position).toBe(true);
      });

      test('an empty list, a write without events and a stream named twice are refused (Error), writing nothing', async () => {
        const a = `contract-many-bad-${suffix()}`;
        const b = `contract-many-bad2-${suffix()}`;
        const head = await store.headPosition();
        const refused = async (writes: StreamWrite[]): Promise<void> => {
          let error: unknown;
          try {
            await store.appendMany(writes);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(Error);
          expect(error).not.toBeInstanceOf(WrongExpectedRevision);
        };
        await refused([]);
        await refused([{ stream: a, expectedRevision: 'any', events: [] }]);
        await refused([
          { stream: a, expectedRevision: 'any', events: [ev()] },
          { stream: b, expectedRevision: 'any', events: [] },
        ]);
        await refused([
          { stream: a, expectedRevision: 'any', events: [ev()] },
          { stream: b, expectedRevision: 'any', events: [ev()] },
          { stream: a, expectedRevision: 'any', events: [ev()] },
        ]);
        await expect(store.append(a, [], { expectedRevision: 'any' })).rejects.toThrow();
        expect(await logOf(store, [a, b], head)).toEqual([]);
      });

      test('concurrent appendMany calls over overlapping streams: every success visible, every failure wrote nothing, revisions gap-free, one global order', async () => {
        const streams = Array.from({ length: 6 }, (_, i) => `contract-many-race-${i}-${suffix()}`);
        const head = await store.headPosition();
        for (const s of streams) await store.append(s, [ev('Seed', { call: 'seed' })], { expectedRevision: 'no_stream' });
        // 60 calls, each over 2 or 3 of the 6 streams, all expecting revision 0 (as if each had read
        // the streams at the same moment): the calls race for the same revisions
        const calls = Array.from({ length: 60 }, (_, k) => {
          const picked = [...new Set([k % 6, (k * 5 + 1) % 6, k % 3 === 0 ? (k + 3) % 6 : k % 6])];
          return {
            id: `call-${k}`,
            writes: picked.map(
              (i): StreamWrite => ({
                stream: streams[i],
                expectedRevision: k % 4 === 3 ? 'any' : 0n,
                events: Array.from({ length: 1 + (k % 3) }, () => ev('Raced', { call: `call-${k}` }, randomUUID())),
              }),
            ),
          };
        });
        const outcomes = await Promise.allSettled(calls.map((c) => store.appendMany(c.writes)));
        const log = await logOf(store, streams, head);
        const byCall = new Map<string, RecordedEvent[]>();
        for (const e of log) {
          const call = (e.data as { call: string }).call;
          byCall.set(call, [...(byCall.get(call) ?? []), e]);
        }
        let won = 0;
        for (let k = 0; k < calls.length; k++) {
          const o = outcomes[k];
          const mine = byCall.get(calls[k].id) ?? [];
          if (o.status === 'rejected') {
            expect(o.reason).toBeInstanceOf(WrongExpectedRevision);
            expect(streams).toContain((o.reason as WrongExpectedRevision).stream);
            expect(mine).toEqual([]); // a failure wrote nothing, in no stream
            continue;
          }
          won += 1;
          const r: AppendManyResult = o.value;
          // every event of a success is there, in each stream's order, ending at the answer
          const ids = calls[k].writes.flatMap((w) => w.events.map((e) => e.id));
          expect(mine.map((e) => e.id).sort()).toEqual([...ids].sort());
          for (const [i, w] of calls[k].writes.entries()) {
            const inStream = mine.filter((e) => e.stream === w.stream);
            expect(inStream.map((e) => e.id)).toEqual(w.events.map((e) => e.id));
            expect(r.streams[i]).toEqual({ stream: w.stream, nextRevision: inStream.at(-1)!.revision, position: inStream.at(-1)!.position });
            const first = inStream[0].revision;
            expect(inStream.map((e) => e.revision)).toEqual(inStream.map((_, j) => first + BigInt(j)));
          }
          expect(r.position).toBe(mine.map((e) => e.position).sort(byBigint).at(-1));
        }
        // the 'any' calls cannot conflict; of the rest, one per stream at revision 0 at most
        expect(won).toBeGreaterThanOrEqual(calls.filter((_, k) => k % 4 === 3).length);
        expect(won).toBeLessThan(calls.length);
        // per stream: revisions 0, 1, 2, … without a gap, and the log's order is the stream's order
        for (const s of streams) {
          const events = await collect(store.readStream(s));
          expect(events.map((e) => e.revision)).toEqual(events.map((_, j) => BigInt(j)));
          expect(log.filter((e) => e.stream === s).map((e) => e.id)).toEqual(events.map((e) => e.id));
          for (let j = 1; j < events.length; j++) expect(events[j].position > events[j - 1].position).toBe(true);
        }
        for (let j = 1; j < log.length; j++) expect(log[j].position > log[j - 1].position).toBe(true);
        // and nothing else: the seeds and the events of the calls that succeeded
        const succeeded = calls.filter((_, k) => outcomes[k].status === 'fulfilled');
        expect(log.length).toBe(streams.length + succeeded.reduce((n, c) => n + c.writes.reduce((m, w) => m + w.events.length, 0), 0));
      });

      test('concurrent appendMany writers retrying on conflict over overlapping streams: nothing lost, nothing twice', async () => {
        const streams = Array.from({ length: 4 }, (_, i) => `contract-many-retry-${i}-${suffix()}`);
        const known = new Map<string, ExpectedRevision>(streams.map((s) => [s, 'no_stream']));
        const writer = async (w: number): Promise<void> => {
          const picked = [streams[w % 4], streams[(w + 1) % 4]];
          for (let attempt = 0; ; attempt++) {
            if (attempt > 200) throw new Error(`writer ${w} never got through`);
            try {
              const r = await store.appendMany(picked.map((s) => ({ stream: s, expectedRevision: known.get(s)!, events: [ev('Retried', { w, attempt })] })));
              for (const x of r.streams) known.set(x.stream, x.nextRevision);
              return;
            } catch (e) {
              if (!(e instanceof WrongExpectedRevision)) throw e;
              known.set(e.stream, e.actual);
            }
          }
        };
        await Promise.all(Array.from({ length: 24 }, (_, w) => writer(w)));
        for (const [i, s] of streams.entries()) {
          const events = await collect(store.readStream(s));
          expect(events.map((e) => e.revision)).toEqual(events.map((_, j) => BigInt(j)));
          const writers = events.map((e) => (e.data as { w: number }).w).sort((x, y) => x - y);
          // stream i is written by the writers w with w % 4 === i or (w + 1) % 4 === i, once each
          expect(writers).toEqual(Array.from({ length: 24 }, (_, w) => w).filter((w) => w % 4 === i || (w + 1) % 4 === i));
        }
      });
    });

    describe('readAll after a position', () => {
      test('after each event\'s position: exactly the rest of the log', async () => {
        const streams = [`contract-after-a-${suffix()}`, `contract-after-b-${suffix()}`];
        const head = await store.headPosition();
        await store.append(streams[0], [ev('E', { i: 0 }), ev('E', { i: 1 })], { expectedRevision: 'no_stream' });
        await store.appendMany([
          { stream: streams[1], expectedRevision: 'no_stream', events: [ev('E', { i: 2 })] },
          { stream: streams[0], expectedRevision: 1n, events: [ev('E', { i: 3 }), ev('E', { i: 4 })] },
        ]);
        for (let i = 5; i < 12; i++) await store.append(streams[i % 2], [ev('E', { i })], { expectedRevision: 'any' });
        const log = await logOf(store, streams, head);
        expect(log.map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 12 }, (_, i) => i));
        // omitted and 0n: from the beginning (the first events of the log, whoever wrote them)
        const start = await collect(store.readAll({ maxCount: 20 }));
        expect(start.length).toBeGreaterThan(0);
        expect(await collect(store.readAll({ after: 0n, maxCount: 20 }))).toEqual(start);
        expect(await collect(store.readAll({ fromPosition: start[0].position, maxCount: 20 }))).toEqual(start);
        expect(await collect(store.readAll({ after: start[0].position, maxCount: 19 }))).toEqual(start.slice(1));
        for (let i = 0; i < log.length; i++) {
          const rest = await logOf(store, streams, log[i].position);
          expect(rest).toEqual(log.slice(i + 1));
          // fromPosition is the inclusive twin, for a holder of an event's own position
          const from = await collect(store.readAll({ fromPosition: log[i].position, maxCount: 1 }));
          expect(from.map((e) => e.id)).toEqual([log[i].id]);
        }
      });

      test('after a position that is not an event\'s: from the next event on', async () => {
        const s = `contract-after-gap-${suffix()}`;
        const head = await store.headPosition();
        await store.append(s, [ev('One', {}, randomUUID()), ev('Two', {}, randomUUID()), ev('Three', {}, randomUUID())], { expectedRevision: 'no_stream' });
        const [one, two, three] = await collect(store.readStream(s));
        // the head before writing is a position the store gave, not (necessarily) an event's
        expect((await logOf(store, [s], head)).map((e) => e.id)).toEqual([one.id, two.id, three.id]);
        // a position strictly between two adjacent events, where the store leaves room for one
        // (a sparse SQLite file, KurrentDB's log offsets; a dense store has none to offer)
        let gaps = 0;
        for (const [before, next] of [
          [one, two],
          [two, three],
        ]) {
          if (next.position - before.position < 2n) continue;
          gaps += 1;
          const between = before.position + (next.position - before.position) / 2n; // deliberately not an event's
          const read = await collect(store.readAll({ after: between, maxCount: 1 }));
          expect(read.map((e) => e.id)).toEqual([next.id]);
          const sub = collectUntil(store.subscribeToAll({ after: between }), (ms) => ms.some((m) => m.kind === 'event'));
          const first = (await sub.promise).find((m) => m.kind === 'event');
          expect(first && first.kind === 'event' && first.event.id).toBe(next.id);
        }
        if (options.gappedPositions) expect(gaps).toBe(2);
      });

      test('after the head: nothing', async () => {
        const s = `contract-after-head-${suffix()}`;
        await store.append(s, [ev()], { expectedRevision: 'no_stream' });
        const head = await store.headPosition();
        expect(await collect(store.readAll({ after: head }))).toEqual([]);
        const last = (await collect(store.readStream(s))).at(-1)!;
        expect(await collect(store.readAll({ after: last.position, maxCount: 10 }))).toEqual([]);
      });
    });

    describe('tamper evidence (verify, lastEvent)', () => {
      test('every event read carries a hash; lastEvent names the head and any earlier event with the hash read', async () => {
        const s = `contract-proof-${suffix()}`;
        await store.append(s, [ev(), ev()], { expectedRevision: 'no_stream' });
        await store.appendMany([
          { stream: s, expectedRevision: 1n, events: [ev()] },
          { stream: `${s}-b`, expectedRevision: 'any', events: [ev(), ev()] },
        ]);
        const mine = await logOf(store, [s, `${s}-b`], 0n);
        expect(mine).toHaveLength(5);
        for (const e of mine) expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(new Set(mine.map((e) => e.hash)).size).toBe(5);
        const head = await store.headPosition();
        const last = (await collect(store.readAll({ fromPosition: head }))).at(-1)!;
        expect(await store.lastEvent()).toEqual({ position: head, hash: last.hash });
        expect(await store.lastEvent({ atOrBefore: mine[2].position })).toEqual({ position: mine[2].position, hash: mine[2].hash });
        expect(await store.lastEvent({ atOrBefore: 0n })).toBeNull();
        // a position that is not an event's (beyond the head): the last event before it
        expect(await store.lastEvent({ atOrBefore: head + 1_000_000n })).toEqual({ position: head, hash: last.hash });
      });

      test('verify: an intact log verifies to its head; a kept head is checked, and a printed copy up to its position', async () => {
        const s = `contract-verify-${suffix()}`;
        await Promise.all(Array.from({ length: 20 }, (_, i) => store.append(`${s}-${i % 3}`, [ev('ContractTested', { i })], { expectedRevision: 'any' })));
        const v = await store.verify();
        const head = await store.lastEvent();
        expect(v).toMatchObject({ ok: true, headHash: head!.hash });
        if (!v.ok) throw new Error('expected an intact log');
        expect(v.events).toBeGreaterThanOrEqual(20);
        const mine = await logOf(store, [0, 1, 2].map((k) => `${s}-${k}`), 0n);
        const mid = mine[10];
        const knownHead = { position: mid.position, hash: mid.hash! };
        expect(await store.verify({ knownHead })).toMatchObject({ ok: true, headHash: head!.hash });
        expect(await store.verify({ knownHead, upTo: mid.position })).toMatchObject({ ok: true, headHash: mid.hash });
        expect(await store.verify({ knownHead: { ...knownHead, hash: mine[9].hash! } })).toEqual({ ok: false, firstBadPosition: mid.position, kind: 'rewritten' });
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
