/**
 * The projection runner: one subscription to the global log (from the lowest checkpoint), events
 * applied in global order to every projection that has not seen them, views kept as keyed documents
 * in memory (write-back cache) and flushed in batches: changed documents, the change log and the
 * checkpoint of every projection in ONE SQLite transaction (`flusher.ts`).
 *
 * - Versions: a projection whose code version differs from the stored active generation is rebuilt
 *   from position 0 into a new generation; the old generation keeps serving queries (frozen) until the
 *   new one has caught up, then they swap in one transaction (`generation-store.ts`).
 * - Failure: a projection whose `evolve` throws stops before that event (its checkpoint stays at the
 *   event before), reports `failed` with the error, and is retried from its checkpoint on next start.
 * - Feeds: the serving generation's changes are emitted per event as it is applied. Once caught up,
 *   they are also written, with the next flush, to a bounded change log (`change-log.ts`) for
 *   `Last-Event-ID` resume (`feed.ts`).
 *
 * - History: as it applies events, the runner records the time machine's time index and snapshots
 *   from its own fold, in the same flushes (`history.ts`; read by `time-machine.ts`).
 *
 * This class wires those parts: the subscription, applying events, queries, status and `waitFor`.
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { EventStore, SubscriptionMessage } from '@saksflyt/event-store';
import { viewFeed, type FeedOptions } from './feed.js';
import { Flusher } from './flusher.js';
import { GenerationStore } from './generation-store.js';
import type { HistoryHead } from './history.js';
import { HistoryNotRecorded, type ChangeMessage, type DocReader, type FeedMessage, type Projection, type ProjectionStatus, type WaitResult } from './types.js';
import type { Entry, ServedView } from './unit.js';
import { Waiters } from './waiters.js';

/** How often a live flush looks again whether the writer thread is done with the last one (ms). */
const WRITER_POLL_MS = 2;

export interface ProjectionRunnerOptions {
  store: EventStore;
  /** SQLite file for the runner's tables (e.g. `<dataDir>/saksflyt.db`). */
  file: string;
  projections: readonly Projection<any, any>[];
  /** Events applied between flushes while catching up (default 20 000). Live: flushed when idle. */
  batchSize?: number;
  /** Change-log entries kept per projection for resume (default 10 000). */
  changeLogLimit?: number;
  /**
   * Live: the least time between two flushes (ms, default 20). The first event after a quiet spell
   * is flushed on the next turn of the event loop; under load, the events of up to this long are
   * written in one transaction, each changed document once. (The feeds get each event's changes as
   * it is applied, not at the flush.) (Flushing every
   * turn wrote a hot document, a meeting with its agenda, for nearly every event: about a sixth of
   * the server's CPU per command in the `http_commands` bench.) Queries and `waitFor` answer from
   * memory and never wait for a flush; `snapshot` and `changesSince` flush first.
   */
  flushIntervalMs?: number;
  /**
   * Fault injection for tests: the catch-up writer thread refuses its first `writerThreadRefusals`
   * flushes (as it would on a write error), so the runner must write them itself; with
   * `writerThreadSlowMs` it takes that long over each flush (a slow disk); with `writerThreadDiesAt`
   * the thread ends (an uncaught error) when handed that flush (1-based), so the runner writes it
   * and starts another thread; `writerAnswerTimeoutMs` bounds the wait for the thread's answer (a
   * hung thread: the flush fails and is retried, default 120 s).
   */
  faults?: { writerThreadRefusals?: number; writerThreadSlowMs?: number; writerThreadDiesAt?: number; writerAnswerTimeoutMs?: number };
  /** Events between the time machine's snapshots (default 1 000: the most a past-moment read replays). */
  snapshotEvery?: number;
}

export class ProjectionRunner {
  private readonly store: GenerationStore;
  private readonly flusher: Flusher;
  private readonly entries = new Map<string, Entry>();
  /** Every servable name (projection names and their views) → the entry, query and collections. */
  private readonly viewIndex = new Map<string, ServedView>();
  private subscription: Subscription | null = null;
  private readonly waiters = new Waiters((names) => this.lowest(names));
  /** `recorded`: waiting for the time machine's history to reach a position. */
  private readonly historyWaiters = new Waiters(() => this.store.history.reached());
  private idleFlushScheduled = false;
  private caughtUp = false;
  private caughtUpResolvers: Array<() => void> = [];
  /** The store said caught up, and the flush that swaps in the rebuilds is not written yet. */
  private catchUpDue = false;
  private stopped = false;
  /** The last flush that failed (cleared by the next that succeeds) and its retry timer. */
  private flushError: string | null = null;
  private flushRetry: NodeJS.Timeout | null = null;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  /** When the last live flush ended (Date.now()), for `flushIntervalMs`. */
  private lastFlushAt = 0;

