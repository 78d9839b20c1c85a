import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '@saksflyt/event-store';
import { ProjectionRunner, type DocStore, type FeedMessage, type Projection } from '@saksflyt/projections';
import { collect, ev, tempStore, type TempStore } from './helpers.js';

interface Tally {
  stream: string;
  positions: number[];
}

/** Per stream: the positions applied, in order (an event applied twice shows up twice). */
function tally(version = 1, opts: { boomOn?: string; twice?: boolean } = {}): Projection<Record<string, never>, Record<string, number>> {
  return {
    name: 'tally',
    version,
    evolve(docs: DocStore, e: RecordedEvent) {
      if (opts.boomOn && e.type === opts.boomOn) throw new Error('cannot handle ' + e.type);
      if (e.type === 'Ignored') return;
      const prev = docs.get<Tally>('stream', e.stream);
      docs.put('stream', e.stream, { stream: e.stream, positions: [...(prev?.positions ?? []), ...(opts.twice ? [Number(e.position), Number(e.position)] : [Number(e.position)])] });
    },
    query(docs) {
      const out: Record<string, number> = {};
      for (const t of docs.list<Tally>('stream')) out[t.stream] = t.positions.length;
      return out;
    },
  };
}

async function appendMany(t: TempStore, n: number, streams = 5, type = 'Counted'): Promise<bigint> {
  let last = 0n;
  for (let i = 0; i < n; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 50); j++) batch.push(ev(type, { i: j }));
    const r = await t.store.append(`s-${(i / 50) % streams}`, batch, { expectedRevision: 'any' });
    last = r.position;
  }
  return last;
}

