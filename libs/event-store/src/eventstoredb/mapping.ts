/**
 * Pure mappings between the port (`../port.ts`) and `@kurrent/kurrentdb-client` (1.x). Everything
 * client-specific lives in this folder; positions have their own module (`positions.ts`).
 *
 * METADATA. `multiStreamAppend` takes only string → string metadata (the server stores it as record
 * properties). Our metadata (any JSON object) is written as ONE property, `saksflyt.metadata`, holding
 * its JSON text, by both write paths, so every event this adapter writes looks the same. On read the
 * server returns properties as a JSON object, with its own `$schema.*` keys beside ours; the decoder
 * takes our key and ignores the rest. Events written by earlier versions of this adapter (plain JSON
 * metadata) and by other programs are read as before: a plain object is taken as it is; anything
 * else gets actor "unknown".
 */
import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendStreamState,
  type CurrentStreamState,
  type JSONEventData,
  type JSONType,
  type Position,
} from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import {
  StreamNotFound,
  WrongExpectedRevision,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type StreamWrite,
} from '../port.js';
import { chainOf, SEAL_STREAM } from './chain.js';
import { NO_POSITION, toPortPosition } from './positions.js';

/** The server version whose `multiStreamAppend` is atomic; older servers are refused at connect. */
export const REQUIRED_SERVER_VERSION = '25.1.1';

/** The property holding our metadata's JSON text (see the header). */
export const METADATA_KEY = 'saksflyt.metadata';

// ------------------------------------------------------------------ expected revisions and errors

/**
 * The port's expected revision as the client's. A negative revision (e.g. -1n, "the revision of an
 * empty stream") means the stream does not exist yet: `no_stream`. Anything else that is not one of
 * the port's values is refused before it reaches the server.
 */
export function toKurrentStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (typeof expected !== 'bigint') throw new TypeError(`Invalid expected revision: ${String(expected)}`);
      return expected < 0n ? NO_STREAM : expected;
  }
}

function fromKurrentStreamState(expected: AppendStreamState): ExpectedRevision {
  if (typeof expected === 'bigint') return expected;
  if (expected === NO_STREAM) return 'no_stream';
  if (expected === STREAM_EXISTS) return 'stream_exists';
  return 'any';
}

/** The server's "current revision" as the port's actual: a revision, or 'no_stream' (none, or negative). */
export function toActual(current: CurrentStreamState | bigint | undefined): bigint | 'no_stream' {
  return typeof current === 'bigint' && current >= 0n ? current : 'no_stream';
}

/**
 * A client error as the port's error, where the port has one; otherwise the error unchanged.
 * `expected` is what the caller passed (reported as given, not as the server echoes it).
 */
export function mapKurrentError(error: unknown, stream: string, expected?: ExpectedRevision): unknown {
  if (error instanceof WrongExpectedVersionError) {
    return new WrongExpectedRevision(
      stream,
      expected ?? fromKurrentStreamState(error.expectedState),
      toActual(error.actualState),
    );
  }
  if (error instanceof StreamNotFoundError) return new StreamNotFound(stream);
  return error;
}

/** Reads of a deleted (tombstoned or soft-deleted) stream find no events: StreamNotFound too. */
export function mapKurrentReadError(error: unknown, stream: string): unknown {
  if (error instanceof StreamDeletedError) return new StreamNotFound(stream);
  return mapKurrentError(error, stream);
}

/**
 * An error of `multiStreamAppend` as the port's: a revision conflict names the stream the server
 * names, with the expected revision that write was given.
 */
export function mapMultiAppendError(error: unknown, writes: readonly StreamWrite[]): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const named = error.streamName;
    const write =
      writes.find((w) => w.stream === named) ??
      writes.find((w) => w.stream.toLowerCase() === String(named ?? '').toLowerCase()) ??
      (writes.length === 1 ? writes[0] : undefined);
    const stream = write?.stream ?? named;
    return new WrongExpectedRevision(
      stream,
      write ? write.expectedRevision : fromKurrentStreamState(error.expectedState),
      toActual(error.actualState),
    );
  }
  return error;
}

/**
 * What the port refuses before anything is sent (the SQLite store refuses the same): no writes, a
 * write without a stream name or without events, a stream named twice, an event without a type, an
 * event id given twice, an expected revision that is not one.
 */
export function validateWrites(writes: readonly StreamWrite[]): void {
  if (!Array.isArray(writes) || writes.length === 0) throw new Error('appendMany needs at least one stream write');
  const streams = new Set<string>();
  for (const w of writes) validateWrite(w.stream, w.events, w.expectedRevision, streams);
}

export function validateWrite(stream: string, events: readonly NewEvent[], expected: ExpectedRevision, streams = new Set<string>()): void {
  if (typeof stream !== 'string' || stream.length === 0) throw new Error('Stream name required');
  if (streams.has(stream)) throw new Error(`Stream ${stream} is named twice in one appendMany`);
  streams.add(stream);
  if (!Array.isArray(events) || events.length === 0) throw new Error(`append needs at least one event (stream ${stream})`);
  toKurrentStreamState(expected);
  const ids = new Set<string>();
  for (const e of events) {
    if (!e || typeof e.type !== 'string' || e.type.length === 0) throw new Error('Every event needs a type');
    if (typeof e.id === 'string' && e.id.length > 0) {
      if (ids.has(e.id)) throw new Error(`Event id ${e.id} appears twice in one append`);
      ids.add(e.id);
    }
  }
}

// ------------------------------------------------------------------ events

