/**
 * The time machine's history recorded by the live runner from its own fold (runner/history.ts):
 * - snapshots and the time index survive a restart: the runner resumes from its checkpoint (no fold
 *   from 0), the snapshot cadence and the documents changed since the last snapshot carry on across
 *   it, and every answer still equals a full replay;
 * - the snapshot collections held in memory stay within the bound given (bytes of JSON);
 * - a read after a gap of many events answers from the snapshot just before its target (the gap is
 *   recorded by the runner as it happens, never replayed by the read);
 * - a file whose history does not reach the checkpoint (written before the history existed) is
 *   rebuilt by the runner, the old generation serving meanwhile, and then answers every moment.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import path from 'node:path';
import type { EventStore, RecordedEvent } from '@saksflyt/event-store';
import { allProjections, ProjectionRunner, registersProjection, TimeMachine } from '@saksflyt/projections';
import { World } from '../src/testing/world.js';
import { tempStore, type TempStore } from './helpers.js';

const EVERY = 10;

/** A committee meeting `meetings` times, four endorsed cases each (about 25 events a meeting). */
function world(meetings: number): World {
  const w = new World('2019-01-01T08:00:00Z');
  w.createCommittee('HIS', 'Historieutvalget');
  w.join('HIS', 'Kari Nordmann', 'Direktoratet', 'chair');
  w.join('HIS', 'Ola Nordmann', 'Helse Vest RHF');
  w.registerProject('300', 'Prosjekt 300', 'Helse Vest RHF', 'konsept', 'pågår');
  for (let i = 0; i < meetings; i++) {
    const day = new Date(Date.UTC(2019, 0, 10) + i * 14 * 86_400_000).toISOString().slice(0, 10);
    const m = w.planMeeting('HIS', day, 'Bergen', '10:00', '14:00');
    const cases = Array.from({ length: 4 }, (_, k) => w.draftCase('HIS', { title: `Sak ${i}.${k}`, type: 'endorsement', proposedResolution: `Forslag ${i}.${k}` }));
    for (const c of cases) w.schedule(c, m);
    w.notice(m);
    w.open(m);
    for (const c of cases) {
      w.present(c, 'Sekretariatet');
      w.endorse(c, `Vedtak ${i}: ${c.slice(0, 8)}`);
    }
    w.adjourn(m);
    if (i % 5 === 0) w.reportStatus('300', { note: `Rapport ${i}` });
    w.advance(14 * 86_400_000);
  }
  return w;
}

/** The store, counting what is read of it: where subscriptions start, where reads start, events read. */
function counting(store: EventStore) {
  const calls = { subscribedAfter: [] as bigint[], readAfter: [] as bigint[], read: 0 };
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'subscribeToAll')
        return (o?: { after?: bigint }) => {
          calls.subscribedAfter.push(o?.after ?? 0n);
          return target.subscribeToAll(o as never);
        };
      if (prop === 'readAll')
        return (o?: { after?: bigint }) => {
          calls.readAfter.push(o?.after ?? 0n);
          const it = target.readAll(o as never);
          return (async function* () {
            for await (const e of it) {
              calls.read++;
              yield e;
            }
          })();
        };
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { store: proxy as EventStore, calls };
}

const queries: Array<[string, unknown]> = [
  ['decisions', {}],
  ['portfolio', {}],
  ['annual-cycle', { committee: 'HIS' }],
  ['worklist', { canRead: () => true, limit: 500 }],
  ['followups', { canReadDraft: () => true, today: '2020-01-01' }],
];

async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

/** Every view at `position` equals the same view from a replay of the log from the first event. */
async function expectFullReplayAnswers(tm: TimeMachine, position: bigint): Promise<void> {
  const fast = await tm.documentsAt(registersProjection, position);
  const full = await tm.documentsAt(registersProjection, position, { fromScratch: true });
  for (const [name, params] of queries) {
    const view = registersProjection.views![name]!;
    expect({ at: position, name, answer: view.query(fast, params) }).toEqual({ at: position, name, answer: view.query(full, params) });
  }
}

