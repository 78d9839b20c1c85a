/**
 * The contract's idempotent re-append: the same event ids again answer as the first time and write nothing.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { StreamNotFound, type EventStore, type StreamWrite } from '../../port.js';
import { collect, ev, logOf, streamOrNone, suffix, useStore, type ContractRun } from './helpers.js';

/** Re-appending the same ids (append and appendMany); overlaps and other orders are refused. */
export function describeIdempotency(run: ContractRun): void {
  describe('idempotency', () => {
    let store!: EventStore;
    useStore(run, (s) => (store = s));
    const { options } = run;

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
}
