/**
 * Guard inputs: what a machine needs to know about the world outside its own stream to decide.
 * A decision event carries `guard`; a stored event being folded carries `replay: true`, so guards
 * about external state (who acts, another record's state) are not re-evaluated on history:
 * a recorded fact is never refused.
 */

export interface RoleGrant {
  role: string;
  committee?: string;
}

export interface Actor {
  name: string;
  roles: RoleGrant[];
}

export type MeetingLifecycle = 'planned' | 'noticed' | 'in_session' | 'held';
export const MEETING_STATES: readonly MeetingLifecycle[] = ['planned', 'noticed', 'in_session', 'held'];

export type CaseState = 'draft' | 'scheduled' | 'discussion' | 'endorsement' | 'orientation' | 'withdrawn';
export const CASE_STATES: readonly CaseState[] = ['draft', 'scheduled', 'discussion', 'endorsement', 'orientation', 'withdrawn'];

/** The meeting an event concerns, as it stands when deciding. */
export interface MeetingFacts {
  id: string;
  committee: string;
  state: MeetingLifecycle;
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
  /** Folding a stored fact: guards about the outside world are skipped. */
  replay?: boolean;
  guard?: GuardInput;
}

/** Secretariat (sekretariat) of the committee: prepares and advances its cases, runs its meetings. */
export function isSecretariatOf(actor: Actor | undefined, committee: string): boolean {
  if (!actor) return true; // roles not asked (query by state only)
  return actor.roles.some((r) => r.role === 'secretariat' && r.committee === committee);
}

export function isAdmin(actor: Actor | undefined): boolean {
  return !!actor && actor.roles.some((r) => r.role === 'admin');
}
