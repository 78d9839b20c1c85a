import { afterEach, describe, expect, it } from '@jest/globals';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Observable } from 'rxjs';
import type { EventStore, RecordedEvent, SubscriptionMessage } from '@saksflyt/event-store';
import { ProjectionRunner, type DocStore, type FeedMessage, type Projection } from '@saksflyt/projections';
import { appendMany, collect, ev, storePositions, tempStore, until, type TempStore } from './helpers.js';

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

/** Waits until the file's active `tally` generation is checkpointed at `position` or later (read on its own connection). */
async function checkpointReaches(file: string, position: bigint, ms: number): Promise<void> {
  const db = new Database(file, { readonly: true });
  const checkpoint = () => BigInt(db.prepare("SELECT position FROM projection_generations WHERE name = 'tally' AND active = 1").pluck().get() as number);
  try {
    await until(() => checkpoint() >= position, ms);
  } finally {
    db.close();
  }
}

/**
 * The store as a runner sees it, with a gate on `subscribeToAll`: while closed, the subscription's
 * messages are held back (as if delivery were slow) and `open` delivers them, in order. So a test can
 * append events, learn their positions from the store, and wait for them before the runner has them.
 */
function gated(store: EventStore): { store: EventStore; close(): void; open(): void } {
  let closed = false;
  const held: Array<() => void> = [];
  const view: EventStore = {
    kind: store.kind,
    append: (stream, events, options) => store.append(stream, events, options),
    appendMany: (writes) => store.appendMany(writes),
    readStream: (stream, options) => store.readStream(stream, options),
    readAll: (options) => store.readAll(options),
    subscribeToStream: (stream, options) => store.subscribeToStream(stream, options),
    headPosition: () => store.headPosition(),
    lastEvent: (options) => store.lastEvent(options),
    verify: (options) => store.verify(options),
    close: () => store.close(),
    subscribeToAll: (options) =>
      new Observable<SubscriptionMessage>((subscriber) => {
        const inner = store.subscribeToAll(options).subscribe({
          next: (m) => (closed ? held.push(() => subscriber.next(m)) : subscriber.next(m)),
          error: (error) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
        return () => inner.unsubscribe();
      }),
  };
  return {
    store: view,
    close: () => void (closed = true),
    open: () => {
      closed = false;
      for (const deliver of held.splice(0)) deliver();
    },
  };
}

describe('ProjectionRunner on a real SQLite store', () => {
  let t: TempStore;
  const runners: ProjectionRunner[] = [];
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await t.cleanup();
  });
  const start = async (projections: Projection<any, any>[], batchSize = 100, store: EventStore = t.store) => {
    const r = await ProjectionRunner.start({ store, file: t.file, projections, batchSize });
    runners.push(r);
    return r;
  };

  it('catches up, then applies live events; waitFor resolves at the position or times out', async () => {
    t = await tempStore();
    const head = await appendMany(t, 1000);
    expect(await t.store.headPosition()).toBe(head);
    const gate = gated(t.store);
    const runner = await start([tally()], 100, gate.store);
    await runner.whenCaughtUp();
    expect(runner.status()).toEqual([
      { name: 'tally', version: 1, status: 'running', position: head, serving: { version: 1, position: head } },
    ]);
    expect(runner.query('tally').view).toEqual({ 's-0': 200, 's-1': 200, 's-2': 200, 's-3': 200, 's-4': 200 });

    // live events whose delivery to the runner is held back: their position is known (the store's
    // answer) before the runner has them, so waiting for it times out at the head, then resolves
    gate.close();
    const { position } = await t.store.append('s-9', Array.from({ length: 10 }, (_, i) => ev('Counted', { i })), { expectedRevision: 'no_stream' });
    const live = await storePositions(t, head);
    expect(live).toHaveLength(10);
    expect(live[9]).toBe(position);
    const early = await runner.waitFor(position, 100);
    expect(early).toEqual({ reached: false, position: head });
    const waiting = runner.waitFor(position, 5000, ['tally']);
    gate.open();
    expect(await waiting).toEqual({ reached: true, position });
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
    const stored = (await storePositions(t)).map(Number);
    expect(stored).toHaveLength(730 + 420 + 1);
    expect(stored[730 + 420 - 1]).toBe(Number(head));
    expect(stored[730 + 420]).toBe(Number(more.position));
    expect(all).toEqual(stored);
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
    const stored = (await storePositions(t)).map(Number);
    expect(stored).toHaveLength(1200);
    expect(stored[1199]).toBe(Number(head));
    expect(onDisk).toEqual(stored);
  });

  it('rebuilds a new version from 0 while the old version keeps serving, then swaps', async () => {
    t = await tempStore();
    const head = await appendMany(t, 3000);
    const stored = await storePositions(t);
    expect(stored).toHaveLength(3000);
    // the 1000th event's position: a third of the way through the rebuild
    const third = stored[999];
    let runner = await start([tally(1)]);
    await runner.whenCaughtUp();
    await runner.stop();
    runners.length = 0;

    runner = await start([tally(2, { twice: true })], 100);
    // before the rebuild has caught up, queries read the old generation (version 1)
    expect(runner.status()[0]).toMatchObject({ version: 2, status: 'catching_up', serving: { version: 1, position: head } });
    expect(runner.query('tally').view).toEqual({ 's-0': 600, 's-1': 600, 's-2': 600, 's-3': 600, 's-4': 600 });
    const swapped = collect(runner.changes('tally'), 1, (m: FeedMessage) => m.kind === 'snapshot');
    // half way through, still the old view
    await new Promise<void>((resolve) => {
      const tick = () => (runner.status()[0].position >= third ? resolve() : setImmediate(tick));
      tick();
    });
    expect(runner.status()[0].serving).toEqual({ version: 1, position: head });
    expect(runner.query('tally').view).toEqual({ 's-0': 600, 's-1': 600, 's-2': 600, 's-3': 600, 's-4': 600 });
    await runner.whenCaughtUp();
    expect((await swapped)[0]).toMatchObject({ kind: 'snapshot', position: head });
    expect(runner.status()[0]).toMatchObject({ version: 2, status: 'running', serving: { version: 2, position: head } });
    expect(runner.query('tally').view).toEqual({ 's-0': 1200, 's-1': 1200, 's-2': 1200, 's-3': 1200, 's-4': 1200 });
    await runner.stop();
    runners.length = 0;
    // the old generation is gone from the tables; the new one is active
    const db = new Database(t.file, { readonly: true });
    expect(db.prepare('SELECT name, version, active, position FROM projection_generations').all()).toEqual([
      { name: 'tally', version: 2, active: 1, position: Number(head) },
    ]);
    expect(db.prepare('SELECT DISTINCT generation FROM projection_docs').pluck().all()).toEqual([2]);
    db.close();
  });

  it('a projection that throws stops before the event, reports it, and does not skip it on restart', async () => {
    t = await tempStore();
    // the 100th event's position, the Boom event's (the 101st), the last one's (the 201st)
    const before = await appendMany(t, 100);
    const { position: bad } = await t.store.append('bad', [ev('Boom', {})], { expectedRevision: 'no_stream' });
    const head = await appendMany(t, 100);
    const stored = await storePositions(t);
    expect(stored).toHaveLength(201);
    expect([stored[99], stored[100], stored[200]]).toEqual([before, bad, head]);
    const other: Projection<any, any> = { ...tally(), name: 'other' };
    let runner = await start([tally(1, { boomOn: 'Boom' }), other], 30);
    await runner.whenCaughtUp();
    const [failed, ok] = runner.status();
    expect(failed).toMatchObject({ name: 'tally', version: 1, status: 'failed', position: before });
    expect(failed.error).toContain('cannot handle Boom');
    expect(failed.error).toContain(`at position ${bad} (Boom)`);
    expect(ok).toMatchObject({ name: 'other', status: 'running', position: head });
    expect((await runner.waitFor(head, 50, ['tally'])).reached).toBe(false);
    await runner.stop();
    runners.length = 0;

    // fixed code, same version: resumes from the checkpoint before the failing event
    runner = await start([tally(1), other], 30);
    await runner.whenCaughtUp();
    expect(runner.status()[0]).toMatchObject({ status: 'running', position: head });
    const all = runner.reader('tally').list<Tally>('stream').flatMap((x) => x.positions).sort((a, b) => a - b);
    expect(all).toEqual(stored.map(Number));
  });

  it('feeds: snapshot then changes with no gap; changesSince gives exactly what was missed', async () => {
    t = await tempStore();
    const head = await appendMany(t, 20);
    const caughtUpOn = await storePositions(t);
    expect(caughtUpOn).toHaveLength(20);
    const runner = await start([tally()]);
    await runner.whenCaughtUp();
    const feed = runner.feed('tally');
    const got: FeedMessage[] = [];
    const sub = feed.subscribe((m) => got.push(m));
    expect(got[0]).toEqual({ kind: 'snapshot', position: head, view: { 's-0': 20 } });
    let last = head;
    for (let i = 0; i < 6; i++) last = (await t.store.append(`x-${i % 2}`, [ev('Counted', {}), ev('Ignored', {})], { expectedRevision: 'any' })).position;
    const live: RecordedEvent[] = [];
    for await (const e of t.store.readAll({ after: head })) live.push(e);
    expect(live.map((e) => e.type)).toEqual(Array.from({ length: 6 }, () => ['Counted', 'Ignored']).flat());
    expect(live[11].position).toBe(last);
    // c[k]: the position of the k-th live Counted event (0-based), as the store handed it out
    const c = live.filter((e) => e.type === 'Counted').map((e) => e.position);
    await runner.waitFor(last, 5000);
    await until(() => got.length >= 1 + c.length);
    await new Promise((r) => setTimeout(r, 30)); // nothing more comes (one flush interval later)
    const changes = got.slice(1);
    // one message per event that changed the view (the Ignored ones change nothing)
    expect(changes.map((m) => m.position)).toEqual(c);
    expect(changes[0]).toEqual({ kind: 'change', position: c[0], changes: [{ collection: 'stream', id: 'x-0', doc: { stream: 'x-0', positions: [Number(c[0])] } }] });
    sub.unsubscribe();

    const missed = runner.changesSince('tally', c[2]);
    expect(missed?.map((m) => m.position)).toEqual([c[3], c[4], c[5]]);
    expect(missed?.[0].changes).toEqual(changes[3].kind === 'change' ? changes[3].changes : null);
    // resume through feed(): no snapshot, only the missed changes, then live
    const resumed: FeedMessage[] = [];
    const sub2 = runner.feed('tally', { lastEventId: c[3] }).subscribe((m) => resumed.push(m));
    expect(resumed.map((m) => [m.kind, m.position])).toEqual([
      ['change', c[4]],
      ['change', c[5]],
    ]);
    const { position: next } = await t.store.append('x-0', [ev('Counted', {})], { expectedRevision: 'any' });
    await runner.waitFor(next, 5000);
    await until(() => resumed.length >= 3);
    expect(resumed.map((m) => m.position)).toEqual([c[4], c[5], next]);
    sub2.unsubscribe();
    // a position from before the log began (the 5th event's, applied during catch-up) asks for a snapshot instead
    expect(runner.changesSince('tally', caughtUpOn[4])).toBeNull();
  });

  it('a client resuming after a crash gets no change at or before its Last-Event-ID again', async () => {
    // The runner emits a flush's changes before its writer thread commits them: after a crash its
    // checkpoint may be behind the last change a client saw. Here: a copy of the file taken at an
    // earlier checkpoint stands for the file the crash left.
    t = await tempStore();
    const first = await start([tally()]);
    await first.whenCaughtUp();
    for (let i = 0; i < 2; i++) await t.store.append('a', [ev('Counted', {})], { expectedRevision: 'any' });
    await first.waitFor(await t.store.headPosition());
    await first.stop();
    runners.length = 0;
    const behind = path.join(t.dir, 'behind.db');
    copyFileSync(t.file, behind);
    if (existsSync(`${t.file}-wal`)) copyFileSync(`${t.file}-wal`, `${behind}-wal`);
    const second = await start([tally()]);
    const seen: bigint[] = [];
    const sub = second.feed('tally').subscribe((m) => {
      if (m.kind === 'change') seen.push(m.position);
    });
    const ps: bigint[] = [];
    for (let i = 0; i < 3; i++) ps.push((await t.store.append('a', [ev('Counted', {})], { expectedRevision: 'any' })).position);
    await until(() => seen.length === 3);
    sub.unsubscribe();
    // the restarted runner on the file that is behind: its checkpoint is before the client's last id
    const third = await ProjectionRunner.start({ store: t.store, file: behind, projections: [tally()] });
    runners.push(third);
    expect(third.position('tally')).toBeLessThan(ps[2]!);
    const resumed: FeedMessage[] = [];
    const sub2 = third.feed('tally', { lastEventId: ps[2] }).subscribe((m) => resumed.push(m));
    await third.whenCaughtUp();
    const { position: next } = await t.store.append('a', [ev('Counted', {})], { expectedRevision: 'any' });
    await until(() => resumed.length >= 1);
    await new Promise((r) => setTimeout(r, 50));
    // only what came after the id: the events applied again (up to it) are not given twice
    expect(resumed.map((m) => [m.kind, m.position])).toEqual([['change', next]]);
    sub2.unsubscribe();
  });

  it('a flush the writer thread refuses when no event follows is written here within a flush interval', async () => {
    t = await tempStore();
    // refusals: the flush at catching up, then the one of the event below (none comes after it)
    const runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: [tally()], faults: { writerThreadRefusals: 2 } });
    runners.push(runner);
    await runner.whenCaughtUp();
    const { position } = await t.store.append('a', [ev('Counted', {})], { expectedRevision: 'any' });
    await runner.waitFor(position, 5000);
    await checkpointReaches(t.file, position, 2000);
    expect(runner.status()[0]).toMatchObject({ status: 'running', position });
  });

  it('live, never waits on the event loop for a flush the writer thread is still writing (a slow disk)', async () => {
    t = await tempStore();
    const runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: [tally()], faults: { writerThreadSlowMs: 60 } });
    runners.push(runner);
    await runner.whenCaughtUp();
    const before = runner.waitedForWriter;
    let last = 0n;
    for (let i = 0; i < 40; i++) {
      last = (await t.store.append(`s-${i % 4}`, [ev('Counted', {})], { expectedRevision: 'any' })).position;
      await new Promise((r) => setTimeout(r, 5));
    }
    await runner.waitFor(last, 5000);
    // every event is applied at once; the flushes went at the thread's pace, none waited for
    expect(runner.waitedForWriter).toBe(before);
    await checkpointReaches(t.file, last, 5000);
    expect(runner.waitedForWriter).toBe(before);
    expect(runner.query('tally', {}).view).toEqual({ 's-0': 10, 's-1': 10, 's-2': 10, 's-3': 10 });
  });

  it('keeps a bounded change log: resume within it is exact, before it asks for a snapshot', async () => {
    t = await tempStore();
    const runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: [tally()], changeLogLimit: 8 });
    runners.push(runner);
    await runner.whenCaughtUp();
    // ps[k]: the position of the (k+1)-th event, as the store handed it out
    const ps: bigint[] = [];
    for (let i = 0; i < 30; i++) {
      const { position } = await t.store.append(`p-${i % 3}`, [ev('Counted', {})], { expectedRevision: 'any' });
      ps.push(position);
      await runner.waitFor(position, 5000);
      await new Promise((r) => setImmediate(r));
    }
    expect(await storePositions(t)).toEqual(ps);
    runner.snapshot('tally'); // the file lags the runner by the flush in flight: written now
    const db = new Database(t.file, { readonly: true });
    const kept = db.prepare('SELECT count(*) FROM projection_changes').pluck().get() as number;
    db.close();
    expect(kept).toBeGreaterThanOrEqual(8);
    expect(kept).toBeLessThanOrEqual(10);
    expect(runner.changesSince('tally', ps[4])).toBeNull();
    expect(runner.changesSince('tally', ps[24])?.map((m) => m.position)).toEqual(ps.slice(25));
    const resumed: FeedMessage[] = [];
    runner.feed('tally', { lastEventId: ps[1] }).subscribe((m) => resumed.push(m)).unsubscribe();
    expect(resumed).toEqual([{ kind: 'snapshot', position: ps[29], view: { 'p-0': 10, 'p-1': 10, 'p-2': 10 } }]);
  });
});
