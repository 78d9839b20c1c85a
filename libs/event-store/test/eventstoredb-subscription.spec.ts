/**
 * The resubscribing catch-up wrapper of the KurrentDB adapter (`catch-up.ts`), without a server:
 * each client subscription is stood in for by a plain Node object-mode PassThrough (what the client's
 * subscription is: a Readable of resolved events that also emits 'caughtUp'), written to by the test.
 * This tests our wrapper's ordering, deduplication and retry logic, not KurrentDB.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, test } from '@jest/globals';
import type { Observable } from 'rxjs';
import { catchUpObservable, type CatchUpSpec } from '../src/eventstoredb/catch-up.js';
import { isUserEvent, type KurrentResolvedEventLike } from '../src/eventstoredb/mapping.js';
import { StreamNotFound, type SubscriptionMessage } from '../src/port.js';

class Scripted extends PassThrough {
  unsubscribed = false;
  constructor(readonly after: bigint) {
    super({ objectMode: true });
  }
  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
  }
}

/** A resolved $all event whose position (and revision) is `key`. */
function resolved(key: bigint, type = 'CaseNoted', streamId = 'case-1'): KurrentResolvedEventLike {
  return {
    event: {
      streamId,
      id: `00000000-0000-4000-8000-${key.toString().padStart(12, '0')}`,
      isJson: true,
      revision: key,
      type,
      created: new Date('2019-02-15T09:00:00Z'),
      data: { v: 1, key: Number(key) },
      metadata: { actor: 'test', correlationId: 'c', at: '2019-02-15T10:00:00+01:00' },
      position: { commit: key, prepare: key },
    },
  };
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await tick(1);
  }
}

function harness(over: Partial<CatchUpSpec> & { head?: bigint } = {}) {
  const opened: Scripted[] = [];
  const spec: CatchUpSpec = {
    start: 0n,
    readHead: async () => {
      if (over.head === undefined) throw new Error('no head');
      return { head: over.head, headPosition: over.head };
    },
    open: (after) => {
      const s = new Scripted(after);
      opened.push(s);
      return s;
    },
    keyOf: (e) => e.position,
    accept: isUserEvent,
    caughtUpPosition: (last) => last,
    retry: { baseDelayMs: 1, maxDelayMs: 4 },
    ...over,
  };
  const messages: SubscriptionMessage[] = [];
  let error: unknown;
  let completed = false;
  const source: Observable<SubscriptionMessage> = catchUpObservable(spec);
  const subscription = source.subscribe({
    next: (m) => messages.push(m),
    error: (e) => (error = e),
    complete: () => (completed = true),
  });
  const summary = (): string[] =>
    messages.map((m) => (m.kind === 'event' ? `e${m.event.position}` : `caughtUp@${m.position}`));
  return {
    opened,
    messages,
    subscription,
    summary,
    error: () => error,
    completed: () => completed,
  };
}

