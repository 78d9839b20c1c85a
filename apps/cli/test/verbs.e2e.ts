/**
 * The real `saksflyt` (dist/apps/cli/src/main.js, built by `npm run build` before the suite) as a
 * child process on temp SQLite data dirs: each verb's exit code and --json output.
 * import (records, then a deposit zip, twice; a tampered zip is 1), export (json, xml, zip; unknown
 * committee 1, bad usage 2, a store that cannot be opened 3), rebuild (the views rebuilt from the log).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { readDeposit } from '@saksflyt/archive';
import { openSqliteStore } from '@saksflyt/event-store';
import { ProjectionRunner, allProjections } from '@saksflyt/projections';
import { importRecords, loadRecordFile, recordFilesInOrder } from '@saksflyt/records';
import { runCli } from '../src/cli.js';

const ROOT = process.cwd();
const CLI = path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'saksflyt-verbs-'));
const dirA = path.join(tmp, 'a');
const dirB = path.join(tmp, 'b');
const zip = path.join(tmp, 'nehs-2018.zip');

function cli(args: string[], dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, SAKSFLYT_DATA_DIR: dataDir };
  delete env.EVENTSTORE_CONNECTION_STRING;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
  let json: any;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.status, out: r.stdout, err: r.stderr, json };
}

async function head(dir: string): Promise<bigint> {
  const store = await openSqliteStore({ file: path.join(dir, 'saksflyt.db') });
  try {
    return await store.headPosition();
  } finally {
    await store.close();
  }
}

/** The same CLI in-process (for the usage checks, which need no child each). */
async function inProcess(args: string[], dataDir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { SAKSFLYT_DATA_DIR: dataDir }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  let json: any;
  try {
    json = JSON.parse(out.join('\n'));
  } catch {
    json = undefined;
  }
  return { code, out: out.join('\n'), err: err.join('\n'), json };
}

async function importRealRecords(dir: string, files?: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const store = await openSqliteStore({ file: path.join(dir, 'saksflyt.db') });
  try {
    await importRecords(store, (files ?? recordFilesInOrder(path.join(ROOT, 'fixtures', 'records'))).map(loadRecordFile));
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build)`);
  await importRealRecords(dirA);
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('saksflyt export', () => {
  it('json to stdout and xml to a file, exit 0; --json prints what was written and the last event', async () => {
    const j = await inProcess(['export', '--committee', 'NEHS', '--year', '2018'], dirA);
    expect(j.code).toBe(0);
    expect(j.json.header.committee.code).toBe('NEHS');
    const out = path.join(tmp, 'nehs.xml');
    const x = cli(['export', '--committee', 'NEHS', '--year', '2018', '--format', 'xml', '--out', out, '--json'], dirA);
    expect(x.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<\?xml[^]*<su:arkivuttrekk /);
    expect(x.json).toMatchObject({ ok: true, format: 'xml', out, builtFrom: { position: Number(await head(dirA)), hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  });

  it('zip: the deposit, exit 0', () => {
    const r = cli(['export', '--committee', 'NEHS', '--year', '2018', '--format', 'zip', '--out', zip, '--json'], dirA);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.json).toMatchObject({ ok: true, format: 'zip', files: expect.any(Number) });
    const d = readDeposit(readFileSync(zip));
    expect(d.listed.filter((l) => l.path.endsWith('referat.pdf')).length).toBeGreaterThan(0);
    expect(d.listed.length + 1).toBe(r.json.files);
  });

  it('exit 1 for an unknown committee, 2 for bad usage, 3 when the store cannot be opened', async () => {
    const unknown = cli(['export', '--committee', 'NOPE', '--year', '2018', '--json'], dirA);
    expect(unknown.code).toBe(1);
    expect(unknown.json).toMatchObject({ ok: false, exitCode: 1, error: 'unknown committee NOPE' });
    expect((await inProcess(['export', '--committee', 'NEHS', '--year', '2018', '--format', 'csv'], dirA)).code).toBe(2);
    expect((await inProcess(['export', '--committee', 'NEHS', '--year', '18'], dirA)).code).toBe(2);
    expect((await inProcess(['export', '--year', '2018'], dirA)).code).toBe(2);
    expect((await inProcess(['export', '--committee', 'NEHS', '--year', '2018', '--format', 'zip'], dirA)).code).toBe(2);
    const blocked = path.join(tmp, 'a-file');
    writeFileSync(blocked, 'not a folder');
    const r = await inProcess(['export', '--committee', 'NEHS', '--year', '2018', '--json'], blocked);
    expect(r.code).toBe(3);
    expect(r.json).toMatchObject({ ok: false, exitCode: 3 });
  });
});

describe('saksflyt import of a deposit', () => {
  it('into an empty store writes its events (exit 0); a second time writes nothing', async () => {
    const r = cli(['import', zip, '--json'], dirB);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    const written = r.json.deposits[0].events.written;
    expect(written).toBe(r.json.deposits[0].events.inDeposit);
    expect(r.json.deposits[0]).toMatchObject({ committee: 'NEHS', year: 2018, builtFrom: { hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const before = await head(dirB);
    const again = cli(['import', zip, '--json'], dirB);
    expect(again.code).toBe(0);
    expect(again.json.deposits[0].events).toMatchObject({ written: 0, alreadyStored: written });
    expect(await head(dirB)).toBe(before);
  });

  it('a tampered deposit is refused with exit 1 and nothing is written', async () => {
    const files = unzipSync(readFileSync(zip));
    files['endringslogg.json'] = strToU8('[]\n');
    const bad = path.join(tmp, 'tampered.zip');
    writeFileSync(bad, zipSync(files));
    const empty = path.join(tmp, 'c');
    const r = cli(['import', bad, '--json'], empty);
    expect(r.code).toBe(1);
    expect(r.json.error).toMatch(/endringslogg\.json: its SHA-256 differs/);
    expect(await head(empty)).toBe(0n);
    // a store holding other events in the deposit's streams (the same records imported anew: other ids): refused
    const other = path.join(tmp, 'd');
    await importRealRecords(other, [path.join(ROOT, 'fixtures', 'records', 'nehs-2018-2019.json')]);
    const clash = await inProcess(['import', zip, '--json'], other);
    expect(clash.code).toBe(1);
    expect(clash.json.error).toMatch(/already holds .* with other events/);
  });
});

describe('saksflyt rebuild', () => {
  it('rebuilds the views from the log (exit 0, --json counts the events); the rebuilt views answer', async () => {
    const r = cli(['rebuild', '--json'], dirB);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(r.json.ok).toBe(true);
    expect(r.json.position).toBe(Number(await head(dirB)));
    expect(r.json.events).toBeGreaterThan(0);
    expect(existsSync(path.join(dirB, 'saksflyt-projections.db'))).toBe(true);
    const store = await openSqliteStore({ file: path.join(dirB, 'saksflyt.db') });
    const runner = await ProjectionRunner.start({ store, file: path.join(dirB, 'saksflyt-projections.db'), projections: allProjections });
    try {
      await runner.whenCaughtUp();
      const rows = runner.query<unknown[]>('decisions', { committee: 'NEHS', year: 2018 }).view;
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await runner.stop();
      await store.close();
    }
    const plain = await inProcess(['rebuild'], dirB);
    expect(plain.code).toBe(0);
    expect(plain.out).toMatch(/rebuilt registers v\d+ from \d+ events/);
    expect(plain.err).toMatch(/rebuild: \d+\/\d+ done/);
  });
});
