/**
 * The WAL file stays bounded under continuous writing (checkpointer.ts): PASSIVE passes alone never
 * let it restart while commits keep coming (it grew to the 16 000-page fallback, 64 MiB, before
 * anything reset it); a RESTART after a pass that finds the WAL large does. A size check, no timing:
 * 8 writers append without pause (a subscription reading along) and the WAL file's size is taken
 * after every round.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from '@jest/globals';
import { openSqliteStore } from '../src/sqlite/sqlite-event-store.js';

const META = { actor: 'test', correlationId: 'c', causationId: null, at: '2026-12-04T10:00:00Z' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-walbound-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 1024 * 1024;

it('the WAL stays far below the fallback checkpoint under a continuous 8-writer load (with a subscription reading)', async () => {
  const file = path.join(dir, 'bound.db');
  const store = await openSqliteStore({ file });
  let delivered = 0;
  const sub = store.subscribeToAll({}).subscribe((m) => {
    if (m.kind === 'event') delivered += 1;
  });
  let max = 0;
  let written = 0;
  try {
    // about 100 MiB of WAL frames in all (each round: one transaction of 8 rows, ~35 KiB of pages)
    for (let round = 0; round < 3000; round++) {
      await Promise.all(
        Array.from({ length: 8 }, (_, w) => store.append(`w-${w}`, [{ type: 'T', data: { round, w }, metadata: META }], { expectedRevision: 'any' })),
      );
      written += 8;
      const size = statSync(`${file}-wal`).size;
      if (size > max) max = size;
    }
  } finally {
    sub.unsubscribe();
    await store.close();
  }
  expect(written).toBe(24_000);
  expect(delivered).toBeGreaterThan(0);
  // the fallback would let it reach 16 000 pages (62.5 MiB); restarts keep it near 8 MiB
  expect(max / MiB).toBeLessThan(32);
});
