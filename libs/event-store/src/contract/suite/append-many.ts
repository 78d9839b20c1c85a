/**
 * The contract's appendMany: all streams or none, its answer, its refusals, concurrent writers over overlapping streams.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { StreamNotFound, WrongExpectedRevision, type AppendManyResult, type EventStore, type ExpectedRevision, type RecordedEvent, type StreamWrite } from '../../port.js';
import { byBigint, collect, ev, logOf, suffix, useStore, type ContractRun } from './helpers.js';

/** appendMany: all or nothing, the answer, refusals, concurrency. */
export function describeAppendMany(run: ContractRun): void {
  describe('appendMany', () => {
    let store!: EventStore;
    useStore(run, (s) => (store = s));

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
}
