/**
 * Issue 13 (faults): a full disk, a read-only file system and a file size limit while the real
 * server runs (a child process, child-server.ts). Each refused write answers 503 problem JSON
 * (no stack, SQL or path, `Retry-After`) and writes nothing: the head and the case's revision are
 * unchanged, the hash chain verifies, no half attachment file is left. Health says `degraded` with
 * the reason. When the fault is removed the server goes on BY ITSELF (no restart): the next write
 * answers 201, health is `ok`. Then the server is stopped (SIGTERM) and the store file opened
 * directly: every case stream is gap-free and holds exactly the cases that were acknowledged; after
 * a restart the projections stand at the head (no rebuild) and list exactly those cases.
 *
 * The faults, at the file layer:
 * - `disk full`: the data dir is a 48 MiB tmpfs the test mounts itself, then fills with a filler file
 *   until ENOSPC; removed: the filler is deleted. Needs mount(2) (root, as on this machine): skipped
 *   otherwise.
 * - `read-only data dir` (the last test): a read-only bind mount over the data dir while the server
 *   runs. It reaches only files opened after it (uploads): SQLite's open files stay writable. A
 *   read-only file system under SQLite's open files is NOT tested: Linux refuses to remount a file
 *   system read-only while files on it are open for writing (EBUSY), and as root a chmod'ed file
 *   stays writable; EROFS/SQLITE_READONLY map to the same 503 (faults.spec.ts).
 * - `file size limit`: RLIMIT_FSIZE of the running server lowered to 4 KiB with `prlimit --pid`
 *   (Node ignores SIGXFSZ, so writes past 4 KiB in any file fail with EFBIG), then raised again.
 *   Needs no privilege: it always runs.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { openSqliteStore } from '@saksflyt/event-store';
import { childServers, readAnswer, type Child } from './child-server.js';

const { startServer } = childServers('faults-disk');

const SEC = 'tok-secretariat-nehs';
const AUDITOR = 'tok-auditor';
const ADMIN = 'tok-admin';
const TOKENS = {
  [ADMIN]: { name: 'Admin', roles: [{ role: 'admin' }] },
  [SEC]: { name: 'Anita Lindholt', roles: [{ role: 'secretariat', committee: 'NEHS' }] },
  [AUDITOR]: { name: 'Revisor', roles: [{ role: 'auditor' }] },
};

function tryMount(): boolean {
  const d = mkdtempSync(path.join(os.tmpdir(), 'faults-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', d], { stdio: 'ignore' });
    execFileSync('umount', [d], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}
const CAN_MOUNT = process.platform === 'linux' && tryMount();
const mounts: string[] = [];
const dirs: string[] = [];

afterAll(() => {
  for (const m of mounts) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Fault {
  name: string;
  available: boolean;
  /** A data dir for the server (the tmpfs for the mount faults). */
  dataDir(): string;
  inject(server: Child, dataDir: string): void;
  remove(server: Child, dataDir: string): void;
}

function newDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-faults-'));
  dirs.push(d);
  return d;
}

function tmpfsDir(): string {
  const d = newDir();
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', d]);
  mounts.unshift(d);
  return d;
}

