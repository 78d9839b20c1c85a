/**
 * The domain events of Saksflyt: facts, past tense, in the domain's words (Norwegian term beside
 * the English one). Every event's `data` carries `v` (schema version, starting at 1).
 *
 * Streams:
 * - `committee-{CODE}`            CommitteeCreated, MemberJoined, MemberLeft, MemberLogin(Un)linked
 * - `numbering-{CODE}-{YYYY}`     NumberingContinued, MeetingNumberAssigned, CaseNumbersAssigned
 * - `meeting-{uuid}`              MeetingPlanned, CaseAddedToAgenda, CaseRemovedFromAgenda,
 *                                 MeetingNoticed, MeetingOpened, MeetingAdjourned, MinutesApproved,
 *                                 AgendaReordered, MinutesAmended, MeetingChanged, MeetingCancelled
 * - `case-{uuid}`                 CaseDrafted, CasePaperEdited, CaseScheduled, CaseUnscheduled,
 *                                 CaseNumbered, CasePresented, DiscussionRecorded, ResolutionEndorsed,
 *                                 CaseNoted, CasePostponed, CaseReferred, CaseWithdrawn, DecisionAmended,
 *                                 AttachmentAdded, AttachmentRemoved, MinutesApprovalRetargeted, VoteRecorded,
 *                                 WrittenProcedureOpened, WrittenProcedureAnswered
 * - `history-{CODE}-{NN}-{YY}`    HistoricalDecisionRecorded (an earlier decision, e.g. NEHS 39/17,
 *                                 known only as the records quote it; no meeting, no numbering)
 * - `project-{id}`                ProjectRegistered, ProjectStatusReported (portfolio projects;
 *                                 written by libs/portfolio, folded by ./project)
 * - `followup-{id}`               FollowUpClosed (a follow-up closed by hand, without a case)
 *
 * The list of event types per stream kind exists once: `EVENT_VERSIONS` in core/upcast.ts (with
 * each type's schema version); the `*_EVENT_TYPES` lists below are its keys.
 */
import { eventTypesOf } from './core/upcast.js';

export type CaseType = 'approval' | 'orientation' | 'endorsement' | 'discussion';
export const CASE_TYPES: readonly CaseType[] = ['approval', 'orientation', 'endorsement', 'discussion'];

export type MemberRole = 'chair' | 'member' | 'observer' | 'deputy';
/** `deputy` (vara): stands in for the member named in `deputyFor` when that member is absent. */

export type MeetingKind = 'ordinary' | 'extraordinary';
export const MEETING_KINDS: readonly MeetingKind[] = ['ordinary', 'extraordinary'];
export type MeetingFormat = 'physical' | 'webinar' | 'hybrid';
export const MEETING_FORMATS: readonly MeetingFormat[] = ['physical', 'webinar', 'hybrid'];
/** The meeting facts `PATCH /api/meetings/{id}` may change. */
export interface MeetingDetails {
  date: string;
  endDate?: string;
  startTime?: string;
  endTime?: string;
  place: string;
  format: MeetingFormat;
}
export const MEMBER_ROLES: readonly MemberRole[] = ['chair', 'member', 'observer', 'deputy'];

/** The standard agenda items every meeting gets at planning (fast saker). */
export type StandardItem = 'notice-approval' | 'minutes-approval' | 'any-other-business';

/** Why a case left an agenda. */
export type RemovalReason = 'unscheduled' | 'postponed' | 'withdrawn';

// ---------- stream names ----------
export const committeeStream = (code: string): string => `committee-${code}`;
export const numberingStream = (code: string, year: number | string): string => `numbering-${code}-${year}`;
export const meetingStream = (meetingId: string): string => `meeting-${meetingId}`;
export const caseStream = (caseId: string): string => `case-${caseId}`;
/** "NEHS", "39/17" → `history-NEHS-39-17`. */
export const historyStream = (code: string, number: string): string => `history-${code}-${number.replace('/', '-')}`;
export const projectStream = (id: string): string => `project-${id}`;
export const followUpStream = (id: string): string => `followup-${id}`;

