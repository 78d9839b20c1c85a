/** The `saksflyt import` command on a temp SQLite data dir: prints counts, a second run writes nothing, errors exit 1. */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '@saksflyt/event-store';
import { runCli } from '../src/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'saksflyt-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { SAKSFLYT_DATA_DIR: dir }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

async function head(): Promise<bigint> {
  const store = await openSqliteStore({ file: path.join(dir, 'saksflyt.db') });
  try {
    return await store.headPosition();
  } finally {
    await store.close();
  }
}

describe('saksflyt import', () => {
  it('imports a file and prints what it wrote', async () => {
    const r = await run(['import', 'fixtures/records/nehs-2018-2019.json']);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/imported nehs-2018-2019: 1 committees, 18 members, .*2 meetings \(1 held, 1 noticed\), 16 cases, 11 decisions/);
    expect(await head()).toBeGreaterThan(0n);
  });

  it('a second run of the folder skips that file, imports the others, a third writes nothing', async () => {
    const r = await run(['import', 'fixtures/records', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out.join('\n'));
    expect(json.skipped.files).toEqual([{ fileId: 'nehs-2018-2019', reason: 'already imported' }]);
    expect(json.imported.files).toBe(5);
    const before = await head();
    const again = await run(['import', 'fixtures/records']);
    expect(again.code).toBe(0);
    expect(again.out.join('\n')).toMatch(/total: 0 files imported, 6 skipped/);
    expect(await head()).toBe(before);
  });

  it('exits 1 with the reason on a file that is not a record file', async () => {
    const r = await run(['import', 'package.json']);
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toMatch(/package\.json is not a valid record file/);
    const missing = await run(['import', 'no/such/file.json']);
    expect(missing.code).toBe(1);
  });

  it('exits 2 on bad usage, 3 when the store cannot be opened, and says so as JSON with --json', async () => {
    expect((await run(['import'])).code).toBe(2);
    expect((await run(['no-such-verb'])).code).toBe(2);
    expect((await run(['import', 'fixtures/records', '--no-such-option'])).code).toBe(2);
    const out: string[] = [];
    const code = await runCli(['import', 'fixtures/records/nehs-2018-2019.json', '--json', '--data-dir', 'package.json'], {}, { out: (l) => out.push(l), err: () => {} });
    expect(code).toBe(3);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ ok: false, exitCode: 3, error: expect.stringMatching(/store cannot be opened/) });
  });
});
