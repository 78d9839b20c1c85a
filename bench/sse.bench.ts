/**
 * SSE delivery benchmark (issue 4): `sse_delivery_1000` = the time from a command's HTTP answer to
 * the delivery of its change on every one of 1 000 SSE clients of `/api/live/decisions`, on a real
 * server (createApp, temp SQLite data dir). N endorsements are sent one after another (each waits
 * until all clients have it); every (endorsement, client) pair is one sample. The clients run in
 * two worker threads (500 each) so their parsing does not share the server's event loop; times are
 * absolute (performance.timeOrigin + now) on both sides. A delivery that beats the answer counts 0.
 *
 * Figures: `sse_delivery_1000` (value: p99 in ms) and `sse_delivery_1000_p50` (p50 in ms). Latency
 * is lower-is-better, so `ceiling` is the bound (250 ms) and `ratio` = bound / value
 * (target ≥ 1: p99 under 250 ms).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { connectSse, type SseClient } from '../apps/api/src/live/sse-client.js';
import type { BenchFigures } from './types.js';

const CLIENTS = Number(process.env.BENCH_SSE_CLIENTS ?? 1000);
const ENDORSEMENTS = Number(process.env.BENCH_SSE_ENDORSEMENTS ?? 40);
const WORKERS = 2;
const BOUND_MS = 250;
const SEC = 'tok-secretariat-nehs';
const ADMIN = 'tok-admin';

const now = (): number => performance.timeOrigin + performance.now();

// ------------------------------------------------------------------ worker: the SSE clients
interface WorkerInput {
  sseBench: true;
  url: string;
  clients: number;
}

function runClients(input: WorkerInput): void {
  const port = parentPort!;
  const clients: SseClient[] = [];
  /** position → arrival time per client index */
  const arrivals = new Map<string, number[]>();
  let wanted: string | null = null;
  const check = () => {
    if (wanted === null) return;
    const times = arrivals.get(wanted);
    if (times && times.filter((t) => t !== undefined).length === clients.length) {
      port.postMessage({ kind: 'delivered', position: wanted, times });
      arrivals.delete(wanted);
      wanted = null;
    }
  };
  for (let i = 0; i < input.clients; i++) {
    const c = connectSse(`${input.url}/api/live/decisions`);
    const index = i;
    c.onMessage = (m) => {
      if (m.event !== 'change' || m.id === null) return;
      let times = arrivals.get(m.id);
      if (!times) arrivals.set(m.id, (times = new Array(input.clients)));
      times[index] = performance.timeOrigin + m.at;
      if (m.id === wanted) check();
    };
    clients.push(c);
  }
  Promise.all(clients.map((c) => c.waitFor((m) => m.event === 'snapshot', 60_000)))
    .then(() => port.postMessage({ kind: 'ready' }))
    .catch((e) => port.postMessage({ kind: 'error', error: String(e) }));
  port.on('message', (m: { kind: 'want'; position: string } | { kind: 'close' }) => {
    if (m.kind === 'want') {
      wanted = m.position;
      check();
    } else {
      for (const c of clients) c.close();
      port.postMessage({ kind: 'closed' });
    }
  });
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.sseBench) runClients(workerData as WorkerInput);

