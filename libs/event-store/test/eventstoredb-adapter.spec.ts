/**
 * The KurrentDB adapter (`eventstoredb-event-store.ts`) over a fake of the client
 * (`eventstoredb-fake-client.ts`: an in-memory log with KurrentDB's byte-offset positions, system
 * records, refusals of positions that are not record boundaries, and droppable subscriptions). No
 * server; only the client is faked, the adapter is the real one.
 */
import { describe, expect, test } from '@jest/globals';
import { NO_STREAM, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import { firstValueFrom, take, toArray, type Subscription } from 'rxjs';
import { EventStoreDbEventStore, METADATA_KEY } from '../src/eventstoredb/eventstoredb-event-store.js';
import { WrongExpectedRevision, type EventMetadata, type NewEvent, type RecordedEvent, type SubscriptionMessage } from '../src/port.js';
import { FakeKurrentClient, type FakeOptions } from './eventstoredb-fake-client.js';

const meta: EventMetadata = {
  actor: 'sekretariat-nehs',
  correlationId: 'c0ffee00-0000-4000-8000-000000000001',
  causationId: null,
  at: '2019-02-15T10:00:00+01:00',
  nested: { page: 3, tags: ['a', 'b'] },
};

let n = 0;
function ev(type = 'CaseNoted', data: unknown = { v: 1 }): NewEvent {
  n++;
  return { id: `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`, type, data, metadata: meta };
}

function setup(options: FakeOptions & { pageSize?: number } = {}) {
  const fake = new FakeKurrentClient(options);
  const store = new EventStoreDbEventStore(fake as unknown as KurrentDBClient, {
    pageSize: options.pageSize ?? 3,
    resubscribe: { baseDelayMs: 1, maxDelayMs: 8 },
  });
  return { fake, store };
}

async function all(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of iterable) out.push(e);
  return out;
}

function readStarts(fake: FakeKurrentClient): ('start' | 'end' | { commit: bigint; prepare: bigint })[] {
  return fake.calls.filter((c) => c.method === 'readAll').map((c) => (c.args[0] as { fromPosition: never }).fromPosition);
}

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await tick(1);
  }
}