const FILLER = '.filler';
const FAULTS: Fault[] = [
  {
    name: 'disk full (a tmpfs filled to ENOSPC)',
    available: CAN_MOUNT,
    dataDir: tmpfsDir,
    inject(_server, dir) {
      const fd = openSync(path.join(dir, FILLER), 'w');
      const block = Buffer.alloc(1 << 20, 1);
      try {
        for (;;) writeSync(fd, block);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
      // the last partial blocks too, so not even a page is left
      const small = Buffer.alloc(512, 1);
      try {
        for (;;) writeSync(fd, small);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
      closeSync(fd);
    },
    remove(_server, dir) {
      rmSync(path.join(dir, FILLER));
    },
  },
  {
    name: 'file size limit (RLIMIT_FSIZE 4 KiB on the running server: EFBIG)',
    available: process.platform === 'linux',
    dataDir: newDir,
    inject(server) {
      execFileSync('prlimit', ['--pid', String(server.proc.pid), '--fsize=4096:unlimited']);
    },
    remove(server) {
      execFileSync('prlimit', ['--pid', String(server.proc.pid), '--fsize=unlimited:unlimited']);
    },
  },
];

async function req(url: string, method: string, p: string, opts: { token?: string; json?: unknown; body?: Buffer; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Buffer | undefined = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(url + p, { method, headers, body });
  return { ...(await readAnswer(res)), headers: res.headers };
}

const newCase = (title: string) => ({ committee: 'NEHS', title, type: 'approval', proposedResolution: 'Utvalget tar saken til orientering.' });

/** A 503 problem JSON that names no file, SQL or stack. */
function expectFaultAnswer(r: { status: number; body: any; headers: Headers }, what: string) {
  expect({ what, status: r.status }).toEqual({ what, status: 503 });
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.headers.get('retry-after')).toBe('1');
  expect(r.body).toMatchObject({ status: 503, title: expect.any(String), detail: expect.stringMatching(/event store cannot serve this request now/) });
  const text = JSON.stringify(r.body);
  expect(text).not.toMatch(/SQLITE|INSERT|SELECT|\/tmp|\/work|saksflyt\.db|\.js:\d+|\n\s+at |Error:/);
}

function blobFiles(dataDir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(path.relative(dataDir, p));
    }
  };
  walk(path.join(dataDir, 'blobs'));
  return out.sort();
}

const health = async (url: string) => (await req(url, 'GET', '/api/health')).body;

