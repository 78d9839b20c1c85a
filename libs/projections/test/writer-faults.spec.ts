/**
 * The runner when its flush writer thread dies or hangs, and when the flush that swaps in a caught-up
 * rebuild cannot be written: nothing is lost, nothing hangs the event loop for good, and the work is
 * finished once the fault is gone. Real SQLite files; the faults are the runner's own injection
 * options or a trigger on the file (a real SQLite error).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '@saksflyt/event-store';
import { ProjectionRunner, type DocStore, type Projection } from '@saksflyt/projections';
import { appendMany, ev, storePositions, tempStore, until, type TempStore } from './helpers.js';

/** Counts the events of each stream (`twice`: each event counts two). */
function tally(version: number, twice = false): Projection<Record<string, never>, Record<string, number>> {
  return {
    name: 'tally',
    version,
    evolve(docs: DocStore, e: RecordedEvent) {
      const prev = docs.get<{ n: number }>('stream', e.stream);
      docs.put('stream', e.stream, { stream: e.stream, n: (prev?.n ?? 0) + (twice ? 2 : 1) });
    },
    query(docs) {
      const out: Record<string, number> = {};
      for (const d of docs.list<{ stream: string; n: number }>('stream')) out[d.stream] = d.n;
      return out;
    },
  };
}

/** One document per event: a flush never written leaves a hole on disk. */
const perEvent: Projection<Record<string, never>, number> = {
  name: 'per-event',
  version: 1,
  evolve: (docs, e) => docs.put('event', String(e.position), { at: String(e.position) }),
  query: (docs) => docs.list('event').length,
};

describe('the runner and its writer thread', () => {
  let t: TempStore;
  const runners: ProjectionRunner[] = [];
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await t.cleanup();
  });

  it('a writer thread that dies mid-catch-up: its flush is written here, a new thread takes the rest, nothing lost', async () => {
    t = await tempStore();
    const head = await appendMany(t, 1200);
    // 12 flushes of 100 events; the thread ends (an uncaught error) when handed the 3rd
    const runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: [perEvent], batchSize: 100, faults: { writerThreadDiesAt: 3 } });
    runners.push(runner);
    await runner.whenCaughtUp();
    expect(runner.status()[0]).toMatchObject({ status: 'running', position: head });
    // live flushes after the death go to the new thread (and nothing waits for good)
    const { position: last } = await t.store.append('live', [ev('Counted', {})], { expectedRevision: 'any' });
    await runner.waitFor(last, 5000);
    await runner.stop();
    runners.length = 0;
    const db = new Database(t.file, { readonly: true });
    expect(db.prepare("SELECT position FROM projection_generations WHERE name = 'per-event' AND active = 1").pluck().get()).toBe(Number(last));
    const onDisk = (db.prepare("SELECT id FROM projection_docs WHERE name = 'per-event'").pluck().all() as string[]).sort();
    db.close();
    expect(onDisk).toEqual((await storePositions(t)).map(String).sort());
    expect(onDisk).toHaveLength(1201);
  });

  it('a writer thread that does not answer: the wait is bounded, the read that needed it fails clearly, later ones succeed', async () => {
    t = await tempStore();
    const runner = await ProjectionRunner.start({
      store: t.store,
      file: t.file,
      projections: [tally(1)],
      faults: { writerThreadSlowMs: 1500, writerAnswerTimeoutMs: 200 },
    });
    runners.push(runner);
    await runner.whenCaughtUp().catch(() => undefined);
    const { position } = await t.store.append('a', [ev('Counted', {})], { expectedRevision: 'any' });
    await runner.waitFor(position, 5000);
    // the live flush of that event is with the (slow) thread by now
    await until(() => runner.status()[0]!.position === position && (runner as unknown as { flusher: { inFlight: boolean } }).flusher.inFlight, 3000);
    const began = Date.now();
    expect(() => runner.snapshot('tally')).toThrow(/has not answered in 200 ms/);
    // a second try while still overdue only looks: it does not block for another 200 ms
    expect(() => runner.snapshot('tally')).toThrow(/has not answered/);
    expect(Date.now() - began).toBeLessThan(1400);
    // once the thread answers, the same read works and the view is whole
    await until(() => {
      try {
        return runner.snapshot<Record<string, number>>('tally').view.a === 1;
      } catch {
        return false;
      }
    }, 10_000);
  });

  it('a swap of a caught-up rebuild that cannot be written is retried: the old version serves until it is, nothing lost', async () => {
    t = await tempStore();
    const head = await appendMany(t, 300);
    let runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: [tally(1)] });
    await runner.whenCaughtUp();
    await runner.stop();
    // a real SQLite error: dropping the old generation's row fails while `block` has a row
    const ctl = new Database(t.file);
    ctl.exec(`CREATE TABLE block (x); INSERT INTO block VALUES (1);
      CREATE TRIGGER no_drop BEFORE DELETE ON projection_generations WHEN (SELECT count(*) FROM block) > 0
      BEGIN SELECT RAISE(ABORT, 'the disk says no'); END;`);
    runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: [tally(2, true)] });
    runners.push(runner);
    let caught = false;
    void runner.whenCaughtUp().then(() => (caught = true));
    await until(() => String(runner.status()[0]!.error ?? '').includes('the disk says no'), 5000);
    // meanwhile the old version serves, as it stood
    expect(caught).toBe(false);
    expect(runner.status()[0]).toMatchObject({ version: 2, serving: { version: 1, position: head } });
    expect(runner.query('tally').view).toEqual({ 's-0': 100, 's-1': 50, 's-2': 50, 's-3': 50, 's-4': 50 });
    const { position: more } = await t.store.append('s-0', [ev('Counted', {})], { expectedRevision: 'any' });
    ctl.exec('DELETE FROM block');
    await runner.whenCaughtUp();
    await runner.waitFor(more, 5000);
    expect(runner.status()[0]).toMatchObject({ version: 2, status: 'running', serving: { version: 2 } });
    expect(runner.status()[0]!.error).toBeUndefined();
    expect(runner.query('tally').view).toEqual({ 's-0': 202, 's-1': 100, 's-2': 100, 's-3': 100, 's-4': 100 });
    await runner.stop();
    runners.length = 0;
    expect(ctl.prepare('SELECT name, version, active, position FROM projection_generations').all()).toEqual([
      { name: 'tally', version: 2, active: 1, position: Number(more) },
    ]);
    expect(ctl.prepare('SELECT DISTINCT generation FROM projection_docs').pluck().all()).toHaveLength(1);
    ctl.close();
  });
});