describe("the time machine's history, recorded by the live runner", () => {
  let t: TempStore | undefined;
  let runner: ProjectionRunner | undefined;
  let tm: TimeMachine | undefined;
  afterEach(async () => {
    await tm?.close();
    await runner?.stop();
    await t?.cleanup();
    tm = runner = t = undefined;
  });

  it('survives a restart: the runner resumes from its checkpoint, snapshots carry on every 10 events, answers equal a full replay', async () => {
    t = await tempStore();
    const { store, calls } = counting(t.store);
    const file = path.join(t.dir, 'projections.db');
    const w = world(12);
    const cut = Math.floor(w.events.length / 2) + 3; // not at a snapshot: documents changed since the last one are pending
    await w.appendTo(t.store, 0, 256, cut);
    runner = await ProjectionRunner.start({ store, file, projections: allProjections, snapshotEvery: EVERY });
    const firstHead = await t.store.headPosition();
    await runner.recorded(firstHead);
    tm = new TimeMachine({ store, file, projections: allProjections, runner });
    const before = tm.snapshots('registers');
    expect(before.length).toBe(Math.floor(cut / EVERY));
    await tm.close();
    await runner.stop();

    calls.subscribedAfter.length = 0;
    runner = await ProjectionRunner.start({ store, file, projections: allProjections, snapshotEvery: EVERY });
    await runner.whenCaughtUp();
    expect(calls.subscribedAfter).toEqual([firstHead]); // from the checkpoint, not from 0
    await w.appendTo(t.store, cut);
    const events = await allEvents(t.store);
    await runner.recorded(events.at(-1)!.position);
    tm = new TimeMachine({ store, file, projections: allProjections, runner });
    const after = tm.snapshots('registers');
    // the cadence carried on across the restart: a snapshot at every 10th event of the whole log
    expect(after).toEqual(events.filter((_, i) => (i + 1) % EVERY === 0).map((e) => e.position));
    expect(after.slice(0, before.length)).toEqual(before);
    for (const e of events) await expectFullReplayAnswers(tm, e.position);
  });

  it('holds no more snapshot collections in memory than its bound', async () => {
    t = await tempStore();
    const file = path.join(t.dir, 'projections.db');
    const w = world(16);
    await w.appendTo(t.store);
    runner = await ProjectionRunner.start({ store: t.store, file, projections: allProjections, snapshotEvery: EVERY });
    const events = await allEvents(t.store);
    await runner.recorded(events.at(-1)!.position);
    const sample = events.filter((_, i) => i % 7 === 3).map((e) => e.position);
    const answers = async (machine: TimeMachine, check: () => void): Promise<unknown[]> => {
      const out: unknown[] = [];
      for (const p of sample)
        for (const [name, params] of queries) {
          out.push(await machine.query(name, p, params));
          check();
        }
      return out;
    };
    // unbounded (the default 64 MiB is far above this world): what the reads would hold
    tm = new TimeMachine({ store: t.store, file, projections: allProjections, runner });
    let most = 0;
    const free = await answers(tm, () => (most = Math.max(most, tm!.memory().bytes)));
    await tm.close();
    const limitBytes = Math.floor(most / 4);
    expect(limitBytes).toBeGreaterThan(1000);
    tm = new TimeMachine({ store: t.store, file, projections: allProjections, runner, cacheBytes: limitBytes, cacheSize: 1 });
    let held = 0;
    const bounded = await answers(tm, () => {
      const m = tm!.memory();
      expect(m.limitBytes).toBe(limitBytes);
      expect(m.bytes).toBeLessThanOrEqual(limitBytes);
      held = Math.max(held, m.collections);
    });
    expect(held).toBeGreaterThan(0); // the bound holds something, and keeps to it
    expect(bounded).toEqual(free);
  });

  it('answers a read after a gap of many events from the snapshot just before its target', async () => {
    t = await tempStore();
    const { store, calls } = counting(t.store);
    const file = path.join(t.dir, 'projections.db');
    const w = world(30);
    await w.appendTo(t.store, 0, 256, 40);
    runner = await ProjectionRunner.start({ store, file, projections: allProjections, snapshotEvery: EVERY });
    tm = new TimeMachine({ store, file, projections: allProjections, runner });
    const early = await allEvents(t.store);
    await tm.query('decisions', early.at(-1)!.position);
    // the gap: hundreds of events no one reads at a past moment
    await w.appendTo(t.store, 40);
    const events = await allEvents(t.store);
    expect(events.length - 40).toBeGreaterThan(50 * EVERY);
    const at = Math.floor((events.length - 40) / EVERY) * EVERY - 1; // snapshots are at every 10th event
    const snapshot = events[at]!;
    const target = events[at + 3]!; // 3 events after it
    calls.readAfter.length = 0;
    calls.read = 0;
    const moment = await tm.momentOf(target.position);
    await tm.query('decisions', moment.position);
    expect(calls.readAfter).toEqual([snapshot.position]);
    expect(calls.read).toBeLessThanOrEqual(EVERY); // the tail after the snapshot (and the one event past the target)
    await expectFullReplayAnswers(tm, target.position);
    // and by time: the last moment of the log, from the last snapshot
    calls.readAfter.length = 0;
    const head = await tm.momentAt('2100-01-01T00:00:00Z');
    expect(head.position).toBe(events.at(-1)!.position);
    await tm.query('decisions', head.position);
    expect(calls.readAfter).toEqual([tm.snapshots('registers').at(-1)]);
  });

  it('rebuilds a generation whose history does not reach its checkpoint, the old one serving meanwhile', async () => {
    t = await tempStore();
    const file = path.join(t.dir, 'projections.db');
    const w = world(10);
    await w.appendTo(t.store);
    const events = await allEvents(t.store);
    runner = await ProjectionRunner.start({ store: t.store, file, projections: allProjections, snapshotEvery: EVERY });
    await runner.recorded(events.at(-1)!.position);
    const served = runner.query('decisions').view;
    await runner.stop();
    // as a file written before the history existed: views and checkpoint, no history
    const db = new Database(file);
    db.exec('DELETE FROM projection_history; DELETE FROM projection_history_pending; DELETE FROM projection_snapshots; DELETE FROM projection_snapshot_docs; DELETE FROM projection_time_index;');
    db.close();
    runner = await ProjectionRunner.start({ store: t.store, file, projections: allProjections, snapshotEvery: EVERY });
    expect(runner.query('decisions').view).toEqual(served); // the old generation serves at once
    tm = new TimeMachine({ store: t.store, file, projections: allProjections, runner });
    await tm.sync();
    expect(tm.snapshots('registers')).toEqual(events.filter((_, i) => (i + 1) % EVERY === 0).map((e) => e.position));
    expect(runner.status()[0]).toMatchObject({ status: 'running', position: events.at(-1)!.position });
    for (const e of events.filter((_, i) => i % 5 === 0)) await expectFullReplayAnswers(tm, e.position);
    expect(runner.query('decisions').view).toEqual(served);
  });
});
