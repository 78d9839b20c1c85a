/**
 * The contract's subscriptions: subscribeToAll and subscribeToStream, catch-up then live.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { type EventStore, type SubscriptionMessage } from '../../port.js';
import { collectUntil, ev, suffix, useStore, type ContractRun } from './helpers.js';

/** subscribeToAll and subscribeToStream: no gap, no duplicate, one caughtUp, exclusive starts. */
export function describeSubscriptions(run: ContractRun): void {
  describe('subscriptions', () => {
    let store!: EventStore;
    useStore(run, (s) => (store = s));

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
}
