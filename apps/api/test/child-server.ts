/**
 * The real server as a child process, for the tests that kill it (server-crash.e2e.ts,
 * crash-agenda.e2e.ts, faults-*.e2e.ts): `apps/api/src/main.ts` compiled once per jest run by
 * `npm test` (SAKSFLYT_TEST_SERVER_MAIN), else once per test file into a private outDir under `.tmp/` (the same two steps as `npm run build`, so a concurrent build of dist/ cannot
 * change it under the test), started with `node main.js` on PORT=0 on a temp SQLite data dir.
 *
 * `childServers(name)` registers the build (beforeAll) and the clean-up (afterAll: SIGKILL to every
 * child still running, every directory removed) in the calling test file and returns what the
 * tests use. The child inherits process.env (SAKSFLYT_SPARSE_POSITIONS of the suite's second run
 * reaches the server too), never an EventStoreDB connection string: it always runs on SQLite.
 *
 * bench/http.bench.ts has its own child starter: the bench is compiled into dist/ and cannot import
 * from test/ (tsconfig.build.json leaves test/ out).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from '@jest/globals';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Child {
  proc: ChildProcess;
  url: string;
  log: () => string;
  exited: Promise<ChildExit>;
}

export interface ChildServers {
  /** Starts `node main.js` on PORT=0 and resolves with the URL it logs once listening (30 s at most). */
  startServer(dataDir: string, tokensFile: string): Promise<Child>;
  /** A fresh temp data dir (removed after the file's tests) holding `crash-tokens.json` with `tokens`. */
  dataDir(prefix: string, tokens: unknown): { dataDir: string; tokensFile: string };
}

export const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

/** A child server's answer: the status, and the body parsed as JSON (the text where it is not JSON). */
export async function readAnswer(res: Response): Promise<{ status: number; body: any }> {
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** A request to a child server (bearer `token`, a JSON body when `json` is given): its answer. */
export async function childRequest(url: string, method: string, p: string, token?: string, json?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  return readAnswer(await fetch(url + p, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) }));
}

/** Runs a command in ROOT; rejects with the tail of its output unless it exits 0 within timeoutMs. */
export function run(cmd: string, args: string[], timeoutMs: number): Promise<void> {
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

/** The same two steps as `npm run build`, into `outDir`; resolves with the path of the built main.js. */
export async function buildServer(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
  await run(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir], 150_000);
  await run(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', outDir], 60_000);
  return path.join(outDir, 'apps/api/src/main.js');
}

/** Starts the built `main` on PORT=0; `children` holds the process until it has exited. */
export function startServer(main: string, dataDir: string, tokensFile: string, children: Set<ChildProcess>): Promise<Child> {
  const env: NodeJS.ProcessEnv = {
    ...process.env, // SAKSFLYT_SPARSE_POSITIONS (the suite's second run) reaches the server too
    PORT: '0',
    HOST: '127.0.0.1',
    SAKSFLYT_DATA_DIR: dataDir,
    AUTH_TOKENS_FILE: tokensFile,
    SAKSFLYT_DEMO: '0',
    NO_COLOR: '1',
    RATE_LIMIT_WRITES: process.env.RATE_LIMIT_WRITES ?? '0', // the kill tests write fast with one token
  };
  delete env.EVENTSTORE_CONNECTION_STRING;
  const proc = spawn(process.execPath, [main], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let log = '';
  const keep = (d: Buffer) => {
    log += stripAnsi(String(d));
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<ChildExit>((resolve) =>
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
      resolve({ proc, url: m[1].replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1'), log: () => log, exited });
    };
    proc.stdout!.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(t);
      reject(new Error(`server exited before listening (${code ?? signal}):\n${log.slice(-4000)}`));
    });
  });
}

/**
 * Registers, in the calling test file, the build into `.tmp/<name>-<pid>-<random>` (beforeAll,
 * 240 s) and the clean-up (afterAll), and returns the starter for that build.
 */
export function childServers(name: string): ChildServers {
  const out = path.join(ROOT, '.tmp', `${name}-${process.pid}-${randomUUID().slice(0, 8)}`);
  const children = new Set<ChildProcess>();
  const dirs: string[] = [out];
  let main: string | undefined;

  beforeAll(async () => {
    // `npm test` (scripts/test-all.mjs) builds the server once, into a private copy of its build,
    // and names its main.js here: no test file then compiles the server again
    const shared = process.env.SAKSFLYT_TEST_SERVER_MAIN;
    main = shared && existsSync(shared) ? shared : await buildServer(out);
  }, 240_000);

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  return {
    startServer(dataDir, tokensFile) {
      if (!main) return Promise.reject(new Error(`${name}: the server is not built (beforeAll of child-server.ts did not finish)`));
      return startServer(main, dataDir, tokensFile, children);
    },
    dataDir(prefix, tokens) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), prefix));
      dirs.push(dataDir);
      const tokensFile = path.join(dataDir, 'crash-tokens.json');
      writeFileSync(tokensFile, JSON.stringify(tokens));
      return { dataDir, tokensFile };
    },
  };
}
