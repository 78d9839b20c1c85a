/**
 * The EventStoreDB adapter of the event store port, on `@eventstore/db-client` v6 (gRPC).
 * Chosen when EVENTSTORE_CONNECTION_STRING is set (e.g. `esdb://localhost:2113?tls=false`).
 *
 * - Expected revisions and errors map one to one (see `mapping.ts`); event ids are passed through,
 *   so re-appending the same events is idempotent exactly as EventStoreDB makes it.
 * - Positions: the commit position (see the assumption in `mapping.ts`).
 * - Reads page (`pageSize` events per request, continuing from the last position/revision), so a
 *   large read never holds more than one page. readAll and subscribeToAll never show system events.
 * - Subscriptions are the client's catch-up subscriptions wrapped in rxjs Observables. `caughtUp` is
 *   emitted once: on the server's caught-up signal (servers 23.10+), or earlier when an event at or
 *   past the head read before subscribing is delivered (so older servers get it too). When the
 *   subscription drops with an error it resubscribes after the last delivered event, with a bounded
 *   backoff, and drops anything at or before what was already delivered.
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  AccessDeniedError,
  StreamDeletedError,
  excludeSystemEvents,
  type Position,
  type ReadRevision,
  type StreamingRead,
} from '@eventstore/db-client';
import { Observable } from 'rxjs';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscriptionMessage,
} from '../port.js';
import { catchUpObservable, type CatchUpSpec } from './catch-up.js';
import {
  isSystemEventType,
  mapEsdbError,
  mapEsdbReadError,
  toEsdbExpectedRevision,
  toEsdbReadPosition,
  toEventData,
  toPortPosition,
  toRecordedEvent,
  type EsdbResolvedEventLike,
} from './mapping.js';

export interface EventStoreDbOptions {
  /** Events per read request (default 1000). */
  pageSize?: number;
  /** Resubscription backoff: first delay, cap, and how many failures in a row before giving up. */
  resubscribe?: { baseDelayMs?: number; maxDelayMs?: number; maxAttempts?: number };
}

