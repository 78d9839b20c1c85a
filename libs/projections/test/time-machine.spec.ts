/**
 * The time machine (runner/time-machine.ts): at EVERY position of a committee year (NEHS 7/2018,
 * 8/2018 and 1/2019), every view answered from the nearest snapshot + the tail equals the same view
 * from a full replay from the first event; at the head both equal what the live runner serves; the
 * time index gives the last position recorded at or before a time; a new projection version drops
 * the old snapshots and takes its own; a position the store never gave is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { allProjections, ProjectionRunner, registersProjection, TimeMachine, UnknownPosition, type Projection } from '@saksflyt/projections';
import type { RecordedEvent } from '@saksflyt/event-store';
import { nehs, type Nehs } from './nehs.js';
import { tempStore, type TempStore } from './helpers.js';

describe('time machine: snapshot + tail replay equals a full replay', () => {
  let t: TempStore;
  let s: Nehs;
  let events: RecordedEvent[];
  let tm: TimeMachine;
  const file = () => path.join(t.dir, 'projections.db');

  const queries = (): Array<[string, unknown]> => [
    ['decisions', {}],
    ['decisions', { committee: 'NEHS', year: 2018 }],
    ['portfolio', {}],
    ['portfolio', { year: 2019 }],
    ['annual-cycle', { committee: 'NEHS' }],
    ['followups', { canReadDraft: () => true, today: '2019-01-01' }],
    ['worklist', { canRead: () => true, limit: 200 }],
    ...[s.m7, s.m8, s.m1].flatMap((meetingId): Array<[string, unknown]> => [
      ['minutes', { meetingId }],
      ['minutes-papers', { meetingId }],
    ]),
  ];

  beforeAll(async () => {
    t = await tempStore();
    s = nehs();
    await s.world.appendTo(t.store);
    events = [];
    for await (const e of t.store.readAll()) events.push(e);
    tm = new TimeMachine({ store: t.store, file: file(), projections: allProjections, snapshotEvery: 11 });
    await tm.sync();
  });

  afterAll(async () => {
    await tm?.close();
    await t?.cleanup();
  });

  it('takes snapshots every 11 events', () => {
    const snaps = tm.snapshots('registers');
    expect(snaps.length).toBe(Math.floor(events.length / 11));
    expect(snaps[0]).toBe(events[10]!.position);
  });

  it('answers every view at every position as a full replay does', async () => {
    let compared = 0;
    for (const e of events) {
      const fast = await tm.documentsAt(registersProjection, e.position);
      const full = await tm.documentsAt(registersProjection, e.position, { fromScratch: true });
      for (const [name, params] of queries()) {
        const view = registersProjection.views![name]!;
        expect({ at: e.position, name, answer: view.query(fast, params) }).toEqual({ at: e.position, name, answer: view.query(full, params) });
        compared++;
      }
    }
    expect(compared).toBe(events.length * queries().length);
  });

  it('agrees with the live runner at the head, and the views change along the year', async () => {
    const runner = await ProjectionRunner.start({ store: t.store, file: path.join(t.dir, 'runner.db'), projections: allProjections });
    try {
      await runner.whenCaughtUp();
      const head = events.at(-1)!.position;
      for (const [name, params] of queries()) expect(await tm.query(name, head, params)).toEqual(runner.query(name, params).view);
    } finally {
      await runner.stop();
    }
    const mid = events[s.before2019 - 1]!.position;
    expect(await tm.query<unknown[]>('decisions', mid)).not.toEqual(await tm.query('decisions', events.at(-1)!.position));
    expect(await tm.query('minutes', events[0]!.position, { meetingId: s.m1 })).toBeNull();
  });

  it('maps a time to the last position recorded at or before it', async () => {
    const e = events[s.before2019 - 1]!;
    expect((await tm.momentAt(e.metadata.at)).position).toBe(e.position);
    expect((await tm.momentAt(new Date(Date.parse(events[s.before2019]!.metadata.at) - 1).toISOString())).position).toBe(e.position);
    expect((await tm.momentAt('2000-01-01T00:00:00Z')).position).toBe(0n);
    expect((await tm.momentAt('2100-01-01T00:00:00Z')).position).toBe(events.at(-1)!.position);
  });

  it('refuses a position the store never gave', async () => {
    const last = events.at(-1)!.position;
    await expect(tm.momentOf(last * 7n + 13n)).rejects.toBeInstanceOf(UnknownPosition);
    expect((await tm.momentOf(events[3]!.position)).position).toBe(events[3]!.position);
  });

  it('reopens from its tables, and a new projection version replaces the old snapshots', async () => {
    await tm.close();
    tm = new TimeMachine({ store: t.store, file: file(), projections: allProjections, snapshotEvery: 11 });
    const before = tm.snapshots('registers');
    await tm.sync();
    expect(tm.snapshots('registers')).toEqual(before);
    await tm.close();
    const bumped: Projection<any, any> = { ...registersProjection, version: registersProjection.version + 1 };
    tm = new TimeMachine({ store: t.store, file: file(), projections: [bumped], snapshotEvery: 5 });
    expect(tm.snapshots('registers')).toEqual([]);
    await tm.sync();
    expect(tm.snapshots('registers').length).toBe(Math.floor(events.length / 5));
    const at = events[Math.floor(events.length / 2)]!.position;
    expect(await tm.query('decisions', at)).toEqual(registersProjection.views!.decisions!.query(await tm.documentsAt(bumped, at, { fromScratch: true }), {}));
  });
});
