/**
 * Projection contract. A view is a set of keyed JSON documents grouped in collections
 * (`decision/<caseId>`, `project/<id>`, ...). `evolve` reads and writes documents through a small
 * facade; the runner keeps every document of the view in memory (a write-back cache) and writes only
 * the documents an event changed, together with the checkpoint, in one SQLite transaction per batch.
 *
 * Rules for `evolve`: pure (no I/O, no clock, no randomness: use the event's data and metadata),
 * deterministic, and documents returned by `get`/`list` are read-only: build a new object and `put` it.
 * Throwing stops the projection before that event (nothing of the failing event is kept).
 */
import type { RecordedEvent } from '@saksflyt/event-store';

export interface DocReader {
  get<T = unknown>(collection: string, id: string): T | undefined;
  /** Every document of a collection, in no particular order (queries sort explicitly). */
  list<T = unknown>(collection: string): T[];
}

export interface DocStore extends DocReader {
  put(collection: string, id: string, doc: unknown): void;
  delete(collection: string, id: string): void;
}

export interface Projection<Q = unknown, V = unknown> {
  readonly name: string;
  /** Bump to rebuild from position 0 into a new generation (the old one serves until caught up). */
  readonly version: number;
  /** The event types `evolve` needs (others only advance the position); all when omitted. */
  readonly eventTypes?: readonly string[];
  evolve(docs: DocStore, event: RecordedEvent): void;
  /** Builds the query answer (the API's JSON) from the documents. */
  query(docs: DocReader, params: Q): V;
  /**
   * More named views served from the same documents: `runner.query(viewName, params)`, `feed`,
   * `snapshot`, `waitFor` accept these names; feeds of a view carry only changes of its collections.
   */
  readonly views?: Record<string, ViewDefinition>;
}

export interface ViewDefinition {
  query(docs: DocReader, params: any): unknown;
  /** The document collections the view reads (its feed's changes are filtered to these). */
  collections: readonly string[];
}

/** One document changed by an event: its new content, or `null` when it was deleted. */
export interface DocChange {
  collection: string;
  id: string;
  doc: unknown | null;
}

/** Per event that changed a view: its global position and the documents it changed. */
export interface ChangeMessage {
  position: bigint;
  changes: DocChange[];
}

export type FeedMessage<V = unknown> =
  | { kind: 'snapshot'; position: bigint; view: V }
  | { kind: 'change'; position: bigint; changes: DocChange[] };

export type ProjectionState = 'running' | 'catching_up' | 'failed';

export interface ProjectionStatus {
  name: string;
  /** The version the runner is building (the code's version). */
  version: number;
  status: ProjectionState;
  /** Position the code's version has applied (`failed`: the last event applied before the failing one). */
  position: bigint;
  error?: string;
  /** What queries read now: differs from version/position while a new version rebuilds. */
  serving: { version: number; position: bigint } | null;
}

export interface WaitResult {
  /** True when the projection(s) reached the position within the time. */
  reached: boolean;
  /** The lowest serving position among the projection(s) waited for. */
  position: bigint;
}

/**
 * The time machine's history did not reach a position in time (or the runner stopped first): a
 * past-moment read cannot be answered yet. Answered as 503 problem JSON with the position reached.
 */
export class HistoryNotRecorded extends Error {
  constructor(
    readonly reached: bigint,
    readonly wanted: bigint,
    readonly timeoutMs: number,
  ) {
    super(`the time machine's history has reached position ${reached}, not ${wanted}, within ${timeoutMs / 1000} s`);
  }

  toProblem(): { status: number; title: string; detail: string; position: number } {
    return {
      status: 503,
      title: 'Service Unavailable',
      detail: `The time machine's history has reached position ${this.reached}, not ${this.wanted}, within ${this.timeoutMs / 1000} s. Try again later.`,
      position: Number(this.reached),
    };
  }
}