/** Connects (and checks the server answers) and returns the port over EventStoreDB. */
export async function openEventStoreDb(connectionString: string, options: EventStoreDbOptions = {}): Promise<EventStore> {
  const client = EventStoreDBClient.connectionString(connectionString);
  const store = new EventStoreDbEventStore(client, options);
  try {
    await store.headPosition();
  } catch (error) {
    await client.dispose().catch(() => undefined);
    throw new Error(`Cannot reach EventStoreDB at ${redact(connectionString)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return store;
}

/** Iterates a client read; when left early (break, return, error) the gRPC call is cancelled. */
async function* iterate<E>(read: StreamingRead<E>): AsyncGenerator<E> {
  let finished = false;
  try {
    for await (const item of read) yield item;
    finished = true;
  } finally {
    if (!finished) void read.cancel().catch(() => undefined);
  }
}

function redact(connectionString: string): string {
  return connectionString.replace(/\/\/[^@/]*@/, '//***@');
}

export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly pageSize: number;
  private readonly retry: EventStoreDbOptions['resubscribe'];
  private readonly completers = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbOptions = {},
  ) {
    this.pageSize = Math.max(2, options.pageSize ?? 1000);
    this.retry = options.resubscribe;
  }

  async append(stream: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const expected = toEsdbExpectedRevision(options.expectedRevision);
    let result;
    try {
      result = await this.client.appendToStream(stream, events.map(toEventData), { expectedRevision: expected });
    } catch (error) {
      throw mapEsdbError(error, stream, options.expectedRevision);
    }
    const nextRevision = result.nextExpectedRevision;
    // The server reports the last written event's position. Where it reports none (an idempotent
    // replay of events already written may come back without one), read that event's own position.
    if (result.position && result.position.commit >= 0n) {
      return { nextRevision, position: toPortPosition(result.position) };
    }
    return { nextRevision, position: await this.positionOf(stream, nextRevision) };
  }

  private async positionOf(stream: string, revision: bigint): Promise<bigint> {
    if (revision < 0n) return this.headPosition();
    for await (const resolved of iterate(this.client.readStream(stream, { fromRevision: revision, maxCount: 1 }))) {
      const event = toRecordedEvent(resolved as EsdbResolvedEventLike);
      if (event) return event.position;
    }
    throw new Error(`EventStoreDB: event ${stream}@${revision} not found after append`);
  }

  readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    const client = this.client;
    const pageSize = this.pageSize;
    const backwards = options.direction === 'backwards';
    return {
      async *[Symbol.asyncIterator]() {
        let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
        let from: ReadRevision = options.fromRevision ?? (backwards ? END : START);
        while (remaining > 0) {
          const want = Math.min(pageSize, remaining);
          let got = 0;
          let last: bigint | undefined;
          try {
            const read = client.readStream(stream, {
              fromRevision: from,
              maxCount: want,
              direction: backwards ? BACKWARDS : FORWARDS,
            });
            for await (const resolved of iterate(read)) {
              got++;
              const event = toRecordedEvent(resolved as EsdbResolvedEventLike);
              if (!event) continue;
              last = event.revision;
              remaining--;
              yield event;
            }
          } catch (error) {
            throw mapEsdbReadError(error, stream);
          }
          if (got < want || last === undefined) return;
          if (backwards) {
            if (last === 0n) return;
            from = last - 1n;
          } else {
            from = last + 1n;
          }
        }
      },
    };
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const client = this.client;
    const pageSize = this.pageSize;
    return {
      async *[Symbol.asyncIterator]() {
        let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
        let from = toEsdbReadPosition(options.fromPosition);
        // The raw position of the last record handled; the next page starts there (inclusive), so
        // that record comes again first and is skipped.
        let cursor: Position | undefined;
        while (remaining > 0) {
          let got = 0;
          let lastRaw: Position | undefined;
          for await (const resolved of iterate(client.readAll({ fromPosition: from, maxCount: pageSize, direction: FORWARDS }))) {
            got++;
            const raw = resolved.event?.position;
            if (raw) {
              if (cursor && raw.commit === cursor.commit && raw.prepare === cursor.prepare) continue;
              lastRaw = raw;
            }
            if (!resolved.event || isSystemEventType(resolved.event.type)) continue;
            const event = toRecordedEvent(resolved as EsdbResolvedEventLike);
            if (!event) continue;
            remaining--;
            yield event;
            if (remaining <= 0) return;
          }
          if (got < pageSize || !lastRaw) return;
          cursor = lastRaw;
          from = lastRaw;
        }
      },
    };
  }

  /** Position of the last non-system event on $all, reading backwards page by page; 0n when none. */
  async headPosition(): Promise<bigint> {
    // Usually the first few records are enough; when a page holds only system events, read wider.
    let pageSize = Math.min(this.pageSize, 100);
    let from: Position | typeof END = END;
    let cursor: Position | undefined;
    for (;;) {
      let got = 0;
      let lastRaw: Position | undefined;
      for await (const resolved of iterate(
        this.client.readAll({ fromPosition: from, maxCount: pageSize, direction: BACKWARDS }),
      )) {
        got++;
        const raw = resolved.event?.position;
        if (!raw) continue;
        if (cursor && raw.commit === cursor.commit && raw.prepare === cursor.prepare) continue;
        lastRaw = raw;
        if (!isSystemEventType(resolved.event!.type)) return toPortPosition(raw);
      }
      if (got < pageSize || !lastRaw) return 0n;
      cursor = lastRaw;
      from = lastRaw;
      pageSize = this.pageSize;
    }
  }

  private async streamHead(stream: string): Promise<bigint> {
    try {
      for await (const resolved of iterate(
        this.client.readStream(stream, { fromRevision: END, direction: BACKWARDS, maxCount: 1 }),
      )) {
        if (resolved.event) return resolved.event.revision;
      }
      return -1n;
    } catch (error) {
      const mapped = mapEsdbReadError(error, stream);
      if (mapped instanceof Error && mapped.name === 'StreamNotFound') return -1n;
      throw error;
    }
  }

  subscribeToAll(options: { fromPosition?: bigint } = {}): Observable<SubscriptionMessage> {
    const start = options.fromPosition ?? 0n;
    return this.subscribe('$all', {
      start,
      // Nothing to catch up when the head (last non-system event) is at or before the start.
      readHead: async () => {
        const head = await this.headPosition();
        return { head, headPosition: head };
      },
      open: (after) =>
        this.client.subscribeToAll({
          fromPosition: toEsdbReadPosition(after),
          filter: excludeSystemEvents(),
        }),
      keyOf: (event) => event.position,
      accept: (resolved) => !!resolved.event && !isSystemEventType(resolved.event.type),
      caughtUpPosition: (lastPosition) => lastPosition,
    });
  }

  subscribeToStream(stream: string, options: { fromRevision?: bigint } = {}): Observable<SubscriptionMessage> {
    const start = options.fromRevision ?? -1n;
    return this.subscribe(stream, {
      start,
      readHead: async () => {
        const [head, headPosition] = await Promise.all([this.streamHead(stream), this.headPosition()]);
        return { head, headPosition };
      },
      open: (after) =>
        this.client.subscribeToStream(stream, { fromRevision: after < 0n ? START : after }),
      keyOf: (event) => event.revision,
      accept: (resolved) => !!resolved.event,
      caughtUpPosition: (lastPosition, headPosition) => (headPosition > lastPosition ? headPosition : lastPosition),
    });
  }

  private subscribe(
    name: string,
    spec: Pick<CatchUpSpec, 'start' | 'readHead' | 'open' | 'keyOf' | 'accept' | 'caughtUpPosition'>,
  ): Observable<SubscriptionMessage> {
    return catchUpObservable({
      ...spec,
      open: (after) => {
        if (this.closed) throw new Error('EventStoreDB store is closed');
        return spec.open(after);
      },
      fatal: (error) =>
        error instanceof StreamDeletedError || error instanceof AccessDeniedError || this.closed
          ? mapEsdbReadError(error, name)
          : undefined,
      retry: this.retry,
      onClose: (complete) => {
        this.completers.add(complete);
        return () => this.completers.delete(complete);
      },
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const complete of [...this.completers]) complete();
    this.completers.clear();
    await this.client.dispose();
  }
}

export * from './mapping.js';
export { catchUpObservable, type CatchUpSource, type CatchUpSpec } from './catch-up.js';