describe.each(FAULTS)('$name', (fault) => {
  (fault.available ? test : test.skip)(
    'refused writes answer 503 and write nothing; the server goes on by itself when the fault is removed',
    async () => {
      const dataDir = fault.dataDir();
      const tokensFile = path.join(dataDir, 'tokens.json');
      require_write(tokensFile, JSON.stringify(TOKENS));
      let server = await startServer(dataDir, tokensFile);
      const committee = await req(server.url, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } });
      expect(committee.status).toBe(201);
      const acked = new Map<string, string>(); // case id → title
      for (let i = 0; i < 3; i++) {
        const title = `Før feilen ${i}`;
        const r = await req(server.url, 'POST', '/api/cases', { token: SEC, json: newCase(title) });
        expect(r.status).toBe(201);
        acked.set(r.body.id, title);
      }
      const [caseA] = acked.keys();
      const text = Buffer.from('Vedlegg til saken.\n'.repeat(4000)); // 76 kB: past any 4 KiB limit
      const up = await req(server.url, 'POST', `/api/cases/${caseA}/attachments?filename=notat.txt`, { token: SEC, body: text, headers: { 'content-type': 'text/plain' } });
      expect(up.status).toBe(201);
      const blobsBefore = blobFiles(dataDir);
      expect(blobsBefore.filter((f) => f.startsWith('blobs/sha256/'))).toHaveLength(1);
      const before = await health(server.url);
      expect(before).toMatchObject({ status: 'ok', store: { available: true } });
      const headBefore = before.store.headPosition as number;
      let headAtFault = headBefore;
      const refusedTitles: string[] = [];
      const caseBefore = await req(server.url, 'GET', `/api/cases/${caseA}`, { token: SEC });
      let etag = caseBefore.headers.get('etag')!;

      let patchRefused: string | null = null;
      fault.inject(server, dataDir);
      try {
        // A full disk still lets SQLite write into the pages its WAL file already has: creates may
        // succeed until the log must grow. Each 201 counts as acknowledged (it must be kept), each
        // other answer must be the 503 and write nothing; at least one must be refused.
        let refusedInARow = 0;
        let refused = 0;
        let head = headBefore;
        for (let i = 0; i < 400 && refusedInARow < 3; i++) {
          const title = `Under feilen ${i}`;
          const r = await req(server.url, 'POST', '/api/cases', { token: SEC, json: newCase(title) });
          if (r.status === 201) {
            acked.set(r.body.id, title);
            head = r.body.position;
            refusedInARow = 0;
          } else {
            expectFaultAnswer(r, `create ${i}`);
            refusedTitles.push(title);
            refused++;
            refusedInARow++;
          }
        }
        expect(refused).toBeGreaterThan(0);
        headAtFault = head;
        // like a create, a small edit may still fit in pages the WAL already has (a checkpoint can
        // free them meanwhile): each 200 is acknowledged and must be kept; the first refusal is 503
        for (let i = 0; i < 20 && patchRefused === null; i++) {
          const title = `Endret under feilen ${i}`;
          const patch = await req(server.url, 'PATCH', `/api/cases/${caseA}`, { token: SEC, json: { title }, headers: { 'if-match': etag } });
          if (patch.status === 200) {
            acked.set(caseA, title);
            etag = patch.headers.get('etag')!;
            headAtFault = patch.body.position;
          } else {
            expectFaultAnswer(patch, 'patch');
            patchRefused = title;
          }
        }
        expect(patchRefused).not.toBeNull();
        const other = Buffer.from('Et annet vedlegg.\n'.repeat(5000));
        const upload = await req(server.url, 'POST', `/api/cases/${caseA}/attachments?filename=annet.txt`, { token: SEC, body: other, headers: { 'content-type': 'text/plain' } });
        expectFaultAnswer(upload, 'upload');

        // nothing written: the head, the case and the blob folder are as before; reads still answer
        const during = await health(server.url);
        expect(during).toMatchObject({ status: 'degraded', store: { available: false, headPosition: headAtFault, reason: expect.stringMatching(/^writes fail: /) } });
        expect(JSON.stringify(during.store)).not.toMatch(/\/tmp|SQLITE_|saksflyt\.db/);
        const caseDuring = await req(server.url, 'GET', `/api/cases/${caseA}`, { token: SEC });
        expect(caseDuring.status).toBe(200);
        expect(caseDuring.headers.get('etag')).toBe(etag);
        expect(caseDuring.body.title).toBe(acked.get(caseA));
        expect(caseDuring.body.attachments).toHaveLength(1);
        expect(blobFiles(dataDir)).toEqual(blobsBefore);
        const verify = await req(server.url, 'GET', '/api/audit/verify', { token: AUDITOR });
        expect(verify.status).toBe(200);
        expect(verify.body).toMatchObject({ ok: true });
      } finally {
        fault.remove(server, dataDir);
      }

      // the fault is gone: the same server goes on, no restart
      for (let i = 0; i < 3; i++) {
        const title = `Etter feilen ${i}`;
        const r = await req(server.url, 'POST', '/api/cases', { token: SEC, json: newCase(title) });
        expect({ i, status: r.status, body: r.status === 201 ? null : r.body }).toEqual({ i, status: 201, body: null });
        acked.set(r.body.id, title);
      }
      const patched = await req(server.url, 'PATCH', `/api/cases/${caseA}`, { token: SEC, json: { title: 'Endret etter feilen' }, headers: { 'if-match': etag } });
      expect(patched.status).toBe(200);
      acked.set(caseA, 'Endret etter feilen');
      const other = Buffer.from('Et annet vedlegg.\n'.repeat(5000));
      const upload = await req(server.url, 'POST', `/api/cases/${caseA}/attachments?filename=annet.txt`, { token: SEC, body: other, headers: { 'content-type': 'text/plain' } });
      expect(upload.status).toBe(201);
      const after = await health(server.url);
      expect(after).toMatchObject({ status: 'ok', store: { available: true } });
      const lastHead = after.store.headPosition as number;
      expect(lastHead).toBeGreaterThan(headAtFault);
      const list = await req(server.url, 'GET', `/api/cases?committee=NEHS&minPosition=${lastHead}&limit=100`, { token: SEC });
      expect(list.status).toBe(200);
      expect(new Map(list.body.items.map((c: { id: string; title: string }) => [c.id, c.title]))).toEqual(acked);
      expect(blobFiles(dataDir).filter((f) => f.startsWith('blobs/tmp/'))).toEqual([]);

      // a clean stop, then the file itself: gap-free streams holding exactly the acknowledged cases
      server.proc.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      const store = await openSqliteStore({ file: path.join(dataDir, 'saksflyt.db') });
      try {
        expect(await store.headPosition()).toBe(BigInt(lastHead));
        const revisions = new Map<string, bigint[]>();
        const drafted = new Map<string, string>();
        let log = '';
        for await (const e of store.readAll()) {
          log += JSON.stringify(e.data) + '\n';
          revisions.set(e.stream, [...(revisions.get(e.stream) ?? []), e.revision]);
          if (e.type === 'CaseDrafted') drafted.set(e.stream.replace(/^case-/, ''), (e.data as { title: string }).title);
        }
        for (const [stream, revs] of revisions) expect({ stream, revs }).toEqual({ stream, revs: revs.map((_, i) => BigInt(i)) });
        expect([...drafted.keys()].sort()).toEqual([...acked.keys()].sort());
        expect(log).not.toContain(`"${patchRefused}"`);
        for (const t of refusedTitles) expect(log).not.toContain(`"${t}"`);
      } finally {
        await store.close();
      }

      // restarted: the views stand where they were (no rebuild) and list the same cases
      server = await startServer(dataDir, tokensFile);
      const restarted = await health(server.url);
      expect(restarted).toMatchObject({ status: 'ok', store: { headPosition: lastHead } });
      for (const p of restarted.projections) expect(p).toMatchObject({ status: 'running', position: lastHead });
      const again = await req(server.url, 'GET', `/api/cases?committee=NEHS&minPosition=${lastHead}&limit=100`, { token: SEC });
      expect(new Map(again.body.items.map((c: { id: string; title: string }) => [c.id, c.title]))).toEqual(acked);
      server.proc.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
    },
    60_000,
  );
});

