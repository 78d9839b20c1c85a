/**
 * Printed proof and tampering over HTTP, on a committee's year driven over HTTP (February held,
 * its minutes approved by April):
 * - the minutes (JSON, Markdown) and the export name the last event they were built from and its
 *   hash, and `GET /api/audit/verify` with that position and hash (what an auditor types from the
 *   print) answers ok, and `saksflyt verify --position N --at-hash H` exits 0 on the same file;
 * - each kind of tampering, made with better-sqlite3 in a copy of the file while no server had it
 *   open, answers verify's failure shape naming the first bad position and the kind, over HTTP from
 *   a server started on that copy, and exits 1 through the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../cli/src/cli.js';
import { alterRow, cutTail, deleteRow, insertRow, sameSizeRows, storedHeads, swapRows, type Tampering } from '../../../libs/event-store/test/fixtures/tamper.js';
import { startServer, tempDir } from './harness.js';
import { ADMIN, ok, SEC, startWorkflowServer } from './workflow-helpers.js';

const AUDITOR = 'tok-auditor';

let pristine: string;
const dirs: string[] = [];

/** A data dir holding a copy of the pristine store. */
function copyOf(): { dir: string; file: string } {
  const dir = tempDir('saksflyt-proof-');
  dirs.push(dir);
  const file = path.join(dir, 'saksflyt.db');
  copyFileSync(path.join(pristine, 'saksflyt.db'), file);
  for (const ext of ['-wal', '-shm']) if (existsSync(path.join(pristine, `saksflyt.db${ext}`))) copyFileSync(path.join(pristine, `saksflyt.db${ext}`), `${file}${ext}`);
  return { dir, file };
}

async function cli(dir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await runCli(['verify', '--json', ...args], { SAKSFLYT_DATA_DIR: dir }, { out: (l) => out.push(l), err: () => undefined });
  return { code, out: out.join('\n') };
}

/** The approved minutes' meeting of the pristine store. */
let february: string;

type AgendaRow = { caseId: string; state: string; standardItem?: string };

beforeAll(async () => {
  // a committee's February meeting held, and its minutes approved by April's (over HTTP)
  const s = await startWorkflowServer();
  pristine = s.dataDir;
  dirs.push(pristine);
  try {
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
    const plan = async (date: string) => (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date, place: 'Oslo' } }, 201)).json.id as string;
    const cmd = (caseId: string, command: string, json: Record<string, unknown>) => ok(s, 'POST', `/api/cases/${caseId}/${command}`, { token: SEC, json });
    const hold = async (id: string) => {
      await ok(s, 'POST', `/api/meetings/${id}/notice`, { token: SEC });
      await ok(s, 'POST', `/api/meetings/${id}/open`, { token: SEC, json: { present: [] } });
      for (const a of (await ok(s, 'GET', `/api/meetings/${id}`, { token: SEC })).json.agenda as AgendaRow[]) {
        if (a.state !== 'scheduled') continue;
        await cmd(a.caseId, 'present', { presenter: 'Leder' });
        if (a.standardItem === 'minutes-approval') await cmd(a.caseId, 'endorse', { resolution: 'Referatet godkjennes.' });
        else await cmd(a.caseId, 'note', { resolution: 'Tatt til orientering.' });
      }
      await ok(s, 'POST', `/api/meetings/${id}/adjourn`, { token: SEC });
    };
    february = await plan('2027-02-10');
    const april = await plan('2027-04-14');
    const item = (await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: 'Nasjonal e-helseportefølje', type: 'orientation', proposedResolution: 'Til orientering.' } }, 201)).json.id as string;
    await ok(s, 'POST', `/api/cases/${item}/schedule`, { token: SEC, json: { meetingId: february } });
    await hold(february);
    await hold(april);
  } finally {
    await s.close();
  }
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('printed proof', () => {
  it('the minutes and the export name the event they were built from and its hash; verify checks the printed copy', async () => {
    const { dir, file } = copyOf();
    const heads = storedHeads(file);
    const head = heads.at(-1)!;
    const server = await startServer({ dataDir: dir, keepDir: true });
    try {
      const id = february;
      const json = await server.req('GET', `/api/meetings/${id}/minutes?minPosition=${head.position}`, { token: AUDITOR });
      expect(json.status).toBe(200);
      expect(json.json.status).toBe('approved');
      expect(json.json.builtFrom).toEqual({ position: head.position, hash: head.hash });
      const md = await server.req('GET', `/api/meetings/${id}/minutes`, { token: AUDITOR, headers: { accept: 'text/markdown' } });
      expect(md.text.replace(/\\(.)/g, '$1')).toContain(`Bygget fra hendelse ${head.position}, sjekksum ${head.hash}.`);
      const exp = await server.req('GET', '/api/audit/export?committee=NEHS&year=2027', { token: AUDITOR });
      expect(exp.json.header.builtFrom).toEqual({ position: head.position, hash: head.hash, provenance: `Bygget fra hendelse ${head.position}, sjekksum ${head.hash}` });
      // what the auditor types from the print
      const v = await server.req('GET', `/api/audit/verify?knownPosition=${head.position}&knownHash=${head.hash}`, { token: AUDITOR });
      expect(v.json).toEqual({ ok: true, events: heads.length, headHash: head.hash });
    } finally {
      await server.close();
    }
    expect(await cli(dir, '--position', String(head.position), '--at-hash', head.hash)).toEqual({
      code: 0,
      out: JSON.stringify({ ok: true, events: heads.length, headHash: head.hash }),
    });
  });
});

