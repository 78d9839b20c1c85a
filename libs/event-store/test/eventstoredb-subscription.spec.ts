/**
 * The resubscribing catch-up wrapper of the EventStoreDB adapter (`catch-up.ts`), without a server:
 * each client subscription is stood in for by a plain Node object-mode PassThrough (what the client's
 * subscription is: a Readable of resolved events that also emits 'caughtUp'), written to by the test.
 * This tests our wrapper's ordering, deduplication and retry logic, not EventStoreDB.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, test } from '@jest/globals';
import type { Observable } from 'rxjs';
import { catchUpObservable, type CatchUpSpec } from '../src/eventstoredb/catch-up.js';
import { isSystemEventType, type EsdbResolvedEventLike } from '../src/eventstoredb/mapping.js';
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
function resolved(key: bigint, type = 'CaseNoted'): EsdbResolvedEventLike {
  return {
    event: {
      streamId: 'case-1',
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
    accept: (r) => !!r.event && !isSystemEventType(r.event.type),
    caughtUpPosition: (last) => last,
    retry: { baseDelayMs: 1, maxDelayMs: 4, maxAttempts: 3 },
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
    const h = harness({ start: 50n, head: 50n, caughtUpPosition: (last) => (last > 50n ? last : 50n) });
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

  test('gives up with the error after maxAttempts failures in a row', async () => {
    let attempts = 0;
    const h = harness({
      open: () => {
        attempts++;
        throw new Error('14 UNAVAILABLE: No connection established');
      },
    });
    await until(() => h.error() !== undefined);
    expect(attempts).toBe(4); // the first try and 3 retries
    expect((h.error() as Error).message).toMatch(/UNAVAILABLE/);
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
