import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from '@jest/globals';
import { describeEventStoreContract } from '../src/contract/event-store.contract.js';
import { openSqliteStore, SqliteEventStore } from '../src/sqlite/sqlite-event-store.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describeEventStoreContract(
  'sqlite',
  async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-contract-'));
    dirs.push(dir);
    return openSqliteStore({ file: path.join(dir, 'events.db') });
  },
  {
    pageStats: (store) => {
      const s = store as SqliteEventStore;
      return { pageSize: s.pageSize, maxRowsPerPage: s.stats.maxRowsPerPage, rowsRead: s.stats.rowsRead };
    },
  },
);

// The same contract with every `subscribeToAll` catch-up read on the catch-up reader thread.
describeEventStoreContract(
  'sqlite (catch-up reader thread)',
  async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-contract-'));
    dirs.push(dir);
    return openSqliteStore({ file: path.join(dir, 'events.db'), catchUpThreadMin: 0 });
  },
  {
    pageStats: (store) => {
      const s = store as SqliteEventStore;
      return { pageSize: s.pageSize, maxRowsPerPage: s.stats.maxRowsPerPage, rowsRead: s.stats.rowsRead };
    },
  },
);
