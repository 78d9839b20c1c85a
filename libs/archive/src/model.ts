/**
 * The archive (arkivuttrekk) of one committee's year: what `buildArchive` returns and the audit
 * export serves as JSON. JSON-serialisable throughout (log positions are numbers, not bigint).
 */
import type { CaseStatus, CaseType, HistorySource, MeetingStatus, MemberRole, RemovalReason, StandardItem } from '@saksflyt/workflow';

export const ARCHIVE_FORMAT = 'saksflyt-arkivuttrekk/1' as const;

export interface ArchiveOptions {
  /** Committee code, e.g. "NEHS". */
  committee: string;
  /** The meeting year (MeetingPlanned.data.year). */
  year: number;
  /** ISO date-time the export was made (given by the caller: the library reads no clock). */
  generatedAt: string;
}

export interface ArchivePerson {
  id: string;
  name: string;
  organisation: string | null;
  role: MemberRole | null;
}

export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  committee: { code: string; name: string };
  year: number;
  generatedAt: string;
  /** The last log position folded (0 for an empty log). */
  position: number;
  counts: {
    meetings: number;
    cases: number;
    /** Decided cases of the year's meetings. */
    decisions: number;
    /** HistoricalDecisionRecorded of the committee and year. */
    historicalDecisions: number;
    /** Change-log entries (one per changed field). */
    changes: number;
    /** Events of the archived meetings, cases and the year's committee events. */
    events: number;
  };
  /**
   * The last event of the log the export was built from (at or before `position`) and its hash, as
   * the store's `lastEvent` names it: printed "Bygget fra hendelse N, sjekksum …" (`provenance`),
   * checked with `saksflyt verify --position N --at-hash H`. Set by the caller that reads the store.
   */
  builtFrom?: { position: number; hash: string | null; provenance: string } | null;
}

/** The meeting record's status (the workflow's state names). */
export type ArchiveMeetingState = MeetingStatus;

export interface ArchiveAgendaItem {
  caseId: string;
  /** The number given at notice ("47/18"); null before notice or for an unnumbered case. */
  number: string | null;
  title: string;
}

export interface ArchiveRemovedItem {
  caseId: string;
  title: string;
  why: RemovalReason;
  reason: string;
  at: string;
  actor: string;
  position: number;
  /** The CaseRemovedFromAgenda event's id (each removal is its own entry, also the same case twice). */
  eventId: string;
}

export interface ArchiveMeeting {
  id: string;
  number: string;
  year: number;
  date: string;
  startTime: string | null;
  endTime: string | null;
  place: string;
  state: ArchiveMeetingState;
  previousMeetingId: string | null;
  plannedAt: string;
  plannedBy: string;
  noticedAt: string | null;
  openedAt: string | null;
  adjournedAt: string | null;
  /** The committee's members at the meeting (taken at planning, refreshed at notice and at opening). */
  members: ArchivePerson[];
  /** Set when the meeting was opened. */
  attendance: { present: ArchivePerson[]; absent: ArchivePerson[]; guests: string[] } | null;
  /** The agenda in order (the notice's order once noticed). */
  agenda: ArchiveAgendaItem[];
  /** Cases that left the agenda (unscheduled, postponed, withdrawn). */
  removed: ArchiveRemovedItem[];
  minutes: {
    status: 'draft' | 'approved';
    /** When the approval was recorded (the event's time). */
    approvedAt: string | null;
    /** The date of the meeting that approved them (YYYY-MM-DD), not when that was recorded. */
    approvedOn: string | null;
    approvedBy: { caseId: string; caseNumber: string | null; meetingId: string; meetingNumber: string | null } | null;
  };
}

/** One recorded discussion of a case (DiscussionRecorded), kept also when the case is postponed. */
export interface ArchiveDiscussion {
  summary: string | null;
  points: string[];
  followUps: { id: string; text: string }[];
  at: string;
  actor: string;
  /** The meeting the case was on when it was discussed. */
  meetingId: string | null;
}

/** A referral of the case to another committee (CaseReferred), in order. */
export interface ArchiveReferral {
  committee: string;
  caseId: string;
  type: CaseType;
  at: string;
  actor: string;
}