// ---------- committee (utvalg / styre / råd) ----------
export interface CommitteeCreated {
  type: 'CommitteeCreated';
  data: { v: 1; code: string; name: string };
}
/** v2: `role` may be `deputy` (with `deputyFor`), `from`/`to` the term (v1 had none); `userId` (optional in v2): the sign-in identity (OIDC `sub`, tokens-file `id`) of the seat. */
export interface MemberJoined {
  type: 'MemberJoined';
  data: { v: 2; memberId: string; name: string; organisation: string; role: MemberRole; deputyFor?: string; from?: string; to?: string; userId?: string };
}
export interface MemberLeft {
  type: 'MemberLeft';
  data: { v: 1; memberId: string };
}
/** A seat linked to a login (OIDC `sub`, tokens-file `id`), replacing its earlier one / unlinked (`userId`: the one it had): committee/login.ts. */
export interface MemberLoginLinked { type: 'MemberLoginLinked'; data: { v: 1; memberId: string; userId: string } }
export interface MemberLoginUnlinked { type: 'MemberLoginUnlinked'; data: { v: 1; memberId: string; userId: string } }

// ---------- numbering (nummerering) per committee per year ----------
/** Where the year's numbering continues (a committee moving to Saksflyt mid-year). Only forward. */
export interface NumberingContinued {
  type: 'NumberingContinued';
  data: { v: 1; committee: string; year: number; nextMeetingNumber: number; nextCaseNumber: number };
}
/** A meeting got its number `N/YYYY` at planning (seq = N). */
export interface MeetingNumberAssigned {
  type: 'MeetingNumberAssigned';
  data: { v: 1; meetingId: string; number: string; seq: number };
}
/** The cases of a noticed agenda got their numbers `N/YY`, in agenda order. */
export interface CaseNumbersAssigned {
  type: 'CaseNumbersAssigned';
  /** `meetingId` '' with `writtenProcedure: true`: the number of a case opened for written procedure. */
  data: { v: 1; meetingId: string; numbers: { caseId: string; number: string; seq: number }[]; writtenProcedure?: true };
}

// ---------- meeting (møte) ----------
export interface MeetingPlanned {
  type: 'MeetingPlanned';
  data: {
    v: 1;
    meetingId: string;
    committee: string;
    /** "8/2018" */
    number: string;
    year: number;
    /** YYYY-MM-DD */
    date: string;
    startTime?: string;
    endTime?: string;
    place: string;
    /** The committee's latest meeting planned before this one (any year), whose minutes this one approves. */
    previousMeetingId?: string;
    previousMeetingDate?: string;
    /** Absent: ordinary. */
    kind?: MeetingKind;
    /** The last day of a meeting over several days (not before `date`). */
    endDate?: string;
    /** Absent: physical. */
    format?: MeetingFormat;
  };
}
export interface CaseAddedToAgenda {
  type: 'CaseAddedToAgenda';
  /**
   * `late: true` (tilleggssak): added after notice, last before Eventuelt, with the `number` it
   * got at once. (Optional fields: earlier v1 payloads lack them and read as an ordinary addition.)
   */
  data: { v: 1; caseId: string; standardItem?: StandardItem; late?: true; number?: string };
}
export interface CaseRemovedFromAgenda {
  type: 'CaseRemovedFromAgenda';
  data: { v: 1; caseId: string; reason: string; why: RemovalReason };
}
/** The substantive cases of a planned agenda put in this order (the standard items keep their places). */
export interface AgendaReordered {
  type: 'AgendaReordered';
  data: { v: 1; order: string[] };
}
/**
 * A decided item of the draft minutes was amended (the case's DecisionAmended holds the texts).
 * Written on the meeting stream in the same plan, so an amendment and the approval of the minutes
 * are ordered: an amendment can never land after the approval.
 */
export interface MinutesAmended {
  type: 'MinutesAmended';
  data: { v: 1; caseId: string; reason: string };
}
/** Innkalling og dagsorden issued: the agenda is frozen, in this order, with these numbers. */
export interface MeetingNoticed {
  type: 'MeetingNoticed';
  data: { v: 1; agenda: { caseId: string; number: string }[] };
}
/** A deputy (vara) present while the member they stand in for is not. */
export interface StandingIn {
  deputy: string;
  for: string;
}
/**
 * v2: `secretariat` (names of the staff present), `remote` (member ids present remotely) and
 * `standingIn` (deputies present for absent members, decided at opening); v1 is read with them empty.
 */
