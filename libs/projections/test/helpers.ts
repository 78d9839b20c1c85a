import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstValueFrom, filter, take, toArray, type Observable } from 'rxjs';
import { openSqliteStore, type NewEvent, type EventStore } from '@saksflyt/event-store';

export interface TempStore {
  dir: string;
  file: string;
  store: EventStore;
  cleanup(): Promise<void>;
}

export async function tempStore(): Promise<TempStore> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-proj-'));
  const file = path.join(dir, 'saksflyt.db');
  const store = await openSqliteStore({ file });
  return {
    dir,
    file,
    store,
    async cleanup() {
      await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let seq = 0;
export function ev(type: string, data: Record<string, unknown>, at = '2019-02-15T10:00:00+01:00', actor = 'Anita Lindholt'): NewEvent {
  seq++;
  return { type, data: { v: 1, ...data }, metadata: { actor, correlationId: `corr-${seq}`, causationId: null, at } };
}

export function collect<T>(o: Observable<T>, n: number, pred: (t: T) => boolean = () => true): Promise<T[]> {
  return firstValueFrom(o.pipe(filter(pred), take(n), toArray()));
}

/** Resolves once `ok()` holds (checked every 5 ms); fails after `ms` (feeds emit at the next flush, up to the runner's flush interval after the event). */
export async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Appends n events in batches of 50 over `streams` streams; returns the position of the last one (the store's answer). */
export async function appendMany(t: TempStore, n: number, streams = 5, type = 'Counted'): Promise<bigint> {
  let last = 0n;
  for (let i = 0; i < n; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 50); j++) batch.push(ev(type, { i: j }));
    const r = await t.store.append(`s-${(i / 50) % streams}`, batch, { expectedRevision: 'any' });
    last = r.position;
  }
  return last;
}

/**
 * The events' positions as the store handed them out, in log order (after the cursor `after`, when
 * given). Positions are opaque (gapped under SAKSFLYT_SPARSE_POSITIONS=1): the tests compare with
 * these and never compute one.
 */
export async function storePositions(t: TempStore, after?: bigint): Promise<bigint[]> {
  const out: bigint[] = [];
  for await (const e of t.store.readAll(after === undefined ? {} : { after })) out.push(e.position);
  return out;
}