describe('tampering with the file, over HTTP and through the CLI', () => {
  const kinds: Array<[string, (file: string, n: number) => Tampering]> = [
    ['an altered row (data)', (file, n) => alterRow(file, Math.floor(n / 3), 'data')],
    ['an altered row (metadata)', (file, n) => alterRow(file, Math.floor(n / 2), 'metadata')],
    ['an altered row (type)', (file, n) => alterRow(file, n - 5, 'type')],
    ['a deleted row', (file, n) => deleteRow(file, Math.floor(n / 4))],
    ['an inserted row', (file, n) => insertRow(file, Math.floor(n / 5))],
    ['reordered rows', (file) => swapRows(file, ...sameSizeRows(file, 10))],
  ];

  it.each(kinds)('%s: verify names its first bad position and kind', async (_what, tamper) => {
    const { dir, file } = copyOf();
    const t = tamper(file, storedHeads(file).length);
    const server = await startServer({ dataDir: dir, keepDir: true });
    try {
      const r = await server.req('GET', '/api/audit/verify', { token: AUDITOR });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ ok: false, firstBadPosition: t.position, kind: t.kind });
    } finally {
      await server.close();
    }
    expect(await cli(dir)).toEqual({ code: 1, out: JSON.stringify({ ok: false, firstBadPosition: t.position, kind: t.kind }) });
  });

  it('a cut-off tail: intact by itself, caught against the kept head (as printed)', async () => {
    const { dir, file } = copyOf();
    const heads = storedHeads(file);
    const kept = heads.at(-1)!;
    const t = cutTail(file, heads.length - 4);
    const server = await startServer({ dataDir: dir, keepDir: true });
    try {
      expect((await server.req('GET', '/api/audit/verify', { token: AUDITOR })).json).toEqual({ ok: true, events: heads.length - 4, headHash: heads.at(-5)!.hash });
      const r = await server.req('GET', `/api/audit/verify?knownPosition=${kept.position}&knownHash=${kept.hash}`, { token: AUDITOR });
      expect(r.json).toEqual({ ok: false, firstBadPosition: t.position, kind: 'cut-off' });
    } finally {
      await server.close();
    }
    expect(await cli(dir, '--position', String(kept.position), '--at-hash', kept.hash)).toEqual({
      code: 1,
      out: JSON.stringify({ ok: false, firstBadPosition: t.position, kind: 'cut-off' }),
    });
  });
});
