/**
 * The event store port: what every adapter (embedded SQLite, KurrentDB) offers.
 * Modelled on KurrentDB's (EventStoreDB's) semantics so that both adapters pass one contract suite.
 *
 * Revisions are 0-based per stream (bigint) and run 0, 1, 2, … without a gap: callers may count them.
 *
 * Positions are global, strictly increasing and OPAQUE (bigint): the store says which positions
 * exist, nobody computes one. They are not dense (KurrentDB's are byte offsets in its log, and the
 * SQLite store can be asked for gapped ones): `position + 1n` is not the next event, `position - 1n`
 * is not the previous one, and the number of events is not the head position. `0n` is before every
 * event (the head of an empty store). Pass back only positions the store gave you: an event's
 * position, `headPosition()`, a `caughtUp` position, an append's result.
 * - readAll({ after }) is EXCLUSIVE: events with position > after (the cursor you hold: the last
 *   position you processed). Omit it (or pass 0n) to read from the beginning. `after` need not be an
 *   event's position (e.g. the head, or a position that lay between two events).
 * - readAll({ fromPosition }) is INCLUSIVE: events with position >= fromPosition. Only for callers
 *   holding an event's own position that should be included (audit paging). Never both at once.
 * - subscribeToAll({ after }) is EXCLUSIVE in the same way (pass your checkpoint; omit it to start
 *   from the beginning).
 * - readStream({ fromRevision }) is INCLUSIVE and subscribeToStream({ fromRevision }) EXCLUSIVE:
 *   read from that revision; subscribe after that revision.
 *
 * Idempotent re-append (both adapters keep exactly this much):
 * - Re-appending events whose ids are ALL already stored, as the same consecutive run (same order,
 *   consecutive revisions) of the same stream, succeeds with the original answer (revision and
 *   position) and writes nothing, whatever the expected revision now says. For `appendMany`, the call
 *   is a repeat when every one of its stream writes is; its answer is then the original one.
 * - Any other reuse of stored ids is refused and writes nothing: ids stored in another order, mixed
 *   with new ids, or at other revisions (WrongExpectedRevision or an Error), and an `appendMany` of
 *   which some stream writes are repeats and others are not (an Error: a retry must repeat the whole
 *   call). The SQLite store also refuses an id stored in another stream (DuplicateEventId); KurrentDB
 *   checks ids per stream only: never reuse an event's id for another event.
 * - KurrentDB recognises a repeat only within its idempotency window (per stream; for `any`,
 *   bounded to recent writes). So an application derives its event ids deterministically per
 *   command: the retry of the same command (after a timeout or a lost answer) gives the same ids and
 *   cannot write twice.
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
  /** uuid; generated when missing. Re-appending the same ids is idempotent (see the top of this file). */
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

/** One stream's part of an `appendMany`. */
export interface StreamWrite {
  stream: string;
  expectedRevision: ExpectedRevision;
  events: NewEvent[];
  /**
   * Only with a numeric `expectedRevision`, and only for a store with `ordersConcurrentAppends`:
   * the stream's event AT `expectedRevision` must be the event with this id, else the write is a
   * conflict (WrongExpectedRevision, nothing of the call written). For a caller that decided on an
   * append of its own still in flight (its last event at that revision): the revision alone could be
   * met by someone else's event when that append fails; the id cannot. Other stores do not check it:
   * do not pass it to them.
   */
  expectedLastEventId?: string;
}

export interface AppendManyResult {
  /**
   * One entry per write, in the order given: the stream's revision after the write, and the global
   * position of the last event written to it.
   */
  streams: { stream: string; nextRevision: bigint; position: bigint }[];
  /** The highest global position written. */
  position: bigint;
}

export interface ReadStreamOptions {
  fromRevision?: bigint;
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
}

export interface ReadAllOptions {
  /** EXCLUSIVE cursor: events with position > after. Omit (or 0n): from the beginning. */
  after?: bigint;
  /** INCLUSIVE: events with position >= fromPosition; only with an event's own position (audit paging). */
  fromPosition?: bigint;
  maxCount?: number;
  /**
   * A hint: only events of these types are needed. An adapter MAY leave out events of other types
   * (the SQLite store does) or ignore the hint (callers still check each event's type). A caller
   * filtering so cannot take its cursor from the last event it got: take `headPosition()` BEFORE the
   * read; every event at or before that head is covered by the read.
   */
  types?: readonly string[];
}

export type SubscriptionMessage =
  | { kind: 'event'; event: RecordedEvent }
  | { kind: 'caughtUp'; position: bigint };

