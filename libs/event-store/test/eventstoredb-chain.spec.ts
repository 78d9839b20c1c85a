/**
 * Tamper evidence on KurrentDB (`chain.ts`, `chained-writes.ts`, `sealer.ts`) over the fake client:
 * each stream's chain in the event metadata, the seals over ranges of the global log in a stream of
 * their own, and `verify` finding each kind of change made to the fake's log behind the adapter's
 * back (what a server administrator could do), with the same answer shape as the SQLite store.
 */
import { describe, expect, test } from '@jest/globals';
import type { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { GENESIS_HASH, HASH_KEY, PREV_KEY, SEAL_STREAM, streamEventHash } from '../src/eventstoredb/chain.js';
import { EventStoreDbEventStore, METADATA_KEY } from '../src/eventstoredb/eventstoredb-event-store.js';
import type { NewEvent, RecordedEvent } from '../src/port.js';
import { FakeKurrentClient, type FakeRecord } from './eventstoredb-fake-client.js';

let n = 0;
const ev = (i: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${(++n).toString().padStart(12, '0')}`,
  type: i % 3 === 0 ? 'CaseDrafted' : 'CaseNoted',
  data: { v: 1, i },
  metadata: { actor: 'sekretariat', correlationId: `c-${i}`, causationId: null, at: '2019-02-15T10:00:00+01:00' },
});

function setup(maxEvents = 1000) {
  const fake = new FakeKurrentClient();
  const store = new EventStoreDbEventStore(fake as unknown as KurrentDBClient, { pageSize: 7, seal: { maxEvents } });
  return { fake, store };
}

async function all(store: EventStoreDbEventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

/** Twelve events over three streams (one multi-stream write among them), sealed in ranges of five. */
async function seeded(options: { seal?: boolean } = {}) {
  const { fake, store } = setup(5);
  for (let i = 0; i < 6; i++) await store.append(`case-${i % 3}`, [ev(i)], { expectedRevision: 'any' });
  await store.appendMany([
    { stream: 'case-0', expectedRevision: 1n, events: [ev(6), ev(7)] },
    { stream: 'meeting-1', expectedRevision: 'no_stream', events: [ev(8)] },
  ]);
  for (let i = 9; i < 12; i++) await store.append(`case-${i % 3}`, [ev(i)], { expectedRevision: 'any' });
  if (options.seal !== false) while (await store.sealer.seal());
  return { fake, store, events: await all(store) };
}

const userRecords = (fake: FakeKurrentClient): FakeRecord[] => fake.records.filter((r) => r.stream !== SEAL_STREAM);
const meta = (r: FakeRecord): Record<string, string> => JSON.parse(r.metadata) as Record<string, string>;

describe('the stream chain in the metadata', () => {
  test('each event names the previous event of its stream and its own hash over its content', async () => {
    const { fake, events } = await seeded({ seal: false });
    const byStream = new Map<string, string>();
    for (const r of userRecords(fake)) {
      const m = meta(r);
      expect(m[PREV_KEY]).toBe(byStream.get(r.stream) ?? GENESIS_HASH);
      expect(m[HASH_KEY]).toBe(streamEventHash(m[PREV_KEY], r.stream, r.revision, r.id, r.type, r.data, m[METADATA_KEY]));
      byStream.set(r.stream, m[HASH_KEY]);
    }
    // the port shows that hash and not the chain's properties in the metadata
    expect(events.map((e) => e.hash)).toEqual(userRecords(fake).map((r) => meta(r)[HASH_KEY]));
    expect(events[0].metadata).toEqual(ev(0).metadata);
  });

  test("200 concurrent 'any' appends to one stream chain without a break", async () => {
    const { store } = setup();
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.append('case-hot', [ev(i)], { expectedRevision: 'any' })));
    expect(await store.verify()).toMatchObject({ ok: true, events: 200 });
  });

  test('lastEvent names the event and its hash, also for a position between two events', async () => {
    const { store, events } = await seeded();
    expect(await store.lastEvent()).toEqual({ position: events.at(-1)!.position, hash: events.at(-1)!.hash });
    expect(await store.lastEvent({ atOrBefore: events[4].position })).toEqual({ position: events[4].position, hash: events[4].hash });
    expect(await store.lastEvent({ atOrBefore: events[4].position + 3n })).toEqual({ position: events[4].position, hash: events[4].hash });
  });
});

describe('the seals', () => {
  test('cover the global log in ranges, each chained to the one before, and are never shown as events', async () => {
    const { fake, store, events } = await seeded();
    const seals = (await store.sealer.seals()).map((s) => s.data);
    expect(seals.map((s) => s.count)).toEqual([5, 5, 2]);
    expect(seals[0]).toMatchObject({ from: '0', to: String(events[4].position), prev: GENESIS_HASH });
    expect(seals[1]).toMatchObject({ from: seals[0].to, to: String(events[9].position), prev: seals[0].hash });
    expect(await store.sealer.seal()).toBeNull(); // nothing new
    expect(events.some((e) => e.stream === SEAL_STREAM)).toBe(false);
    expect(await store.headPosition()).toBe(events.at(-1)!.position);
    expect(fake.records.at(-1)!.stream).toBe(SEAL_STREAM);
    expect(await store.verify()).toEqual({ ok: true, events: 12, headHash: events.at(-1)!.hash });
  });

  test('a background sealer seals what is new, and stops with the store', async () => {
    const fake = new FakeKurrentClient();
    const store = new EventStoreDbEventStore(fake as unknown as KurrentDBClient, { seal: { everyMs: 5 } });
    await store.append('case-1', [ev(1), ev(2)], { expectedRevision: 'no_stream' });
    const end = Date.now() + 2000;
    while ((await store.sealer.seals()).length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect((await store.sealer.seals()).map((s) => s.data.count)).toEqual([2]);
    await store.close();
  });
});

describe('verify finds what was changed behind the adapter, with the SQLite store\'s answer shape', () => {
  test('an altered event (data, metadata, type) at its position', async () => {
    for (const change of [
      (r: FakeRecord) => (r.data = JSON.stringify({ v: 1, i: 99 })),
      (r: FakeRecord) => (r.metadata = JSON.stringify({ ...meta(r), [METADATA_KEY]: JSON.stringify({ actor: 'forger' }) })),
      (r: FakeRecord) => (r.type = 'CaseForged'),
    ]) {
      const { fake, store, events } = await seeded();
      change(userRecords(fake)[6]);
      expect(await store.verify()).toEqual({ ok: false, firstBadPosition: events[6].position, kind: 'altered' });
    }
  });

  test('a deleted event: in the middle of its stream, and the last of its stream (then only the seal shows it)', async () => {
    const middle = await seeded();
    middle.fake.records.splice(middle.fake.records.indexOf(userRecords(middle.fake)[1]), 1); // case-1@0, case-1 goes on
    expect(await middle.store.verify()).toEqual({ ok: false, firstBadPosition: middle.events[4].position, kind: 'deleted' });
    const last = await seeded();
    last.fake.records.splice(last.fake.records.indexOf(userRecords(last.fake)[8]), 1); // meeting-1@0, its only event
    // the second seal's range (events 5..9) misses one
    expect(await last.store.verify()).toEqual({ ok: false, firstBadPosition: last.events[5].position, kind: 'deleted' });
  });

  test('an inserted event that chains in its stream is caught by the seal of its range', async () => {
    const { fake, store, events } = await seeded();
    // a forger who knows the rule appends a chained event to meeting-1 and gives it a place inside
    // the first seal's range
    const m = meta(userRecords(fake)[8]);
    const text = JSON.stringify({ actor: 'forger' });
    const data = JSON.stringify({ v: 1 });
    const hash = streamEventHash(m[HASH_KEY], 'meeting-1', 1n, 'forged', 'MeetingForged', data, text);
    const at = events[2].position + 1n;
    const forged: FakeRecord = { ...userRecords(fake)[8], id: 'forged', type: 'MeetingForged', revision: 1n, position: at, data, metadata: JSON.stringify({ [METADATA_KEY]: text, [PREV_KEY]: m[HASH_KEY], [HASH_KEY]: hash }) };
    // the fake reads in array order: put it where its position belongs, and move meeting-1@0 before it
    const m0 = userRecords(fake)[8];
    fake.records.splice(fake.records.indexOf(m0), 1);
    fake.records.splice(fake.records.indexOf(userRecords(fake)[2]) + 1, 0, { ...m0, position: at - 1n }, forged);
    // the first seal's range now holds two events more than it sealed (the moved one and the forged one)
    expect(await store.verify()).toEqual({ ok: false, firstBadPosition: events[0].position, kind: 'inserted' });
  });

  test('two events of different streams that trade places are reordered (the stream chains still hold)', async () => {
    const { fake, store, events } = await seeded();
    const [a, b] = [userRecords(fake)[5], userRecords(fake)[8]]; // case-2@1 and meeting-1@0, both in the second seal's range
    const [pa, pb] = [a.position, b.position];
    const ia = fake.records.indexOf(a);
    const ib = fake.records.indexOf(b);
    fake.records[ia] = { ...b, position: pa };
    fake.records[ib] = { ...a, position: pb };
    expect(await store.verify()).toEqual({ ok: false, firstBadPosition: events[5].position, kind: 'reordered' });
  });

  test('a cut-off tail: against the seals, and against a kept head past the seals', async () => {
    const sealed = await seeded();
    sealed.fake.records.splice(sealed.fake.records.indexOf(userRecords(sealed.fake)[10]), 2);
    expect(await sealed.store.verify()).toMatchObject({ ok: false, kind: 'cut-off' });
    const unsealed = await seeded({ seal: false });
    const kept = unsealed.events.at(-1)!;
    unsealed.fake.records.splice(unsealed.fake.records.indexOf(userRecords(unsealed.fake)[10]), 2);
    expect(await unsealed.store.verify()).toMatchObject({ ok: true, events: 10 });
    expect(await unsealed.store.verify({ knownHead: { position: kept.position, hash: kept.hash! } })).toEqual({
      ok: false,
      firstBadPosition: kept.position,
      kind: 'cut-off',
    });
  });

  test('a printed copy: the hash at its position and the log up to it', async () => {
    const { store, events } = await seeded();
    const printed = events[7];
    const at = { knownHead: { position: printed.position, hash: printed.hash! }, upTo: printed.position };
    expect(await store.verify(at)).toEqual({ ok: true, events: 8, headHash: printed.hash });
    expect(await store.verify({ ...at, knownHead: { ...at.knownHead, hash: events[6].hash! } })).toEqual({
      ok: false,
      firstBadPosition: printed.position,
      kind: 'rewritten',
    });
  });
});