export interface MeetingOpened {
  type: 'MeetingOpened';
  data: { v: 2; present: string[]; absent: string[]; guests: string[]; secretariat: string[]; remote: string[]; standingIn: StandingIn[] };
}
export interface MeetingAdjourned {
  type: 'MeetingAdjourned';
  data: { v: 1 };
}
/** Referat godkjent: approved by the next meeting's minutes-approval case (with corrections: godkjent med merknader). */
export interface MinutesApproved {
  type: 'MinutesApproved';
  data: { v: 1; byCaseId: string; byMeetingId: string; corrections?: string };
}
/** The meeting moved or changed (date, days, times, place, format); after notice: a changed notice (endret innkalling). */
export interface MeetingChanged {
  type: 'MeetingChanged';
  data: { v: 1; changes: Partial<MeetingDetails>; previous: Partial<MeetingDetails>; afterNotice: boolean };
}
/** Avlyst: the meeting will not be held; it keeps its number, which is never given again. */
export interface MeetingCancelled {
  type: 'MeetingCancelled';
  data: { v: 1; reason: string };
}

// ---------- case (sak) ----------
/** The case paper (saksfremlegg) fields that PATCH may change. */
export interface CasePaper {
  title: string;
  type: CaseType;
  proposedResolution: string;
  background?: string;
  purpose?: string;
  caseOfficer?: string;
  responsible?: string;
  projectIds: string[];
  /** Follow-up ids, or citations of another case's sub-item ("50/18 NR. 2", "NUFA 12/19 NR. 1"). */
  meetsFollowUps: string[];
  /** Numbered sub-items of the case (50/18 NR. 1–4), each citable as "N/YY LABEL". */
  items?: PaperItem[];
  /** Unntatt offentlighet: the legal basis ("offl. § 14"); null (PATCH) lifts it. See access/redact.ts. */
  exemption?: Exemption | null;
}
/** Exemption from public access (unntatt offentlighet) and its legal basis. */
export interface Exemption {
  basis: string;
}
/** A numbered sub-item of a case paper; `label` as written ("NR. 2", "Nr. 1"). */
export interface PaperItem {
  label: string;
  title: string;
  proposedResolution?: string;
}
/** The vedtak of one sub-item. */
export interface ItemResolution {
  label: string;
  resolution: string;
}
export interface CaseDrafted {
  type: 'CaseDrafted';
  data: CasePaper & {
    v: 1;
    caseId: string;
    committee: string;
    matterId: string;
    standardItem?: StandardItem;
    referredFromCaseId?: string;
    /** A minutes-approval item: the meeting whose minutes it approves. */
    approvesMinutesOf?: string;
    /** Opened by `refer`: what the referring committee decided (or why it sent the case before deciding). */
    referral?: ReferralCarried;
  };
}
export interface CasePaperEdited {
  type: 'CasePaperEdited';
  data: { v: 1; changes: Partial<CasePaper> };
}
export interface CaseScheduled {
  type: 'CaseScheduled';
  /** `late: true`: a tilleggssak, scheduled on a noticed or in-session meeting (optional: older v1 payloads lack it). */
  data: { v: 1; meetingId: string; late?: true };
}
export interface CaseUnscheduled {
  type: 'CaseUnscheduled';
  data: { v: 1; meetingId: string; reason: string };
}
/** Saksnummer `N/YY`, given at notice. */
export interface CaseNumbered {
  type: 'CaseNumbered';
  data: { v: 1; meetingId: string; number: string };
}
export interface CasePresented {
  type: 'CasePresented';
  data: { v: 1; presenter: string };
}
/** A follow-up (oppfølging) promised in the minutes: who owns it and by when, when given. */
export interface PromisedFollowUp {
  id: string;
  text: string;
  owner?: string;
  /** YYYY-MM-DD */
  due?: string;
}
/** v2: a follow-up may carry `owner` and `due` (v1's are text only). */
export interface DiscussionRecorded {
  type: 'DiscussionRecorded';
  data: { v: 2; summary?: string; points: string[]; followUps: PromisedFollowUp[] };
}
/** Vedtak: tilslutning (endorsement); on a minutes-approval item, `corrections` to the approved minutes. */
export interface ResolutionEndorsed {
  type: 'ResolutionEndorsed';
  data: { v: 1; resolution: string; conditions?: string; corrections?: string; dissent?: Dissent[]; items?: ItemResolution[]; writtenProcedure?: WrittenProcedureOutcome };
}
/** Vedtak: tatt til orientering (noted), with numbered input points. */
export interface CaseNoted {
  type: 'CaseNoted';
  data: { v: 1; resolution: string; input: string[]; dissent?: Dissent[]; items?: ItemResolution[]; writtenProcedure?: WrittenProcedureOutcome };
}
/** Utsatt: off the agenda, back to draft; a number given at notice is lost. */
export interface CasePostponed {
  type: 'CasePostponed';
  data: { v: 1; meetingId: string; reason: string };
}
export interface CaseReferred {
  type: 'CaseReferred';
  data: { v: 1; toCommittee: string; type: CaseType; referredCaseId: string; reason?: string };
}
export interface CaseWithdrawn {
  type: 'CaseWithdrawn';
  data: { v: 1; reason: string };
}
/** The fields an amendment (rettelse) may replace, before the minutes are approved. */
export interface AmendedFields {
  resolution?: string;
  conditions?: string;
  summary?: string;
  points?: string[];
  input?: string[];
}
/** Rettelse: the recorded vedtak or discussion corrected before the minutes were approved; the new texts and why. */
export interface DecisionAmended {
  type: 'DecisionAmended';
  data: AmendedFields & { v: 1; reason: string };
}
/** Vedlegg: a file added to the case paper; its bytes are stored once by `sha256` (the blob store), before this is appended. */
export interface AttachmentAdded {
  type: 'AttachmentAdded';
  data: { v: 1; attachmentId: string; filename: string; contentType: string; size: number; sha256: string };
}
/** Vedlegg removed from the case paper (the bytes stay in the blob store: the history names them). */
export interface AttachmentRemoved {
  type: 'AttachmentRemoved';
  data: { v: 1; attachmentId: string };
}
/** A minutes-approval item (not yet noticed) now approves another meeting's minutes (the calendar changed). */
export interface MinutesApprovalRetargeted {
  type: 'MinutesApprovalRetargeted';
  data: { v: 1; approvesMinutesOf: string; title: string; proposedResolution: string };
}
/** A committee member as named in a vote or a dissent (as they stood in the committee then). */
export interface NamedMember {
  memberId: string;
  name: string;
  organisation: string;
  /** Set when a deputy voted standing in for an absent member. */
  standingInFor?: string;
}
/** Dissens: a present member's recorded disagreement with the vedtak. */
export interface Dissent extends NamedMember {
  text: string;
}
/** What a referred case carries from the case that referred it (the referring committee's decision). */
export interface ReferralCarried {
  fromCaseId: string;
  committee: string;
  number: string | null;
  resolution?: string;
  conditions?: string;
  input?: string[];
  dissent?: Dissent[];
  /** Referred from discussion, before a decision: why. */
  reason?: string;
  /** The referring paper's sub-items, each with its vedtak where given. */
  items?: { label: string; title: string; resolution?: string }[];
}
/** Skriftlig behandling opened on a draft case: its number given at once, answers until `deadline`. */
export interface WrittenProcedureOpened {
  type: 'WrittenProcedureOpened';
  /** `deadline`: YYYY-MM-DD (through that day, Norwegian time) or an ISO time with offset. */
  data: { v: 1; deadline: string; number: string };
}
/** A member's answer in a written procedure (their own token); a later answer replaces it. */
export interface WrittenProcedureAnswered {
  type: 'WrittenProcedureAnswered';
  data: { v: 1; memberId: string; name: string; organisation: string; answer: 'agree' | 'disagree'; comment?: string };
}
/** The answers as they stood when the secretariat concluded (part of the decision). */
export interface WrittenProcedureOutcome {
  deadline: string;
  tally: { agree: number; disagree: number };
  answers: { memberId: string; name: string; organisation: string; answer: 'agree' | 'disagree'; comment?: string }[];
}

