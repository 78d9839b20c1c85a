/**
 * The auditor's time machine benchmark: `as_of_1m` = p99 in ms of `asOf` reads at random moments on a
 * store of 1 000 000 events: the decisions register, the portfolio and one meeting's minutes, each
 * answered by the TimeMachine (libs/projections/src/runner/time-machine.ts) exactly as the HTTP routes
 * ask it (time index → position, nearest snapshot read back from SQLite + tail replayed through the
 * projection's evolve, the view's query) and serialised to JSON as the answer would be.
 *
 * The store: the projections bench's realistic world (six committees meeting year after year, ~11
 * cases a meeting, discussions, follow-ups, projects) written with bulk `appendMany` calls (runs of
 * consecutive events of distinct streams, many calls in flight: the SQLite store writes them in
 * submission order, so the global order is the world's). All but the last GAP events are written
 * first; then the live projection runner starts on them (as a server does) and records the time
 * machine's history from its own fold while it catches up (`build_s`); one read; then the last GAP
 * events are appended while the runner is live (the gap); once the runner has recorded them
 * (`gap_lag_ms` after the last append: what a read asked at once would wait), the first read after
 * the gap is timed (`first_read_after_gap_ms`: it must not pay for the gap); then SAMPLES random
 * moments are read.
 *
 * `as_of_1m_heap`: the process's heap (after a full GC) once the reads are done, holding the runner's
 * live views and the time machine's bounded snapshot cache, beside a ceiling of 512 MB; the heap
 * after the build and the time machine's own share (after reads − after build) are written beside it.
 *
 * Latency is lower-is-better: `ceiling` is the bound (1 000 ms / 512 MB) and `ratio` = bound / value.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventStore, NewEvent, StreamWrite } from '../libs/event-store/src/port.js';
import { openSqliteStore } from '../libs/event-store/src/sqlite/sqlite-event-store.js';
import { ProjectionRunner } from '../libs/projections/src/runner/projection-runner.js';
import { TimeMachine } from '../libs/projections/src/runner/time-machine.js';
import { allProjections } from '../libs/projections/src/views/index.js';
import { realisticWorld } from './projections.bench.js';
import type { BenchFigures } from './types.js';

const EVENTS = Number(process.env.BENCH_AS_OF_EVENTS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_AS_OF_SAMPLES ?? 100);
/** Events appended while the runner is live, before the first read after them. */
const GAP = Number(process.env.BENCH_AS_OF_GAP ?? 100_000);
const BOUND_MS = 1000;
const HEAP_CEILING_MB = 512;

type WorldEvent = { stream: string; event: NewEvent };

interface Written {
  n: number;
  first: number;
  last: number;
  /** Meetings with the time they were planned, to ask for their minutes at a later moment. */
  meetings: Array<{ id: string; plannedAt: number }>;
  /** The last GAP events, not written yet. */
  gap: WorldEvent[];
}

/** Events in bulk appendMany calls, in their global order. */
async function writeEvents(store: EventStore, events: readonly WorldEvent[]): Promise<void> {
  const calls: StreamWrite[][] = [];
  let call: StreamWrite[] = [];
  let streams = new Set<string>();
  for (const e of events) {
    if (streams.has(e.stream) || call.length >= 64) {
      calls.push(call);
      call = [];
      streams = new Set();
    }
    streams.add(e.stream);
    call.push({ stream: e.stream, expectedRevision: 'any', events: [e.event] });
  }
  if (call.length) calls.push(call);
  const IN_FLIGHT = 512;
  for (let i = 0; i < calls.length; i += IN_FLIGHT) await Promise.all(calls.slice(i, i + IN_FLIGHT).map((c) => store.appendMany(c)));
}