describe('appendMany → multiStreamAppend', () => {
  test('one call with each stream and its own expected revision; metadata as strings; answers per stream', async () => {
    const { fake, store } = setup();
    await store.append('meeting-1', [ev('MeetingPlanned')], { expectedRevision: 'no_stream' });
    const result = await store.appendMany([
      { stream: 'case-1', expectedRevision: -1n, events: [ev('CaseDrafted'), ev('CaseScheduled')] },
      { stream: 'meeting-1', expectedRevision: 0n, events: [ev('CaseAddedToAgenda')] },
      { stream: 'numbering-2019', expectedRevision: 'any', events: [ev('NumberGiven')] },
    ]);
    const call = fake.calls.filter((c) => c.method === 'multiStreamAppend');
    expect(call).toHaveLength(1);
    const requests = call[0].args[0] as { streamName: string; expectedState: unknown; events: { metadata: unknown }[] }[];
    expect(requests.map((r) => [r.streamName, r.expectedState])).toEqual([
      ['case-1', NO_STREAM],
      ['meeting-1', 0n],
      // `any` is sent as the head the adapter read (none yet), so the stream chain follows it (chained-writes.ts)
      ['numbering-2019', NO_STREAM],
    ]);
    for (const r of requests) for (const e of r.events) expect(Object.values(e.metadata as object).every((v) => typeof v === 'string')).toBe(true);

    const byStream = (s: string) => fake.records.filter((r) => r.stream === s);
    expect(result.streams).toEqual([
      { stream: 'case-1', nextRevision: 1n, position: byStream('case-1')[1].position },
      { stream: 'meeting-1', nextRevision: 1n, position: byStream('meeting-1')[1].position },
      { stream: 'numbering-2019', nextRevision: 0n, position: byStream('numbering-2019')[0].position },
    ]);
    expect(result.position).toBe(fake.records[fake.records.length - 1].position);
  });

  test('metadata round-trips: what is read back is what was written (the server adds its own keys)', async () => {
    const { fake, store } = setup();
    const e = ev('CaseDrafted', { v: 1, title: 'Felles grunnmur' });
    await store.appendMany([{ stream: 'case-1', expectedRevision: 'no_stream', events: [e] }]);
    const stored = fake.records[0];
    expect(JSON.parse(stored.metadata)).toEqual(expect.objectContaining({ '$schema.name': 'CaseDrafted', [METADATA_KEY]: expect.any(String) }));
    const [read] = await all(store.readStream('case-1'));
    expect(read.metadata).toEqual(meta);
    expect(read.data).toEqual({ v: 1, title: 'Felles grunnmur' });
    expect(read.id).toBe(e.id);
    const [fromAll] = await all(store.readAll());
    expect(fromAll).toEqual(read);
  });

  test('a conflict on any stream throws WrongExpectedRevision naming it, and nothing is written', async () => {
    const { fake, store } = setup();
    await store.append('meeting-1', [ev(), ev()], { expectedRevision: 'no_stream' });
    const before = fake.records.length;
    const attempt = store.appendMany([
      { stream: 'case-1', expectedRevision: 'no_stream', events: [ev()] },
      { stream: 'meeting-1', expectedRevision: 0n, events: [ev()] },
    ]);
    await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevision);
    await expect(attempt).rejects.toMatchObject({ stream: 'meeting-1', expected: 0n, actual: 1n });
    expect(fake.records.length).toBe(before);
  });

  test('an empty list, a write without events or a stream named twice is refused, and nothing is sent', async () => {
    const { fake, store } = setup();
    await expect(store.appendMany([])).rejects.toThrow(/at least one/);
    await expect(store.appendMany([{ stream: 'a', expectedRevision: 'any', events: [] }])).rejects.toThrow(/at least one event/);
    await expect(
      store.appendMany([
        { stream: 'a', expectedRevision: 'any', events: [ev()] },
        { stream: 'a', expectedRevision: 'any', events: [ev()] },
      ]),
    ).rejects.toThrow(/named twice/);
    expect(fake.calls).toEqual([]);
  });

  test('an idempotent repeat answers the original revisions and positions (the server sends no position then)', async () => {
    const { store } = setup();
    const writes = [
      { stream: 'case-1', expectedRevision: 'no_stream' as const, events: [ev(), ev()] },
      { stream: 'meeting-1', expectedRevision: 'no_stream' as const, events: [ev()] },
    ];
    const first = await store.appendMany(writes);
    const again = await store.appendMany(writes);
    expect(again).toEqual(first);
    const single = [{ stream: 'case-2', expectedRevision: 'no_stream' as const, events: [ev()] }];
    expect(await store.appendMany(single)).toEqual(await store.appendMany(single));
  });

  test('an answer without a stream\'s revision throws (the write may or may not have happened): never a silent success', async () => {
    const { fake, store } = setup();
    fake.multiStreamAppend = async () => ({ position: 5000n, responses: [] });
    await expect(store.appendMany([{ stream: 'a', expectedRevision: 'any', events: [ev()] }])).rejects.toThrow(
      /without the revision of a/,
    );
  });
});