  private constructor(private readonly options: ProjectionRunnerOptions) {
    this.batchSize = options.batchSize ?? 20_000;
    this.flushIntervalMs = options.flushIntervalMs ?? 20;
    this.store = new GenerationStore(options.file, options.changeLogLimit ?? 10_000, options.snapshotEvery ?? 1000);
    const f = options.faults ?? {};
    this.flusher = new Flusher(this.store, options.file, {
      refusals: f.writerThreadRefusals,
      slowMs: f.writerThreadSlowMs,
      diesAt: f.writerThreadDiesAt,
      answerTimeoutMs: f.writerAnswerTimeoutMs,
    });
  }

  /** Opens the runner's tables, loads the views and subscribes to the store. */
  static async start(options: ProjectionRunnerOptions): Promise<ProjectionRunner> {
    const names = new Set<string>();
    for (const p of options.projections) {
      for (const n of [p.name, ...Object.keys(p.views ?? {})]) {
        if (names.has(n)) throw new Error(`Duplicate projection or view name ${n}`);
        names.add(n);
      }
    }
    const runner = new ProjectionRunner(options);
    runner.load();
    runner.subscribe();
    return runner;
  }

  // ------------------------------------------------------------------ loading

  private load(): void {
    this.store.transaction(() => {
      for (const projection of this.options.projections) {
        const { serving, live } = this.store.open(projection);
        this.store.history.track(live);
        const types = projection.eventTypes ? new Set(projection.eventTypes) : null;
        const entry: Entry = { projection, types, serving, live, subject: new Subject<FeedMessage>() };
        this.entries.set(projection.name, entry);
        this.viewIndex.set(projection.name, { entry, query: (d, q) => projection.query(d, q), collections: null });
        for (const [name, v] of Object.entries(projection.views ?? {})) {
          this.viewIndex.set(name, { entry, query: (d, q) => v.query(d, q), collections: new Set(v.collections) });
        }
      }
    });
  }

  // ------------------------------------------------------------------ applying

  private subscribe(): void {
    let from: bigint | null = null;
    for (const e of this.entries.values()) if (from === null || e.live.position < from) from = e.live.position;
    const indexed = this.store.history.indexPosition;
    if (from === null || indexed < from) from = indexed;
    this.subscription = this.options.store.subscribeToAll({ after: from ?? 0n }).subscribe({
      next: (m) => this.onMessage(m),
      error: (error) => this.onSubscriptionError(error),
    });
  }

  private onMessage(message: SubscriptionMessage): void {
    if (this.stopped) return;
    if (message.kind === 'caughtUp') {
      this.onCaughtUp(message.position);
      return;
    }
    const event = message.event;
    const history = this.store.history;
    let applied = history.indexEvent(event);
    /** The change messages of this event, emitted once every projection has applied it. */
    let emits: Array<[Entry, ChangeMessage]> | null = null;
    for (const entry of this.entries.values()) {
      const unit = entry.live;
      if (unit.status === 'failed' || event.position <= unit.position) continue;
      applied = true;
      if (entry.types !== null && !entry.types.has(event.type)) unit.position = event.position;
      else {
        const before = unit.pending.length;
        if (!unit.apply(event, unit === entry.serving && (unit.logFrom !== null || entry.subject.observed))) continue;
        if (unit === entry.serving && unit.pending.length > before) (emits ??= []).push([entry, unit.pending[unit.pending.length - 1]!]);
      }
      history.passed(unit);
    }
    if (!applied) return;
    if (++this.flusher.sinceFlush >= this.batchSize) this.flushOrRetry();
    else if (this.caughtUp) this.scheduleIdleFlush();
    // the feeds get each event's changes at once, every view read as it stands after that event (the
    // flush that writes them comes up to `flushIntervalMs` later: see `Flusher`)
    if (emits) for (const [e, m] of emits) e.subject.next({ kind: 'change', position: m.position, changes: m.changes });
    this.waiters.check();
    this.historyWaiters.check();
  }

  private onCaughtUp(position: bigint): void {
    this.store.history.caughtUp(position);
    for (const entry of this.entries.values()) {
      const unit = entry.live;
      if (unit.status === 'failed') continue;
      if (unit.position < position) unit.position = position;
      unit.caughtUp = true;
      unit.status = 'running';
      unit.statusDirty = true;
    }
    this.finishCatchUp();
  }

