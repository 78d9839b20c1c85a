/**
 * An fsync that fails is a fault the store never acknowledges past, on either path of wal-sync.ts:
 * a lone writer's COMMIT at synchronous = FULL (SQLite's own fsync) and a group commit's fsync on
 * the thread pool. A child process runs our adapter with a libc shim preloaded (fail-fsync.c:
 * fsync and fdatasync fail with EIO while a flag file exists): the appends made then are refused
 * with the same "fsync of … failed" error (the API's 503 words), and so is every append after it,
 * even once fsync works again. Reopened, the file holds every append acknowledged before.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { storeFault } from '../src/faults.js';
import { openSqliteStore } from '../src/sqlite/sqlite-event-store.js';
import { buildAdapter, fixturesDir } from './fixtures/build-adapter.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const work = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-fsync-fault-'));
dirs.push(work);
const shim = path.join(work, 'fail-fsync.so');
let built = false;
try {
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', shim, path.join(fixturesDir, 'fail-fsync.c'), '-ldl'], { stdio: 'pipe' });
  built = true;
} catch {
  /* no C compiler: skipped below */
}
const adapter = built ? buildAdapter() : '';
if (built) dirs.push(adapter);

interface Outcome {
  ok: boolean;
  position?: string;
  message?: string;
}
interface Report {
  before: { inline: number; pool: number };
  during: Outcome[];
  stats: { inline: number; pool: number };
  after: Outcome;
}

function run(mode: 'inline' | 'pool'): { report: Report; file: string } {
  const file = path.join(work, `${mode}.db`);
  const flag = path.join(work, `${mode}.fail`);
  const r = spawnSync(process.execPath, [path.join(fixturesDir, 'fsync-fault-child.mjs'), adapter, file, flag, mode], {
    env: { ...process.env, LD_PRELOAD: shim, SAKSFLYT_FAIL_FSYNC: flag },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`child failed (${r.status} ${r.signal}): ${r.stderr}`);
  return { report: JSON.parse(r.stdout.trim().split('\n').pop()!) as Report, file };
}

const FSYNC_FAILED = /^fsync of .*-wal failed: /;

(built ? describe : describe.skip)('a failed fsync (LD_PRELOAD shim)', () => {
  it.each(['inline', 'pool'] as const)('%s: the appends are refused as a fault, and every append after; the acknowledged ones are on disk', async (mode) => {
    const { report, file } = run(mode);
    if (mode === 'inline') {
      expect(report.before.inline).toBeGreaterThan(0); // the calm writer was inline when fsync broke
      expect(report.stats.inline).toBe(report.before.inline); // the failed one is not counted as synced
      expect(report.during).toHaveLength(1);
    } else {
      expect(report.stats.inline).toBe(report.before.inline); // 32 writers: no inline commit
      expect(report.stats.pool).toBeGreaterThan(report.before.pool);
      expect(report.during).toHaveLength(32);
    }
    for (const o of [...report.during, report.after]) {
      expect(o.ok).toBe(false);
      expect(o.message).toMatch(FSYNC_FAILED);
      expect(storeFault(new Error(o.message))).toBe('the write-ahead log could not be synced to disk (restart the server)');
    }
    // reopened (a restart): the 12 acknowledged appends are there, the refused one after the fault is not
    const store = await openSqliteStore({ file });
    try {
      const streams: string[] = [];
      for await (const e of store.readAll()) streams.push(e.stream);
      expect(streams.filter((s) => s === 'calm').length).toBeGreaterThanOrEqual(12);
      expect(streams).not.toContain('after');
      expect((await store.verify()).ok).toBe(true);
    } finally {
      await store.close();
    }
  });
});
