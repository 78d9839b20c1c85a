/**
 * Projection benchmark (issue 4): `rebuild` = events/s of rebuilding every view (minutes, decisions,
 * portfolio, annual cycle, follow-ups) from position 0 over a realistic log, beside the raw replay
 * ceiling measured in the same run over the same file: raw better-sqlite3 SELECT of every row in
 * position order + JSON.parse of data and metadata. Medians of alternating rounds (see `run`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../libs/event-store/src/sqlite/sqlite-event-store.js';
import { ProjectionRunner } from '../libs/projections/src/runner/projection-runner.js';
import { allProjections } from '../libs/projections/src/views/index.js';
import { World } from '../libs/projections/src/testing/world.js';
import type { BenchFigures } from './types.js';

const EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_REBUILD_ROUNDS ?? 5);
const allViews = allProjections.reduce((k, p) => k + Object.keys(p.views ?? {}).length, 0);

const TITLES = [
  'Nasjonal e-helsestrategi og Strategisk plan',
  'Orientering fra Direktoratet for e-helse',
  'Plan for utvikling av felles grunnmur',
  'Helsedataprogrammet',
  'Orientering fra sektor: Felles plan for EPJ i RHF-ene',
  'Porteføljestyring 2.0',
  'Veikart for nasjonale e-helseløsninger',
];

/** A few committees meeting year after year, ~11 cases a meeting, discussions, follow-ups, projects. */
export function realisticWorld(target: number): World {
  const w = new World('2015-01-01T08:00:00Z');
  const committees = ['NEHS', 'NUIT', 'NUFA', 'OU-LM', 'PS-HN', 'HDR'];
  const members: Record<string, string[]> = {};
  for (const c of committees) {
    w.createCommittee(c, `Utvalg ${c}`);
    members[c] = [];
    for (let i = 0; i < 17; i++) members[c].push(w.join(c, `Medlem ${i} ${c}`, `Organisasjon ${i}`, i === 0 ? 'chair' : i === 16 ? 'observer' : 'member'));
  }
  for (let p = 100; p < 160; p++) w.registerProject(String(p), `Prosjekt ${p}`, 'Helse Sør-Øst RHF', 'konsept', 'pågår');
  let openFollowUps: string[] = [];
  let k = 0;
  while (w.events.length < target) {
    const c = committees[k % committees.length];
    const year = 2015 + Math.floor(k / (committees.length * 8));
    const date = `${year}-${String(1 + ((k / committees.length) % 8) + 2).padStart(2, '0')}-${String(1 + (k % 27)).padStart(2, '0')}`;
    const m = w.planMeeting(c, date, 'Radisson Blu Gardermoen', '10:00', '15:00');
    for (let i = 0; i < 8; i++) {
      const title = i === 7 ? `Nasjonal e-helseportefølje ${year + 1}` : TITLES[(k + i) % TITLES.length];
      const id = w.draftCase(c, {
        title,
        type: i % 3 === 0 ? 'endorsement' : 'orientation',
        proposedResolution: `${c} gir sin tilslutning til ${title}.`,
        projectIds: i % 4 === 0 ? [String(100 + ((k + i) % 60)), String(100 + ((k * 7 + i) % 60))] : [],
        meetsFollowUps: i === 1 ? openFollowUps.splice(0, 1) : [],
      });
      w.schedule(id, m);
    }
    w.notice(m);
    w.open(m, members[c].slice(0, 14), members[c].slice(14, 16), ['Sekretariatet']);
    for (const a of w.meetings.get(m)!.agenda) {
      const cs = w.cases.get(a.caseId)!;
      w.present(a.caseId, 'Direktoratet for e-helse');
      if (!cs.standardItem && k % 2 === 0) {
        openFollowUps.push(...w.discuss(a.caseId, 'Styret drøftet saken.', ['Innspill 1', 'Innspill 2'], k % 4 === 0 ? ['Settes på agendaen for neste møte.'] : []));
      }
      if (cs.type === 'orientation') w.note(a.caseId, `${c} tar saken til orientering.`, ['Punkt 1']);
      else w.endorse(a.caseId, `${c} gir sin tilslutning.`);
    }
    w.adjourn(m);
    if (k % 5 === 0) w.reportStatus(String(100 + (k % 60)), { risk: k % 10 ? 'middels' : 'høy', note: 'Statusrapport' });
    openFollowUps = openFollowUps.slice(-50);
    k++;
  }
  return w;
}

