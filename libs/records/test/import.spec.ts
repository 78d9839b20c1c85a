/**
 * The importer on a real SQLite store (temp file): every record file in the README's order into an
 * empty store, read back through the application service; then a second import writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore, type EventStore } from '@saksflyt/event-store';
import { Workflow } from '@saksflyt/workflow';
import { importRecords, importStream, loadRecordFile, recordFilesInOrder, type ImportResult, type RecordFile } from '../src/index.js';

const RECORDS_DIR = path.join(process.cwd(), 'fixtures', 'records');

describe('importRecords: the real records into an empty SQLite store', () => {
  let dir: string;
  let store: EventStore;
  let files: RecordFile[];
  let first: ImportResult;
  const lines: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'saksflyt-records-'));
    store = await openSqliteStore({ file: path.join(dir, 'saksflyt.db') });
    files = recordFilesInOrder(RECORDS_DIR).map(loadRecordFile);
    first = await importRecords(store, files, { log: (l) => lines.push(l) });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the files in the README order', () => {
    expect(files.map((f) => f.id)).toEqual(['nehs-2018-2019', 'portfolio', 'annual-plan-2020-q4', 'nufa-2020', 'felles-grunnmur', 'helseomsorg21']);
    expect(first.files.map((f) => [f.fileId, f.status])).toEqual(files.map((f) => [f.id, 'imported']));
    console.log(lines.join('\n'));
  });

  it('imports what the records hold', () => {
    expect(first.imported).toMatchObject({ files: 6, committees: 5, members: 18, projects: 7, history: 6, plannedCases: 2, matters: 1, helseOmsorg21: 1 });
    expect(first.position).toBe(BigInt(first.imported.events));
    expect(first.position).toBeGreaterThan(0n);
  });
});
