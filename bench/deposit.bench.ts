/**
 * The streamed archive deposit (`GET /api/audit/export`, `Accept: application/zip`) on a committee
 * with a long log: `deposit_rss` = how much the exporting server's peak RSS rises while it streams
 * the deposit (Linux: VmHWM after resetting it through /proc/<pid>/clear_refs, minus VmRSS before
 * the request), bound 150 MB; `deposit_ttfb` = ms from the request to the first byte of the zip,
 * bound 1 000 ms. Lower is better: `ceiling` is the bound, `ratio` = bound / value.
 *
 * The store: one committee (NEHS) meeting 16 times a year for 10 years, 8 cases a meeting, each
 * case paper edited ~150 times (BENCH_DEPOSIT_EVENTS events in all, default 200 000), and
 * BENCH_DEPOSIT_ATTACHMENTS attachments (default 24) of 1 MiB of random bytes each on the cases of
 * the exported year (their files in the blob folder). The deposit is of a middle year: it reads the
 * committee's whole log (every year's streams) four times and holds every one of its attachments.
 * The old deposit held the whole log and the whole zip in memory before the first byte.
 *
 * Also measured: the whole deposit's time and size, and the command line's `saksflyt export
 * --format zip` (a process of its own: its peak RSS as a whole, sampled from /proc, and its time).
 */
import { spawn } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NewEvent, StreamWrite } from '../libs/event-store/src/port.js';
import { openSqliteStore } from '../libs/event-store/src/sqlite/sqlite-event-store.js';
import { World } from '../libs/projections/src/testing/world.js';
import { BlobStore } from '../apps/api/src/attachments/blob-store.js';
import type { BenchFigures } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const API_MAIN = path.join(here, '../apps/api/src/main.js');
const CLI_MAIN = path.join(here, '../apps/cli/src/main.js');
const EVENTS = Number(process.env.BENCH_DEPOSIT_EVENTS ?? 200_000);
const ATTACHMENTS = Number(process.env.BENCH_DEPOSIT_ATTACHMENTS ?? 24);
const RSS_BOUND_MB = 150;
const TTFB_BOUND_MS = 1000;
const YEARS = 10;
const MEETINGS_A_YEAR = 16;
const CASES_A_MEETING = 8;
const YEAR = 2015 + Math.floor(YEARS / 2);
const AUDITOR = 'bench-auditor';

/** The committee's years; each case's paper edited so that the log reaches `target` events. */
function world(target: number): { w: World; yearCases: string[] } {
  const w = new World('2015-01-01T08:00:00Z');
  w.createCommittee('NEHS', 'Nasjonalt e-helsestyre');
  const members: string[] = [];
  for (let i = 0; i < 17; i++) members.push(w.join('NEHS', `Medlem ${i}`, `Organisasjon ${i}`, i === 0 ? 'chair' : i === 16 ? 'observer' : 'member'));
  const cases = YEARS * MEETINGS_A_YEAR * CASES_A_MEETING;
  const edits = Math.max(0, Math.ceil((target - YEARS * MEETINGS_A_YEAR * 70) / cases));
  const yearCases: string[] = [];
  for (let y = 0; y < YEARS; y++) {
    const year = 2015 + y;
    for (let i = 0; i < MEETINGS_A_YEAR; i++) {
      const date = new Date(Date.UTC(year, 0, 10 + i * 21)).toISOString().slice(0, 10);
      const m = w.planMeeting('NEHS', date, 'Radisson Blu Gardermoen', '10:00', '15:00');
      for (let c = 0; c < CASES_A_MEETING; c++) {
        const title = `Sak ${c} i møtet ${date}`;
        const id = w.draftCase('NEHS', { title, type: c % 3 === 0 ? 'endorsement' : 'orientation', proposedResolution: `NEHS gir sin tilslutning til ${title}.` });
        for (let e = 0; e < edits; e++) w.editTitle(id, `${title}, utkast ${e + 1}: Nasjonal e-helsestrategi og felles grunnmur`);
        w.schedule(id, m);
        if (year === YEAR) yearCases.push(id);
      }
      w.notice(m);
      w.open(m, members.slice(0, 14), members.slice(14, 16), ['Sekretariatet']);
      for (const a of w.meetings.get(m)!.agenda) {
        const cs = w.cases.get(a.caseId)!;
        w.present(a.caseId, 'Direktoratet for e-helse');
        if (!cs.standardItem) w.discuss(a.caseId, 'Styret drøftet saken.', ['Innspill 1', 'Innspill 2']);
        if (cs.type === 'orientation') w.note(a.caseId, 'NEHS tar saken til orientering.', ['Punkt 1']);
        else w.endorse(a.caseId, 'NEHS gir sin tilslutning.');
      }
      w.adjourn(m);
    }
  }
  return { w, yearCases };
}