/** Votering: who voted for, against and abstained; a later vote on the case replaces it. */
export interface VoteRecorded {
  type: 'VoteRecorded';
  data: { v: 1; meetingId: string; for: NamedMember[]; against: NamedMember[]; abstained: NamedMember[] };
}

// ---------- history (tidligere vedtak) ----------
/** Where the records give a historical decision: the case papers quoting it and the seed lines. */
export interface HistorySource {
  /** The cases whose papers quote it, as the record names them ("NEHS 4/19"). */
  citedBy?: string[];
  /** Their case ids in this store, where known. */
  citedByCaseIds?: string[];
  /** Seed file and line range(s) of the quoted text. */
  seeds?: { seed: string; lines: number[] }[];
}
/**
 * An earlier decision (vedtak) known only as the records quote it: no meeting of it is in
 * Saksflyt, so it takes no number from the numbering and names no meeting. Only what the record
 * says is kept: `outcome`, `date` and `minutesApproved` are absent unless the record states them.
 */
export interface HistoricalDecisionRecorded {
  type: 'HistoricalDecisionRecorded';
  data: {
    v: 1;
    committee: string;
    /** As recorded: "39/17". */
    number: string;
    /** Four-digit year of the number. */
    year: number;
    title: string;
    /** The vedtak text as quoted, verbatim. */
    wording: string;
    outcome?: 'endorsement' | 'orientation';
    /** YYYY-MM-DD, only when the record gives it. */
    date?: string;
    /** Only when the record says the minutes were approved. */
    minutesApproved?: boolean;
    matterId?: string;
    source: HistorySource;
    note?: string;
  };
}

