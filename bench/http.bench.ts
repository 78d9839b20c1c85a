/**
 * HTTP command benchmark (issue 9, "Done when": `http_commands`): commands per second through the
 * whole server (the built `dist/apps/api/src/main.js` as a child process, the same Nest app on
 * Fastify, the real SQLite store in a temp data dir) under autocannon on loopback, beside a bare
 * Nest endpoint on the same adapter (`http-bare.ts`, one POST route that parses JSON and answers
 * 200) measured the same way in the same run: that is the ceiling.
 *
 * - Setup: four committees with MEETINGS planned meetings and CASES draft cases each, plus a fifth
 *   committee kept apart for the one-committee figure.
 * - `http_commands`: 100 connections for SECONDS (≥ 20 s) sending a mix over the four committees:
 *   create (POST /api/cases), edit (PATCH /api/cases/{id}), and schedule / unschedule. Each request
 *   takes a case that no other request holds and gives it back with its answer; a case toggles
 *   between schedule (when draft) and unschedule (when scheduled) on a planned meeting of its own
 *   committee, and no meeting is ever noticed. So a correct server answers every request 2xx: any
 *   other answer, timeout or socket error counts as an error.
 *   The ceiling is measured before and after (half the time each, 100 connections), so both sides
 *   see the machine's drift.
 * - `http_commands_1committee_32c`: the same mix on the fifth committee alone, 32 connections.
 *
 * Figures: `{ value: commands/s (2xx answers per second), ceiling: bare req/s, ratio, p99_ms, p50_ms,
 * errors }`. Bars (issue 9): ratio ≥ 0.25, p99 < 50 ms, 0 errors; one committee at 32 connections
 * ≥ 3 × 640 = 1 920 commands/s (640/s is what one committee took before issue 9).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BenchFigures } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const API_MAIN = path.join(here, '../apps/api/src/main.js');
const BARE_MAIN = path.join(here, 'http-bare.js');

const SECONDS = Math.max(20, Number(process.env.BENCH_HTTP_SECONDS ?? 20));
const CONNECTIONS = 100;
const ONE_CONNECTIONS = 32;
const MIX = ['HTA', 'HTB', 'HTC', 'HTD'];
const ONE = 'HTE';
const MEETINGS = Number(process.env.BENCH_HTTP_MEETINGS ?? 8);
const CASES = Number(process.env.BENCH_HTTP_CASES ?? 250);
const WARMUP_SECONDS = 3;
/** Node's flags for both servers, as `npm start` and the image run the server (a larger young generation). */
const SERVER_FLAGS = ['--max-semi-space-size=64'];
const BAR_RATIO = 0.25;
const BAR_P99_MS = 50;
const BAR_ONE = 3 * 640;

const SEC = 'tok-bench-secretariat';
const ADMIN = 'tok-bench-admin';

// ------------------------------------------------------------------ child processes

interface Child {
  proc: ChildProcess;
  url: string;
  log: () => string;
  stop: () => Promise<void>;
}

function startChild(script: string, env: NodeJS.ProcessEnv, pattern: RegExp): Promise<Child> {
  const childEnv: NodeJS.ProcessEnv = { RATE_LIMIT_WRITES: '0', ...process.env, ...env, NO_COLOR: '1' }; // the load is one token's
  delete childEnv.EVENTSTORE_CONNECTION_STRING; // the embedded SQLite store, always
  delete childEnv.BENCH_CHILD_OUT;
  // BENCH_CPU_PROF=<dir>: the children write V8 CPU profiles there; BENCH_HEAP_PROF=<dir>: sampled
  // allocation profiles (for attribution, not for figures)
  const prof = [
    ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ...(process.env.BENCH_HEAP_PROF ? ['--heap-prof', `--heap-prof-dir=${process.env.BENCH_HEAP_PROF}`] : []),
  ];
  const proc = spawn(process.execPath, [...SERVER_FLAGS, ...prof, script], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: Buffer) => {
    log += String(d).replace(/\x1b\[[0-9;]*m/g, '');
    if (log.length > 100_000) log = log.slice(-50_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => proc.on('close', () => resolve()));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`${path.basename(script)} did not start in 30 s:\n${log.slice(-3000)}`));
    }, 30_000);
    const onData = () => {
      const m = pattern.exec(log);
      if (!m) return;
      clearTimeout(t);
      proc.stdout!.off('data', onData);
      resolve({ proc, url: m[1]!.replace('[::1]', '127.0.0.1'), log: () => log, stop });
    };
    proc.stdout!.on('data', onData);
    void exited.then(() => {
      clearTimeout(t);
      reject(new Error(`${path.basename(script)} exited before listening:\n${log.slice(-3000)}`));
    });
  });
}

