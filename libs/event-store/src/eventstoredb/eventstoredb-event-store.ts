/**
 * The KurrentDB (formerly EventStoreDB) adapter of the event store port, on `@kurrent/kurrentdb-client`
 * 1.x (gRPC and the client's native reader). Chosen when EVENTSTORE_CONNECTION_STRING is set (e.g.
 * `kurrentdb://localhost:2113?tls=false`). This folder is the only place that imports the client.
 *
 * - Connect: asks the server's version and refuses one older than KurrentDB 25.1.1 (the first whose
 *   multi-stream append is atomic), then reads the head of $all (so a missing read permission shows
 *   at start, not at the first request).
 * - appendMany: one `multiStreamAppend` (all streams or none, each against its own expected revision).
 * - append: the classic `appendToStream` of one stream: the same `WriteEvents` on the server as a
 *   one-stream multi-append, with the server's documented idempotency and its position in the answer.
 *   `success: false` (the answer when the connection string sets `throwOnAppendFailure=false`) throws
 *   WrongExpectedRevision like the thrown error does: never a silent lost write.
 * - Both write our metadata as one string property (see `mapping.ts`); event ids are passed through,
 *   so re-appending the same events is idempotent exactly as KurrentDB makes it.
 * - Positions: see `positions.ts` (commit position; a read after a position that is not a record
 *   boundary restarts at the nearest boundary before it that this process has seen, else at the
 *   beginning, and skips).
 * - Reads page (`pageSize` events per request, continuing from the last record), so a large read never
 *   holds more than one page. readAll and subscribeToAll never show system records (`$` streams,
 *   `$` types).
 * - Subscriptions are the client's catch-up subscriptions wrapped in rxjs Observables (`catch-up.ts`):
 *   one `caughtUp` (never before the start), resubscription forever after the last delivered event
 *   with a capped, doubling delay, and nothing delivered twice.
 */
import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  START,
  AccessDeniedError,
  StreamDeletedError,
  streamNameFilter,
  type MultiAppendResult,
  type Position,
  type ReadPosition,
  type ReadRevision,
} from '@kurrent/kurrentdb-client';
import { Observable, throwError } from 'rxjs';
import {
  WrongExpectedRevision,
  type AppendManyResult,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamWrite,
  type SubscriptionMessage,
} from '../port.js';
import { catchUpObservable, type CatchUpSpec } from './catch-up.js';
import {
  assertServerVersion,
  isUserEvent,
  mapKurrentError,
  mapKurrentReadError,
  mapMultiAppendError,
  toActual,
  toEventData,
  toKurrentStreamState,
  toRecordedEvent,
  validateWrite,
  validateWrites,
  type KurrentResolvedEventLike,
} from './mapping.js';
import {
  BoundaryCache,
  fallbackStart,
  isPositionRefused,
  samePosition,
  toPortPosition,
  toReadPosition,
} from './positions.js';

export interface EventStoreDbOptions {
  /** Events per read request (default 1000). */
  pageSize?: number;
  /** Resubscription back-off: first delay and cap (ms). Resubscription never gives up. */
  resubscribe?: { baseDelayMs?: number; maxDelayMs?: number };
}

/** What the adapter reads of the client's server features (the client's own tests read it the same way). */
interface ServerFeaturesLike {
  serverVersion: string;
}

/** The server version as the client learnt it ('unknown' for servers without server features). */
export async function serverVersionOf(client: KurrentDBClient): Promise<string> {
  const features = await (client as unknown as { capabilities: Promise<ServerFeaturesLike> }).capabilities;
  return features.serverVersion;
}

/**
 * Connects, refuses a server without atomic multi-stream append (older than KurrentDB 25.1.1), checks
 * $all can be read, and returns the port over KurrentDB.
 */
