/**
 * The contract's reads: readStream and readAll, positions (global order, reading after any position), a large read page by page.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { StreamNotFound, type EventStore, type RecordedEvent } from '../../port.js';
import { collect, collectUntil, ev, logOf, suffix, useStore, type ContractRun } from './helpers.js';

/** readStream and readAll: directions, revisions, counts, the global order. */
export function describeReading(run: ContractRun): void {
  describe('reading', () => {
    let store!: EventStore;
    useStore(run, (s) => (store = s));

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
}

/** readAll after a position: an event's, one between events, the head. */
export function describeReadAllAfter(run: ContractRun): void {
  describe('readAll after a position', () => {
    let store!: EventStore;
    useStore(run, (s) => (store = s));
    const { options } = run;

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
}

/** A large stream read lazily, page by page (`largeReadEvents`, `pageStats`). */
export function describeLargeRead(run: ContractRun): void {
  let store!: EventStore;
  useStore(run, (s) => (store = s));
  const { options } = run;

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
}
