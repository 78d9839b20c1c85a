/**
 * The contract's tamper evidence: every event's hash, lastEvent, verify.
 */
import { describe, expect, test } from '@jest/globals';
import { type EventStore } from '../../port.js';
import { collect, ev, logOf, suffix, useStore, type ContractRun } from './helpers.js';

/** verify and lastEvent. */
export function describeTamperEvidence(run: ContractRun): void {
  describe('tamper evidence (verify, lastEvent)', () => {
    let store!: EventStore;
    useStore(run, (s) => (store = s));

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
}