describe('catch-up subscription wrapper', () => {
  test("the server's caughtUp comes after the events it had already buffered", async () => {
    const h = harness();
    await until(() => h.opened.length === 1);
    const sub = h.opened[0];
    // Paused: all three sit in its buffer when 'caughtUp' is emitted, as when the client's
    // Transform runs ahead of the 'data' events (it emits 'caughtUp' as soon as it transforms it).
    sub.pause();
    sub.write(resolved(10n));
    sub.write(resolved(20n));
    sub.write(resolved(30n));
    expect(sub.readableLength).toBe(3);
    sub.emit('caughtUp');
    sub.write(resolved(40n));
    expect(h.messages).toEqual([]);
    sub.resume();
    await until(() => h.messages.length === 5);
    expect(h.summary()).toEqual(['e10', 'e20', 'e30', 'caughtUp@30', 'e40']);
    h.subscription.unsubscribe();
  });

  test('buffered system events count towards the switch but are not delivered', async () => {
    const h = harness();
    await until(() => h.opened.length === 1);
    const sub = h.opened[0];
    sub.pause();
    sub.write(resolved(10n));
    sub.write(resolved(15n, '$statsCollected'));
    sub.write(resolved(20n));
    sub.write(resolved(25n, '$metadata'));
    sub.emit('caughtUp');
    sub.write(resolved(30n));
    sub.resume();
    await until(() => h.messages.length === 4);
    expect(h.summary()).toEqual(['e10', 'e20', 'caughtUp@20', 'e30']);
    h.subscription.unsubscribe();
  });

  test('without a server signal, caughtUp follows the event at the head read before subscribing', async () => {
    const h = harness({ head: 20n });
    await until(() => h.opened.length === 1);
    const sub = h.opened[0];
    sub.write(resolved(10n));
    sub.write(resolved(20n));
    sub.write(resolved(30n));
    sub.emit('caughtUp'); // a later server signal adds nothing
    await until(() => h.messages.length === 4);
    await tick(5);
    expect(h.summary()).toEqual(['e10', 'e20', 'caughtUp@20', 'e30']);
    h.subscription.unsubscribe();
  });

  test('when the head is at or before the start, caughtUp comes at once with the start', async () => {
    const h = harness({ start: 50n, head: 50n, minCaughtUp: 50n });
    await until(() => h.opened.length === 1);
    expect(h.opened[0].after).toBe(50n);
    expect(h.summary()).toEqual(['caughtUp@50']);
    h.opened[0].write(resolved(60n));
    await until(() => h.messages.length === 2);
    expect(h.summary()).toEqual(['caughtUp@50', 'e60']);
    h.subscription.unsubscribe();
  });

  test('a dropped subscription resubscribes after the last delivered event and never repeats one', async () => {
    const h = harness({ start: 5n });
    await until(() => h.opened.length === 1);
    const first = h.opened[0];
    expect(first.after).toBe(5n);
    first.write(resolved(10n));
    first.write(resolved(20n));
    await until(() => h.messages.length === 2);
    first.emit('error', new Error('14 UNAVAILABLE: Connection dropped'));
    await until(() => h.opened.length === 2);
    expect(first.unsubscribed).toBe(true);
    const second = h.opened[1];
    expect(second.after).toBe(20n);
    // late data on the dropped one is ignored; repeats on the new one are dropped
    first.write(resolved(25n));
    second.write(resolved(20n));
    second.write(resolved(30n));
    second.emit('caughtUp');
    // a second drop and a third subscription, after the caught-up switch
    await until(() => h.messages.length === 4);
    second.end();
    await until(() => h.opened.length === 3);
    expect(h.opened[2].after).toBe(30n);
    h.opened[2].emit('caughtUp');
    h.opened[2].write(resolved(40n));
    await until(() => h.messages.length === 5);
    await tick(5);
    expect(h.summary()).toEqual(['e10', 'e20', 'e30', 'caughtUp@30', 'e40']);
    expect(h.error()).toBeUndefined();
    h.subscription.unsubscribe();
    expect(h.opened[2].unsubscribed).toBe(true);
  });

  test('never gives up: resubscribes after every failure, the delay doubling up to the cap', async () => {
    const opens: number[] = [];
    let failing = true;
    const h = harness({
      retry: { baseDelayMs: 2, maxDelayMs: 16 },
      open: (after) => {
        opens.push(Date.now());
        if (failing) throw new Error('14 UNAVAILABLE: No connection established');
        const s = new Scripted(after);
        return s;
      },
    });
    await until(() => opens.length >= 40, 10_000); // the old wrapper gave up after 21
    const gaps = opens.slice(1).map((t, i) => t - opens[i]);
    // doubling: 2, 4, 8, then the cap; a timer never fires early by more than a millisecond
    for (const [i, want] of [2, 4, 8, 16, 16].entries()) expect(gaps[i]).toBeGreaterThanOrEqual(want - 1);
    // capped: no wait grows past the cap (allowing for a busy machine)
    expect(Math.max(...gaps.slice(5))).toBeLessThan(16 + 250);
    expect(h.error()).toBeUndefined();
    failing = false;
    h.subscription.unsubscribe();
  }, 20_000);

  test('the back-off starts over once an event arrives', async () => {
    const h = harness({ retry: { baseDelayMs: 40, maxDelayMs: 400 } });
    await until(() => h.opened.length === 1);
    // three drops in a row: 40, 80, 160 ms
    for (let n = 1; n <= 3; n++) {
      h.opened[n - 1].emit('error', new Error('dropped'));
      await until(() => h.opened.length === n + 1, 2000);
    }
    h.opened[3].write(resolved(10n));
    await until(() => h.messages.length === 1);
    const t0 = Date.now();
    h.opened[3].emit('error', new Error('dropped'));
    await until(() => h.opened.length === 5, 2000);
    expect(Date.now() - t0).toBeLessThan(160); // the base again, not 320
    expect(h.opened[4].after).toBe(10n);
    h.subscription.unsubscribe();
  });

  test('a start the server refuses (not a record boundary) is retried from the fallback, and nothing up to the start is delivered', async () => {
    const fallbacks: bigint[] = [];
    const h = harness({
      start: 1050n,
      minCaughtUp: 1050n,
      fallback: (from) => {
        fallbacks.push(from);
        return from === 1050n ? 1000n : from === 1000n ? 0n : undefined;
      },
    });
    await until(() => h.opened.length === 1);
    expect(h.opened[0].after).toBe(1050n);
    h.opened[0].emit('error', new Error('Invalid position'));
    await until(() => h.opened.length === 2);
    expect(h.opened[1].after).toBe(1000n);
    h.opened[1].emit('error', new Error('Invalid position'));
    await until(() => h.opened.length === 3);
    expect(h.opened[2].after).toBe(0n);
    for (const k of [900n, 1000n, 1040n, 1100n, 1200n]) h.opened[2].write(resolved(k));
    h.opened[2].emit('caughtUp');
    await until(() => h.messages.length === 3);
    expect(h.summary()).toEqual(['e1100', 'e1200', 'caughtUp@1200']);
    expect(fallbacks).toEqual([1050n, 1000n]);
    // a later drop (after events came) resubscribes after the last event, not from the fallback
    h.opened[2].emit('error', new Error('dropped'));
    await until(() => h.opened.length === 4);
    expect(h.opened[3].after).toBe(1200n);
    h.subscription.unsubscribe();
  });

  test('the first caughtUp is never before the start position', async () => {
    // the server says caught up without any event after the start
    const a = harness({ start: 5000n, minCaughtUp: 5000n });
    await until(() => a.opened.length === 1);
    a.opened[0].emit('caughtUp');
    await until(() => a.messages.length === 1);
    expect(a.summary()).toEqual(['caughtUp@5000']);
    a.subscription.unsubscribe();
    // the head read before subscribing lies before the start
    const b = harness({ start: 5000n, head: 4000n, minCaughtUp: 5000n });
    await until(() => b.messages.length === 1);
    expect(b.summary()).toEqual(['caughtUp@5000']);
    b.subscription.unsubscribe();
  });

  test('events of $ streams are never delivered, whatever their type', async () => {
    const h = harness();
    await until(() => h.opened.length === 1);
    h.opened[0].write(resolved(10n));
    h.opened[0].write(resolved(20n, 'CaseNoted', '$user-stream'));
    h.opened[0].write(resolved(30n, '$statsCollected', '$stats-1'));
    h.opened[0].write(resolved(40n));
    await until(() => h.messages.length === 2);
    expect(h.summary()).toEqual(['e10', 'e40']);
    h.subscription.unsubscribe();
  });

  test('a fatal error ends the Observable with the mapped error at once, without retrying', async () => {
    const h = harness({ fatal: (e) => ((e as Error).message === 'deleted' ? new StreamNotFound('case-1') : undefined) });
    await until(() => h.opened.length === 1);
    h.opened[0].emit('error', new Error('deleted'));
    await until(() => h.error() !== undefined);
    expect(h.error()).toBeInstanceOf(StreamNotFound);
    await tick(20);
    expect(h.opened.length).toBe(1);
  });

  test('unsubscribe ends the client subscription and stops delivery', async () => {
    const h = harness();
    await until(() => h.opened.length === 1);
    h.opened[0].write(resolved(10n));
    await until(() => h.messages.length === 1);
    h.subscription.unsubscribe();
    expect(h.opened[0].unsubscribed).toBe(true);
    h.opened[0].write(resolved(20n));
    h.opened[0].emit('error', new Error('cancelled'));
    await tick(20);
    expect(h.summary()).toEqual(['e10']);
    expect(h.opened.length).toBe(1);
  });

  test('closing the store completes the Observable and releases the client subscription', async () => {
    const completers = new Set<() => void>();
    const h = harness({
      onClose: (complete) => {
        completers.add(complete);
        return () => completers.delete(complete);
      },
    });
    await until(() => h.opened.length === 1);
    expect(completers.size).toBe(1);
    for (const c of [...completers]) c();
    expect(h.completed()).toBe(true);
    expect(h.opened[0].unsubscribed).toBe(true);
    expect(completers.size).toBe(0);
  });
});
