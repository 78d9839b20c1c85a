/**
 * `saksflyt verify` on real SQLite files (in the environment's position mode): an intact log and a
 * printed copy exit 0; each kind of tampering, made in the file with better-sqlite3 after the store
 * was closed, exits 1 naming its first bad position and kind; bad usage exits 2; no store exits 3.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore, type NewEvent } from '@saksflyt/event-store';
import { runCli } from '../src/cli.js';
import { alterRow, cutTail, deleteRow, insertRow, sameSizeRows, storedHeads, swapRows, type Tampering } from '../../../libs/event-store/test/fixtures/tamper.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ev = (i: number): NewEvent => ({
  type: i % 4 === 0 ? 'CaseDrafted' : 'CaseNoted',
  data: { v: 1, i, text: 'x'.repeat(i % 5) },
  metadata: { actor: 'sekretariat', correlationId: `c-${i}`, at: '2019-02-15T10:00:00+01:00' },
});

/** A data dir with a closed store of twenty events. */
async function seeded(): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'saksflyt-cli-verify-'));
  dirs.push(dir);
  const file = path.join(dir, 'saksflyt.db');
  const store = await openSqliteStore({ file });
  for (let i = 0; i < 20; i++) await store.append(`case-${i % 4}`, [ev(i)], { expectedRevision: 'any' });
  await store.close();
  return { dir, file };
}

async function verify(dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['verify', ...args], { SAKSFLYT_DATA_DIR: dir }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function expectCaught(dir: string, t: Tampering, ...args: string[]): Promise<void> {
  const r = await verify(dir, '--json', ...args);
  expect({ code: r.code, result: JSON.parse(r.out) }).toEqual({ code: 1, result: { ok: false, firstBadPosition: t.position, kind: t.kind } });
  const text = await verify(dir, ...args);
  expect(text.code).toBe(1);
  expect(text.out).toContain(`first bad position ${t.position} (${t.kind})`);
}

describe('saksflyt verify', () => {
  it('an intact log exits 0 with its events and head hash; --json for scripts', async () => {
    const { dir, file } = await seeded();
    const heads = storedHeads(file);
    const r = await verify(dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^ok: 20 events intact \\(SQLite .*\\); head hash ${heads.at(-1)!.hash}$`));
    const json = await verify(dir, '--json');
    expect({ code: json.code, result: JSON.parse(json.out) }).toEqual({ code: 0, result: { ok: true, events: 20, headHash: heads.at(-1)!.hash } });
  });

  it('a printed copy (--position N --at-hash H) checks the event at N and the log up to it', async () => {
    const { dir, file } = await seeded();
    const heads = storedHeads(file);
    const printed = heads[11];
    const ok = await verify(dir, '--position', String(printed.position), '--at-hash', printed.hash);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`ok: event ${printed.position} has hash ${printed.hash}, and the 12 events up to it are intact`);
    // another event's hash at that position: not this log
    await expectCaught(dir, { kind: 'rewritten', position: printed.position }, '--position', String(printed.position), '--at-hash', heads[10].hash);
    // damage after the copy's event does not concern it, damage before it does
    alterRow(file, 15, 'data');
    expect((await verify(dir, '--position', String(printed.position), '--at-hash', printed.hash)).code).toBe(0);
    const t = alterRow(file, 4, 'type');
    await expectCaught(dir, t, '--position', String(printed.position), '--at-hash', printed.hash);
  });

  it.each(['data', 'metadata', 'type'] as const)('an altered row (%s) exits 1 naming it', async (column) => {
    const { dir, file } = await seeded();
    await expectCaught(dir, alterRow(file, 8, column));
  });

  it('a deleted row exits 1 naming where it was', async () => {
    const { dir, file } = await seeded();
    await expectCaught(dir, deleteRow(file, 3));
  });

  it('an inserted row exits 1 naming it', async () => {
    const { dir, file } = await seeded();
    await expectCaught(dir, insertRow(file, 12));
  });

  it('reordered rows exit 1 naming where the first is out of place', async () => {
    const { dir, file } = await seeded();
    const [k, l] = sameSizeRows(file, 2);
    await expectCaught(dir, swapRows(file, k, l));
  });

  it('a cut-off tail verifies by itself, and exits 1 against the kept head', async () => {
    const { dir, file } = await seeded();
    const kept = storedHeads(file).at(-1)!;
    const t = cutTail(file, 17);
    expect((await verify(dir)).code).toBe(0);
    await expectCaught(dir, t, '--position', String(kept.position), '--at-hash', kept.hash);
  });

  it('bad usage exits 2, and nothing is opened', async () => {
    const { dir } = await seeded();
    for (const args of [['--position', '3'], ['--at-hash', 'a'.repeat(64)], ['--position', 'x', '--at-hash', 'a'.repeat(64)], ['--position', '3', '--at-hash', 'xyz'], ['--bogus']]) {
      const r = await verify(dir, ...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).not.toBe('');
    }
  });

  it('no store exits 3 and creates none', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'saksflyt-cli-verify-'));
    dirs.push(dir);
    const r = await verify(dir);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/the store cannot be opened: no store at/);
    expect(existsSync(path.join(dir, 'saksflyt.db'))).toBe(false);
  });
});
