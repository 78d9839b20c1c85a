/**
 * The contract's appends to one stream: expected revisions and concurrent writers.
 */
import { describe, expect, test } from '@jest/globals';
import { WrongExpectedRevision, type EventStore, type ExpectedRevision } from '../../port.js';
import { collect, ev, expectWrong, suffix, useStore, type ContractRun } from './helpers.js';

/** 'no_stream', 'stream_exists', 'any', an exact revision; a failed append writes nothing. */
export function describeExpectedRevision(run: ContractRun): void {
  describe('expected revision', () => {
    let store!: EventStore;
    useStore(run, (s) => (store = s));

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
}

/** Concurrent appends to one stream: one winner per revision, nothing lost. */
export function describeConcurrency(run: ContractRun): void {
  describe('concurrency', () => {
    let store!: EventStore;
    useStore(run, (s) => (store = s));

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
}
