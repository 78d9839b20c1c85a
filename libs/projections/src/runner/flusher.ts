/**
 * Flushing: every projection's changed documents, change-log rows and checkpoint, and the time
 * machine's history (`history.ts`), in ONE SQLite transaction. The flush is serialised here (the
 * JSON of each changed document once, shared by its document row and its change-log rows) and
 * written by the writer thread (`catch-up-writer.ts`, named for what it first wrote) while this
 * thread goes on. Only a flush that swaps in a caught-up rebuilt generation is written here, after
 * the writer thread's flush in flight.
 *
 * The feeds do not wait for a flush: the runner emits each event's changes as it applies them.
 * That is safe: every event applied is durable in the event store already (its subscription
 * delivers only fsynced events), the views are a function of the log, and everything that reads the
 * runner's file (`changesSince`, `snapshot`, `recorded`, stop) first flushes and waits for the flush
 * in flight (`drain`). After a crash the runner applies again from the last committed checkpoint and
 * logs the same changes at the same positions; a feed never gives a change at or before the one it
 * resumed after (`feed.ts`, the live service).
 */
import { CatchUpWriter, toWriteUnit, type WriteBatch, type WriteUnit, type WriterFaults } from './catch-up-writer.js';
import { clearDocJson } from './doc-json.js';
import type { GenerationStore } from './generation-store.js';
import type { Entry } from './unit.js';

export class Flusher {
  /** Events applied since the last flush (the runner counts them, flushes reset it). */
  sinceFlush = 0;
  /** Writes flushes on another thread (created at the first one). */
  private writer: CatchUpWriter | null = null;
  /** A flush the writer thread could not write, written again here (before anything later). */
  private unwritten: WriteBatch | null = null;

  constructor(
    private readonly store: GenerationStore,
    private readonly file: string,
    /** Fault injection and limits of the writer thread (see `ProjectionRunnerOptions.faults`). */
    private writerFaults: WriterFaults = {},
  ) {}

  /**
   * Writes every projection's changed documents, change log and checkpoint in one transaction.
   * With `swap`, caught-up rebuilt generations replace the old ones (written here).
   */
  flush(entries: Entry[], swap: boolean): void {
    const log = this.store.log;
    const swaps = swap ? entries.filter((e) => e.live !== e.serving && e.live.caughtUp && e.live.status !== 'failed') : [];
    for (const e of entries) log.begin(e);
    const history = this.store.history;
    if (swaps.length === 0 && !entries.some((e) => e.live.hasWork()) && !history.hasWork()) {
      this.drain(); // nothing new: the flush in flight is collected (one the thread failed is written here, or throws)
      return;
    }
    // the flush in flight first (and one the thread could not write): a failure throws here, before
    // anything of this flush is taken out of the units
    this.drain();
    if (swaps.length === 0) {
      this.flushInBackground(entries);
      return;
    }
    const store = this.store;
    // what `log.take` and `store.swap` change in memory, put back if the transaction fails
    const before = entries.map((e) => ({ u: e.live, logPositions: e.live.logPositions.slice(), logFrom: e.live.logFrom, active: e.live.active }));
    const ops = history.take();
    try {
      store.transaction(() => {
        for (const e of entries) {
          const u = e.live;
          if (!u.hasWork() && !swaps.includes(e)) continue;
          store.writeDocs(u);
          const { rows, prune } = log.take(e);
          log.write(u.name, u.generation, rows, prune);
          if (swaps.includes(e)) store.swap(e.serving, u);
          store.saveCheckpoint(u);
        }
        history.write(ops);
      });
    } catch (error) {
      history.restore(ops);
      for (const b of before) Object.assign(b.u, { logPositions: b.logPositions, logFrom: b.logFrom, active: b.active });
      throw error;
    } finally {
      clearDocJson();
    }
    this.settled(entries);
    for (const e of swaps) {
      e.serving = e.live;
      e.subject.next({ kind: 'snapshot', position: e.live.position, view: e.projection.query(e.live, {}) });
    }
  }

  /** A flush serialised here and handed to the writer thread. */
  private flushInBackground(entries: Entry[]): void {
    const log = this.store.log;
    const batch: WriteUnit[] = [];
    try {
      for (const e of entries) if (e.live.hasWork()) batch.push(toWriteUnit(e.live, log.take(e)));
    } finally {
      clearDocJson();
    }
    (this.writer ??= new CatchUpWriter(this.file, this.writerFaults)).post({ units: batch, history: this.store.history.take() });
    this.settled(entries);
  }

  /** After a flush is written or handed on: nothing is dirty, the changes it logged are done with. */
  private settled(entries: Entry[]): void {
    this.sinceFlush = 0;
    for (const e of entries) {
      const u = e.live;
      u.dirty.clear();
      u.committed = u.position;
      u.statusDirty = false;
      u.pending = [];
    }
  }

  /** A flush is with the writer thread, not yet collected by `drain`. */
  get inFlight(): boolean {
    return this.writer?.busy ?? false;
  }

  /** Flushes this thread waited for, the writer thread still writing them (diagnostics). */
  get waitedForWriter(): number {
    return this.writer?.waited ?? 0;
  }

  /** The writer thread is still writing its flush (a flush now would wait for it). */
  get writing(): boolean {
    return this.writer?.writing ?? false;
  }

  /** Waits for the writer thread's flush in flight; writes it here when the thread failed to. */
  drain(): void {
    const failed = this.writer?.drain() ?? null;
    if (failed) this.unwritten = failed;
    if (this.writer?.ended) {
      // the thread is gone (what it held is in `unwritten`): the next flush starts another, with
      // the faults already spent
      void this.writer.close();
      this.writer = null;
      this.writerFaults = { answerTimeoutMs: this.writerFaults.answerTimeoutMs };
    }
    if (this.unwritten === null) return;
    this.store.writeBatch(this.unwritten.units, this.unwritten.history);
    this.unwritten = null;
  }

  /** Ends the writer thread (call `drain` first). */
  async close(): Promise<void> {
    if (this.writer) await this.writer.close();
    this.writer = null;
  }
}