async function api(url: string, method: string, p: string, token: string, json?: unknown): Promise<any> {
  const res = await fetch(url + p, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: json !== undefined ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${p} → ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

// ------------------------------------------------------------------ the cases the load may take

interface Committee {
  code: string;
  meetings: string[];
  /** cases no request holds now */
  free: string[];
}

class Targets {
  readonly committees = new Map<string, Committee>();
  readonly scheduled = new Set<string>();
  committeeOf = new Map<string, string>();

  add(code: string, caseId: string): void {
    this.committees.get(code)!.free.push(caseId);
    this.committeeOf.set(caseId, code);
  }
  /** A random free case of the committee, taken out of the free list (undefined: none free). */
  take(code: string): string | undefined {
    const free = this.committees.get(code)!.free;
    if (free.length === 0) return undefined;
    const i = Math.floor(Math.random() * free.length);
    const id = free[i]!;
    free[i] = free[free.length - 1]!;
    free.pop();
    return id;
  }
  give(caseId: string): void {
    this.committees.get(this.committeeOf.get(caseId)!)!.free.push(caseId);
  }
}

type Op = 'create' | 'edit' | 'schedule' | 'unschedule';
interface Ctx {
  op?: Op;
  caseId?: string;
  committee?: string;
}

interface Tally {
  ok: Record<Op, number>;
  failed: Record<string, number>;
  samples: string[];
}

/** autocannon `requests` entry: picks a valid command for a free case, takes the answer back. */
function mixRequest(t: Targets, committees: string[], tally: Tally): autocannon.Request {
  let n = 0;
  const headers = { authorization: `Bearer ${SEC}`, 'content-type': 'application/json' };
  return {
    method: 'POST',
    path: '/api/cases',
    setupRequest: (req: any, context: any) => {
      const ctx = context as Ctx;
      const code = committees[Math.floor(Math.random() * committees.length)]!;
      const r = Math.random();
      const caseId = r < 0.2 ? undefined : t.take(code);
      n++;
      if (caseId === undefined) {
        Object.assign(ctx, { op: 'create', committee: code, caseId: undefined });
        return {
          ...req,
          method: 'POST',
          path: '/api/cases',
          headers,
          body: JSON.stringify({ committee: code, title: `Benksak ${n}`, type: 'discussion', proposedResolution: 'Utvalget drøfter saken.' }),
        };
      }
      if (r < 0.4) {
        Object.assign(ctx, { op: 'edit', committee: code, caseId });
        return { ...req, method: 'PATCH', path: `/api/cases/${caseId}`, headers, body: JSON.stringify({ background: `Endret bakgrunn ${n}.` }) };
      }
      if (!t.scheduled.has(caseId)) {
        const meetings = t.committees.get(code)!.meetings;
        const meetingId = meetings[Math.floor(Math.random() * meetings.length)]!;
        Object.assign(ctx, { op: 'schedule', committee: code, caseId });
        return { ...req, method: 'POST', path: `/api/cases/${caseId}/schedule`, headers, body: JSON.stringify({ meetingId }) };
      }
      Object.assign(ctx, { op: 'unschedule', committee: code, caseId });
      return { ...req, method: 'POST', path: `/api/cases/${caseId}/unschedule`, headers, body: JSON.stringify({ reason: 'Tatt av dagsorden.' }) };
    },
    onResponse: (status: number, body: string, context: any) => {
      const ctx = context as Ctx;
      const op = ctx.op!;
      if (status >= 200 && status < 300) {
        tally.ok[op]++;
        if (op === 'create') {
          try {
            t.add(ctx.committee!, JSON.parse(body).id);
          } catch {
            /* a 2xx without an id: the case is simply not reused */
          }
          return;
        }
        if (op === 'schedule') t.scheduled.add(ctx.caseId!);
        if (op === 'unschedule') t.scheduled.delete(ctx.caseId!);
        t.give(ctx.caseId!);
        return;
      }
      // a refused command leaves the case out of play: its state is no longer known
      const key = `${op} ${status}`;
      tally.failed[key] = (tally.failed[key] ?? 0) + 1;
      if (tally.samples.length < 5) tally.samples.push(`${key}: ${body.slice(0, 200)}`);
    },
  } as autocannon.Request;
}

function newTally(): Tally {
  return { ok: { create: 0, edit: 0, schedule: 0, unschedule: 0 }, failed: {}, samples: [] };
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ timeout: 10, pipelining: 1, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

interface Measured {
  perSecond: number;
  ok: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
}

/** CPU time (user + system, ms) the process has used so far, all its threads (Linux /proc; null elsewhere). */
function cpuMs(pid: number | undefined, file = `/proc/${pid}/stat`): number | null {
  try {
    const stat = readFileSync(file, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return null;
  }
}

/** CPU time (ms) of the process's main thread alone (its JavaScript: the event loop). */
function mainThreadCpuMs(pid: number | undefined): number | null {
  return cpuMs(pid, `/proc/${pid}/task/${pid}/stat`);
}

/**
 * The server's CPU per 2xx answer over a phase (µs), all threads and the main thread alone, printed
 * for attribution: less sensitive to a busy machine than rates (the main thread is what one process
 * cannot spread over cores).
 */
async function withCpu<T extends Measured>(pid: number | undefined, phase: () => Promise<T>): Promise<T & { cpuUsPerOk: number | null; mainUsPerOk: number | null }> {
  const before = cpuMs(pid);
  const mainBefore = mainThreadCpuMs(pid);
  const m = await phase();
  const after = cpuMs(pid);
  const mainAfter = mainThreadCpuMs(pid);
  const per = (a: number | null, b: number | null) => (a === null || b === null || m.ok === 0 ? null : Math.round(((b - a) * 1000) / m.ok));
  return { ...m, cpuUsPerOk: per(before, after), mainUsPerOk: per(mainBefore, mainAfter) };
}

function measured(r: autocannon.Result): Measured {
  const ok = r['2xx'];
  return { perSecond: ok / r.duration, ok, seconds: r.duration, p50: r.latency.p50, p99: r.latency.p99, errors: r.non2xx + r.errors };
}

function describe(name: string, m: Measured & { cpuUsPerOk?: number | null; mainUsPerOk?: number | null }, tally?: Tally): string {
  const ops = tally ? ` (${Object.entries(tally.ok).map(([k, v]) => `${v} ${k}`).join(', ')})` : '';
  const failed = tally && Object.keys(tally.failed).length ? `; refused: ${JSON.stringify(tally.failed)} e.g. ${tally.samples.join(' | ')}` : '';
  const cpu = m.cpuUsPerOk != null ? `; server CPU ${m.cpuUsPerOk} µs per answer (main thread ${m.mainUsPerOk ?? '?'} µs)` : '';
  return `${name}: ${m.ok} × 2xx in ${m.seconds.toFixed(1)} s = ${m.perSecond.toFixed(0)}/s${ops}; p50 ${m.p50} ms, p99 ${m.p99} ms; ${m.errors} errors${cpu}${failed}`;
}

async function setUp(url: string, t: Targets): Promise<void> {
  for (const code of [...MIX, ONE]) {
    await api(url, 'POST', '/api/committees', ADMIN, { code, name: `Benkutvalg ${code}` });
    const c: Committee = { code, meetings: [], free: [] };
    t.committees.set(code, c);
    for (let i = 0; i < MEETINGS; i++) {
      const m = await api(url, 'POST', `/api/committees/${code}/meetings`, SEC, { date: `2030-${String(1 + i).padStart(2, '0')}-15`, place: 'Oslo' });
      c.meetings.push(m.id);
    }
  }
  const jobs = [...MIX, ONE].flatMap((code) => Array.from({ length: CASES }, (_, i) => ({ code, i })));
  await pool(jobs, 16, async ({ code, i }) => {
    const k = await api(url, 'POST', '/api/cases', SEC, { committee: code, title: `Oppsettsak ${code} ${i}`, type: 'discussion', proposedResolution: 'Utvalget drøfter saken.' });
    t.add(code, k.id);
  });
}

/** Waits (at most 60 s) until the server's projections have caught up with the store's head. */
async function settle(url: string): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const h = (await (await fetch(`${url}/api/health`)).json()) as any;
    const head = Number(h?.store?.headPosition ?? 0);
    const ps: any[] = Array.isArray(h?.projections) ? h.projections : [];
    if (ps.every((p) => typeof p?.position !== 'number' || p.position >= head)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function run(): Promise<BenchFigures> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-http-bench-'));
  const tokensFile = path.join(dataDir, 'tokens.json');
  writeFileSync(
    tokensFile,
    JSON.stringify({
      [SEC]: { name: 'Benk Sekretariat', roles: [...MIX, ONE].map((committee) => ({ role: 'secretariat', committee })) },
      [ADMIN]: { name: 'Admin', roles: [{ role: 'admin' }] },
    }),
  );
  const children: Child[] = [];
  try {
    const server = await startChild(
      API_MAIN,
      { PORT: '0', HOST: '127.0.0.1', SAKSFLYT_DATA_DIR: dataDir, AUTH_TOKENS_FILE: tokensFile, SAKSFLYT_DEMO: '0' },
      /listening on (http:\/\/\S+?)\/api\b/,
    );
    children.push(server);
    const bare = await startChild(BARE_MAIN, { PORT: '0' }, /listening on (http:\/\/\S+)/);
    children.push(bare);

    const t = new Targets();
    const t0 = Date.now();
    await setUp(server.url, t);
    await settle(server.url);
    console.log(`set up ${MIX.length + 1} committees × (${MEETINGS} meetings, ${CASES} cases) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const bareOpts = (duration: number): autocannon.Options => ({
      url: `${bare.url}/bare`,
      connections: CONNECTIONS,
      duration,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ committee: MIX[0], title: 'Benksak', type: 'discussion', proposedResolution: 'Utvalget drøfter saken.' }),
    });
    const mixOpts = (duration: number, committees: string[], connections: number, tally: Tally): autocannon.Options => ({
      url: server.url,
      connections,
      duration,
      requests: [mixRequest(t, committees, tally)],
    });

    // warm-up (not counted): JIT, connection pools, the SQLite page cache
    await cannon(bareOpts(WARMUP_SECONDS));
    await cannon(mixOpts(WARMUP_SECONDS, MIX, CONNECTIONS, newTally()));
    await settle(server.url);

    const half = Math.ceil(SECONDS / 2);
    const bare1 = await withCpu(bare.proc.pid, async () => measured(await cannon(bareOpts(half))));
    console.log(describe('bare Nest endpoint (before)', bare1));
    const mixTally = newTally();
    const mix = await withCpu(server.proc.pid, async () => measured(await cannon(mixOpts(SECONDS, MIX, CONNECTIONS, mixTally))));
    console.log(describe(`http_commands, ${CONNECTIONS} connections, ${MIX.length} committees`, mix, mixTally));
    const bare2 = measured(await cannon(bareOpts(half)));
    console.log(describe('bare Nest endpoint (after)', bare2));
    await settle(server.url);
    const oneTally = newTally();
    const one = await withCpu(server.proc.pid, async () => measured(await cannon(mixOpts(SECONDS, [ONE], ONE_CONNECTIONS, oneTally))));
    console.log(describe(`http_commands_1committee_32c, ${ONE_CONNECTIONS} connections, 1 committee`, one, oneTally));

    const ceiling = (bare1.ok + bare2.ok) / (bare1.seconds + bare2.seconds);
    const ratio = mix.perSecond / ceiling;
    return {
      http_commands: {
        value: mix.perSecond,
        unit: 'commands/s',
        ceiling,
        ceilingUnit: 'req/s (bare)',
        ratio,
        extra: { p99_ms: mix.p99, p50_ms: mix.p50, errors: mix.errors },
        bars: [
          { text: `ratio ≥ ${BAR_RATIO}`, ok: ratio >= BAR_RATIO },
          { text: `p99 ${mix.p99} ms < ${BAR_P99_MS}`, ok: mix.p99 < BAR_P99_MS },
          { text: `errors ${mix.errors} = 0`, ok: mix.errors === 0 },
        ],
      },
      http_commands_1committee_32c: {
        value: one.perSecond,
        unit: 'commands/s',
        ceiling: BAR_ONE,
        ceilingUnit: 'commands/s (the bar)',
        ratio: one.perSecond / BAR_ONE,
        extra: { p99_ms: one.p99, p50_ms: one.p50, errors: one.errors },
        bars: [
          { text: `≥ 3 × 640 = ${BAR_ONE}`, ok: one.perSecond >= BAR_ONE },
          { text: `errors ${one.errors} = 0`, ok: one.errors === 0 },
        ],
      },
    };
  } finally {
    for (const c of children) await c.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