  /**
   * Caught up means committed: the flush that swaps in the caught-up rebuilds is written before
   * anyone hears of it. When it cannot be written (disk full, a failing file), the old generations
   * go on serving as they stood, the rebuilds go on applying events, and the swap is tried again
   * every second (`status()` tells why meanwhile).
   */
  private finishCatchUp(): void {
    this.catchUpDue = true;
    try {
      this.flush(true);
      this.flusher.drain();
      this.flushError = null;
    } catch (error) {
      this.retryLater(error);
      return;
    }
    this.catchUpDue = false;
    this.caughtUp = true;
    for (const r of this.caughtUpResolvers) r();
    this.caughtUpResolvers = [];
    this.waiters.check();
    this.historyWaiters.check();
  }

  private onSubscriptionError(error: unknown): void {
    const text = `subscription: ${error instanceof Error ? error.message : String(error)}`;
    for (const entry of this.entries.values()) {
      if (entry.live.status === 'failed') continue;
      entry.live.status = 'failed';
      entry.live.error = text;
      entry.live.statusDirty = true;
    }
    try {
      this.flush();
      this.flusher.drain();
    } catch {
      /* the database may be gone as well */
    }
  }

  /** The next live flush: `flushIntervalMs` after the last one, or after `delay` ms. */
  private scheduleIdleFlush(delay?: number): void {
    if (this.idleFlushScheduled) return;
    this.idleFlushScheduled = true;
    const run = () => {
      this.idleFlushScheduled = false;
      if (this.stopped) return;
      // the writer thread is still on the last flush: never wait for it on the event loop; what
      // comes meanwhile goes with the next flush, when the thread is free
      if (this.flusher.writing) {
        this.scheduleIdleFlush(WRITER_POLL_MS);
        return;
      }
      this.flushOrRetry();
      this.lastFlushAt = Date.now();
    };
    const wait = delay ?? this.lastFlushAt + this.flushIntervalMs - Date.now();
    if (wait <= 0) setImmediate(run);
    else setTimeout(run, wait).unref();
  }

  /**
   * A flush that cannot write (disk full, read-only file) keeps what it holds in memory (nothing is
   * marked written) and is tried again a second later, instead of throwing out of the event loop.
   */
  private flushOrRetry(): void {
    try {
      this.flush();
      this.flushError = null;
      // the flush just handed to the writer thread is collected one interval later even if no event
      // comes (so a flush the thread failed is written here, or reported, not left in flight)
      if (this.caughtUp && this.flusher.inFlight) this.scheduleIdleFlush();
    } catch (error) {
      this.retryLater(error);
    }
  }

  /** A flush failed: said in `status()`, tried again a second later (the catch-up's swap, while it is due). */
  private retryLater(error: unknown): void {
    this.flushError = error instanceof Error ? error.message : String(error);
    if (this.flushRetry || this.stopped) return;
    this.flushRetry = setTimeout(() => {
      this.flushRetry = null;
      if (this.stopped) return;
      if (this.catchUpDue) this.finishCatchUp();
      else this.flushOrRetry();
    }, 1000);
    this.flushRetry.unref?.();
  }

  /** Flushes every projection (see `Flusher.flush`); with `swap`, caught-up rebuilds replace the old generations. */
  private flush(swap = false): void {
    this.flusher.flush(Array.from(this.entries.values()), swap);
  }

  // ------------------------------------------------------------------ reading

  private view(name: string): ServedView {
    const v = this.viewIndex.get(name);
    if (!v) throw new Error(`Unknown projection or view ${name}`);
    return v;
  }

  private entry(name: string): Entry {
    return this.view(name).entry;
  }

  /** Names of the projections this runner runs (not their extra view names: see `viewNames`). */
  names(): string[] {
    return Array.from(this.entries.keys());
  }

  /** Every name `query`, `snapshot`, `feed`, `waitFor` accept, with the projection serving it. */
  viewNames(): Array<{ view: string; projection: string }> {
    return Array.from(this.viewIndex.entries()).map(([view, v]) => ({ view, projection: v.entry.projection.name }));
  }

  /** The position the named projection's served view reflects. */
  position(name: string): bigint {
    return this.entry(name).serving.position;
  }

  /** The query answer from the served view as it is now, with the position it reflects. */
  query<V = unknown, Q = unknown>(name: string, params?: Q): { position: bigint; view: V } {
    const v = this.view(name);
    return { position: v.entry.serving.position, view: v.query(v.entry.serving as DocReader, params ?? {}) as V };
  }

