/**
 * The deposit streamed (`GET /api/audit/export`, `Accept: application/zip`; `saksflyt export
 * --format zip`), on the real records and a real server:
 * - the command line (the built CLI, a child process) and the server give the same bytes for the
 *   same store, given the same `generatedAt` (the one thing that legitimately differs: when each
 *   export was made; `--generated-at` names it);
 * - a client that goes away mid-stream leaves the server healthy: the export's turn is released,
 *   the next export is whole, health is ok, commands are answered;
 * - a failure mid-stream (an attachment's file gone) cuts the answer off: what arrived has no
 *   end-of-central-directory record and is refused as a deposit; the CLI leaves neither its
 *   `--out` file nor a temporary file, also when the file cannot grow (a file size limit, as a
 *   full disk).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DepositInvalid, readDeposit, sha256Hex } from '@saksflyt/archive';
import { openSqliteStore } from '@saksflyt/event-store';
import { importRecords, loadRecordFile, recordFilesInOrder } from '@saksflyt/records';
import { BlobStore } from '../src/attachments/blob-store.js';
import { startServer, tempDir, type Server } from './harness.js';

const ROOT = process.cwd();
const CLI = path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');
const AUDITOR = 'tok-auditor';
const SEC = 'tok-secretariat-nehs';
const EOCD = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

let a: Server;
const dir = tempDir('saksflyt-depstream-');
const outDir = tempDir('saksflyt-depstream-out-');
/** The year with a large attachment (the stream takes a while), and the year whose attachment's file is gone. */
const BIG_YEAR = 2029;
const BROKEN_YEAR = 2030;
let brokenBlob = '';

function cli(args: string[], shell?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, SAKSFLYT_DATA_DIR: dir };
  delete env.EVENTSTORE_CONNECTION_STRING;
  const r = shell
    ? spawnSync('bash', ['-c', `${shell}; exec "$0" "$@"`, process.execPath, CLI, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 })
    : spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  let json: any;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.status, signal: r.signal, err: r.stderr, json };
}

/** GET the export with node:http, keeping every byte that arrives and how the answer ended. */
function getRaw(server: Server, committee: string, year: number, opts: { stopAfter?: number } = {}): Promise<{ status: number; bytes: Buffer; complete: boolean; error: string | null }> {
  const url = new URL(`${server.url}/api/audit/export?committee=${committee}&year=${year}`);
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { authorization: `Bearer ${AUDITOR}`, accept: 'application/zip' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let got = 0;
      let error: string | null = null;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve({ status: res.statusCode!, bytes: Buffer.concat(chunks), complete: res.complete, error });
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        got += c.length;
        if (opts.stopAfter !== undefined && got >= opts.stopAfter) {
          req.destroy(); // the client goes away mid-stream
          finish();
        }
      });
      res.on('error', (e) => (error = e.message));
      res.on('aborted', () => (error ??= 'aborted'));
      res.on('close', finish);
    });
    req.on('error', (e) => {
      if (!req.destroyed || (e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
    });
  });
}

async function call(method: string, url: string, opts: Parameters<Server['req']>[2], status: number) {
  const r = await a.req(method, url, opts);
  if (r.status !== status) throw new Error(`${method} ${url}: ${r.status} ${r.text}`);
  return r.json;
}

/** Text that hardly compresses (base64 of random bytes), `size` bytes long. */
const noise = (size: number): Buffer => Buffer.from(randomBytes(Math.ceil((size * 3) / 4)).toString('base64').slice(0, size));