describe('ProjectionRunner on a real SQLite store', () => {
  let t: TempStore;
  const runners: ProjectionRunner[] = [];
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await t.cleanup();
  });
  const start = async (projections: Projection<any, any>[], batchSize = 100) => {
    const r = await ProjectionRunner.start({ store: t.store, file: t.file, projections, batchSize });
    runners.push(r);
    return r;
  };

  it('catches up, then applies live events; waitFor resolves at the position or times out', async () => {
    t = await tempStore();
    await appendMany(t, 1000);
    const runner = await start([tally()]);
    await runner.whenCaughtUp();
    expect(runner.status()).toEqual([
      { name: 'tally', version: 1, status: 'running', position: 1000n, serving: { version: 1, position: 1000n } },
    ]);
    expect(runner.query('tally').view).toEqual({ 's-0': 200, 's-1': 200, 's-2': 200, 's-3': 200, 's-4': 200 });

    const early = await runner.waitFor(1001n, 100);
    expect(early).toEqual({ reached: false, position: 1000n });
    const waiting = runner.waitFor(1010n, 5000, ['tally']);
    const { position } = await t.store.append('s-9', Array.from({ length: 10 }, (_, i) => ev('Counted', { i })), { expectedRevision: 'no_stream' });
    expect(position).toBe(1010n);
    expect(await waiting).toEqual({ reached: true, position: 1010n });
    expect(runner.query<Record<string, number>>('tally').view['s-9']).toBe(10);
  });

  it('keeps the checkpoint across restarts: every event applied exactly once', async () => {
    t = await tempStore();
    await appendMany(t, 730);
    let runner = await start([tally()], 64);
    await runner.whenCaughtUp();
    await runner.stop();
    runners.length = 0;
    const head = await appendMany(t, 420);
    runner = await start([tally()], 64);
    await runner.whenCaughtUp();
    // live events after the restart, too
    const more = await t.store.append('s-0', [ev('Counted', {})], { expectedRevision: 'any' });
    expect((await runner.waitFor(more.position, 5000)).reached).toBe(true);
    await runner.stop();
    runners.length = 0;
    runner = await start([tally()], 64);
    await runner.whenCaughtUp();
    const all = runner.reader('tally').list<Tally>('stream').flatMap((x) => x.positions).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: Number(head) + 1 }, (_, i) => i + 1));
  });

  it('a catch-up flush the writer thread could not write is written by the runner itself: nothing lost, in order', async () => {
    t = await tempStore();
    const head = await appendMany(t, 1200);
    // one document per event, so a flush that is never written leaves a hole on disk
    const perEvent: Projection<Record<string, never>, number> = {
      name: 'per-event',
      version: 1,
      evolve: (docs, e) => docs.put('event', String(e.position), { position: Number(e.position) }),
      query: (docs) => docs.list('event').length,
    };
    // the thread refuses its first 4 flushes (of 12 at 100 events each)
    const runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: [perEvent], batchSize: 100, faults: { writerThreadRefusals: 4 } });
    runners.push(runner);
    await runner.whenCaughtUp();
    expect(runner.status()[0]).toMatchObject({ status: 'running', position: head });
    await runner.stop();
    runners.length = 0;
    // on disk: every event's document and the checkpoint at the head
    const db = new Database(t.file, { readonly: true });
    expect(db.prepare("SELECT position FROM projection_generations WHERE name = 'per-event' AND active = 1").pluck().get()).toBe(Number(head));
    const onDisk = db.prepare("SELECT id FROM projection_docs WHERE name = 'per-event'").pluck().all().map(Number).sort((a, b) => a - b);
    db.close();
    expect(onDisk).toEqual(Array.from({ length: Number(head) }, (_, i) => i + 1));
  });

  it('rebuilds a new version from 0 while the old version keeps serving, then swaps', async () => {
    t = await tempStore();
    await appendMany(t, 3000);
    let runner = await start([tally(1)]);
    await runner.whenCaughtUp();
    await runner.stop();
    runners.length = 0;

    runner = await start([tally(2, { twice: true })], 100);
    // before the rebuild has caught up, queries read the old generation (version 1)
    expect(runner.status()[0]).toMatchObject({ version: 2, status: 'catching_up', serving: { version: 1, position: 3000n } });
    expect(runner.query('tally').view).toEqual({ 's-0': 600, 's-1': 600, 's-2': 600, 's-3': 600, 's-4': 600 });
    const swapped = collect(runner.changes('tally'), 1, (m: FeedMessage) => m.kind === 'snapshot');
    // half way through, still the old view
    await new Promise<void>((resolve) => {
      const tick = () => (runner.status()[0].position >= 1000n ? resolve() : setImmediate(tick));
      tick();
    });
    expect(runner.status()[0].serving).toEqual({ version: 1, position: 3000n });
    expect(runner.query('tally').view).toEqual({ 's-0': 600, 's-1': 600, 's-2': 600, 's-3': 600, 's-4': 600 });
    await runner.whenCaughtUp();
    expect((await swapped)[0]).toMatchObject({ kind: 'snapshot', position: 3000n });
    expect(runner.status()[0]).toMatchObject({ version: 2, status: 'running', serving: { version: 2, position: 3000n } });
    expect(runner.query('tally').view).toEqual({ 's-0': 1200, 's-1': 1200, 's-2': 1200, 's-3': 1200, 's-4': 1200 });
    await runner.stop();
    runners.length = 0;
    // the old generation is gone from the tables; the new one is active
    const db = new Database(t.file, { readonly: true });
    expect(db.prepare('SELECT name, version, active, position FROM projection_generations').all()).toEqual([
      { name: 'tally', version: 2, active: 1, position: 3000 },
    ]);
    expect(db.prepare('SELECT DISTINCT generation FROM projection_docs').pluck().all()).toEqual([2]);
    db.close();
  });

  it('a projection that throws stops before the event, reports it, and does not skip it on restart', async () => {
    t = await tempStore();
    await appendMany(t, 100);
    await t.store.append('bad', [ev('Boom', {})], { expectedRevision: 'no_stream' });
    await appendMany(t, 100);
    const other: Projection<any, any> = { ...tally(), name: 'other' };
    let runner = await start([tally(1, { boomOn: 'Boom' }), other], 30);
    await runner.whenCaughtUp();
    const [failed, ok] = runner.status();
    expect(failed).toMatchObject({ name: 'tally', version: 1, status: 'failed', position: 100n });
    expect(failed.error).toContain('cannot handle Boom');
    expect(failed.error).toContain('position 101');
    expect(ok).toMatchObject({ name: 'other', status: 'running', position: 201n });
    expect((await runner.waitFor(201n, 50, ['tally'])).reached).toBe(false);
    await runner.stop();
    runners.length = 0;

    // fixed code, same version: resumes from the checkpoint before the failing event
    runner = await start([tally(1), other], 30);
    await runner.whenCaughtUp();
    expect(runner.status()[0]).toMatchObject({ status: 'running', position: 201n });
    const all = runner.reader('tally').list<Tally>('stream').flatMap((x) => x.positions).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 201 }, (_, i) => i + 1));
  });

  it('feeds: snapshot then changes with no gap; changesSince gives exactly what was missed', async () => {
    t = await tempStore();
    await appendMany(t, 20);
    const runner = await start([tally()]);
    await runner.whenCaughtUp();
    const feed = runner.feed('tally');
    const got: FeedMessage[] = [];
    const sub = feed.subscribe((m) => got.push(m));
    expect(got[0]).toEqual({ kind: 'snapshot', position: 20n, view: { 's-0': 20 } });
    for (let i = 0; i < 6; i++) await t.store.append(`x-${i % 2}`, [ev('Counted', {}), ev('Ignored', {})], { expectedRevision: 'any' });
    await runner.waitFor(32n, 5000);
    await new Promise((r) => setImmediate(r));
    const changes = got.slice(1);
    // one message per event that changed the view (the Ignored ones change nothing)
    expect(changes.map((m) => m.position)).toEqual([21n, 23n, 25n, 27n, 29n, 31n]);
    expect(changes[0]).toEqual({ kind: 'change', position: 21n, changes: [{ collection: 'stream', id: 'x-0', doc: { stream: 'x-0', positions: [21] } }] });
    sub.unsubscribe();

    const missed = runner.changesSince('tally', 25n);
    expect(missed?.map((m) => m.position)).toEqual([27n, 29n, 31n]);
    expect(missed?.[0].changes).toEqual(changes[3].kind === 'change' ? changes[3].changes : null);
    // resume through feed(): no snapshot, only the missed changes, then live
    const resumed: FeedMessage[] = [];
    const sub2 = runner.feed('tally', { lastEventId: 27n }).subscribe((m) => resumed.push(m));
    expect(resumed.map((m) => [m.kind, m.position])).toEqual([
      ['change', 29n],
      ['change', 31n],
    ]);
    await t.store.append('x-0', [ev('Counted', {})], { expectedRevision: 'any' });
    await runner.waitFor(33n, 5000);
    await new Promise((r) => setImmediate(r));
    expect(resumed.map((m) => m.position)).toEqual([29n, 31n, 33n]);
    sub2.unsubscribe();
    // a position from before the log began (during catch-up) asks for a snapshot instead
    expect(runner.changesSince('tally', 5n)).toBeNull();
  });

  it('keeps a bounded change log: resume within it is exact, before it asks for a snapshot', async () => {
    t = await tempStore();
    const runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: [tally()], changeLogLimit: 8 });
    runners.push(runner);
    await runner.whenCaughtUp();
    for (let i = 0; i < 30; i++) {
      const { position } = await t.store.append(`p-${i % 3}`, [ev('Counted', {})], { expectedRevision: 'any' });
      await runner.waitFor(position, 5000);
      await new Promise((r) => setImmediate(r));
    }
    const db = new Database(t.file, { readonly: true });
    const kept = db.prepare('SELECT count(*) FROM projection_changes').pluck().get() as number;
    db.close();
    expect(kept).toBeGreaterThanOrEqual(8);
    expect(kept).toBeLessThanOrEqual(10);
    expect(runner.changesSince('tally', 5n)).toBeNull();
    expect(runner.changesSince('tally', 25n)?.map((m) => m.position)).toEqual([26n, 27n, 28n, 29n, 30n]);
    const resumed: FeedMessage[] = [];
    runner.feed('tally', { lastEventId: 2n }).subscribe((m) => resumed.push(m)).unsubscribe();
    expect(resumed).toEqual([{ kind: 'snapshot', position: 30n, view: { 'p-0': 10, 'p-1': 10, 'p-2': 10 } }]);
  });
});
