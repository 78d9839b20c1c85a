/**
 * Live feeds for SSE: a snapshot (or the changes missed since `lastEventId`, from the change log)
 * followed by every change of the served view as it is applied, filtered to the view's collections.
 */
import { Observable } from 'rxjs';
import type { ChangeMessage, DocChange, FeedMessage } from './types.js';
import type { ServedView } from './unit.js';

/** What a feed reads from the runner (flushing first, so nothing falls between it and the live changes). */
export interface FeedSource {
  changesSince(name: string, position: bigint): ChangeMessage[] | null;
  snapshot(name: string, params?: unknown): { position: bigint; view: unknown };
}

/**
 * The position a feed has given up to (or was asked to resume after): a change at or before it is
 * never given again. The runner emits each event's changes before its writer thread has committed
 * them; after a crash it applies those events again from the committed checkpoint, and a client that
 * resumed after one of them would otherwise see it, and the ones before it, twice. Used by `viewFeed`
 * and by the api's SSE clients.
 */
export class FeedCursor {
  constructor(private at: bigint | null = null) {}

  /** Notes a message as given; false for a change at or before what was given already (not to give). */
  pass(m: { kind: 'snapshot' | 'change'; position: bigint }): boolean {
    if (m.kind === 'change' && this.at !== null && m.position <= this.at) return false;
    if (this.at === null || m.position > this.at) this.at = m.position;
    return true;
  }
}

export interface FeedOptions<Q> {
  params?: Q;
  lastEventId?: bigint;
  filter?: (change: DocChange) => boolean;
}

/** The feed of view `name` (`v`), see `ProjectionRunner.feed`. */
export function viewFeed<V, Q>(source: FeedSource, name: string, v: ServedView, options: FeedOptions<Q>): Observable<FeedMessage<V>> {
  const filter = (c: DocChange): boolean => (v.collections === null || v.collections.has(c.collection)) && (!options.filter || options.filter(c));
  const filterMsg = (m: FeedMessage): FeedMessage | null => {
    if (m.kind === 'snapshot' || (!options.filter && v.collections === null)) return m;
    const changes = m.changes.filter(filter);
    return changes.length === 0 ? null : { kind: 'change', position: m.position, changes };
  };
  return new Observable<FeedMessage<V>>((subscriber) => {
    const first: FeedMessage[] = [];
    const missed = options.lastEventId === undefined ? null : source.changesSince(name, options.lastEventId);
    if (missed === null) {
      const s = source.snapshot(name, options.params);
      first.push({ kind: 'snapshot', position: s.position, view: s.view });
    } else for (const m of missed) first.push({ kind: 'change', position: m.position, changes: m.changes });
    const cursor = new FeedCursor(options.lastEventId ?? null);
    for (const m of first) cursor.pass(m);
    const e = v.entry;
    const sub = e.subject.subscribe({
      next: (m) => {
        if (!cursor.pass(m)) return;
        const out =
          m.kind === 'snapshot' ? ({ kind: 'snapshot', position: m.position, view: v.query(e.serving, options.params ?? {}) } as FeedMessage) : filterMsg(m);
        if (out) subscriber.next(out as FeedMessage<V>);
      },
      complete: () => subscriber.complete(),
    });
    for (const m of first) {
      const out = filterMsg(m);
      if (out) subscriber.next(out as FeedMessage<V>);
    }
    return () => sub.unsubscribe();
  });
}