/** The case's handling at a meeting outside the archive's year, after it left the year's agendas (never a decision of this year). */
export interface ArchiveLaterHandling {
  meetingId: string;
  meetingNumber: string | null;
  meetingDate: string | null;
  number: string | null;
  outcome: 'endorsement' | 'orientation' | null;
  resolution: string | null;
  /** The date of the meeting it was decided at (YYYY-MM-DD); null when not decided there. */
  decidedOn: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  /** Why it left that meeting's agenda, if it did. */
  left: RemovalReason | null;
}

export interface ArchiveCase {
  id: string;
  /** The case's place in this archive (1.., in case order): Noark 5 sakssekvensnummer; unique within the archive. */
  sequence: number;
  /** Unique mappeID in this archive: "{CODE}-{year}-{sequence}". */
  mappeId: string;
  /** The number of this year's agenda it is on ("47/18"); null when it lost it or never got one. */
  number: string | null;
  /** The number given at the last notice of this year's meetings, kept when the case later lost it (postponed, withdrawn). */
  lastNumber: string | null;
  title: string;
  type: CaseType;
  state: CaseStatus;
  matterId: string;
  standardItem: StandardItem | null;
  /** The case as it was in this year: the archived meeting it is on, or was last on. */
  meetingId: string | null;
  meetingNumber: string | null;
  /** Every archived meeting whose agenda it was on, in order. */
  meetingIds: string[];
  proposedResolution: string;
  background: string | null;
  purpose: string | null;
  caseOfficer: string | null;
  responsible: string | null;
  projectIds: string[];
  meetsFollowUps: string[];
  presenter: string | null;
  /** All discussions together: the last summary, every point and follow-up in order. */
  discussion: { summary: string | null; points: string[]; followUps: { id: string; text: string }[] };
  /** Every recorded discussion, in order (a postponement keeps them, as the domain does). */
  discussions: ArchiveDiscussion[];
  outcome: 'endorsement' | 'orientation' | null;
  /** The vedtak text. */
  resolution: string | null;
  conditions: string | null;
  input: string[];
  /** The date of the meeting that decided it (YYYY-MM-DD), not when it was recorded (`decidedAt`). */
  decidedOn: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  referredFromCaseId: string | null;
  /** The last referral (see `referrals`). */
  referredTo: { committee: string; caseId: string; type: CaseType } | null;
  referrals: ArchiveReferral[];
  withdrawnReason: string | null;
  draftedAt: string;
  draftedBy: string;
  /** Everyone who acted on the case (metadata.actor), in order of first appearance. */
  actors: string[];
  /** Handling at meetings of other years after the case left this year's agendas (e.g. postponed into next year), in order. */
  later: ArchiveLaterHandling[];
}

export interface ArchiveDecision {
  /** true: a HistoricalDecisionRecorded, known only as the records quote it. */
  history: boolean;
  caseId: string | null;
  /** "47/18"; null for a case decided without a number. */
  caseNumber: string | null;
  title: string;
  outcome: 'endorsement' | 'orientation' | null;
  /** The vedtak text (for history: the wording as quoted). */
  resolution: string;
  conditions: string | null;
  input: string[];
  meetingId: string | null;
  meetingNumber: string | null;
  meetingDate: string | null;
  /** The meeting's date, or the historical decision's date where the record gives it. */
  date: string | null;
  /** The day it was decided: the meeting's date, or the historical decision's date where the record gives it. */
  decidedOn: string | null;
  /** metadata.at of the decision event, when it was recorded (null for history: the record gives no time). */
  decidedAt: string | null;
  /** metadata.actor of the decision event (for history: who recorded it). */
  decidedBy: string;
  position: number;
  source?: HistorySource;
  note?: string;
}

/** numbering: the committee-year's `numbering-{CODE}-{YYYY}` stream; history: a `history-{CODE}-*` stream of the year. */
export type ArchiveUnitKind = 'case' | 'meeting' | 'committee' | 'numbering' | 'history';

export interface ArchiveChange {
  position: number;
  eventId: string;
  at: string;
  actor: string;
  unit: { kind: ArchiveUnitKind; id: string };
  event: string;
  field: string;
  /** String values; arrays and objects as JSON text; null when absent. */
  previous: string | null;
  next: string | null;
}

export interface Archive {
  header: ArchiveHeader;
  /** The committee's members at the end of the log. */
  members: ArchivePerson[];
  meetings: ArchiveMeeting[];
  cases: ArchiveCase[];
  decisions: ArchiveDecision[];
  changeLog: ArchiveChange[];
}
