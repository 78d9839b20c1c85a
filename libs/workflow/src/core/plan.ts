/**
 * What a decider answers: a write plan. The events to append per stream, each stream with the
 * expected revision it was decided on (the revision read; `no_stream` for a stream the command
 * creates), and the answer of the command. The handler turns it into ONE `appendMany` (all or
 * nothing), giving the events their ids and metadata; the answer's `position` is the append's.
 *
 * Causation: the first event of the `root` stream's write is the command's root event (its
 * `causationId` is null); every other event of the plan names it.
 */
import type { ExpectedRevision } from '@saksflyt/event-store';
import { StaleRevision } from '../application/errors.js';

export interface PlannedEvent {
  type: string;
  data: unknown;
}

export interface PlannedWrite {
  stream: string;
  expectedRevision: ExpectedRevision;
  events: PlannedEvent[];
}

export interface WritePlan {
  /** In append order; empty: the command writes nothing (a repeat) and `answer.position` is given. */
  writes: PlannedWrite[];
  /** The stream whose first planned event is the root event. */
  root?: string;
  /** The command's answer; `position` is the append's (given only by a plan without writes). */
  answer: PlanAnswer;
}

export interface PlanAnswer {
  id: string;
  state: string;
  revision: bigint;
  position?: bigint;
  [extra: string]: unknown;
}

/** A stream's revision as an expected revision: `no_stream` before its first event. */
export function expectRevision(revision: bigint): ExpectedRevision {
  return revision < 0n ? 'no_stream' : revision;
}

/** A plan of one event on one stream (the root), e.g. a case command without follow-ons. */
export function single(stream: string, expectedRevision: ExpectedRevision, event: PlannedEvent, answer: WritePlan['answer']): WritePlan {
  return { writes: [{ stream, expectedRevision, events: [event] }], root: stream, answer };
}

/** 412 unless `If-Match` (when given) names the revision read. */
export function checkIfMatch(stream: string, ifMatch: bigint | undefined, revision: bigint): void {
  if (ifMatch !== undefined && ifMatch !== revision) throw new StaleRevision(stream, ifMatch, revision);
}
