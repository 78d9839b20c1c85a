/**
 * Pure mappings between the port (`../port.ts`) and `@eventstore/db-client` (v6).
 * Everything client-specific lives in this folder, so the client can be swapped
 * (e.g. for `@kurrent/kurrentdb-client`, whose API is the same shape) by editing only here.
 *
 * POSITION ASSUMPTION. EventStoreDB positions are `{ commit, prepare }`; the port has one bigint.
 * For ordinary appends (no explicit transactions, which the gRPC API no longer offers) every event's
 * commit position equals its prepare position, each event has its own, and they increase strictly in
 * log order. So the port's position is the COMMIT position, and a port position `p` converts back to
 * `{ commit: p, prepare: p }`. A position the port hands back to EventStoreDB is always one it received
 * from it (or 0n, "the beginning"), so it lies on an event boundary.
 */
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type JSONEventData,
  type JSONType,
  type Position,
  type ReadPosition,
} from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import {
  StreamNotFound,
  WrongExpectedRevision,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '../port.js';

/** The port's expected revision as the client's. */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (typeof expected !== 'bigint' || expected < 0n) {
        throw new TypeError(`Invalid expected revision: ${String(expected)}`);
      }
      return expected;
  }
}

/**
 * A client error as the port's error, where the port has one; otherwise the error unchanged.
 * `expected` is what the caller passed (reported as given, not as the server echoes it).
 */
export function mapEsdbError(error: unknown, stream: string, expected?: ExpectedRevision): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion;
    return new WrongExpectedRevision(
      stream,
      expected ?? fromEsdbExpectedRevision(error.expectedVersion),
      typeof actual === 'bigint' ? actual : 'no_stream',
    );
  }
  if (error instanceof StreamNotFoundError) return new StreamNotFound(stream);
  return error;
}

/** Reads of a deleted (tombstoned or soft-deleted) stream find no events: StreamNotFound too. */
export function mapEsdbReadError(error: unknown, stream: string): unknown {
  if (error instanceof StreamDeletedError) return new StreamNotFound(stream);
  return mapEsdbError(error, stream);
}

function fromEsdbExpectedRevision(expected: AppendExpectedRevision): ExpectedRevision {
  if (typeof expected === 'bigint') return expected;
  if (expected === NO_STREAM) return 'no_stream';
  if (expected === STREAM_EXISTS) return 'stream_exists';
  return 'any';
}

/** `{ commit, prepare }` → the port's position (the commit position; see the header). */
export function toPortPosition(position: Position): bigint {
  return position.commit;
}

/** The port's position → `{ commit: p, prepare: p }` (see the header). */
export function toEsdbPosition(position: bigint): Position {
  if (position < 0n) throw new RangeError(`Invalid position: ${position}`);
  return { commit: position, prepare: position };
}

/**
 * Where to start reading/subscribing on $all for a port position: 0n (or none) is the beginning,
 * so it maps to START; any other position to `{ commit: p, prepare: p }`.
 */
export function toEsdbReadPosition(position: bigint | undefined): ReadPosition {
  if (position === undefined || position === 0n) return START;
  return toEsdbPosition(position);
}

/** System events (`$statsCollected`, `$metadata`, links `$>` …): never shown through the port. */
export function isSystemEventType(type: string): boolean {
  return type.startsWith('$');
}

/** The port's new event as the client's JSON event data, keeping (or minting) the event id. */
export function toEventData(event: NewEvent): JSONEventData {
  return {
    id: event.id ?? randomUUID(),
    contentType: 'application/json',
    type: event.type,
    // The client JSON.stringifies data and metadata; any JSON value is fine on the wire.
    data: event.data as JSONType,
    metadata: event.metadata as unknown as JSONType,
  } as JSONEventData;
}

/** The minimum of a client `ResolvedEvent` this mapping reads (matches v6's `ResolvedEvent`). */
export interface EsdbResolvedEventLike {
  event?: {
    streamId: string;
    id: string;
    isJson: boolean;
    revision: bigint;
    type: string;
    created: Date;
    data: unknown;
    metadata?: unknown;
    position?: Position;
  };
  link?: unknown;
  commitPosition?: bigint;
}

/** How the server spells "no position" (uint64 max), e.g. on stream reads of events it cannot place. */
export const NO_POSITION = 0xffff_ffff_ffff_ffffn;

/** The event's position on $all as a port position, or undefined when the server gave none. */
export function resolvedPosition(resolved: EsdbResolvedEventLike): bigint | undefined {
  const position = resolved.event?.position;
  if (position && position.commit !== NO_POSITION) return toPortPosition(position);
  const commit = resolved.commitPosition;
  return commit === undefined || commit === NO_POSITION ? undefined : commit;
}

function decodeBytes(value: Uint8Array): unknown {
  const text = Buffer.from(value).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return value;
  }
}

function toMetadata(raw: unknown, recordedAt: string): EventMetadata {
  const value = raw instanceof Uint8Array ? decodeBytes(raw) : raw;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)) {
    return value as EventMetadata;
  }
  // Written by someone else than this adapter: keep what there is, say who we do not know.
  return { actor: 'unknown', correlationId: '', causationId: null, at: recordedAt, raw: value ?? null };
}

/**
 * A client `ResolvedEvent` as the port's RecordedEvent; undefined when it carries no event
 * (an unresolved link). Throws when the server returns no position (servers before 22.6).
 */
export function toRecordedEvent(resolved: EsdbResolvedEventLike): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  const position = resolvedPosition(resolved);
  if (position === undefined) {
    throw new Error(`EventStoreDB returned no position for event ${event.id} (server 22.6 or later is needed)`);
  }
  const recordedAt = event.created.toISOString();
  const data = event.data instanceof Uint8Array ? decodeBytes(event.data) : event.data;
  return {
    id: event.id,
    stream: event.streamId,
    type: event.type,
    data,
    metadata: toMetadata(event.metadata, recordedAt),
    revision: event.revision,
    position,
    recordedAt,
  };
}

/** Delay before resubscription attempt `attempt` (1-based): doubling from `baseMs`, capped at `maxMs`. */
export function resubscribeDelay(attempt: number, baseMs = 100, maxMs = 5000): number {
  if (attempt < 1) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
}