async function writeWorld(store: Awaited<ReturnType<typeof openSqliteStore>>): Promise<void> {
  await realisticWorld(EVENTS).appendTo(store, 0, 1024);
}

/** The raw replay ceiling: SELECT of every row in position order + JSON.parse of data and metadata. */
function rawReplay(file: string, n: number): number {
  const db = new Database(file, { readonly: true });
  const stmt = db.prepare('SELECT position, id, stream, revision, type, data, metadata, recorded_at, hash FROM events ORDER BY position').raw(true);
  const s = performance.now();
  let count = 0;
  let sink = 0;
  for (const r of stmt.iterate() as Iterable<unknown[]>) {
    const data = JSON.parse(r[5] as string) as { v: number };
    const meta = JSON.parse(r[6] as string) as { at: string };
    sink += data.v + meta.at.length;
    count++;
  }
  const secs = (performance.now() - s) / 1000;
  db.close();
  if (count !== n || sink === 0) throw new Error(`raw replay read ${count} of ${n}`);
  return count / secs;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function run(): Promise<BenchFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-bench-proj-'));
  const file = path.join(dir, 'saksflyt.db');
  try {
    const store = await openSqliteStore({ file });
    const t0 = performance.now();
    // (written from a function, so the in-memory world is garbage before anything is measured)
    await writeWorld(store);
    // the head is a position, not a count (positions need not be 1, 2, 3, …)
    const head = await store.headPosition();
    let n = 0;
    for await (const _ of store.readAll()) n++;
    console.log(`  wrote ${n} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // The machine's speed drifts between seconds (shared cores), so the ceiling and the rebuild are
    // measured in alternating rounds and each figure is the median of its rounds: both see the same
    // drift. A rebuild round = every view rebuilt from 0 into a fresh projections file (as on a
    // version bump or a new data dir), until caught up and flushed.
    const gc = (globalThis as { gc?: () => void }).gc;
    const ceilings: number[] = [];
    const rebuilds: number[] = [];
    rawReplay(file, n); // warm the page cache
    for (let round = 0; round < ROUNDS; round++) {
      gc?.();
      ceilings.push(rawReplay(file, n));
      gc?.();
      const runnerFile = path.join(dir, `projections-${round}.db`);
      const s = performance.now();
      const runner = await ProjectionRunner.start({ store, file: runnerFile, projections: [...allProjections] });
      await runner.whenCaughtUp();
      const secs = (performance.now() - s) / 1000;
      const status = runner.status();
      await runner.stop();
      if (!status.every((p) => p.status === 'running' && p.position === head)) throw new Error(`rebuild incomplete: ${JSON.stringify(status, (_, v) => (typeof v === 'bigint' ? Number(v) : v))}`);
      rebuilds.push(n / secs);
      console.log(`  round ${round + 1}: raw replay ${Math.round(ceilings[round])} events/s; rebuild of ${status.length} projection (${allViews} views) in ${secs.toFixed(2)} s = ${Math.round(rebuilds[round])} events/s`);
      for (const f of [runnerFile, `${runnerFile}-wal`, `${runnerFile}-shm`]) rmSync(f, { force: true });
    }
    await store.close();
    const value = median(rebuilds);
    const ceiling = median(ceilings);
    return { rebuild: { value, unit: 'events/s', ceiling, ratio: value / ceiling, target: 0.3 } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