export interface EventStore {
  readonly kind: 'sqlite' | 'eventstoredb';
  /**
   * True when the store applies concurrent `append`/`appendMany` calls in the order they were
   * called (a call made after another one, both still pending, is checked and written after it,
   * against the stream revisions it left) AND honours `StreamWrite.expectedLastEventId`. A caller
   * may then submit a write decided on another write of its own that is still in flight (expected
   * revision = that write's revision after it, with its last event's id), without waiting for it.
   * Absent or false (KurrentDB: concurrent appends may reach the server in any order): wait for the
   * earlier append before deciding on what it writes. The SQLite store: true (one group-commit queue,
   * written in submission order).
   */
  readonly ordersConcurrentAppends?: boolean;
  /** One stream: the same as `appendMany([{ stream, expectedRevision, events }])`. */
  append(stream: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /**
   * All streams or none: each checked against its own expected revision. A conflict on any stream
   * throws WrongExpectedRevision naming that stream, and nothing is written. A stream named twice, an
   * empty list or a write with no events is refused (Error), like an empty append. Concurrent calls
   * over the same streams are serialised: each stream's revisions stay gap-free and every call's
   * events are either all visible (readStream, readAll, subscriptions) or none.
   */
  appendMany(writes: StreamWrite[]): Promise<AppendManyResult>;
  /** Pages lazily; throws StreamNotFound (on first iteration) when the stream has no events. */
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  /**
   * Pages lazily through the global log in position order. `after` is an EXCLUSIVE cursor (events
   * with position > after; omit: from the beginning). `fromPosition` (inclusive) stays only for
   * callers holding an event's own position (audit paging). Never compute a position: pass one the
   * store gave you.
   */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /**
   * Catches up after the position (EXCLUSIVE, like readAll's `after`; omit: from the beginning),
   * emits one `caughtUp`, then goes live. No gap, no duplicate.
   */
  subscribeToAll(options?: { after?: bigint }): Observable<SubscriptionMessage>;
  subscribeToStream(stream: string, options?: { fromRevision?: bigint }): Observable<SubscriptionMessage>;
  /** Position of the last event in the store (0n when empty): a position, not a count. */
  headPosition(): Promise<bigint>;
  /**
   * Optional, synchronous, no I/O to speak of: the stream's current revision (-1n: none) when the
   * store KNOWS it is current, i.e. no write by anyone (this process's other paths, other
   * connections, other processes) can have moved it unseen; undefined when it does not know (then
   * read). The SQLite store knows the streams it wrote itself while no other connection has
   * committed since (`PRAGMA data_version` of its writer unchanged).
   */
  knownStreamRevision?(stream: string): bigint | undefined;
  /**
   * The last event at or before `atOrBefore` (default: the head) and its tamper-evidence hash: what a
   * printed document or an export names as the event it was built from ("Bygget fra hendelse N,
   * sjekksum …"). Null when no event lies at or before it. `atOrBefore` need not be an event's
   * position. The hash is the one `verify` checks at that position (SQLite: the global chain's hash
   * of that row; KurrentDB: the event's own hash in its stream's chain); null for an event written
   * without one (KurrentDB events older than the chain).
   */
  lastEvent(options?: { atOrBefore?: bigint }): Promise<BuiltFrom | null>;
  /**
   * Recomputes the store's tamper evidence (API.md "Audit", `GET /api/audit/verify`): the same
   * answer shape on every adapter. `knownHead`: a position and hash kept outside the store (printed
   * on a document, an earlier verify's head): the event there must still have that hash. `upTo`:
   * stop after that position (a printed copy's check: the log up to it).
   */
  verify(options?: VerifyOptions): Promise<VerifyResult>;
  close(): Promise<void>;
}

/** The event a document or an export was built from: its global position and its hash. */
export interface BuiltFrom {
  position: bigint;
  hash: string | null;
}

export interface VerifyOptions {
  knownHead?: { position: bigint; hash: string };
  upTo?: bigint;
}

/**
 * What `verify` found first, where `firstBadPosition` is:
 * - `altered`: a stored event no longer matches its hash (data, metadata, type or the hash itself);
 * - `deleted`: an event is missing where the chain needs one (the missing event's place);
 * - `inserted`: an event the chain does not have (its position);
 * - `reordered`: events out of the order they were chained in (where the first one is out of place);
 * - `cut-off`: the log ends before the kept head (where the first missing event was due);
 * - `rewritten`: the chain holds together but has another hash at the kept head (recomputed since).
 */
export type TamperKind = 'altered' | 'deleted' | 'inserted' | 'reordered' | 'cut-off' | 'rewritten';

export type VerifyResult = { ok: true; events: number; headHash: string } | { ok: false; firstBadPosition: bigint; kind: TamperKind };

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