/** The world's events but the last GAP, written; the rest kept for later. */
async function writeWorld(store: EventStore): Promise<Written> {
  const events = realisticWorld(EVENTS).events as WorldEvent[];
  const meetings: Written['meetings'] = [];
  for (const e of events) if (e.event.type === 'MeetingPlanned') meetings.push({ id: e.stream.slice('meeting-'.length), plannedAt: Date.parse(e.event.metadata.at) });
  const cut = Math.max(1, events.length - GAP);
  await writeEvents(store, events.slice(0, cut));
  return { n: events.length, first: Date.parse(events[0]!.event.metadata.at), last: Date.parse(events.at(-1)!.event.metadata.at), meetings, gap: events.slice(cut) };
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const mb = (bytes: number): number => Math.round(bytes / 1024 / 1024);

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

export async function run(): Promise<BenchFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-bench-asof-'));
  try {
    const store = await openSqliteStore({ file: path.join(dir, 'saksflyt.db') });
    let t = performance.now();
    const written = await writeWorld(store);
    const writeSecs = (performance.now() - t) / 1000;
    console.log(`  wrote ${written.n - written.gap.length} events in ${writeSecs.toFixed(1)} s (bulk appendMany), ${written.gap.length} kept for the gap`);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;

    // the live runner (as a server runs it) records the time index and snapshots from its own fold
    t = performance.now();
    const file = path.join(dir, 'saksflyt-projections.db');
    const runner = await ProjectionRunner.start({ store, file, projections: allProjections });
    await runner.whenCaughtUp();
    await runner.recorded(await store.headPosition());
    const buildSecs = (performance.now() - t) / 1000;
    const tm = new TimeMachine({ store, file, projections: allProjections, runner });
    console.log(`  the runner caught up and recorded the time index and ${tm.snapshots('registers').length} snapshots in ${buildSecs.toFixed(1)} s`);
    gc();
    const heapBuilt = process.memoryUsage().heapUsed;

    const iso = (ms: number) => new Date(ms).toISOString();
    const readOnce = async (asOf: string, name: string, params: unknown): Promise<number> => {
      const s = performance.now();
      const moment = await tm.momentAt(asOf);
      JSON.stringify(await tm.query(name, moment.position, params));
      return performance.now() - s;
    };
    await readOnce(iso(written.first + (written.last - written.first) / 3), 'decisions', {});

    // the gap: events appended while the runner is live and nobody reads a past moment
    t = performance.now();
    const gapFirstAt = Date.parse(written.gap[0]?.event.metadata.at ?? iso(written.last));
    await writeEvents(store, written.gap);
    const gapEvents = written.gap.length;
    written.gap = [];
    const gapSecs = (performance.now() - t) / 1000;
    console.log(`  appended ${gapEvents} events while the runner was live in ${gapSecs.toFixed(1)} s`);
    // the runner's lag behind the last append (a read asked now would wait that long, as ?minPosition does)
    t = performance.now();
    await runner.recorded(await store.headPosition());
    const lagMs = performance.now() - t;
    console.log(`  the runner had recorded the gap ${lagMs.toFixed(0)} ms after the last append`);
    const firstAfterGap = await readOnce(iso(gapFirstAt + (written.last - gapFirstAt) / 2), 'decisions', {});
    console.log(`  the first read after the gap (the register, in the middle of it): ${firstAfterGap.toFixed(0)} ms`);

    // a deterministic pseudo-random sequence (the same moments every run)
    let seed = 14;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const times: Record<'decisions' | 'portfolio' | 'minutes', number[]> = { decisions: [], portfolio: [], minutes: [] };
    /** Not in the figure: the register of one committee (`?committee=NEHS&asOf=`, as the workbench asks it). */
    const committeeTimes: number[] = [];
    let bytes = 0;
    const timed = async (into: number[], asOf: string, name: string, params: unknown) => {
      const s = performance.now();
      const moment = await tm.momentAt(asOf);
      const view = await tm.query(name, moment.position, params);
      bytes += JSON.stringify(view).length;
      into.push(performance.now() - s);
    };
    for (let i = 0; i < SAMPLES; i++) {
      const span = written.last - written.first;
      await timed(times.decisions, iso(written.first + random() * span), 'decisions', {});
      await timed(times.portfolio, iso(written.first + random() * span), 'portfolio', {});
      const m = written.meetings[Math.floor(random() * written.meetings.length)]!;
      await timed(times.minutes, iso(m.plannedAt + random() * (written.last - m.plannedAt)), 'minutes', { meetingId: m.id });
      await timed(committeeTimes, iso(written.first + random() * span), 'decisions', { committee: 'NEHS' });
    }
    gc();
    const mem = process.memoryUsage();
    const cache = tm.memory();
    const snapshots = tm.snapshots('registers').length;
    await tm.close();
    await runner.stop();
    await store.close();
    const all = [...times.decisions, ...times.portfolio, ...times.minutes];
    const p99 = quantile(all, 0.99);
    const p50 = quantile(all, 0.5);
    const per = (k: keyof typeof times) => ({ [`${k}_p99_ms`]: Math.round(quantile(times[k], 0.99)), [`${k}_p50_ms`]: Math.round(quantile(times[k], 0.5)) });
    console.log(`  ${all.length + committeeTimes.length} asOf reads (${Math.round(bytes / (all.length + committeeTimes.length) / 1024)} KiB of JSON each on average): p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`);
    for (const k of Object.keys(times) as Array<keyof typeof times>) console.log(`    ${k}: p50 ${quantile(times[k], 0.5).toFixed(0)} ms, p99 ${quantile(times[k], 0.99).toFixed(0)} ms`);
    console.log(`    (not in the figure) decisions of one committee: p50 ${quantile(committeeTimes, 0.5).toFixed(0)} ms, p99 ${quantile(committeeTimes, 0.99).toFixed(0)} ms`);
    const heapMb = mb(mem.heapUsed);
    console.log(
      `  heap: ${mb(heapBefore)} MB before the runner, ${mb(heapBuilt)} MB after the build, ${heapMb} MB after the reads (rss ${mb(mem.rss)} MB); the time machine's snapshot cache ${mb(cache.bytes)} of ${mb(cache.limitBytes)} MB of JSON in ${cache.collections} collections`,
    );
    return {
      as_of_1m: {
        value: p99,
        unit: 'ms',
        ceiling: BOUND_MS,
        ratio: BOUND_MS / Math.max(p99, 0.001),
        extra: {
          p50_ms: Math.round(p50),
          events: written.n,
          samples: all.length,
          snapshots,
          build_s: Math.round(buildSecs),
          write_s: Math.round(writeSecs),
          gap_events: gapEvents,
          gap_write_s: Math.round(gapSecs),
          first_read_after_gap_ms: Math.round(firstAfterGap),
          gap_lag_ms: Math.round(lagMs),
          ...per('decisions'),
          ...per('portfolio'),
          ...per('minutes'),
          decisions_committee_p99_ms: Math.round(quantile(committeeTimes, 0.99)),
        },
        bars: [
          { text: `p99 ${p99.toFixed(0)} ms < ${BOUND_MS}`, ok: p99 < BOUND_MS },
          { text: `first read after ${gapEvents} events ${firstAfterGap.toFixed(0)} ms < ${BOUND_MS}`, ok: firstAfterGap < BOUND_MS },
        ],
      },
      as_of_1m_heap: {
        value: heapMb,
        unit: 'MB',
        ceiling: HEAP_CEILING_MB,
        ratio: HEAP_CEILING_MB / Math.max(heapMb, 1),
        extra: {
          heap_before_runner_mb: mb(heapBefore),
          heap_after_build_mb: mb(heapBuilt),
          heap_after_reads_mb: heapMb,
          time_machine_heap_mb: mb(mem.heapUsed - heapBuilt),
          rss_after_reads_mb: mb(mem.rss),
          snapshot_cache_mb: mb(cache.bytes),
          snapshot_cache_limit_mb: mb(cache.limitBytes),
          snapshot_cache_collections: cache.collections,
        },
        bars: [{ text: `heap after the reads ${heapMb} MB < ${HEAP_CEILING_MB}`, ok: heapMb < HEAP_CEILING_MB }],
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
