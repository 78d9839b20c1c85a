/**
 * Issue 2: `kill -9` of the SERVER during a 32-writer append load loses no acknowledged event.
 *
 * The real server (`apps/api/src/main.ts`, compiled once into a private outDir under `.tmp/` so a
 * concurrent `npm run build` into dist/ cannot change it under us) runs as a child process on an
 * empty SQLite store. 32 concurrent HTTP writers (fetch, keep-alive) create cases; a case counts as
 * acknowledged only once its whole 201 body has arrived. After >= 1.2 s and >= 300 acks the child
 * gets SIGKILL. Then, with the server dead, the store file is opened directly: every acknowledged
 * case's stream is there (CaseDrafted with the title it was created with, at the acknowledged
 * position), the hash chain verifies, the head is at or past the highest acknowledged position.
 * The server is restarted on the same data dir: health reports that head, and a sample of the
 * acknowledged cases (the last ones acknowledged included) answer 200 with their titles.
 * Two rounds on the same data dir (the second one writes on a store recovered from the first kill).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { openSqliteStore } from '@saksflyt/event-store';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = path.join(ROOT, '.tmp', `server-crash-${process.pid}-${randomUUID().slice(0, 8)}`);
const MAIN = path.join(OUT, 'apps/api/src/main.js');

const WRITERS = 32;
const MIN_LOAD_MS = 1200;
const MIN_ACKS = 300;
const ROUNDS = 2;

const ADMIN = 'tok-admin';
const SECRETARIAT = 'tok-secretariat-nehs';
const TOKENS = {
  [SECRETARIAT]: { name: 'Anita Lindholt', roles: [{ role: 'secretariat', committee: 'NEHS' }] },
  [ADMIN]: { name: 'Admin', roles: [{ role: 'admin' }] },
};

interface Ack {
  id: string;
  title: string;
  position: bigint;
  round: number;
}

interface Child {
  proc: ChildProcess;
  url: string;
  log: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();
const dirs: string[] = [OUT];

function run(cmd: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout!.on('data', (d) => (out += String(d)));
    p.stderr!.on('data', (d) => (out += String(d)));
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(t);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal}):\n${out.slice(-4000)}`));
    });
  });
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
  // the same two steps as `npm run build`, into our own outDir
  await run(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', OUT], 150_000);
  await run(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', OUT], 60_000);
}, 240_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** Starts `node main.js` on PORT=0 and resolves with the URL it logs once listening. */
function startServer(dataDir: string, tokensFile: string): Promise<Child> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    SAKSFLYT_DATA_DIR: dataDir,
    AUTH_TOKENS_FILE: tokensFile,
    SAKSFLYT_DEMO: '0',
    NO_COLOR: '1',
  };
  delete env.EVENTSTORE_CONNECTION_STRING;
  const proc = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let log = '';
  const keep = (d: Buffer) => {
    log += stripAnsi(String(d));
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('close', (code, signal) => {
      children.delete(proc);
      resolve({ code, signal });
    }),
  );
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server did not start in 30 s:\n${log.slice(-4000)}`));
    }, 30_000);
    const onData = () => {
      const m = /listening on (http:\/\/\S+?)\/api\b/.exec(log);
      if (!m) return;
      clearTimeout(t);
      proc.stdout!.off('data', onData);
      resolve({ proc, url: m[1], log: () => log, exited });
    };
    proc.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(t);
      reject(new Error(`server exited before listening (${code ?? signal}):\n${log.slice(-4000)}`));
    });
  });
}

async function req(url: string, method: string, p: string, token?: string, json?: unknown) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url + p, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

async function health(url: string): Promise<{ kind: string; headPosition: number }> {
  const res = await req(url, 'GET', '/api/health');
  expect(res.status).toBe(200);
  return res.body.store;
}

/**
 * 32 writers creating cases until the server is killed (after MIN_LOAD_MS and MIN_ACKS, at most 20 s).
 * Returns what was acknowledged (whole 201 body received) and anything unexpected before the kill.
 */
async function loadAndKill(server: Child, round: number) {
  const acks: Ack[] = [];
  const unexpected: string[] = [];
  let killed = false;
  let seq = 0;
  const writer = async (w: number) => {
    for (;;) {
      if (killed) return;
      const title = `Krasjprøve r${round} w${w} #${seq++} ${randomUUID()}`;
      try {
        const res = await req(server.url, 'POST', '/api/cases', SECRETARIAT, {
          committee: 'NEHS',
          title,
          type: 'approval',
          proposedResolution: 'Utvalget tar saken til orientering.',
        });
        if (res.status === 201 && typeof res.body?.id === 'string') {
          acks.push({ id: res.body.id, title, position: BigInt(res.body.position), round });
        } else if (!killed) {
          unexpected.push(`${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        }
      } catch (e) {
        // connection reset / refused: expected only once the server is killed
        if (!killed) unexpected.push(`writer ${w}: ${e instanceof Error ? `${e.message} ${String((e as any).cause ?? '')}` : String(e)}`);
        return;
      }
    }
  };
  const started = Date.now();
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
  while ((Date.now() - started < MIN_LOAD_MS || acks.length < MIN_ACKS) && Date.now() - started < 20_000) {
    if (unexpected.length > 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const loadMs = Date.now() - started;
  const acksAtKill = acks.length;
  killed = true; // from here on, failed requests are expected
  server.proc.kill('SIGKILL');
  const exit = await server.exited;
  await Promise.all(writers);
  return { acks, unexpected, exit, loadMs, acksAtKill };
}

/** With the server dead: every acknowledged case is in the store file, the chain verifies. */
async function checkStoreFile(file: string, acked: Ack[]) {
  const store = await openSqliteStore({ file });
  try {
    const missing: string[] = [];
    for (const a of acked) {
      const events = [];
      try {
        for await (const e of store.readStream(`case-${a.id}`)) events.push(e);
      } catch (e) {
        missing.push(`${a.id} (round ${a.round}, position ${a.position}): ${(e as Error).message}`);
        continue;
      }
      const first = events[0] as any;
      const atAck = events.find((e) => e.position === a.position);
      if (first?.type !== 'CaseDrafted' || first.data?.title !== a.title || !atAck) {
        missing.push(`${a.id} (round ${a.round}, position ${a.position}): stream holds ${JSON.stringify(events.map((e) => [e.type, String(e.position)]))}`);
      }
    }
    const verdict = await store.verifyChain();
    const head = await store.headPosition();
    return { missing, verdict, head };
  } finally {
    await store.close();
  }
}

function sample<T>(xs: T[], n: number): T[] {
  const copy = [...xs];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

test('SIGKILL of the server under 32 concurrent writers loses no acknowledged case, twice', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-server-crash-'));
  dirs.push(dataDir);
  const tokensFile = path.join(dataDir, 'crash-tokens.json');
  writeFileSync(tokensFile, JSON.stringify(TOKENS));
  const file = path.join(dataDir, 'saksflyt.db');

  let server = await startServer(dataDir, tokensFile);
  expect((await health(server.url)).kind).toBe('sqlite');
  const committee = await req(server.url, 'POST', '/api/committees', ADMIN, { code: 'NEHS', name: 'Nasjonalt e-helsestyre' });
  expect(committee.status).toBe(201);

  const all: Ack[] = [];
  const report: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const { acks, unexpected, exit, loadMs, acksAtKill } = await loadAndKill(server, round);
    expect(unexpected).toEqual([]);
    expect(exit.signal).toBe('SIGKILL');
    expect(acks.length).toBeGreaterThanOrEqual(MIN_ACKS);
    all.push(...acks);
    const maxAcked = acks.reduce((m, a) => (a.position > m ? a.position : m), 0n);

    const { missing, verdict, head } = await checkStoreFile(file, all);
    expect(missing).toEqual([]);
    expect(verdict).toMatchObject({ ok: true });
    // the committee + every acknowledged case (other events may be there too, e.g. unacknowledged ones)
    expect(verdict.ok && verdict.events).toBeGreaterThanOrEqual(all.length + 1);
    expect(head).toBeGreaterThanOrEqual(maxAcked);
    report.push(
      `round ${round}: ${acks.length} acknowledged (${acksAtKill} when SIGKILL was sent) after ${loadMs} ms of load; ` +
        `max acked position ${maxAcked}, head ${head}, chain ${verdict.ok ? `${verdict.events} events` : 'BROKEN'}`,
    );

    // restart on the same data dir: health shows the head, the acknowledged cases are served
    server = await startServer(dataDir, tokensFile);
    const h = await health(server.url);
    expect(BigInt(h.headPosition)).toBe(head);
    const lastAcked = [...acks].sort((a, b) => (a.position < b.position ? 1 : -1)).slice(0, 20);
    const toGet = [...lastAcked, ...sample(acks, 30), ...sample(all.filter((a) => a.round !== round), 30)];
    const wrong: string[] = [];
    for (const a of toGet) {
      const got = await req(server.url, 'GET', `/api/cases/${a.id}`, SECRETARIAT);
      if (got.status !== 200 || got.body.id !== a.id || got.body.title !== a.title || got.body.state !== 'draft') {
        wrong.push(`${a.id}: ${got.status} ${JSON.stringify(got.body).slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  }
  // the last restart stops cleanly
  server.proc.kill('SIGTERM');
  await server.exited;
  console.log(`server-crash.e2e:\n  ${report.join('\n  ')}`);
}, 120_000);
