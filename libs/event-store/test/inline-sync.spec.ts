/**
 * A lone writer's commits fsync inside COMMIT (synchronous = FULL) instead of on the thread pool
 * (wal-sync.ts): only once calm for CALM_BEFORE_INLINE lone commits, never under concurrent
 * writers (group commit), back to pool fsyncs when an inline COMMIT is slower than
 * `inlineSyncMaxMs` (probing again every PROBE_EVERY commits), and never acknowledging a commit
 * before an earlier one still waiting for its pool fsync.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { openSqliteStore, type SqliteEventStore } from '../src/sqlite/sqlite-event-store.js';
import { CALM_BEFORE_INLINE, PROBE_EVERY } from '../src/sqlite/wal-sync.js';
import type { RecordedEvent } from '../src/port.js';

const META = { actor: 'test', correlationId: 'c', causationId: null, at: '2026-12-04T10:00:00Z' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-inline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => path.join(dir, `s${++n}.db`);
const ev = (i: number) => [{ type: 'T', data: { i }, metadata: META }];

/** `count` appends to a new stream, each awaited before the next (expected revision checked). */
async function sequential(store: SqliteEventStore, stream: string, count: number): Promise<void> {
  let expected: bigint | 'no_stream' = 'no_stream';
  for (let i = 0; i < count; i++) expected = (await store.append(stream, ev(i), { expectedRevision: expected })).nextRevision;
}

async function all(store: SqliteEventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

/** The write connection's level, read on it (the store's private connection: what COMMIT really runs at). */
function writerLevel(store: SqliteEventStore): number {
  const writer = (store as unknown as { writer: Database.Database }).writer;
  return Number(writer.pragma('synchronous', { simple: true }));
}

describe('inline syncs of a lone writer', () => {
  it('a lone writer goes inline after CALM_BEFORE_INLINE pool-synced commits; every append is on disk and delivered', async () => {
    const f = file();
    const store = await openSqliteStore({ file: f, inlineSyncMaxMs: 1e9 });
    const delivered: bigint[] = [];
    const sub = store.subscribeToAll({}).subscribe((m) => {
      if (m.kind === 'event') delivered.push(m.event.position);
    });
    try {
      await sequential(store, 'lone', 50);
      expect({ pool: store.stats.poolSyncs, inline: store.stats.inlineSyncs }).toEqual({ pool: CALM_BEFORE_INLINE, inline: 50 - CALM_BEFORE_INLINE });
      expect(writerLevel(store)).toBe(2); // FULL: SQLite fsyncs in COMMIT
      for (let i = 0; i < 50 && delivered.length < 50; i++) await new Promise((r) => setTimeout(r, 10));
      expect(delivered).toEqual((await all(store)).map((e) => e.position));
      expect(delivered).toHaveLength(50);
    } finally {
      sub.unsubscribe();
      await store.close();
    }
    // another connection sees all of it (as after a restart)
    const db = new Database(f, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(50);
    db.close();
  });

  it('concurrent writers are group-committed with pool fsyncs, the connection back at NORMAL; calm again, inline again', async () => {
    const store = await openSqliteStore({ file: file(), inlineSyncMaxMs: 1e9 });
    try {
      await sequential(store, 'lone', CALM_BEFORE_INLINE + 2);
      expect(store.stats.inlineSyncs).toBe(2);
      const pool = store.stats.poolSyncs;
      const tx = store.stats.transactions;
      await Promise.all(Array.from({ length: 32 }, (_, i) => store.append(`w-${i}`, ev(i), { expectedRevision: 'no_stream' })));
      expect(store.stats.inlineSyncs).toBe(2); // none of the 32 inline
      expect(store.stats.poolSyncs).toBeGreaterThan(pool);
      expect(store.stats.transactions - tx).toBeLessThan(32); // group-committed
      expect(writerLevel(store)).toBe(1); // NORMAL: no fsync in COMMIT on the event loop
      await sequential(store, 'lone-2', CALM_BEFORE_INLINE + 3);
      expect(store.stats.inlineSyncs).toBe(2 + 3);
      expect((await all(store)).length).toBe(CALM_BEFORE_INLINE + 2 + 32 + CALM_BEFORE_INLINE + 3);
    } finally {
      await store.close();
    }
  });

  it('an inline COMMIT slower than inlineSyncMaxMs sends the writer back to pool fsyncs, probing every PROBE_EVERY commits', async () => {
    const store = await openSqliteStore({ file: file(), inlineSyncMaxMs: 0 });
    try {
      const count = CALM_BEFORE_INLINE + 3 * PROBE_EVERY;
      await sequential(store, 'slow', count);
      // the first inline commit after the calm ones, then one probe every PROBE_EVERY commits
      expect(store.stats.inlineSyncs).toBe(Math.ceil((count - CALM_BEFORE_INLINE) / PROBE_EVERY));
      expect(store.stats.inlineSyncs + store.stats.poolSyncs).toBe(count);
      expect(writerLevel(store)).toBe(1);
      expect((await all(store)).length).toBe(count);
    } finally {
      await store.close();
    }
  });

  it('never acknowledges a commit before an earlier one still waiting for its pool fsync', async () => {
    const store = await openSqliteStore({ file: file(), inlineSyncMaxMs: 1e9 });
    try {
      await sequential(store, 'calm', CALM_BEFORE_INLINE + 1); // inline by now
      const inline0 = store.stats.inlineSyncs;
      const pool0 = store.stats.poolSyncs;
      // appends in turns of their own, not awaited: two in one turn (a group commit, pool fsync), then
      // one per turn while that fsync runs (each alone in its batch), and again
      const acked: number[] = [];
      const positions: bigint[] = [];
      const done: Promise<void>[] = [];
      let k = 0;
      const put = () => {
        const i = k++;
        done.push(
          store.append(`o-${i}`, ev(i), { expectedRevision: 'no_stream' }).then((r) => {
            acked.push(i);
            positions.push(r.position);
          }),
        );
      };
      for (let round = 0; round < 4; round++) {
        put();
        put();
        for (let t = 0; t < 3 * CALM_BEFORE_INLINE; t++) {
          await new Promise((r) => setImmediate(r));
          put();
        }
        await Promise.all(done);
        await sequential(store, `calm-${round}`, CALM_BEFORE_INLINE + 1);
      }
      await Promise.all(done);
      expect(acked).toEqual(Array.from({ length: k }, (_, i) => i));
      expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(store.stats.inlineSyncs).toBeGreaterThan(inline0);
      expect(store.stats.poolSyncs).toBeGreaterThan(pool0);
    } finally {
      await store.close();
    }
  });
});
