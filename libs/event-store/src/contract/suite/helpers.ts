/**
 * What the parts of the EventStore contract share (see `../event-store.contract.ts`): the options,
 * the run (the store the entry opens, its options), and the helpers the tests use.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect } from '@jest/globals';
import type { Observable, Subscription } from 'rxjs';
import { StreamNotFound, WrongExpectedRevision, type EventStore, type ExpectedRevision, type NewEvent, type RecordedEvent, type SubscriptionMessage } from '../../port.js';

export interface EventStoreContractOptions {
  /** When set, the suite is registered as skipped and this reason is printed. */
  skip?: string;
  /** Events written for the large-read test (default 100 000; 0 skips it, e.g. for a slow remote store). */
  largeReadEvents?: number;
  /**
   * Paging counters of the adapter, when it exposes them (the SQLite adapter does): used to prove
   * that a large read never materialises more than one page of rows at once.
   */
  pageStats?: (store: EventStore) => { pageSize: number; maxRowsPerPage: number; rowsRead: number };
  /**
   * Whether the store refuses an event id already stored in ANOTHER stream (default true: the SQLite
   * store does). KurrentDB checks ids per stream only (see the port): its spec may set false, and the
   * test is then reported as skipped.
   */
  refusesIdsOfOtherStreams?: boolean;
  /**
   * The store leaves room between adjacent events' positions (KurrentDB's log offsets, a sparse
   * SQLite file): the test reading after a position that lies between two events then must find
   * such a gap instead of passing over it.
   */
  gappedPositions?: boolean;
}

/** The store the entry opened (in its beforeAll) and the options it was given. */
export interface ContractRun {
  readonly store: EventStore;
  readonly options: EventStoreContractOptions;
}

/**
 * The run's store, for the tests of a part: assigned in a beforeAll of the part's block, which runs
 * after the entry's (that opens the store). Use as `let store!: EventStore; useStore(run, (s) => (store = s));`.
 */
export function useStore(run: ContractRun, set: (store: EventStore) => void): void {
  beforeAll(() => set(run.store));
}

export const suffix = (): string => randomUUID().slice(0, 8);

export function ev(type = 'ContractTested', data: Record<string, unknown> = {}, id?: string): NewEvent {
  return {
    ...(id ? { id } : {}),
    type,
    data: { v: 1, ...data },
    metadata: { actor: 'contract', correlationId: randomUUID(), causationId: null, at: new Date().toISOString() },
  };
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Every event of these streams, in log order, after `after` (the suite may share a server). */
export async function logOf(store: EventStore, streams: Iterable<string>, after: bigint): Promise<RecordedEvent[]> {
  const mine = new Set(streams);
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll({ after })) if (mine.has(e.stream)) out.push(e);
  return out;
}

/** The stream's events, or [] when it has none. */
export async function streamOrNone(store: EventStore, stream: string): Promise<RecordedEvent[]> {
  try {
    return await collect(store.readStream(stream));
  } catch (e) {
    if (e instanceof StreamNotFound) return [];
    throw e;
  }
}

export const byBigint = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

export async function expectWrong(
  p: Promise<unknown>,
  expected: ExpectedRevision,
  actual: bigint | 'no_stream',
): Promise<void> {
  let error: unknown;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(WrongExpectedRevision);
  const w = error as WrongExpectedRevision;
  expect(w.expected).toBe(expected);
  expect(w.actual).toBe(actual);
}

/** Subscribes and collects messages until `done` says so (or the timeout passes, which fails). */
export function collectUntil(
  source: Observable<SubscriptionMessage>,
  done: (messages: SubscriptionMessage[]) => boolean,
  timeoutMs = 30_000,
): { promise: Promise<SubscriptionMessage[]>; subscription: Subscription } {
  const messages: SubscriptionMessage[] = [];
  let subscription!: Subscription;
  const promise = new Promise<SubscriptionMessage[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription?.unsubscribe();
      reject(new Error(`subscription timed out after ${messages.length} messages`));
    }, timeoutMs);
    subscription = source.subscribe({
      next: (m) => {
        messages.push(m);
        if (done(messages)) {
          clearTimeout(timer);
          queueMicrotask(() => subscription.unsubscribe());
          resolve(messages);
        }
      },
      error: (e) => {
        clearTimeout(timer);
        reject(e);
      },
    });
  });
  return { promise, subscription };
}
