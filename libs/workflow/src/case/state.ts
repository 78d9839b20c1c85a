/**
 * The case record (sak) as one fold of its stream gives it: the superset of what the machine, the
 * case read, the projections (registers, minutes, feeds), the archive and the documents need, so
 * that each of them is a plain mapping from it (see the README, "One fold per record").
 *
 * Stamps (`at`, `actor`) are the stored events' `metadata.at` / `metadata.actor`; they are null in
 * a state evolved from a candidate event not stored yet.
 */
import type { AmendedFields, CasePaper, CaseType, Dissent, ItemResolution, NamedMember, PromisedFollowUp, ReferralCarried, StandardItem, WrittenProcedureAnswered, WrittenProcedureOutcome } from '../events.js';
import type { Stamp } from '../core/fact.js';
import type { CaseStatus } from './lifecycle.js';

/** One `record-discussion`, with the meeting it was recorded in. */
export interface CaseDiscussion extends Stamp {
  /** The case's meeting when it was recorded (the last one it was on, if it had left it). */
  meetingId: string | null;
  summary?: string;
  points: string[];
  followUps: PromisedFollowUp[];
}

/** Utsatt: the meeting it was postponed from, the number it lost there, and why. */
export interface CasePostponement extends Stamp {
  meetingId: string;
  /** The number it had at that meeting (given at notice), lost by postponing; null before notice. */
  numberLost: string | null;
  reason: string;
  /** Who had presented it at that meeting (the minutes of that meeting show it); null if nobody had. */
  presenter?: string | null;
}

/** Taken off a meeting's agenda before notice. */
export interface CaseUnscheduling extends Stamp {
  meetingId: string;
  reason: string;
}

/** Vedtak: the endorsement or the note, and the meeting it was made at. */
export interface CaseDecision extends Stamp {
  outcome: 'endorsement' | 'orientation';
  resolution: string;
  /** Endorsement only. */
  conditions: string | null;
  /** Note only: numbered input points. */
  input: string[];
  /** A minutes-approval item's endorsement: the corrections to the approved minutes (godkjent med merknader). */
  corrections?: string;
  meetingId: string | null;
  /** Dissens recorded with the decision (present members), in the order given. */
  dissent: Dissent[];
  /** Per sub-item vedtak (labels of the paper's items). */
  items: ItemResolution[];
  /** Concluded a written procedure: the answers then (tally and comments are part of the decision). */
  writtenProcedure: WrittenProcedureOutcome | null;
}

export interface CaseReferral extends Stamp {
  toCommittee: string;
  type: CaseType;
  referredCaseId: string;
  /** Referred from discussion (before a decision): why; absent for a referral of the vedtak. */
  reason?: string;
  /** The meeting it was referred at. */
  meetingId: string | null;
}

/** Votering: the latest vote on the case (a later vote replaces it; the history keeps both). */
export interface CaseVote extends Stamp {
  meetingId: string;
  for: NamedMember[];
  against: NamedMember[];
  abstained: NamedMember[];
}

export interface CaseWithdrawal extends Stamp {
  reason: string;
  /** The meeting it was on when withdrawn (null: withdrawn from draft). */
  meetingId: string | null;
  /** The number it had there (given at notice; null before notice or from draft). */
  number: string | null;
}

/** Rettelse: a correction of the recorded vedtak or discussion before the minutes were approved. */
export interface CaseAmendment extends Stamp {
  reason: string;
  /** The fields it replaced, in `AMENDABLE_FIELDS` order. */
  fields: (keyof AmendedFields)[];
}

/** Vedlegg on the case paper, in the order added. */
export interface CaseAttachment extends Stamp {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}

export interface CaseRecord {
  status: CaseStatus;
  caseId: string;
  committee: string;
  matterId: string;
  /** The whole case paper (saksfremlegg) as it stands: drafted, then every edit applied. */
  paper: CasePaper;
  standardItem: StandardItem | null;
  referredFromCaseId: string | null;
  drafted: Stamp;
  /**
   * The meeting the case is on (scheduled), was decided in, or was withdrawn at; null while (back)
   * in draft. (Withdrawal keeps it: after notice the case stays on that meeting's frozen agenda.)
   */
  meetingId: string | null;
  /** The last meeting the case was on, kept when it leaves the agenda (null: never scheduled). */
  lastMeetingId: string | null;
  /** `N/YY`, given at notice; null while not numbered, and again after postponement/unscheduling. */
  number: string | null;
  /** The last number it was ever given (kept when lost). */
  lastNumber: string | null;
  presenter: string | null;
  /** Every recorded discussion, oldest first, each naming its meeting (postponement keeps them). */
  discussions: CaseDiscussion[];
  decision: CaseDecision | null;
  postponements: CasePostponement[];
  unschedulings: CaseUnscheduling[];
  referrals: CaseReferral[];
  withdrawal: CaseWithdrawal | null;
  /** Every amendment (DecisionAmended), oldest first; the decision and discussion hold the amended texts. */
  amendments: CaseAmendment[];
  /** Vedlegg currently on the paper (removed ones are gone; the history keeps them). */
  attachments: CaseAttachment[];
  /** A minutes-approval item: the meeting whose minutes it approves (null: not recorded; older items name it on their meeting). */
  approvesMinutesOf: string | null;
  /** The latest vote (null: none taken). */
  vote: CaseVote | null;
  /** Opened by `refer`: what the referring case carried (null otherwise). */
  referral: ReferralCarried | null;
  /** Skriftlig behandling (null: none). */
  writtenProcedure: CaseWrittenProcedure | null;
}

/** A written procedure: the deadline, every member's latest answer, and when it was concluded. */
export interface CaseWrittenProcedure extends Stamp {
  deadline: string;
  /** By member id, the latest answer (each with its own stamp), in the order first given. */
  answers: (WrittenProcedureAnswered['data'] & Stamp)[];
  /** Set by the `endorse`/`note` that concluded it. */
  concluded: Stamp | null;
}
