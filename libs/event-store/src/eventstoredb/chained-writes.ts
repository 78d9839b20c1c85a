/**
 * The write side of the stream chain (`chain.ts`): each stream write's events get `saksflyt.prev`
 * and `saksflyt.hash`, computed against the revision the write expects. A write that expects a
 * numeric revision R chains to the event at R (read from the server: events are immutable, so what
 * is read is what the write will follow, or the write is refused); `no_stream` starts at
 * GENESIS_HASH; `any` and `stream_exists` first read the stream's head and expect exactly it, so
 * the chain cannot be broken by a concurrent writer: a conflict there is retried (bounded), which
 * keeps `any`'s meaning (it never conflicts) for the caller.
 */
import { END, NO_STREAM, STREAM_EXISTS, WrongExpectedVersionError, type AppendStreamState, type JSONEventData, type KurrentDBClient } from '@kurrent/kurrentdb-client';
import type { StreamWrite } from '../port.js';
import { chainOf, GENESIS_HASH, HASH_KEY, PREV_KEY, streamEventHash } from './chain.js';
import { mapKurrentReadError, METADATA_KEY, toEventData, toKurrentStreamState, type KurrentResolvedEventLike } from './mapping.js';

/** What an event whose predecessor could not be read chains to: it will not verify (never silently right). */
const UNREADABLE = 'unreadable';
/** Attempts of a write whose `any`/`stream_exists` revision was read first, before the conflict is the caller's. */
export const CHAIN_RETRIES = 50;

export interface ChainedRequest {
  streamName: string;
  events: JSONEventData[];
  expectedState: AppendStreamState;
  /** Whether the expected state was read here (then a conflict is retried). */
  readHere: boolean;
}

/** The stream's event at `revision` (forwards) or its last one (`END`): revision and chain hash; undefined when none. */
async function eventAt(client: KurrentDBClient, stream: string, revision: bigint | typeof END): Promise<{ revision: bigint; hash: string } | undefined> {
  try {
    const read =
      revision === END
        ? client.readStream(stream, { fromRevision: END, direction: 'backwards', maxCount: 1 })
        : client.readStream(stream, { fromRevision: revision, maxCount: 1 });
    for await (const resolved of read as AsyncIterable<KurrentResolvedEventLike>) {
      const e = resolved.event;
      if (!e) continue;
      if (revision !== END && e.revision !== revision) return undefined;
      return { revision: e.revision, hash: chainOf(e.metadata).hash ?? UNREADABLE };
    }
  } catch (error) {
    const mapped = mapKurrentReadError(error, stream);
    if (mapped instanceof Error && mapped.name === 'StreamNotFound') return undefined;
    throw mapped;
  }
  return undefined;
}

/** The client's append requests for the writes, every event chained to its stream's predecessor. */
export async function chainedRequests(client: KurrentDBClient, writes: readonly StreamWrite[]): Promise<ChainedRequest[]> {
  return Promise.all(
    writes.map(async (w) => {
      const expected = w.expectedRevision;
      let state: AppendStreamState;
      let prev = GENESIS_HASH;
      let revision = 0n;
      let readHere = false;
      if (typeof expected === 'bigint' && expected >= 0n) {
        state = expected;
        prev = (await eventAt(client, w.stream, expected))?.hash ?? UNREADABLE;
        revision = expected + 1n;
      } else if (expected === 'any' || expected === 'stream_exists') {
        readHere = true;
        const head = await eventAt(client, w.stream, END);
        state = head ? head.revision : expected === 'any' ? NO_STREAM : STREAM_EXISTS;
        if (head) {
          prev = head.hash;
          revision = head.revision + 1n;
        }
      } else {
        state = toKurrentStreamState(expected);
      }
      const events = w.events.map((e) => {
        const data = toEventData(e);
        const metadata = data.metadata as Record<string, string>;
        const hash = streamEventHash(prev, w.stream, revision, data.id!, data.type, JSON.stringify(e.data ?? null), metadata[METADATA_KEY]);
        const chained = { ...data, metadata: { ...metadata, [PREV_KEY]: prev, [HASH_KEY]: hash } } as JSONEventData;
        prev = hash;
        revision += 1n;
        return chained;
      });
      return { streamName: w.stream, events, expectedState: state, readHere };
    }),
  );
}

/** Whether a refused write is worth another try: a conflict on a stream whose expected revision was read here. */
export function retryable(error: unknown, requests: readonly ChainedRequest[]): boolean {
  if (!(error instanceof WrongExpectedVersionError)) return false;
  const named = String(error.streamName ?? '').toLowerCase();
  return requests.some((r) => r.readHere && (requests.length === 1 || r.streamName.toLowerCase() === named));
}

/**
 * This process's writes one stream at a time: a write waits for the writes before it (in call
 * order) that name any of its streams, so writers in one process never make each other read a
 * head that is about to move. Writers in other processes still can: `retryable` then.
 */
export class StreamQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(streams: readonly string[], work: () => Promise<T>): Promise<T> {
    const before = streams.map((s) => this.tails.get(s)).filter((p): p is Promise<unknown> => p !== undefined);
    const result = Promise.all(before).then(work, work);
    const done = result.catch(() => undefined);
    for (const s of streams) this.tails.set(s, done);
    void done.then(() => {
      for (const s of streams) if (this.tails.get(s) === done) this.tails.delete(s);
    });
    return result;
  }
}

/** A short random pause before another try (other processes' writes in between). */
export const jitter = (attempt: number): Promise<void> => new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * attempt)));