/** Our metadata as the string → string map both write paths store (see the header). */
export function encodeMetadata(metadata: EventMetadata): Record<string, string> {
  return { [METADATA_KEY]: JSON.stringify(metadata ?? null) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Metadata as read back → ours: our property decoded; a plain object without it (earlier versions of
 * this adapter, other writers) as it is; anything else, or our property not holding an object, gets
 * actor "unknown", its recorded time, and what there was under `raw`.
 */
export function decodeMetadata(raw: unknown, recordedAt: string): EventMetadata {
  const value = raw instanceof Uint8Array ? decodeBytes(raw) : raw;
  if (isPlainObject(value)) {
    const ours = value[METADATA_KEY];
    if (typeof ours === 'string') {
      const decoded = parseJson(ours);
      if (isPlainObject(decoded)) return decoded as EventMetadata;
    } else if (ours === undefined) {
      return value as EventMetadata;
    }
  }
  return { actor: 'unknown', correlationId: '', causationId: null, at: recordedAt, raw: value ?? null };
}

/** The port's new event as the client's JSON event data, keeping (or minting) the event id. */
export function toEventData(event: NewEvent): JSONEventData {
  return {
    id: event.id ?? randomUUID(),
    contentType: 'application/json',
    type: event.type,
    // The client JSON.stringifies data; any JSON value is fine on the wire (undefined is stored as null).
    data: (event.data ?? null) as JSONType,
    metadata: encodeMetadata(event.metadata),
  } as JSONEventData;
}

/** The minimum of a client `ResolvedEvent` this mapping reads (matches 1.x's `ResolvedEvent`). */
export interface KurrentResolvedEventLike {
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

/**
 * System records are never shown through the port: every event of a `$` stream (system streams,
 * `$$` metadata streams, projections' `$ce-`/`$et-` streams; also a user-typed event someone wrote
 * there), and system-typed events (`$metadata`, links `$>`, …) wherever they are; nor the seals
 * (`SEAL_STREAM`), read only by the sealer and `verify`.
 */
export function isSystemRecord(stream: string, type: string): boolean {
  // the sealer's stream is the store's own bookkeeping too (`chain.ts`)
  return stream.startsWith('$') || type.startsWith('$') || stream === SEAL_STREAM;
}

/** Whether a resolved event is one of ours to show (it carries an event, and not a system one). */
export function isUserEvent(resolved: KurrentResolvedEventLike): boolean {
  return !!resolved.event && !isSystemRecord(resolved.event.streamId, resolved.event.type);
}

/** The event's position on $all as a port position, or undefined when the server gave none. */
export function resolvedPosition(resolved: KurrentResolvedEventLike): bigint | undefined {
  const position = resolved.event?.position;
  if (position && position.commit !== NO_POSITION && position.commit >= 0n) return toPortPosition(position);
  const commit = resolved.commitPosition;
  return commit === undefined || commit === NO_POSITION || commit < 0n ? undefined : commit;
}

function decodeBytes(value: Uint8Array): unknown {
  const text = Buffer.from(value).toString('utf8');
  const parsed = parseJson(text);
  return parsed === undefined ? value : parsed;
}

/**
 * A client `ResolvedEvent` as the port's RecordedEvent; undefined when it carries no event
 * (an unresolved link). Throws when the server returns no position.
 */
export function toRecordedEvent(resolved: KurrentResolvedEventLike): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  const position = resolvedPosition(resolved);
  if (position === undefined) {
    throw new Error(`KurrentDB returned no position for event ${event.id} (server 22.6 or later is needed)`);
  }
  const recordedAt = event.created.toISOString();
  const data = event.data instanceof Uint8Array ? decodeBytes(event.data) : event.data;
  return {
    id: event.id,
    stream: event.streamId,
    type: event.type,
    data,
    metadata: decodeMetadata(event.metadata, recordedAt),
    revision: event.revision,
    position,
    recordedAt,
    ...withHash(chainOf(event.metadata).hash),
  };
}

const withHash = (hash: string | undefined): { hash?: string } => (hash === undefined ? {} : { hash });

// ------------------------------------------------------------------ server version, back-off

/** `25.1.1`, `25.1.1.1234`, `v25.1.1-rc.1` → [25, 1, 1]; undefined when not a version. */
export function parseServerVersion(version: string | undefined): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec((version ?? '').trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Whether `version` is at least `required` (both as `parseServerVersion` reads them). */
export function versionAtLeast(version: string | undefined, required = REQUIRED_SERVER_VERSION): boolean {
  const have = parseServerVersion(version);
  const want = parseServerVersion(required)!;
  if (!have) return false;
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i] > want[i];
  return true;
}

/**
 * Throws unless the server can append to several streams atomically. `version` is what the server
 * reports ('unknown' when it predates server features, 20.6).
 */
export function assertServerVersion(version: string | undefined, where: string): void {
  if (versionAtLeast(version)) return;
  const reported = version && version !== 'unknown' ? `reports version ${version}` : 'does not report its version (older than 20.10)';
  throw new Error(
    `KurrentDB at ${where} ${reported}: Saksflyt needs KurrentDB ${REQUIRED_SERVER_VERSION} or later ` +
      `(atomic multi-stream append). Upgrade the server (e.g. image docker.kurrent.io/kurrent-latest/kurrentdb:25.1), ` +
      `or run Saksflyt on its embedded store (unset EVENTSTORE_CONNECTION_STRING).`,
  );
}

/** Delay before resubscription attempt `attempt` (1-based): doubling from `baseMs`, capped at `maxMs`. */
export function resubscribeDelay(attempt: number, baseMs = 100, maxMs = 5000): number {
  if (attempt < 1) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
}