/** A NEHS meeting in `year` with one case carrying one attachment; returns the attachment's SHA-256. */
async function meetingWithAttachment(year: number, bytes: Buffer): Promise<string> {
  const meeting = await call('POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: `${year}-03-01`, place: 'Oslo' } }, 201);
  const caseId = (await call('POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: `Sak med vedlegg ${year}`, type: 'discussion', proposedResolution: '' } }, 201)).id;
  await call('POST', `/api/cases/${caseId}/schedule`, { token: SEC, json: { meetingId: meeting.id } }, 200);
  await call('POST', `/api/cases/${caseId}/attachments?filename=vedlegg.txt`, { token: SEC, body: bytes, headers: { 'content-type': 'text/plain' } }, 201);
  await call('POST', `/api/meetings/${meeting.id}/notice`, { token: SEC }, 200);
  return sha256Hex(bytes);
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.build.json && npx tsc-alias -p tsconfig.build.json)`);
  const store = await openSqliteStore({ file: path.join(dir, 'saksflyt.db') });
  await importRecords(store, recordFilesInOrder(path.join(ROOT, 'fixtures', 'records')).map(loadRecordFile));
  await store.close();
  a = await startServer({ dataDir: dir });
  await meetingWithAttachment(BIG_YEAR, noise(12 * 1024 * 1024));
  const sha = await meetingWithAttachment(BROKEN_YEAR, noise(4096));
  brokenBlob = BlobStore.open(path.join(dir, 'blobs')).pathOf(sha);
  expect(existsSync(brokenBlob)).toBe(true);
}, 60_000);

afterAll(async () => {
  await a?.close();
  for (const d of [dir, outDir]) rmSync(d, { recursive: true, force: true });
});

describe('a client that goes away mid-stream', () => {
  it('leaves the server healthy: the next export is whole, health is ok, a command is answered', async () => {
    const whole = await getRaw(a, 'NEHS', BIG_YEAR);
    expect({ status: whole.status, complete: whole.complete }).toEqual({ status: 200, complete: true });
    expect(whole.bytes.length).toBeGreaterThan(8 * 1024 * 1024);
    const cut = await getRaw(a, 'NEHS', BIG_YEAR, { stopAfter: 256 * 1024 });
    expect(cut.status).toBe(200);
    expect(cut.bytes.length).toBeLessThan(whole.bytes.length / 4);
    // the export's turn was given back (exports run one at a time): the next one runs, and is whole
    const next = await getRaw(a, 'NEHS', 2018);
    expect({ status: next.status, complete: next.complete }).toEqual({ status: 200, complete: true });
    expect(readDeposit(next.bytes).archive.header.committee.code).toBe('NEHS');
    const again = await getRaw(a, 'NEHS', BIG_YEAR);
    expect(again.complete).toBe(true);
    expect(readDeposit(again.bytes).listed.some((l) => l.path.endsWith('/vedlegg.txt') && l.size === 12 * 1024 * 1024)).toBe(true);
    const health = await a.req('GET', '/api/health');
    expect({ status: health.status, health: health.json.status }).toEqual({ status: 200, health: 'ok' });
    await call('POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: 'Etter avbrutt eksport', type: 'discussion', proposedResolution: '' } }, 201);
  }, 60_000);
});

describe('a failure mid-stream', () => {
  it('cuts the answer off after its first bytes: no end-of-central-directory, refused as a deposit; the server goes on', async () => {
    const stash = `${brokenBlob}.away`;
    renameSync(brokenBlob, stash);
    try {
      const r = await getRaw(a, 'NEHS', BROKEN_YEAR);
      expect(r.status).toBe(200);
      expect(r.complete).toBe(false);
      expect(r.bytes.length).toBeGreaterThan(0);
      expect(r.bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
      expect(r.bytes.includes(EOCD)).toBe(false);
      expect(() => readDeposit(r.bytes)).toThrow(DepositInvalid);
      const health = await a.req('GET', '/api/health');
      expect(health.json.status).toBe('ok');
    } finally {
      renameSync(stash, brokenBlob);
    }
    const whole = await getRaw(a, 'NEHS', BROKEN_YEAR);
    expect(whole.complete).toBe(true);
    expect(readDeposit(whole.bytes).listed.some((l) => l.path.endsWith('/vedlegg.txt'))).toBe(true);
  }, 60_000);
});

describe('the command line and the server', () => {
  beforeAll(async () => {
    await a.close(); // the CLI runs the projections on the data directory's file: one process at a time
  }, 30_000);
  afterAll(async () => {
    a = await startServer({ dataDir: dir });
  }, 30_000);

  it('write the same zip for the same store, given the same generatedAt', async () => {
    const srv = await startServer({ dataDir: dir });
    let served: Buffer;
    try {
      served = (await getRaw(srv, 'NEHS', 2018)).bytes;
    } finally {
      await srv.close();
    }
    const generatedAt = readDeposit(served).archive.header.generatedAt;
    const out = path.join(outDir, 'nehs-2018.zip');
    const r = cli(['export', '--committee', 'NEHS', '--year', '2018', '--format', 'zip', '--out', out, '--generated-at', generatedAt, '--json']);
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    const written = readFileSync(out);
    expect(r.json.bytes).toBe(written.length);
    expect(sha256Hex(written)).toBe(sha256Hex(served));
    expect(written.equals(served)).toBe(true);
    expect(readdirSync(outDir)).toEqual(['nehs-2018.zip']);
    // a malformed time is bad usage
    expect(cli(['export', '--committee', 'NEHS', '--year', '2018', '--format', 'zip', '--out', out, '--generated-at', 'i går']).code).toBe(2);
  }, 60_000);

  it('a deposit cut off leaves neither --out nor a temporary file (exit 1): an attachment gone, a file that cannot grow', () => {
    const out = path.join(outDir, 'cut.zip');
    const stash = `${brokenBlob}.away`;
    renameSync(brokenBlob, stash);
    try {
      const r = cli(['export', '--committee', 'NEHS', '--year', String(BROKEN_YEAR), '--format', 'zip', '--out', out, '--json']);
      expect(r.code).toBe(1);
      expect(r.json).toMatchObject({ ok: false, exitCode: 1, error: expect.stringMatching(/cut off.*holds no file/) });
    } finally {
      renameSync(stash, brokenBlob);
    }
    expect(existsSync(out)).toBe(false);
    // a file size limit of 2 MiB (SIGXFSZ ignored: writes past it fail with EFBIG, as on a full disk)
    const big = cli(['export', '--committee', 'NEHS', '--year', String(BIG_YEAR), '--format', 'zip', '--out', out, '--json'], "trap '' XFSZ; ulimit -f 2048");
    expect({ code: big.code, signal: big.signal }).toEqual({ code: 1, signal: null });
    expect(big.json.error).toMatch(/cut off.*(EFBIG|too large)/i);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(outDir)).toEqual(['nehs-2018.zip']);
  }, 60_000);
});
