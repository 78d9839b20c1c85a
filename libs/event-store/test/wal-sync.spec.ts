/**
 * WalSync: a commit is settled only after an fsync that began after it, one fsync at a time
 * covering every commit made meanwhile; subscriptions are limited to what is on disk; a failed
 * fsync settles with its error and the store then refuses appends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { openSqliteStore } from '../src/sqlite/sqlite-event-store.js';
import { WalSync } from '../src/sqlite/wal-sync.js';

const META = { actor: 'test', correlationId: 'c', causationId: null, at: '2026-12-03T10:00:00Z' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-walsync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WalSync', () => {
  it('settles a commit only after an fsync, one fsync covering the commits made while the previous ran', async () => {
    const wal = path.join(dir, 'a.db-wal');
    writeFileSync(wal, 'x');
    let synced = 0;
    const s = new WalSync(wal, () => synced++);
    const settled: Array<[string, unknown]> = [];
    expect(s.durableLimit()).toBeNull();
    s.committed(10, 12, (e) => settled.push(['first', e]));
    s.committed(12, 15, (e) => settled.push(['second', e]));
    s.committed(15, 20, (e) => settled.push(['third', e]));
    // nothing is settled in the same turn; subscriptions may read up to 10 only
    expect(settled).toEqual([]);
    expect(s.pending).toBe(true);
    expect(s.durableLimit()).toBe(10);
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (!s.pending) {
          clearInterval(t);
          resolve();
        }
      }, 1);
    });
    expect(settled).toEqual([['first', null], ['second', null], ['third', null]]);
    // the first fsync covered the first commit; one more covered the two made while it ran
    expect(synced).toBe(2);
    expect(s.durableLimit()).toBeNull();
    s.close();
  });

  it('an fsync that cannot be done settles with its error, and nothing is acknowledged after it', () => {
    const s = new WalSync(path.join(dir, 'missing', 'b.db-wal'), () => undefined);
    const errors: unknown[] = [];
    s.committed(0, 1, (e) => errors.push(e));
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/ENOENT/);
    expect(s.failed).not.toBeNull();
    s.committed(1, 2, (e) => errors.push(e));
    expect(errors[1]).toBe(s.failed);
  });

  it('the store: concurrent appends are group-committed, acknowledged, read back and delivered to a subscription', async () => {
    const store = await openSqliteStore({ file: path.join(dir, 'c.db') });
    try {
      const results = await Promise.all(
        Array.from({ length: 32 }, (_, i) => store.append(`s-${i % 4}`, [{ type: 'T', data: { i }, metadata: META }], { expectedRevision: 'any' })),
      );
      expect(results.map((r) => r.position).sort((a, b) => (a < b ? -1 : 1))[31]).toBe(await store.headPosition());
      expect(store.stats.transactions).toBeLessThan(32); // group-committed
      const seen: bigint[] = [];
      const sub = store.subscribeToAll({}).subscribe((m) => {
        if (m.kind === 'event') seen.push(m.event.position);
      });
      await store.append('s-0', [{ type: 'T', data: {}, metadata: META }], { expectedRevision: 'any' });
      await new Promise((r) => setTimeout(r, 50));
      sub.unsubscribe();
      expect(seen).toHaveLength(33);
    } finally {
      await store.close();
    }
  });
});