export async function openEventStoreDb(connectionString: string, options: EventStoreDbOptions = {}): Promise<EventStore> {
  const where = redact(connectionString);
  const client = KurrentDBClient.connectionString(connectionString);
  let version: string;
  try {
    version = await serverVersionOf(client);
  } catch (error) {
    await client.dispose().catch(() => undefined);
    throw new Error(`Cannot reach KurrentDB at ${where}: ${(error as Error).message}`, { cause: error });
  }
  try {
    assertServerVersion(version, where);
  } catch (error) {
    await client.dispose().catch(() => undefined);
    throw error;
  }
  const store = new EventStoreDbEventStore(client, options);
  try {
    await store.headPosition();
  } catch (error) {
    await client.dispose().catch(() => undefined);
    throw new Error(`Cannot read $all on KurrentDB at ${where}: ${(error as Error).message}`, { cause: error });
  }
  return store;
}

/** The same, by its new name. */
export const openKurrentDb = openEventStoreDb;

function redact(connectionString: string): string {
  return connectionString.replace(/\/\/[^@/]*@/, '//***@');
}

/** Positions of $all as the client has them (`{ commit, prepare }`), for paging. */
type Raw = Position;

export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly pageSize: number;
  private readonly retry: EventStoreDbOptions['resubscribe'];
  private readonly completers = new Set<() => void>();
  /** Record boundaries seen, for reads after a position that is not one (see `positions.ts`). */
  readonly boundaries = new BoundaryCache();
  private closed = false;

  constructor(
    private readonly client: KurrentDBClient,
    options: EventStoreDbOptions = {},
  ) {
    this.pageSize = Math.max(2, options.pageSize ?? 1000);
    this.retry = options.resubscribe;
  }

  // ---------------------------------------------------------------- writes

  async append(stream: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (this.closed) throw new Error('KurrentDB store is closed');
    const expectedRevision = options?.expectedRevision;
    validateWrite(stream, events, expectedRevision);
    let result;
    try {
      result = await this.client.appendToStream(stream, events.map(toEventData), {
        streamState: toKurrentStreamState(expectedRevision),
      });
    } catch (error) {
      throw mapKurrentError(error, stream, expectedRevision);
    }
    if (result.success === false) {
      // Only a revision conflict answers success: false; its nextExpectedRevision is the current one.
      throw new WrongExpectedRevision(stream, expectedRevision, toActual(result.nextExpectedRevision));
    }
    const nextRevision = result.nextExpectedRevision;
    if (typeof nextRevision !== 'bigint' || nextRevision < 0n) {
      throw new Error(`KurrentDB answered an append to ${stream} without a revision: it may or may not have been written`);
    }
    // The server reports the last written event's position. Where it reports none (an idempotent
    // replay of events already written may come back without one), read that event's own position.
    const position =
      result.position && result.position.commit >= 0n ? toPortPosition(result.position) : await this.positionOf(stream, nextRevision);
    this.boundaries.remember(position);
    return { nextRevision, position };
  }

  async appendMany(writes: StreamWrite[]): Promise<AppendManyResult> {
    if (this.closed) throw new Error('KurrentDB store is closed');
    validateWrites(writes);
    const requests = writes.map((w) => ({
      streamName: w.stream,
      events: w.events.map(toEventData),
      expectedState: toKurrentStreamState(w.expectedRevision),
    }));
    let result: MultiAppendResult;
    try {
      result = await this.client.multiStreamAppend(requests);
    } catch (error) {
      throw mapMultiAppendError(error, writes);
    }
    return this.appendManyResult(writes, result);
  }

  /**
   * The server answers each stream's revision and the position of the last record written. A stream's
   * own position is that for a one-stream write; for several streams each stream's last event is read
   * (by its revision), as the client does not pass on the per-stream positions.
   */
  private async appendManyResult(writes: StreamWrite[], result: MultiAppendResult): Promise<AppendManyResult> {
    const responses = result?.responses ?? [];
    const revisions = writes.map((w, i) => {
      const r =
        responses[i]?.streamName === w.stream
          ? responses[i]
          : (responses.find((x) => x.streamName === w.stream) ??
            responses.find((x) => x.streamName.toLowerCase() === w.stream.toLowerCase()));
      if (!r || typeof r.revision !== 'bigint' || r.revision < 0n) {
        throw new Error(
          `KurrentDB answered a multi-stream append without the revision of ${w.stream}: it may or may not have been written`,
        );
      }
      return r.revision;
    });
    const global = typeof result.position === 'bigint' && result.position > 0n ? result.position : undefined;
    const positions =
      writes.length === 1 && global !== undefined
        ? [global]
        : await Promise.all(writes.map((w, i) => this.positionOf(w.stream, revisions[i])));
    const highest = positions.reduce((a, b) => (b > a ? b : a), 0n);
    const position = global !== undefined && global > highest ? global : highest;
    for (const p of positions) this.boundaries.remember(p);
    return {
      streams: writes.map((w, i) => ({ stream: w.stream, nextRevision: revisions[i], position: positions[i] })),
      position,
    };
  }

  private async positionOf(stream: string, revision: bigint): Promise<bigint> {
    try {
      for await (const resolved of this.client.readStream(stream, { fromRevision: revision, maxCount: 1 })) {
        const event = toRecordedEvent(resolved as KurrentResolvedEventLike);
        if (event) return event.position;
      }
    } catch (error) {
      throw mapKurrentReadError(error, stream);
    }
    throw new Error(`KurrentDB: event ${stream}@${revision} not found after append`);
  }

  // ---------------------------------------------------------------- reads

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
          const page: RecordedEvent[] = [];
          try {
            const read = client.readStream(stream, {
              fromRevision: from,
              maxCount: want,
              direction: backwards ? BACKWARDS : FORWARDS,
            });
            for await (const resolved of read) {
              got++;
              const event = toRecordedEvent(resolved as KurrentResolvedEventLike);
              if (!event) continue;
              last = event.revision;
              page.push(event);
            }
          } catch (error) {
            throw mapKurrentReadError(error, stream);
          }
          for (const event of page) {
            remaining--;
            yield event;
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
    // The lower bound: exclusive `after`, or inclusive `fromPosition` (an event's own position).
    const inclusive = options.after === undefined;
    const bound = options.after ?? options.fromPosition ?? 0n;
    const wanted = (p: bigint): boolean => (inclusive ? p >= bound : p > bound);
    const client = this.client;
    const pageSize = this.pageSize;
    const boundaries = this.boundaries;
    return {
      async *[Symbol.asyncIterator]() {
        if (options.after !== undefined && options.fromPosition !== undefined) {
          throw new Error('readAll takes `after` or `fromPosition`, not both');
        }
        if (typeof bound !== 'bigint' || bound < 0n) throw new RangeError(`Invalid position: ${String(bound)}`);
        let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
        if (remaining <= 0) return;
        // Where the first page starts: the bound itself, or (after a refusal) an earlier boundary.
        let start = bound;
        let from: ReadPosition = toReadPosition(start);
        // The raw position of the last record handled; the next page starts there (inclusive), so
        // that record comes again first and is skipped.
        let cursor: Raw | undefined;
        for (;;) {
          let got = 0;
          let lastRaw: Raw | undefined;
          const page: RecordedEvent[] = [];
          try {
            for await (const resolved of client.readAll({ fromPosition: from, maxCount: pageSize, direction: FORWARDS })) {
              got++;
              const raw = resolved.event?.position;
              if (raw) {
                if (samePosition(raw, cursor)) continue;
                lastRaw = raw;
              }
              if (!isUserEvent(resolved as KurrentResolvedEventLike)) continue;
              const event = toRecordedEvent(resolved as KurrentResolvedEventLike);
              if (!event) continue;
              boundaries.remember(event.position);
              if (wanted(event.position)) page.push(event);
            }
          } catch (error) {
            // Refused before anything came: the start is not a record boundary; start earlier.
            const earlier = cursor === undefined && got === 0 && isPositionRefused(error) ? fallbackStart(start, boundaries) : undefined;
            if (earlier === undefined) throw error;
            start = earlier;
            from = toReadPosition(start);
            continue;
          }
          for (const event of page) {
            yield event;
            if (--remaining <= 0) return;
          }
          if (got < pageSize || !lastRaw) return;
          cursor = lastRaw;
          from = lastRaw;
        }
      },
    };
  }

  /** Position of the last user event on $all, reading backwards page by page; 0n when none. */
  async headPosition(): Promise<bigint> {
    // Usually the first few records are enough; when a page holds only system records, read wider.
    let pageSize = Math.min(this.pageSize, 100);
    let from: ReadPosition = END;
    let cursor: Raw | undefined;
    for (;;) {
      let got = 0;
      let lastRaw: Raw | undefined;
      let found: bigint | undefined;
      for await (const resolved of this.client.readAll({ fromPosition: from, maxCount: pageSize, direction: BACKWARDS })) {
        got++;
        const raw = resolved.event?.position;
        if (!raw) continue;
        if (samePosition(raw, cursor)) continue;
        lastRaw = raw;
        if (isUserEvent(resolved as KurrentResolvedEventLike)) {
          found = toPortPosition(raw);
          break;
        }
      }
      if (found !== undefined) {
        this.boundaries.remember(found);
        return found;
      }
      if (got < pageSize || !lastRaw) return 0n;
      cursor = lastRaw;
      from = lastRaw;
      pageSize = this.pageSize;
    }
  }

  private async streamHead(stream: string): Promise<bigint> {
    try {
      for await (const resolved of this.client.readStream(stream, { fromRevision: END, direction: BACKWARDS, maxCount: 1 })) {
        if (resolved.event) return resolved.event.revision;
      }
      return -1n;
    } catch (error) {
      const mapped = mapKurrentReadError(error, stream);
      if (mapped instanceof Error && mapped.name === 'StreamNotFound') return -1n;
      throw error;
    }
  }

  // ---------------------------------------------------------------- subscriptions

  subscribeToAll(options: { after?: bigint } = {}): Observable<SubscriptionMessage> {
    const start = options.after ?? 0n;
    if (typeof start !== 'bigint' || start < 0n) return throwError(() => new RangeError(`Invalid position: ${String(start)}`));
    return this.subscribe('$all', {
      start,
      // Nothing to catch up when the head (last user event) is at or before the start.
      readHead: async () => {
        const head = await this.headPosition();
        return { head, headPosition: head };
      },
      open: (from) =>
        this.client.subscribeToAll({
          fromPosition: toReadPosition(from),
          // `$` streams never reach us (their user-typed events neither); `accept` checks again.
          filter: streamNameFilter({ regex: '^[^$]' }),
        }),
      keyOf: (event) => event.position,
      accept: isUserEvent,
      caughtUpPosition: (lastPosition) => lastPosition,
      minCaughtUp: start,
      fallback: (from, error) => (isPositionRefused(error) ? fallbackStart(from, this.boundaries) : undefined),
      seen: (position) => this.boundaries.remember(position),
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
      open: (after) => this.client.subscribeToStream(stream, { fromRevision: after < 0n ? START : after }),
      keyOf: (event) => event.revision,
      accept: (resolved) => !!resolved.event,
      caughtUpPosition: (lastPosition, headPosition) => (headPosition > lastPosition ? headPosition : lastPosition),
    });
  }

  private subscribe(
    name: string,
    spec: Omit<CatchUpSpec, 'fatal' | 'retry' | 'onClose'>,
  ): Observable<SubscriptionMessage> {
    return catchUpObservable({
      ...spec,
      open: (from) => {
        if (this.closed) throw new Error('KurrentDB store is closed');
        return spec.open(from);
      },
      fatal: (error) =>
        error instanceof StreamDeletedError || error instanceof AccessDeniedError || this.closed
          ? mapKurrentReadError(error, name)
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
export * from './positions.js';
export { catchUpObservable, type CatchUpSource, type CatchUpSpec } from './catch-up.js';
