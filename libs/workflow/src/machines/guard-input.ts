/**
 * Guard inputs: what a machine needs to know about the world outside its own record to decide
 * (another record's facts: the meeting a case is on, the previous meeting, the agenda's cases).
 * Stored events are never decided again: they are folded by the records' `evolve`, which has no
 * guards. Who acts is not a guard either: `decideCase` / `decideMeeting` and `allowedCommands`
 * ask the access policy (`may`) when an actor is given.
 */
import type { Actor } from '../access/policy.js';
import type { CaseStatus } from '../case/lifecycle.js';
import type { MeetingStatus } from '../meeting/lifecycle.js';

export type { Actor, RoleGrant } from '../access/policy.js';

/** The meeting lifecycle states (the meeting record's `status`). */
export type MeetingLifecycle = MeetingStatus;
/** The case states (the case record's `status`). */
export type CaseState = CaseStatus;

/** The meeting an event concerns, as it stands when deciding. */
export interface MeetingFacts {
  id: string;
  committee: string;
  state: MeetingLifecycle;
  /** Its minutes (for `amend`); omitted where a decision does not need them. */
  minutes?: 'draft' | 'approved';
}

export interface GuardInput {
  /** Who acts. Omitted only for queries that ask "allowed by state" regardless of the caller. */
  actor?: Actor;
  /** The meeting the event concerns (the case's meeting, or the target of `schedule`). */
  meeting?: MeetingFacts;
  /**
   * For endorsing a minutes-approval case: the meeting whose minutes it approves (the previous
   * meeting); it must be held with its minutes still draft. Omitted: there is none.
   */
  previousMeeting?: MeetingFacts & { minutes: 'draft' | 'approved' };
  /** For adjourning: the current state of every case on the agenda. */
  agendaCases?: Record<string, CaseState>;
}

/** Extra fields carried by a machine event beside the domain event's `type` and `data`. */
export interface Decidable {
  guard?: GuardInput;
}