describe('append → appendToStream', () => {
  test('expected revisions as the client spells them; a negative one is no_stream', async () => {
    const { fake, store } = setup();
    await store.append('case-1', [ev()], { expectedRevision: -1n });
    await store.append('case-1', [ev()], { expectedRevision: 0n });
    await store.append('case-1', [ev()], { expectedRevision: 'stream_exists' });
    const states = fake.calls.filter((c) => c.method === 'appendToStream').map((c) => (c.args[2] as { streamState: unknown }).streamState);
    // `stream_exists` is sent as the head the adapter read (revision 1), so the stream chain follows it
    expect(states).toEqual([NO_STREAM, 0n, 1n]);
  });

  test('success: false (throwOnAppendFailure=false) throws WrongExpectedRevision with the current revision: never a lost write', async () => {
    const { fake, store } = setup({ throwOnAppendFailure: false });
    await store.append('case-1', [ev(), ev()], { expectedRevision: 'no_stream' });
    const attempt = store.append('case-1', [ev()], { expectedRevision: 0n });
    await expect(attempt).rejects.toBeInstanceOf(WrongExpectedRevision);
    await expect(attempt).rejects.toMatchObject({ stream: 'case-1', expected: 0n, actual: 1n });
    await expect(store.append('case-2', [ev()], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
      stream: 'case-2',
      expected: 'stream_exists',
      actual: 'no_stream',
    });
    expect(fake.records.filter((r) => r.stream === 'case-1')).toHaveLength(2);
  });

  test('the thrown conflict (the default) maps the same way', async () => {
    const { store } = setup();
    await store.append('case-1', [ev()], { expectedRevision: 'no_stream' });
    await expect(store.append('case-1', [ev()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
      name: 'WrongExpectedRevision',
      stream: 'case-1',
      expected: 'no_stream',
      actual: 0n,
    });
  });

  test('an empty append is refused like the SQLite store refuses it, and nothing is sent', async () => {
    const { fake, store } = setup();
    await expect(store.append('case-1', [], { expectedRevision: 'any' })).rejects.toThrow(/at least one event/);
    expect(fake.calls).toEqual([]);
  });

  test('an idempotent repeat answers the original revision and position', async () => {
    const { store } = setup();
    const events = [ev(), ev()];
    const first = await store.append('case-1', events, { expectedRevision: 'no_stream' });
    await store.append('case-1', [ev()], { expectedRevision: 1n });
    expect(await store.append('case-1', events, { expectedRevision: 'no_stream' })).toEqual(first);
  });
});

describe('readAll: after, fromPosition, system records, paging', () => {
  async function filled() {
    const t = setup();
    t.fake.addRecord('$stats-127.0.0.1:2113', '$statsCollected');
    for (let i = 0; i < 4; i++) await t.store.append(`case-${i}`, [ev(), ev()], { expectedRevision: 'no_stream' });
    t.fake.addRecord('$user-typed', 'CaseNoted'); // a user type in a $ stream: never shown
    t.fake.addRecord('$$case-1', '$metadata');
    t.fake.addRecord('case-1', '$>', '0@case-0'); // a system type in a user stream: never shown
    await t.store.append('case-9', [ev()], { expectedRevision: 'no_stream' });
    t.fake.addRecord('$stats-127.0.0.1:2113', '$statsCollected');
    const user = t.fake.records.filter((r) => !r.stream.startsWith('$') && !r.type.startsWith('$')).map((r) => r.position);
    return { ...t, user };
  }
  const positions = (events: RecordedEvent[]) => events.map((e) => e.position);

  test('everything, in order, without system records, across pages', async () => {
    const { store, user } = await filled();
    expect(positions(await all(store.readAll()))).toEqual(user);
    expect(positions(await all(store.readAll({ after: 0n })))).toEqual(user);
  });

  test("after an event's position: the events after it, read from that position", async () => {
    const { fake, store, user } = await filled();
    expect(positions(await all(store.readAll({ after: user[3] })))).toEqual(user.slice(4));
    expect(fake.refused).toEqual([]);
  });

  test('fromPosition (an event\'s own position) is inclusive; maxCount bounds; both bounds at once are refused', async () => {
    const { store, user } = await filled();
    expect(positions(await all(store.readAll({ fromPosition: user[3] })))).toEqual(user.slice(3));
    expect(positions(await all(store.readAll({ after: user[1], maxCount: 2 })))).toEqual(user.slice(2, 4));
    await expect(all(store.readAll({ after: user[1], fromPosition: user[1] }))).rejects.toThrow(/not both/);
  });

  test('after a position between two events (refused by the server): the same answer, restarting at a boundary seen before it', async () => {
    const { fake, store, user } = await filled();
    const between = user[4] + 1n; // between two events: no record starts there (a test may compute one; the app never does)
    expect(positions(await all(store.readAll({ after: between })))).toEqual(user.slice(5));
    expect(fake.refused).toEqual([between]);
    const reads = readStarts(fake);
    const at = reads.findIndex((r) => r !== 'start' && r !== 'end' && r.commit === between);
    // refused there, then read from the nearest boundary this process saw before it (the append of
    // case-1 answered user[3]), not from the beginning
    expect(reads[at + 1]).toEqual({ commit: user[3], prepare: user[3] });
  });

  test('with no boundary known before it, a refused position restarts at the beginning and skips', async () => {
    const { fake, user } = await filled();
    const fresh = new EventStoreDbEventStore(fake as unknown as KurrentDBClient, { pageSize: 2 });
    const between = user[2] + 7n;
    expect(positions(await all(fresh.readAll({ after: between })))).toEqual(user.slice(3));
    const reads = readStarts(fake);
    const at = reads.findIndex((r) => r !== 'start' && r !== 'end' && r.commit === between);
    expect(reads[at + 1]).toBe('start');
  });

  test('after the head (or past every event): nothing', async () => {
    const { store, user } = await filled();
    const head = await store.headPosition();
    expect(head).toBe(user[user.length - 1]);
    expect(await all(store.readAll({ after: head }))).toEqual([]);
  });

  test('headPosition is the last user event, also when only system records follow it; 0n when there is none', async () => {
    const { fake, store } = setup({ pageSize: 2 });
    expect(await store.headPosition()).toBe(0n);
    fake.addRecord('$stats-1', '$statsCollected');
    expect(await store.headPosition()).toBe(0n);
    const { position } = await store.append('case-1', [ev()], { expectedRevision: 'any' });
    for (let i = 0; i < 7; i++) fake.addRecord(i % 2 ? '$user' : '$stats-1', i % 2 ? 'CaseNoted' : '$statsCollected');
    expect(await store.headPosition()).toBe(position);
  });
});

describe('subscribeToAll', () => {
  test('after a position between two events: only the events after it, one caughtUp not before it, $ streams filtered by name', async () => {
    const { fake, store } = setup();
    const p: bigint[] = [];
    for (let i = 0; i < 5; i++) p.push((await store.append(`case-${i}`, [ev()], { expectedRevision: 'no_stream' })).position);
    fake.addRecord('$user-typed', 'CaseNoted');
    const between = p[2] + 3n;
    const messages = await firstValueFrom(
      store.subscribeToAll({ after: between }).pipe(
        take(3),
        toArray(),
      ),
    );
    expect(messages.map((m) => (m.kind === 'event' ? m.event.position : `caughtUp@${m.position}`))).toEqual([p[3], p[4], `caughtUp@${p[4]}`]);
    const subscribe = fake.calls.find((c) => c.method === 'subscribeToAll')!.args[0] as { filter: { filterOn: string; regex: string } };
    expect(subscribe.filter).toMatchObject({ filterOn: 'streamName', regex: '^[^$]' });
    expect(fake.refused).toContain(between);
  });

  test('caughtUp is never before the start, also when nothing follows it', async () => {
    const { store } = setup();
    const { position } = await store.append('case-1', [ev()], { expectedRevision: 'any' });
    const first = await firstValueFrom(store.subscribeToAll({ after: position }));
    expect(first).toEqual({ kind: 'caughtUp', position });
  });

  test('a projection-runner-style consumer sees every event once, in order, through 30 drops while writes go on', async () => {
    const { fake, store } = setup();
    for (let i = 0; i < 10; i++) await store.append(`case-${i}`, [ev(), ev()], { expectedRevision: 'no_stream' });

    // the runner's way: a checkpoint, events at or before it ignored, caughtUp raises it
    let checkpoint = 0n;
    const seen: bigint[] = [];
    let caughtUps = 0;
    let failed: unknown;
    const consume = (m: SubscriptionMessage): void => {
      if (m.kind === 'caughtUp') {
        caughtUps++;
        if (m.position < checkpoint) failed = new Error(`caughtUp ${m.position} before checkpoint ${checkpoint}`);
        if (checkpoint < m.position) checkpoint = m.position;
        return;
      }
      if (m.event.position <= checkpoint) {
        failed = new Error(`duplicate or old event ${m.event.position} after ${checkpoint}`);
        return;
      }
      seen.push(m.event.position);
      checkpoint = m.event.position;
    };
    const sub: Subscription = store.subscribeToAll({}).subscribe({ next: consume, error: (e) => (failed = e) });

    let drops = 0;
    for (let round = 0; round < 30; round++) {
      await until(() => fake.subscriptions.some((s) => s.live));
      // writes, system noise, and a drop at some point among them
      const writes = 1 + (round % 3);
      for (let i = 0; i < writes; i++) {
        if (round % 4 === 0) fake.addRecord('$stats-1', '$statsCollected');
        await store.appendMany([
          { stream: `case-r${round}-${i}`, expectedRevision: 'no_stream', events: [ev()] },
          { stream: `meeting-${round % 5}`, expectedRevision: 'any', events: [ev()] },
        ]);
        if (i === round % writes) drops += fake.dropAll();
      }
    }
    const user = fake.records.filter((r) => !r.stream.startsWith('$')).map((r) => r.position);
    await until(() => seen.length >= user.length || failed !== undefined, 10_000);
    await tick(20);
    sub.unsubscribe();
    expect(failed).toBeUndefined();
    expect(seen).toEqual(user);
    expect(caughtUps).toBe(1);
    expect(drops).toBe(30);
    expect(fake.subscriptions.length).toBe(31);
    // and a restart from the checkpoint delivers nothing old
    const again = await firstValueFrom(store.subscribeToAll({ after: checkpoint }));
    expect(again).toEqual({ kind: 'caughtUp', position: checkpoint });
  }, 30_000);
  test('an outage of 40 failed resubscriptions in a row (the old wrapper gave up after 20) is waited out; nothing is lost', async () => {
    const { fake, store } = setup();
    await store.append('case-1', [ev()], { expectedRevision: 'any' });
    const seen: bigint[] = [];
    let failed: unknown;
    const sub = store.subscribeToAll().subscribe({ next: (m) => m.kind === 'event' && seen.push(m.event.position), error: (e) => (failed = e) });
    await until(() => seen.length === 1);
    fake.failNextSubscriptions = 40;
    fake.dropAll();
    // written during the outage
    await store.append('case-2', [ev(), ev()], { expectedRevision: 'any' });
    await until(() => fake.failNextSubscriptions === 0, 10_000);
    await until(() => seen.length === 3, 5000);
    expect(failed).toBeUndefined();
    expect(seen).toEqual(fake.records.map((r) => r.position));
    expect(fake.subscriptions.length).toBe(42);
    // every resubscription asked for what came after the last delivered event
    const starts = fake.calls.filter((c) => c.method === 'subscribeToAll').slice(1).map((c) => (c.args[0] as { fromPosition: unknown }).fromPosition);
    expect(new Set(starts.map((p) => JSON.stringify(p, (_, v) => (typeof v === 'bigint' ? String(v) : v))))).toEqual(
      new Set([JSON.stringify({ commit: String(seen[0]), prepare: String(seen[0]) })]),
    );
    sub.unsubscribe();
  }, 20_000);
});

describe('subscribeToStream and close', () => {
  test('a stream subscription catches up after the revision, then goes live', async () => {
    const { store } = setup();
    await store.append('case-1', [ev(), ev(), ev()], { expectedRevision: 'no_stream' });
    const got: SubscriptionMessage[] = [];
    const sub = store.subscribeToStream('case-1', { fromRevision: 0n }).subscribe((m) => got.push(m));
    await until(() => got.length === 3);
    await store.append('case-1', [ev()], { expectedRevision: 2n });
    await until(() => got.length === 4);
    expect(got.map((m) => (m.kind === 'event' ? m.event.revision : 'caughtUp'))).toEqual([1n, 2n, 'caughtUp', 3n]);
    sub.unsubscribe();
  });

  test('close completes the subscriptions and disposes the client', async () => {
    const { fake, store } = setup();
    let completed = false;
    store.subscribeToAll().subscribe({ complete: () => (completed = true) });
    await until(() => fake.subscriptions.length === 1);
    await store.close();
    expect(completed).toBe(true);
    expect(fake.disposed).toBe(true);
    await expect(store.append('a', [ev()], { expectedRevision: 'any' })).rejects.toThrow(/closed/);
  });
});
