import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openSqliteStore, type EventStore, type StreamWrite } from '@saksflyt/event-store';
import { Workflow, type Actor, type CommandContext } from '../src/index.js';

export const admin: Actor = { name: 'Admin', roles: [{ role: 'admin' }] };
export const secNEHS: Actor = { name: 'Anita Lindholt', roles: [{ role: 'secretariat', committee: 'NEHS' }] };
export const secNUIT: Actor = { name: 'Ola Nordmann', roles: [{ role: 'secretariat', committee: 'NUIT' }] };
export const secNUFA: Actor = { name: 'Kari Nordmann', roles: [{ role: 'secretariat', committee: 'NUFA' }] };

export function ctx(actor: Actor, extra: Partial<CommandContext> = {}): CommandContext {
  return { actor, correlationId: randomUUID(), ...extra };
}

export interface Harness {
  store: EventStore;
  wf: Workflow;
  dir: string;
  close(): Promise<void>;
}

/** A real SQLite store on a fresh temp file. */
export async function harness(): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'saksflyt-workflow-'));
  const store = await openSqliteStore({ file: path.join(dir, 'saksflyt.db') });
  const wf = new Workflow(store);
  return {
    store,
    wf,
    dir,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Run fn, expect it to throw an instance of T, and that nothing was written to the store. */
export async function refusedWithoutWrite<T>(store: EventStore, fn: () => Promise<unknown>, cls: new (...a: never[]) => T): Promise<T> {
  const before = await store.headPosition();
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof cls)) throw new Error(`expected ${cls.name}, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  const after = await store.headPosition();
  if (after !== before) throw new Error(`${cls.name} but the store moved from ${before} to ${after}`);
  return err;
}

/** The store with appendMany (and optionally the ordering flag) replaced; everything else the store's own. */
export function around(
  store: EventStore,
  appendMany: (writes: StreamWrite[], real: EventStore['appendMany']) => ReturnType<EventStore['appendMany']>,
  flags: { ordersConcurrentAppends?: boolean } = {},
): EventStore {
  const real = store.appendMany.bind(store);
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'appendMany') return (writes: StreamWrite[]) => appendMany(writes, real);
      if (prop === 'ordersConcurrentAppends' && 'ordersConcurrentAppends' in flags) return flags.ordersConcurrentAppends;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