function require_write(file: string, text: string) {
  const fd = openSync(file, 'w');
  writeSync(fd, text);
  closeSync(fd);
}

/**
 * The data dir made read-only while the server runs: a read-only bind mount over it. SQLite keeps
 * the files it has open (their writes go on: a mount over a directory does not change open files),
 * so case commands still answer 201; what needs a new file fails: an upload answers 503 (EROFS),
 * adds no event and leaves no file. Unmounted, uploads answer 201 again, the same server.
 */
(CAN_MOUNT ? test : test.skip)(
  'read-only data dir under the running server: an upload answers 503, writes no event and no file; then goes on',
  async () => {
    const dataDir = newDir();
    const tokensFile = path.join(dataDir, 'tokens.json');
    require_write(tokensFile, JSON.stringify(TOKENS));
    const server = await startServer(dataDir, tokensFile);
    expect((await req(server.url, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } })).status).toBe(201);
    const created = await req(server.url, 'POST', '/api/cases', { token: SEC, json: newCase('Sak med vedlegg') });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const etag = (await req(server.url, 'GET', `/api/cases/${id}`, { token: SEC })).headers.get('etag');
    const blobsBefore = blobFiles(dataDir);
    const bytes = Buffer.from('Skrivebeskyttet.\n'.repeat(3000));
    execFileSync('mount', ['--bind', dataDir, dataDir]);
    mounts.unshift(dataDir);
    execFileSync('mount', ['-o', 'remount,bind,ro', dataDir]);
    try {
      const up = await req(server.url, 'POST', `/api/cases/${id}/attachments?filename=ro.txt`, { token: SEC, body: bytes, headers: { 'content-type': 'text/plain' } });
      expectFaultAnswer(up, 'upload on a read-only data dir');
      expect(up.body.detail).toMatch(/read-only/);
      const c = await req(server.url, 'GET', `/api/cases/${id}`, { token: SEC });
      expect(c.headers.get('etag')).toBe(etag);
      expect(c.body.attachments).toEqual([]);
    } finally {
      execFileSync('umount', [dataDir]);
      mounts.shift();
    }
    expect(blobFiles(dataDir)).toEqual(blobsBefore);
    const up = await req(server.url, 'POST', `/api/cases/${id}/attachments?filename=ro.txt`, { token: SEC, body: bytes, headers: { 'content-type': 'text/plain' } });
    expect(up.status).toBe(201);
    expect(blobFiles(dataDir).filter((f) => f.startsWith('blobs/sha256/'))).toHaveLength(1);
    expect(blobFiles(dataDir).filter((f) => f.startsWith('blobs/tmp/'))).toEqual([]);
    server.proc.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  },
  60_000,
);
