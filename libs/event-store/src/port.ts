/**
 * The event store port: what every adapter (embedded SQLite, EventStoreDB) offers.
 * Modelled on EventStoreDB's semantics so that both adapters pass one contract suite.
 *
 * Positions are global and strictly increasing (bigint). Revisions are 0-based per stream (bigint).
 * - readAll({ fromPosition }) is INCLUSIVE: events with position >= fromPosition.
 * - subscribeToAll({ fromPosition }) is EXCLUSIVE: events with position > fromPosition
 *   (pass the last position you processed, the checkpoint; omit it to start from the beginning).
 * - readStream({ fromRevision }) and subscribeToStream({ fromRevision }) are INCLUSIVE / EXCLUSIVE
 *   in the same way: read from that revision; subscribe after that revision.
 */
import type { Observable } from 'rxjs';

export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface EventMetadata {
  /** The acting user (a token's name), or 'system'. */
  actor: string;
  correlationId: string;
  causationId?: string | null;
  /** When it happened (ISO 8601 with offset). For imported history: when it happened in the record. */
  at: string;
  [key: string]: unknown;
}

export interface NewEvent<D = unknown> {
  /** uuid; generated when missing. Re-appending the same ids is idempotent. */
  id?: string;
  type: string;
  data: D;
  metadata: EventMetadata;
}

export interface RecordedEvent<D = unknown> {
  id: string;
  stream: string;
  type: string;
  data: D;
  metadata: EventMetadata;
  revision: bigint;
  position: bigint;
  /** When the store wrote it (ISO). */
  recordedAt: string;
  /** Tamper-evidence chain hash, where the adapter keeps one (the embedded store does). */
  hash?: string;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  nextRevision: bigint;
  /** Global position of the last event written. */
  position: bigint;
}

export interface ReadStreamOptions {
  fromRevision?: bigint;
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
}

export interface ReadAllOptions {
  fromPosition?: bigint;
  maxCount?: number;
}

export type SubscriptionMessage =
  | { kind: 'event'; event: RecordedEvent }
  | { kind: 'caughtUp'; position: bigint };

export interface EventStore {
  readonly kind: 'sqlite' | 'eventstoredb';
  append(stream: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** Pages lazily; throws StreamNotFound (on first iteration) when the stream has no events. */
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  /** Pages lazily through the global log in position order. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** Catches up from the position, emits one `caughtUp`, then goes live. No gap, no duplicate. */
  subscribeToAll(options?: { fromPosition?: bigint }): Observable<SubscriptionMessage>;
  subscribeToStream(stream: string, options?: { fromRevision?: bigint }): Observable<SubscriptionMessage>;
  /** Position of the last event in the store (0n when empty). */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}

export class WrongExpectedRevision extends Error {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or 'no_stream'. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`Wrong expected revision on ${stream}: expected ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevision';
  }
}

export class StreamNotFound extends Error {
  readonly code = 'STREAM_NOT_FOUND';
  constructor(readonly stream: string) {
    super(`Stream not found: ${stream}`);
    this.name = 'StreamNotFound';
  }
}
