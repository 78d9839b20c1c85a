/**
 * Votes (votering) and dissent (dissens) in session: who may vote, who may dissent, and the facts
 * that name them. Pure; `decideCaseCommand` (decide.ts) dispatches here.
 *
 * The one voting rule is `votingRight(member, attendance)`: a chair or member who is present; a
 * deputy who is present while the member they stand in for is not; never an observer or a guest
 * (guests are names, not members), nor someone whose membership ended.
 */
import type { Dissent, NamedMember, VoteRecorded } from '../events.js';
import { ValidationFailed, type FieldError } from '../application/errors.js';
import type { DissentBody } from '../application/types.js';
import type { CaseVote } from './state.js';

/** A committee member as the voting rule needs them (the committee record's member view). */
export interface Seat {
  id: string;
  name: string;
  organisation: string;
  role: string;
  /** A deputy: the member they stand in for. */
  deputyFor?: string | null;
  /** Set when the membership ended. */
  leftAt?: string;
  /** The identity they sign in with (access/policy.ts `memberOf`). */
  userId?: string;
}

/** Who is at the meeting (the meeting record's attendance, from `open`). */
export interface Attendance {
  present: readonly string[];
  absent: readonly string[];
}

export type VotingRight = { entitled: true; standingInFor?: string } | { entitled: false; why: string };

/** May this member vote at a meeting with this attendance? The one rule for every vote. */
export function votingRight(member: Seat | undefined, attendance: Attendance): VotingRight {
  if (!member) return { entitled: false, why: 'is not a member of the committee' };
  if (member.leftAt) return { entitled: false, why: `(${member.name}) is no longer a member of the committee` };
  if (!attendance.present.includes(member.id)) return { entitled: false, why: `(${member.name}) is not present` };
  switch (member.role) {
    case 'chair':
    case 'member':
      return { entitled: true };
    case 'deputy': {
      const forId = member.deputyFor ?? null;
      if (!forId) return { entitled: false, why: `(${member.name}) is a deputy standing in for no one` };
      if (attendance.present.includes(forId)) return { entitled: false, why: `(${member.name}) is a deputy and the member they stand in for is present` };
      return { entitled: true, standingInFor: forId };
    }
    case 'observer':
      return { entitled: false, why: `(${member.name}) is an observer: observers do not vote` };
    default:
      return { entitled: false, why: `(${member.name}) has the role ${member.role}, which does not vote` };
  }
}

const named = (m: Seat, standingInFor?: string): NamedMember => ({
  memberId: m.id,
  name: m.name,
  organisation: m.organisation,
  ...(standingInFor ? { standingInFor } : {}),
});

export interface InSession {
  members: ReadonlyMap<string, Seat>;
  attendance: Attendance;
}

/**
 * The vote's fact, or 400 naming every voter who may not vote. (Nobody twice and at least one
 * voter are shape rules: the DTO's.) Two deputies standing in for the same absent member: the
 * second is refused.
 */
export function voteFact(body: { for: string[]; against: string[]; abstained?: string[] }, meetingId: string, at: InSession): VoteRecorded['data'] {
  const errors: FieldError[] = [];
  const seatsTaken = new Map<string, string>();
  const list = (field: 'for' | 'against' | 'abstained'): NamedMember[] =>
    (body[field] ?? []).flatMap((id, i) => {
      const m = at.members.get(id);
      const right = votingRight(m, at.attendance);
      if (!right.entitled) {
        errors.push({ field: `${field}[${i}]`, message: `member ${id} ${right.why}: not entitled to vote` });
        return [];
      }
      if (right.standingInFor) {
        const other = seatsTaken.get(right.standingInFor);
        if (other) {
          errors.push({ field: `${field}[${i}]`, message: `member ${id}: another deputy (${other}) already votes for ${right.standingInFor}` });
          return [];
        }
        seatsTaken.set(right.standingInFor, id);
      }
      return [named(m!, right.standingInFor)];
    });
  const data: VoteRecorded['data'] = { v: 1, meetingId, for: list('for'), against: list('against'), abstained: list('abstained') };
  if (errors.length) throw new ValidationFailed(errors);
  return data;
}

/** Dissens on endorse/note: each a present member of the committee (400 naming every other). */
export function dissentOf(body: DissentBody[] | undefined, at: InSession | null): Dissent[] | undefined {
  if (!body || body.length === 0) return undefined;
  const errors: FieldError[] = [];
  const out: Dissent[] = [];
  body.forEach((d, i) => {
    const m = at?.members.get(d.memberId);
    if (!m || m.leftAt) errors.push({ field: `dissent[${i}].memberId`, message: `member ${d.memberId} is not a member of the committee` });
    else if (at && !at.attendance.present.includes(m.id)) errors.push({ field: `dissent[${i}].memberId`, message: `member ${d.memberId} (${m.name}) is not present` });
    else out.push({ ...named(m), text: d.text });
  });
  if (errors.length) throw new ValidationFailed(errors);
  return out;
}

/** What the decider hands over: the members and attendance, when the meeting is in session. */
export interface InSessionGiven {
  inSession?: InSession | null;
}

/**
 * The `vote` command's fact. The voters are checked only when the case could take a vote now (its
 * meeting in session); otherwise the machine refuses the placeholder fact (409).
 */
export function voteEvent(
  body: { for: string[]; against: string[]; abstained?: string[] },
  meetingId: string,
  meetingState: string | undefined,
  given: InSessionGiven,
): { type: 'VoteRecorded'; data: VoteRecorded['data'] } {
  if (meetingState === 'in_session' && given.inSession) return { type: 'VoteRecorded', data: voteFact(body, meetingId, given.inSession) };
  return { type: 'VoteRecorded', data: { v: 1, meetingId, for: [], against: [], abstained: [] } };
}

/** `endorse`/`note`: the `dissent` field of the fact (none when the body gives none). */
export function dissentField(body: Record<string, unknown>, given: InSessionGiven): { dissent?: Dissent[] } {
  if (!given.inSession) return {}; // not in session: the machine refuses the decision
  const dissent = dissentOf(body.dissent as DissentBody[] | undefined, given.inSession);
  return dissent ? { dissent } : {};
}

/** The vote as the case read, the minutes and the register show it: tally and names. */
export interface VotesView {
  meetingId: string;
  tally: { for: number; against: number; abstained: number };
  for: NamedMember[];
  against: NamedMember[];
  abstained: NamedMember[];
}

export function votesOf(v: CaseVote): VotesView {
  return {
    meetingId: v.meetingId,
    tally: { for: v.for.length, against: v.against.length, abstained: v.abstained.length },
    for: v.for,
    against: v.against,
    abstained: v.abstained,
  };
}
