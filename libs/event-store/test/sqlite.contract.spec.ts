/**
 * The shared contract on the embedded store, in both position modes (dense 1, 2, 3, … and sparse,
 * gapped like log offsets), each also with every `subscribeToAll` catch-up read on the catch-up
 * reader thread. The mode is given explicitly, so SAKSFLYT_SPARSE_POSITIONS does not change it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from '@jest/globals';
import { describeEventStoreContract } from '../src/contract/event-store.contract.js';
import { openSqliteStore, SqliteEventStore, type PositionMode } from '../src/sqlite/sqlite-event-store.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const pageStats = (store: unknown) => {
  const s = store as SqliteEventStore;
  return { pageSize: s.pageSize, maxRowsPerPage: s.stats.maxRowsPerPage, rowsRead: s.stats.rowsRead };
};

for (const positions of ['dense', 'sparse'] as PositionMode[]) {
  const open = (extra: { catchUpThreadMin?: number } = {}) => async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-contract-'));
    dirs.push(dir);
    const store = await openSqliteStore({ file: path.join(dir, 'events.db'), positions, ...extra });
    if (store.positions !== positions) throw new Error(`asked for ${positions} positions, got ${store.positions}`);
    return store;
  };
  const common = { pageStats, gappedPositions: positions === 'sparse' };

  describeEventStoreContract(`sqlite, ${positions} positions`, open(), common);

  // The same contract with every `subscribeToAll` catch-up read on the catch-up reader thread.
  describeEventStoreContract(`sqlite, ${positions} positions (catch-up reader thread)`, open({ catchUpThreadMin: 0 }), {
    ...common,
    // the large read does not subscribe: once at full size per mode is enough
    largeReadEvents: 20_000,
  });
}