// ------------------------------------------------------------------ main: server, commands, figures
async function api(url: string, method: string, p: string, token: string, json?: unknown): Promise<any> {
  const res = await fetch(url + p, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(json !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: json !== undefined ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${p} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

class WorkerHandle {
  private readonly queue: Array<(m: any) => void> = [];
  private readonly inbox: any[] = [];
  constructor(readonly worker: Worker) {
    worker.on('message', (m) => {
      const next = this.queue.shift();
      if (next) next(m);
      else this.inbox.push(m);
    });
  }
  next(): Promise<any> {
    const m = this.inbox.shift();
    if (m !== undefined) return Promise.resolve(m);
    return new Promise((resolve) => this.queue.push(resolve));
  }
}

export async function run(): Promise<BenchFigures> {
  const { createApp } = await import('../apps/api/src/bootstrap.js');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-sse-bench-'));
  const tokensFile = path.join(dataDir, 'tokens.json');
  writeFileSync(
    tokensFile,
    JSON.stringify({
      [SEC]: { name: 'Anita Lindholt', roles: [{ role: 'secretariat', committee: 'NEHS' }] },
      [ADMIN]: { name: 'Admin', roles: [{ role: 'admin' }] },
    }),
  );
  const app = await createApp({ dataDir, env: { AUTH_TOKENS_FILE: tokensFile, SAKSFLYT_DEMO: 'off', RATE_LIMIT_WRITES: '0' }, logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const workers: WorkerHandle[] = [];
  try {
    // a meeting in session with ENDORSEMENTS cases presented
    await api(url, 'POST', '/api/committees', ADMIN, { code: 'NEHS', name: 'Nasjonalt e-helsestyre' });
    const member = (await api(url, 'POST', '/api/committees/NEHS/members', ADMIN, { name: 'Bjørn Guldvog', organisation: 'Helsedirektoratet', role: 'chair' })).id;
    const meeting = (await api(url, 'POST', '/api/committees/NEHS/meetings', SEC, { date: '2019-02-15', place: 'Oslo' })).id;
    const cases: string[] = [];
    for (let i = 0; i < ENDORSEMENTS; i++) {
      const id = (await api(url, 'POST', '/api/cases', SEC, { committee: 'NEHS', title: `Sak ${i + 1}`, type: 'endorsement', proposedResolution: `Forslag ${i + 1}.` })).id;
      await api(url, 'POST', `/api/cases/${id}/schedule`, SEC, { meetingId: meeting });
      cases.push(id);
    }
    await api(url, 'POST', `/api/meetings/${meeting}/notice`, SEC);
    await api(url, 'POST', `/api/meetings/${meeting}/open`, SEC, { present: [member] });
    for (const id of cases) await api(url, 'POST', `/api/cases/${id}/present`, SEC, { presenter: 'Karl Vestli' });

    // the clients
    const per = Math.ceil(CLIENTS / WORKERS);
    for (let w = 0; w < WORKERS; w++) {
      const input: WorkerInput = { sseBench: true, url, clients: Math.min(per, CLIENTS - w * per) };
      workers.push(new WorkerHandle(new Worker(new URL(import.meta.url), { workerData: input })));
    }
    for (const w of workers) {
      const m = await w.next();
      if (m.kind !== 'ready') throw new Error(`SSE worker: ${JSON.stringify(m)}`);
    }
    console.log(`${CLIENTS} SSE clients connected; ${ENDORSEMENTS} endorsements`);

    const delays: number[] = [];
    const started = Date.now();
    for (let i = 0; i < ENDORSEMENTS; i++) {
      const r = await api(url, 'POST', `/api/cases/${cases[i]}/endorse`, SEC, { resolution: `Vedtak ${i + 1}.` });
      const answered = now();
      const position = String(r.position);
      for (const w of workers) w.worker.postMessage({ kind: 'want', position });
      for (const w of workers) {
        const m = await w.next();
        if (m.kind !== 'delivered' || m.position !== position) throw new Error(`SSE worker: ${JSON.stringify(m).slice(0, 200)}`);
        for (const t of m.times as number[]) delays.push(Math.max(0, t - answered));
      }
    }
    delays.sort((a, b) => a - b);
    const p50 = percentile(delays, 50);
    const p99 = percentile(delays, 99);
    console.log(
      `sse_delivery_1000: ${delays.length} deliveries in ${((Date.now() - started) / 1000).toFixed(1)} s; p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${delays[delays.length - 1]!.toFixed(1)} ms (bound ${BOUND_MS} ms)`,
    );
    return {
      sse_delivery_1000: { value: p99, unit: 'ms', ceiling: BOUND_MS, ratio: BOUND_MS / Math.max(p99, 0.001), target: 1 },
      sse_delivery_1000_p50: { value: p50, unit: 'ms', ceiling: BOUND_MS, ratio: BOUND_MS / Math.max(p50, 0.001) },
    };
  } finally {
    for (const w of workers) {
      w.worker.postMessage({ kind: 'close' });
      await Promise.race([w.next(), new Promise((r) => setTimeout(r, 2000))]);
      await w.worker.terminate();
    }
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