// ---------- portfolio project (prosjekt i nasjonal e-helseportefølje) ----------
export interface ProjectRegistered {
  type: 'ProjectRegistered';
  data: { v: 1; id: string; name: string; owner: string; phase?: string; status?: string };
}
export interface ProjectStatusReported {
  type: 'ProjectStatusReported';
  data: { v: 1; phase?: string; status?: string; risk?: string; note: string };
}

// ---------- follow-up (oppfølging) closed by hand ----------
/** The secretariat closed a follow-up without a case meeting it, with its reason. */
export interface FollowUpClosed {
  type: 'FollowUpClosed';
  data: { v: 1; followUpId: string; caseId: string; committee: string; reason: string };
}

export type CommitteeEvent = CommitteeCreated | MemberJoined | MemberLeft | MemberLoginLinked | MemberLoginUnlinked;
export type NumberingEvent = NumberingContinued | MeetingNumberAssigned | CaseNumbersAssigned;
export type MeetingEvent =
  | MeetingPlanned
  | CaseAddedToAgenda
  | CaseRemovedFromAgenda
  | MeetingNoticed
  | MeetingOpened
  | MeetingAdjourned
  | MinutesApproved
  | AgendaReordered
  | MinutesAmended
  | MeetingChanged
  | MeetingCancelled;
export type CaseEvent =
  | CaseDrafted
  | CasePaperEdited
  | CaseScheduled
  | CaseUnscheduled
  | CaseNumbered
  | CasePresented
  | DiscussionRecorded
  | ResolutionEndorsed
  | CaseNoted
  | CasePostponed
  | CaseReferred
  | CaseWithdrawn
  | DecisionAmended
  | AttachmentAdded
  | AttachmentRemoved
  | MinutesApprovalRetargeted
  | VoteRecorded
  | WrittenProcedureOpened
  | WrittenProcedureAnswered;

export type HistoryEvent = HistoricalDecisionRecorded;
export type ProjectEvent = ProjectRegistered | ProjectStatusReported;
export type FollowUpEvent = FollowUpClosed;

export type DomainEvent = CommitteeEvent | NumberingEvent | MeetingEvent | CaseEvent | HistoryEvent | ProjectEvent | FollowUpEvent;
export type DomainEventType = DomainEvent['type'];
export type EventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
export type DataOf<T extends DomainEventType> = EventOf<T>['data'];

export const COMMITTEE_EVENT_TYPES = eventTypesOf('committee');
export const NUMBERING_EVENT_TYPES = eventTypesOf('numbering');
export const MEETING_EVENT_TYPES = eventTypesOf('meeting');
export const CASE_EVENT_TYPES = eventTypesOf('case');
export const HISTORY_EVENT_TYPES = eventTypesOf('history');
export const PROJECT_EVENT_TYPES = eventTypesOf('project');
export const FOLLOWUP_EVENT_TYPES = eventTypesOf('followup');

/** Every domain event type name. */
export const DOMAIN_EVENT_TYPES: readonly DomainEventType[] = [
  ...COMMITTEE_EVENT_TYPES,
  ...NUMBERING_EVENT_TYPES,
  ...MEETING_EVENT_TYPES,
  ...CASE_EVENT_TYPES,
  ...HISTORY_EVENT_TYPES,
  ...PROJECT_EVENT_TYPES,
  ...FOLLOWUP_EVENT_TYPES,
];

export function isDomainEventType(type: string): type is DomainEventType {
  return (DOMAIN_EVENT_TYPES as readonly string[]).includes(type);
}

/** Narrow a stored event (any `{ type, data }`) to a domain event. */
export function asDomainEvent(e: { type: string; data: unknown }): DomainEvent | null {
  return isDomainEventType(e.type) ? (e as DomainEvent) : null;
}