/** The world's events in bulk appendMany calls (in the world's order), then the attachments and their files. */
export async function writeStore(dataDir: string): Promise<number> {
  const { w, yearCases } = world(EVENTS);
  const store = await openSqliteStore({ file: path.join(dataDir, 'saksflyt.db') });
  try {
    const calls: StreamWrite[][] = [];
    let call: StreamWrite[] = [];
    let streams = new Set<string>();
    for (const e of w.events) {
      if (streams.has(e.stream) || call.length >= 64) {
        calls.push(call);
        call = [];
        streams = new Set();
      }
      streams.add(e.stream);
      call.push({ stream: e.stream, expectedRevision: 'any', events: [e.event as NewEvent] });
    }
    if (call.length) calls.push(call);
    for (let i = 0; i < calls.length; i += 512) await Promise.all(calls.slice(i, i + 512).map((c) => store.appendMany(c)));
    const blobs = BlobStore.open(path.join(dataDir, 'blobs'));
    for (let i = 0; i < ATTACHMENTS; i++) {
      const bytes = randomBytes(1024 * 1024);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const file = blobs.pathOf(sha256);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, bytes);
      const caseId = yearCases[i % yearCases.length]!;
      await store.append(
        `case-${caseId}`,
        [{ type: 'AttachmentAdded', data: { v: 1, attachmentId: `vedlegg-${i}`, filename: `vedlegg-${i}.bin`, contentType: 'application/octet-stream', size: bytes.length, sha256 }, metadata: { actor: 'Benk Sekretariat', correlationId: `bench-${i}`, at: `${YEAR}-12-01T10:00:00+01:00` } }],
        { expectedRevision: 'any' },
      );
    }
    if (w.events.length < EVENTS) throw new Error(`the world has ${w.events.length} events, fewer than ${EVENTS}`);
    return w.events.length + ATTACHMENTS;
  } finally {
    await store.close();
  }
}

const statusKb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
};

