/**
 * Flushing: every projection's changed documents, change log and checkpoint in ONE SQLite
 * transaction, then the committed changes emitted on the feeds (and caught-up rebuilds swapped in).
 * While catching up (nothing to emit, no swap, no change log to write), the documents and checkpoints
 * go to the catch-up writer thread instead; everything else waits for it (`drain`) and writes here.
 */
import { CatchUpWriter, toWriteUnit, type WriteBatch, type WriteUnit } from './catch-up-writer.js';
import { clearDocJson } from './doc-json.js';
import type { GenerationStore } from './generation-store.js';
import type { ChangeMessage } from './types.js';
import type { Entry } from './unit.js';

/** A unit whose documents and checkpoint are written (here, or handed to the writer thread): nothing dirty, committed up to its position. */
function markWritten(u: Entry['live']): void {
  u.dirty.clear();
  u.committed = u.position;
  u.statusDirty = false;
}

export class Flusher {
  /** Events applied since the last flush (the runner counts them, flushes reset it). */
  sinceFlush = 0;
  /** Writes catch-up flushes on another thread (created at the first one). */
  private writer: CatchUpWriter | null = null;
  /** A flush the writer thread could not write, written again here (before anything later). */
  private unwritten: WriteBatch | null = null;

  constructor(
    private readonly store: GenerationStore,
    private readonly file: string,
    /** Fault injection: flushes the writer thread refuses (see `ProjectionRunnerOptions.faults`). */
    private readonly writerRefusals: number,
  ) {}

  /**
   * Writes every projection's changed documents, change log and checkpoint in one transaction, then
   * emits the committed changes. With `swap`, caught-up rebuilt generations replace the old ones.
   * `caughtUp`: the runner has caught up once (flushes are then never left to the writer thread).
   */
  flush(entries: Entry[], swap: boolean, caughtUp: boolean): void {
    const log = this.store.log;
    const swaps = swap ? entries.filter((e) => e.live !== e.serving && e.live.caughtUp && e.live.status !== 'failed') : [];
    for (const e of entries) log.begin(e);
    const history = this.store.history;
    if (swaps.length === 0 && !entries.some((e) => e.live.hasWork()) && !history.hasWork()) return;
    if (!caughtUp && swaps.length === 0 && entries.every((e) => e.live.pending.length === 0 && !log.hasWork(e))) {
      this.flushInBackground(entries);
      return;
    }
    this.drain();
    const store = this.store;
    const emits: Array<[Entry, ChangeMessage[]]> = [];
    const ops = history.take();
    try {
      store.transaction(() => {
        for (const e of entries) {
          const u = e.live;
          if (!u.hasWork() && !swaps.includes(e)) continue;
          store.writeDocs(u);
          log.append(e);
          if (swaps.includes(e)) store.swap(e.serving, u);
          store.saveCheckpoint(u);
        }
        history.write(ops);
      });
    } catch (error) {
      history.restore(ops);
      throw error;
    } finally {
      clearDocJson();
    }
    this.sinceFlush = 0;
    for (const e of entries) {
      const u = e.live;
      markWritten(u);
      if (u === e.serving && u.pending.length > 0) emits.push([e, u.pending]);
      u.pending = [];
    }
    for (const e of swaps) {
      e.serving = e.live;
      e.subject.next({ kind: 'snapshot', position: e.live.position, view: e.projection.query(e.live, {}) });
    }
    for (const [e, messages] of emits) for (const m of messages) e.subject.next({ kind: 'change', position: m.position, changes: m.changes });
  }

  /** A catch-up flush: serialises the changed documents here, hands the transaction to the writer thread. */
  private flushInBackground(entries: Entry[]): void {
    const batch: WriteUnit[] = [];
    for (const e of entries) if (e.live.hasWork()) batch.push(toWriteUnit(e.live));
    this.drain();
    (this.writer ??= new CatchUpWriter(this.file, this.writerRefusals)).post({ units: batch, history: this.store.history.take() });
    this.sinceFlush = 0;
    for (const e of entries) markWritten(e.live);
  }

  /** Waits for the writer thread's flush in flight; writes it here when the thread failed to. */
  drain(): void {
    const failed = this.writer?.drain() ?? null;
    if (failed) this.unwritten = failed;
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
