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