function startServer(dataDir: string, tokensFile: string): Promise<{ url: string; pid: number; log: () => string; stop: () => Promise<void> }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', SAKSFLYT_DATA_DIR: dataDir, AUTH_TOKENS_FILE: tokensFile, SAKSFLYT_DEMO: '0', NO_COLOR: '1' };
  delete env.EVENTSTORE_CONNECTION_STRING;
  const proc = spawn(process.execPath, [API_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout!.on('data', (d) => (log = (log + String(d)).slice(-20_000)));
  proc.stderr!.on('data', (d) => (log = (log + String(d)).slice(-20_000)));
  const exited = new Promise<void>((r) => proc.on('close', () => r()));
  const stop = async () => {
    if (proc.exitCode !== null) return;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the server did not start in 120 s:\n${log.slice(-3000)}`));
    }, 120_000);
    const poll = setInterval(() => {
      const m = /listening on (http:\/\/\S+?)\/api\b/.exec(log);
      if (!m) return;
      clearInterval(poll);
      clearTimeout(t);
      resolve({ url: m[1]!.replace('[::1]', '127.0.0.1'), pid: proc.pid!, log: () => log, stop });
    }, 50);
    void exited.then(() => reject(new Error(`the server exited:\n${log.slice(-3000)}`)));
  });
}

/** Until the server's projections stand at the store's head (the first start projects the whole log). */
async function settle(url: string): Promise<void> {
  const until = Date.now() + 600_000;
  while (Date.now() < until) {
    const h = (await (await fetch(`${url}/api/health`)).json()) as { store?: { headPosition?: number }; projections?: { position?: number }[] };
    const head = Number(h?.store?.headPosition ?? 0);
    if (head > 0 && (h.projections ?? []).every((p) => typeof p?.position !== 'number' || p.position >= head)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the projections did not catch up in 10 minutes');
}

export async function run(): Promise<BenchFigures> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-bench-deposit-'));
  const tokensFile = path.join(dataDir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify({ [AUDITOR]: { name: 'Benk Revisor', roles: [{ role: 'auditor' }] } }));
  try {
    let t = performance.now();
    const events = await writeStore(dataDir);
    console.log(`  wrote ${events} events and ${ATTACHMENTS} attachments of 1 MiB in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const server = await startServer(dataDir, tokensFile);
    let figures: BenchFigures;
    try {
      t = performance.now();
      await settle(server.url);
      console.log(`  the server's views caught up in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      await new Promise((r) => setTimeout(r, 2000));
      const before = statusKb(server.pid, 'VmRSS');
      let reset = true;
      try {
        writeFileSync(`/proc/${server.pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
      } catch {
        reset = false;
      }
      let sampled = before;
      const sampler = setInterval(() => {
        try {
          sampled = Math.max(sampled, statusKb(server.pid, 'VmRSS'));
        } catch {
          /* gone */
        }
      }, 20);
      const t0 = performance.now();
      console.log(`  exporting NEHS ${YEAR} over HTTP`);
      const res = await fetch(`${server.url}/api/audit/export?committee=NEHS&year=${YEAR}`, { headers: { authorization: `Bearer ${AUDITOR}`, accept: 'application/zip' }, signal: AbortSignal.timeout(600_000) });
      if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
      const reader = res.body!.getReader();
      let ttfb = 0;
      let size = 0;
      let tail = Buffer.alloc(0);
      for (;;) {
        const { done, value } = await reader.read().catch((e: Error) => {
          throw new Error(`the export broke off after ${size} bytes (${e.message}); the server's log:\n${server.log().slice(-4000)}`);
        });
        if (done) break;
        if (size === 0) ttfb = performance.now() - t0;
        size += value.length;
        tail = Buffer.concat([tail, Buffer.from(value)]).subarray(-22);
      }
      const total = performance.now() - t0;
      clearInterval(sampler);
      const hwm = reset ? statusKb(server.pid, 'VmHWM') : sampled;
      const rssMb = (Math.max(hwm, sampled) - before) / 1024;
      if (tail.readUInt32LE(0) !== 0x06054b50) throw new Error('the zip has no end-of-central-directory record');
      console.log(`  HTTP: ${(size / 1e6).toFixed(1)} MB in ${(total / 1000).toFixed(1)} s, first byte after ${ttfb.toFixed(0)} ms; server RSS ${(before / 1024).toFixed(0)} MB before, peak +${rssMb.toFixed(1)} MB (${reset ? 'VmHWM' : 'sampled'})`);
      await server.stop();

      // the command line on the same data directory (the server stopped: its views are caught up)
      const out = path.join(dataDir, 'deposit.zip');
      const env: NodeJS.ProcessEnv = { ...process.env, SAKSFLYT_DATA_DIR: dataDir };
      delete env.EVENTSTORE_CONNECTION_STRING;
      const c0 = performance.now();
      const cli = spawn(process.execPath, [CLI_MAIN, 'export', '--committee', 'NEHS', '--year', String(YEAR), '--format', 'zip', '--out', out, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let cliPeak = 0;
      const cliSampler = setInterval(() => {
        try {
          const kb = statusKb(cli.pid!, 'VmHWM');
          if (Number.isFinite(kb)) cliPeak = Math.max(cliPeak, kb);
        } catch {
          /* ended */
        }
      }, 20);
      let cliErr = '';
      cli.stderr!.on('data', (d) => (cliErr += String(d)));
      const code = await new Promise<number | null>((r) => cli.on('close', (c) => r(c)));
      clearInterval(cliSampler);
      const cliSecs = (performance.now() - c0) / 1000;
      if (code !== 0 || !existsSync(out)) throw new Error(`saksflyt export exited ${code}: ${cliErr.slice(-2000)}`);
      console.log(`  CLI: ${(statSync(out).size / 1e6).toFixed(1)} MB in ${cliSecs.toFixed(1)} s, peak RSS of the whole process ${(cliPeak / 1024).toFixed(0)} MB`);

      figures = {
        deposit_rss: {
          value: Number(rssMb.toFixed(1)),
          unit: 'MB',
          ceiling: RSS_BOUND_MB,
          ratio: RSS_BOUND_MB / Math.max(rssMb, 0.1),
          extra: { events, attachments: ATTACHMENTS, zip_mb: Number((size / 1e6).toFixed(1)), total_s: Number((total / 1000).toFixed(1)), server_rss_before_mb: Math.round(before / 1024), cli_peak_rss_mb: Math.round(cliPeak / 1024), cli_s: Number(cliSecs.toFixed(1)) },
          bars: [{ text: `peak RSS +${rssMb.toFixed(1)} MB < ${RSS_BOUND_MB}`, ok: rssMb < RSS_BOUND_MB }],
        },
        deposit_ttfb: {
          value: Math.round(ttfb),
          unit: 'ms',
          ceiling: TTFB_BOUND_MS,
          ratio: TTFB_BOUND_MS / Math.max(ttfb, 1),
          bars: [{ text: `first byte ${ttfb.toFixed(0)} ms < ${TTFB_BOUND_MS}`, ok: ttfb < TTFB_BOUND_MS }],
        },
      };
    } finally {
      await server.stop();
    }
    return figures;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