  /** Read-only access to the served documents (for lookups the query function does not offer). */
  reader(name: string): DocReader {
    const u = this.entry(name).serving;
    return { get: (c, id) => u.get(c, id), list: (c) => u.list(c) };
  }

  /**
   * The committed view and its position: every change after that position is delivered by
   * `changes(name)` subscribed in the same tick (every change before it has been emitted already).
   */
  snapshot<V = unknown, Q = unknown>(name: string, params?: Q): { position: bigint; view: V } {
    this.flush();
    this.flusher.drain();
    return this.query<V, Q>(name, params);
  }

  /**
   * Changes of the served view as they are applied, per event. After a version swap the
   * observable emits `{ kind: 'snapshot' }` with the new view (query without params).
   */
  changes(name: string): Observable<FeedMessage> {
    return this.entry(name).subject.asObservable();
  }

  /**
   * Exactly the change messages after `position` (in order), from the change log; `null` when the
   * log does not reach back that far (the projection was rebuilt, or pruned): send a snapshot instead.
   */
  changesSince(name: string, position: bigint): ChangeMessage[] | null {
    this.flush();
    this.flusher.drain();
    return this.store.log.after(this.entry(name).serving, position);
  }

  /**
   * A live feed for SSE: without `lastEventId`, a snapshot first then every change; with it, every
   * change after it (or a snapshot when the log does not reach back). `filter` keeps only some
   * documents (messages left empty are dropped), e.g. one meeting's minutes.
   */
  feed<V = unknown, Q = unknown>(name: string, options: FeedOptions<Q> = {}): Observable<FeedMessage<V>> {
    return viewFeed<V, Q>(this, name, this.view(name), options);
  }

  /** Per projection: name, version, status, position, error, and what serves queries. */
  /** Flushes the event loop waited for because the writer thread was still writing them (diagnostics). */
  get waitedForWriter(): number {
    return this.flusher.waitedForWriter;
  }

  status(): ProjectionStatus[] {
    return Array.from(this.entries.values()).map((e) => ({
      name: e.projection.name,
      version: e.live.version,
      status: e.live.status,
      position: e.live.position,
      ...(e.live.error ? { error: e.live.error } : this.flushError ? { error: `cannot write the views now (retrying): ${this.flushError}` } : {}),
      serving: { version: e.serving.version, position: e.serving.position },
    }));
  }

  /** Resolves once the first catch-up is done (every projection has applied the log as it was). */
  whenCaughtUp(): Promise<void> {
    if (this.caughtUp) return Promise.resolve();
    return new Promise((resolve) => this.caughtUpResolvers.push(resolve));
  }

  /**
   * Waits until every projection (or the named ones) serves a view at `position` or later;
   * after `timeoutMs`, resolves `{ reached: false, position }` with the lowest position reached.
   */
  waitFor(position: bigint, timeoutMs = 5000, names?: string[]): Promise<WaitResult> {
    const list = names ?? this.names();
    for (const n of list) this.entry(n);
    return this.waiters.wait(position, timeoutMs, list);
  }

  /**
   * Resolves once the time machine's history (time index, every running projection's fold and its
   * snapshots) has reached `position` and is committed, so another connection reads it; rejects
   * with `HistoryNotRecorded` (503) after `timeoutMs` (or when the runner stops first).
   */
  async recorded(position: bigint, timeoutMs = 60_000): Promise<void> {
    const r = await this.historyWaiters.wait(position, timeoutMs, []);
    if (!r.reached) throw new HistoryNotRecorded(r.position, position, timeoutMs);
    if (this.stopped) return;
    this.flush();
    this.flusher.drain();
  }

  /** What the time machine's snapshot readers share of the named projection's live fold (`history.ts`). */
  historyHead(name: string, version: number): HistoryHead | undefined {
    return this.store.history.head(name, version);
  }

  /** Events between the time machine's snapshots. */
  get snapshotEvery(): number {
    return this.store.history.snapshotEvery;
  }

  private lowest(names: string[]): bigint {
    let low: bigint | null = null;
    for (const n of names) {
      const p = this.entry(n).serving.position;
      if (low === null || p < low) low = p;
    }
    return low ?? 0n;
  }

  /** Unsubscribes, writes what is pending, closes the runner's database connection. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.subscription?.unsubscribe();
    if (this.flushRetry) clearTimeout(this.flushRetry);
    this.flush();
    this.flusher.drain();
    this.stopped = true;
    this.waiters.endAll();
    this.historyWaiters.endAll();
    for (const e of this.entries.values()) e.subject.complete();
    await this.flusher.close();
    await this.store.close();
  }
}
