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
 * - Tamper evidence (`chain.ts`): every event carries its stream's chain in its metadata, computed in
 *   append/appendMany (`chained-writes.ts`: `any` expects the head it read; this process's writes
 *   one stream at a time); the sealer (`sealer.ts`) seals ranges of the global log into a stream of
 *   its own; `verify` checks both, `lastEvent` names an event and its hash.
 * - Subscriptions are the client's catch-up subscriptions wrapped in rxjs Observables (`catch-up.ts`):
 *   one `caughtUp` (never before the start), resubscription forever after the last delivered event
 *   with a capped, doubling delay, and nothing delivered twice.
 */
import {
  BACKWARDS,
  END,
  KurrentDBClient,
  START,
  AccessDeniedError,
  StreamDeletedError,
  streamNameFilter,
  type MultiAppendResult,
  type Position,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import { Observable, throwError } from 'rxjs';
import {
  WrongExpectedRevision,
  type AppendManyResult,
  type AppendOptions,
  type AppendResult,
  type BuiltFrom,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamWrite,
  type SubscriptionMessage,
  type VerifyOptions,
  type VerifyResult,
} from '../port.js';
import { catchUpObservable, type CatchUpSpec } from './catch-up.js';
import { chainOf, type ChainedEvent } from './chain.js';
import { chainedRequests, CHAIN_RETRIES, jitter, retryable, StreamQueue, type ChainedRequest } from './chained-writes.js';
import { readAllResolved, readStreamPaged } from './reads.js';
import { Sealer, type SealerOptions } from './sealer.js';
import {
  assertServerVersion,
  isUserEvent,
  mapKurrentError,
  mapKurrentReadError,
  mapMultiAppendError,
  toActual,
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
  /** The sealer (`sealer.ts`): how often it seals in the background (off unless given) and the most events a seal covers. */
  seal?: SealerOptions;
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
  const store = new EventStoreDbEventStore(client, { seal: { everyMs: 5000 }, ...options });
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
  /** Seals ranges of the global log into `SEAL_STREAM` (`sealer.ts`); `verify` checks them. */
  readonly sealer: Sealer;
  /** This process's writes one stream at a time, so each chains to the head it read (`chained-writes.ts`). */
  private readonly queue = new StreamQueue();

  constructor(
    private readonly client: KurrentDBClient,
    options: EventStoreDbOptions = {},
  ) {
    this.pageSize = Math.max(2, options.pageSize ?? 1000);
    this.retry = options.resubscribe;
    this.sealer = new Sealer(this, (o) => this.readChained(o), options.seal);
  }

  // ---------------------------------------------------------------- writes

  async append(stream: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    if (this.closed) throw new Error('KurrentDB store is closed');
    const expectedRevision = options?.expectedRevision;
    validateWrite(stream, events, expectedRevision);
    const result = await this.queue.run([stream], async () => {
      for (let attempt = 1; ; attempt++) {
        const [request] = await chainedRequests(this.client, [{ stream, expectedRevision, events }]);
        let answer;
        try {
          answer = await this.client.appendToStream(stream, request.events, { streamState: request.expectedState });
        } catch (error) {
          if (attempt < CHAIN_RETRIES && retryable(error, [request])) {
            await jitter(attempt);
            continue;
          }
          throw mapKurrentError(error, stream, expectedRevision);
        }
        // a conflict on a revision read here (another process's writer): read it again
        if (answer.success === false && request.readHere && attempt < CHAIN_RETRIES) {
          await jitter(attempt);
          continue;
        }
        return answer;
      }
    });
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
    const result: MultiAppendResult = await this.queue.run(
      writes.map((w) => w.stream),
      async () => {
        for (let attempt = 1; ; attempt++) {
          const requests: ChainedRequest[] = await chainedRequests(this.client, writes);
          try {
            return await this.client.multiStreamAppend(requests.map(({ streamName, events, expectedState }) => ({ streamName, events, expectedState })));
          } catch (error) {
            if (attempt < CHAIN_RETRIES && retryable(error, requests)) {
              await jitter(attempt);
              continue;
            }
            throw mapMultiAppendError(error, writes);
          }
        }
      },
    );
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
    return readStreamPaged(this.client, this.pageSize, stream, options);
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const resolvedEvents = this.readAllResolved(options);
    return {
      async *[Symbol.asyncIterator]() {
        for await (const { event } of resolvedEvents) yield event;
      },
    };
  }

  /** readAll with each event's chain (`chain.ts`), for the sealer and `verify`. */
  readChained(options: { after?: bigint } = {}): AsyncIterable<ChainedEvent> {
    const resolvedEvents = this.readAllResolved(options);
    return {
      async *[Symbol.asyncIterator]() {
        for await (const { event, resolved } of resolvedEvents) {
          const chain = chainOf(resolved.event!.metadata);
          yield {
            stream: event.stream,
            revision: event.revision,
            position: event.position,
            id: event.id,
            type: event.type,
            dataText: JSON.stringify(event.data ?? null),
            metadataText: chain.metadataText,
            prev: chain.prev,
            hash: chain.hash,
          };
        }
      },
    };
  }

  private readAllResolved(options: ReadAllOptions): AsyncIterable<{ event: RecordedEvent; resolved: KurrentResolvedEventLike }> {
    return readAllResolved(this.client, this.pageSize, this.boundaries, options);
  }

  /** Position of the last user event on $all, reading backwards page by page; 0n when none. */
  async headPosition(): Promise<bigint> {
    const found = await this.lastUserEvent();
    return found ? found.position : 0n;
  }

  /**
   * The last user event at or before `atOrBefore` (default: the head), reading $all backwards page
   * by page from `from` (default: the end); undefined when none.
   */
  private async lastUserEvent(atOrBefore?: bigint, from: ReadPosition = END): Promise<{ position: bigint; resolved: KurrentResolvedEventLike } | undefined> {
    // Usually the first few records are enough; when a page holds only system records, read wider.
    let pageSize = Math.min(this.pageSize, 100);
    let cursor: Raw | undefined;
    for (;;) {
      let got = 0;
      let lastRaw: Raw | undefined;
      for await (const resolved of this.client.readAll({ fromPosition: from, maxCount: pageSize, direction: BACKWARDS })) {
        got++;
        const raw = resolved.event?.position;
        if (!raw) continue;
        if (samePosition(raw, cursor)) continue;
        lastRaw = raw;
        const position = toPortPosition(raw);
        if (isUserEvent(resolved as KurrentResolvedEventLike) && (atOrBefore === undefined || position <= atOrBefore)) {
          this.boundaries.remember(position);
          return { position, resolved: resolved as KurrentResolvedEventLike };
        }
      }
      if (got < pageSize || !lastRaw) return undefined;
      cursor = lastRaw;
      from = lastRaw;
      pageSize = this.pageSize;
    }
  }

  /**
   * The last event at or before the position and its own hash in its stream's chain (`chain.ts`).
   * Reads backwards from the position itself when it is a record boundary (else from the nearest
   * one after it this process has seen, else from the end).
   */
  async lastEvent(options: { atOrBefore?: bigint } = {}): Promise<BuiltFrom | null> {
    const p = options.atOrBefore;
    if (p !== undefined && p <= 0n) return null;
    let found: { position: bigint; resolved: KurrentResolvedEventLike } | undefined;
    if (p === undefined) found = await this.lastUserEvent();
    else {
      // the event at p itself (a forward read from a boundary includes it), else backwards from p
      for await (const { event, resolved } of this.readAllResolved({ fromPosition: p, maxCount: 1 })) {
        if (event.position === p) found = { position: p, resolved };
      }
      if (!found) {
        try {
          found = await this.lastUserEvent(p, toReadPosition(p));
        } catch (error) {
          if (!isPositionRefused(error)) throw error;
          found = await this.lastUserEvent(p);
        }
      }
    }
    return found ? { position: found.position, hash: chainOf(found.resolved.event?.metadata).hash ?? null } : null;
  }

  /** The stream chains and the seals (`chain.ts`, `sealer.ts`): the same answer as the SQLite store's. */
  verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    return this.sealer.verify(options);
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
    await this.sealer.stop();
    this.closed = true;
    for (const complete of [...this.completers]) complete();
    this.completers.clear();
    await this.client.dispose();
  }
}

export * from './mapping.js';
export * from './positions.js';
export { catchUpObservable, type CatchUpSource, type CatchUpSpec } from './catch-up.js';
