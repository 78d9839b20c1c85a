import type { CasePaper, CaseType, Dissent, ItemResolution, MeetingFormat, MeetingKind, MemberRole, PaperItem, PromisedFollowUp, ReferralCarried, StandardItem } from '../events.js';
import type { MeetingAttendance } from '../meeting/state.js';
import type { VotesView } from '../case/vote.js';
import type { ResolvedCitation } from '../case/items.js';
import type { WrittenProcedureView } from '../case/written-procedure.js';
import type { CaseCommand, MeetingCommand } from '../machines/commands.js';
import type { Actor, CaseState, MeetingLifecycle } from '../machines/guard-input.js';

export interface WorkflowOptions {
  /** Source of `metadata.at` when a command does not give `at`. */
  clock?: () => Date;
}

/** Every command's context (the HTTP layer builds it from the token and headers). */
export interface CommandContext {
  actor: Actor;
  correlationId: string;
  /** `If-Match`: the aggregate revision the caller last saw. */
  ifMatch?: bigint;
  /** When it happened (ISO 8601), for imports of history; default: the clock. */
  at?: string;
  /**
   * The command's id: derived from the request's `Idempotency-Key` when given (the same key from
   * the same user gives the same id), else fresh per request. Event ids are derived from it, so a
   * retry of the same command never writes twice.
   */
  commandId?: string;
}

/** The answer to every write. */
export interface CommandResult {
  id: string;
  state: string;
  /** The aggregate's revision after the command. */
  revision: bigint;
  /** The highest global position written by the command (all its streams). */
  position: bigint;
  [extra: string]: unknown;
}

// ---------- bodies ----------
export interface CreateCommitteeBody {
  code: string;
  name: string;
}
export interface AddMemberBody {
  name: string;
  organisation: string;
  role: MemberRole;
  /** A deputy's member (an active member of the same committee). */
  deputyFor?: string;
  /** The term, YYYY-MM-DD. */
  from?: string;
  to?: string;
  /** The identity the member signs in with (OIDC `sub`, a tokens-file `id`). */
  userId?: string;
}
export interface NumberingBody {
  nextMeetingNumber: number;
  nextCaseNumber: number;
}
export interface PlanMeetingBody {
  date: string;
  startTime?: string;
  endTime?: string;
  place: string;
  kind?: MeetingKind;
  endDate?: string;
  format?: MeetingFormat;
}
/** PATCH /api/meetings/{id}: while planned or noticed. */
export interface ChangeMeetingBody {
  date?: string;
  endDate?: string;
  startTime?: string;
  endTime?: string;
  place?: string;
  format?: MeetingFormat;
}
export interface CancelMeetingBody {
  reason: string;
}
/** PUT agenda: the substantive cases in their new order (each exactly once). */
export interface ReorderAgendaBody {
  order: string[];
}
export interface OpenMeetingBody {
  present: string[];
  absent?: string[];
  guests?: string[];
  /** Names of the secretariat's staff present. */
  secretariat?: string[];
  /** Member ids among `present` who took part remotely. */
  remote?: string[];
}
export interface CreateCaseBody {
  committee: string;
  title: string;
  type: CaseType;
  proposedResolution: string;
  background?: string;
  purpose?: string;
  caseOfficer?: string;
  responsible?: string;
  matterId?: string;
  projectIds?: string[];
  meetsFollowUps?: string[];
  exemption?: { basis: string };
  items?: PaperItem[];
}
export type EditCaseBody = Partial<CasePaper>;

export interface CaseCommandBodies {
  /** `late: true`: a late case (tilleggssak) onto a noticed or in-session meeting. */
  schedule: { meetingId: string; late?: boolean };
  unschedule: { reason: string };
  present: { presenter: string };
  'record-discussion': { summary?: string; points?: string[]; followUps?: (string | FollowUpInput)[] };
  endorse: { resolution: string; conditions?: string; corrections?: string; dissent?: DissentBody[]; items?: ItemResolution[] };
  note: { resolution: string; input?: string[]; dissent?: DissentBody[]; items?: ItemResolution[] };
  postpone: { reason: string };
  refer: { toCommittee: string; type: CaseType; reason?: string };
  withdraw: { reason: string };
  amend: { reason: string; resolution?: string; conditions?: string; summary?: string; points?: string[]; input?: string[] };
  vote: { for: string[]; against: string[]; abstained?: string[] };
  /** Skriftlig behandling: YYYY-MM-DD (through that day, Norwegian time) or an ISO time with offset. */
  'written-procedure': { deadline: string };
}
/** A member's answer in a written procedure. */
export interface WrittenAnswerBody {
  answer: 'agree' | 'disagree';
  comment?: string;
}
/** Dissens on endorse/note: a present member and their text. */
export interface DissentBody {
  memberId: string;
  text: string;
}
export type CaseCommandName = keyof CaseCommandBodies;

/** A follow-up promised in `record-discussion`: its text, who owns it, and by when (YYYY-MM-DD). */
export interface FollowUpInput {
  text: string;
  owner?: string;
  due?: string;
}
export interface CloseFollowUpBody {
  reason: string;
}

// ---------- views ----------
export interface MemberView {
  id: string;
  name: string;
  organisation: string;
  role: MemberRole;
  deputyFor?: string;
  from?: string;
  to?: string;
  userId?: string;
  joinedAt: string;
  leftAt?: string;
}
export interface CommitteeView {
  code: string;
  name: string;
  /** Current members. */
  members: MemberView[];
  /** Members whose membership ended (history keeps them). */
  formerMembers: MemberView[];
  revision: bigint;
}
export interface MeetingSummary {
  id: string;
  committee: string;
  number: string;
  year: number;
  date: string;
  state: MeetingLifecycle;
  minutes: 'draft' | 'approved';
  kind: 'ordinary' | 'extraordinary';
  /** The last day of a meeting over several days. */
  endDate?: string;
  format: 'physical' | 'webinar' | 'hybrid';
  /** Why it was cancelled (state `cancelled`). */
  cancelledReason?: string;
}
export interface AgendaItemView {
  caseId: string;
  number: string | null;
  title: string;
  type: CaseType;
  state: CaseState;
  standardItem?: StandardItem;
  /** A late case (tilleggssak): scheduled after notice, numbered at once. */
  late?: true;
  /** A minutes-approval item: the meeting whose minutes it approves. */
  approvesMinutesOf?: string;
}
export interface MeetingView extends MeetingSummary {
  startTime?: string;
  endTime?: string;
  place: string;
  previousMeetingId?: string;
  previousMeetingDate?: string;
  agenda: AgendaItemView[];
  attendance: MeetingAttendance | null;
  minutesApprovedBy: { byCaseId: string; byMeetingId: string } | null;
  /** Godkjent med merknader: the corrections made when these minutes were approved. */
  minutesCorrections?: string;
  /** Every PATCH, oldest first; `afterNotice`: a changed notice (endret innkalling). */
  changes: { changes: Record<string, string>; previous: Record<string, string>; afterNotice: boolean; at: string | null }[];
  allowedCommands: MeetingCommand[];
  /** Readable without a token: the meeting has been noticed (API.md Identity table). */
  public: boolean;
  revision: bigint;
  position: bigint;
}
export interface CaseView {
  id: string;
  committee: string;
  number: string | null;
  title: string;
  type: CaseType;
  state: CaseState;
  proposedResolution: string;
  resolution: string | null;
  conditions: string | null;
  input: string[];
  meetingId: string | null;
  matterId: string;
  revision: bigint;
  /** Position of the case's last event. */
  position: bigint;
  allowedCommands: CaseCommand[];
  /** Its meeting's minutes are approved. */
  recorded: boolean;
  /** The state of its current meeting (null while in draft or withdrawn from draft). */
  meetingState: MeetingLifecycle | null;
  /** Readable without a token: it has been on a noticed agenda (it got a number at least once). */
  public: boolean;
  background?: string;
  purpose?: string;
  caseOfficer?: string;
  responsible?: string;
  projectIds: string[];
  meetsFollowUps: string[];
  standardItem?: StandardItem;
  referredFromCaseId?: string;
  presenter: string | null;
  discussion: { summary?: string; points: string[]; followUps: PromisedFollowUp[] }[];
  referrals: { toCommittee: string; type: string; referredCaseId: string }[];
  withdrawnReason: string | null;
  postponedFrom: string[];
  /** Dissens recorded with the vedtak. */
  dissent?: Dissent[];
  /** The latest vote (votering); the history keeps every earlier one. */
  votes?: VotesView;
  /** Opened by `refer`: the referring committee's vedtak, input and dissent (or why it sent the case before deciding). */
  referral?: ReferralCarried;
  /** The paper's numbered sub-items. */
  items?: PaperItem[];
  /** The per sub-item vedtak. */
  itemResolutions?: ItemResolution[];
  /** The sub-item citations in `meetsFollowUps`, resolved to the cited case. */
  citedItems?: ResolvedCitation[];
  /** Skriftlig behandling: deadline, answers (the committee's until concluded), when concluded. */
  writtenProcedure?: WrittenProcedureView;
  /** Unntatt offentlighet (null: public). */
  exemption: { basis: string } | null;
  /** Vedlegg on the paper, in the order added. */
  attachments: AttachmentView[];
  /** A minutes-approval item: the meeting whose minutes it approves. */
  approvesMinutesOf?: string;
  /** The corrections its endorsement made to the approved minutes (godkjent med merknader). */
  corrections?: string;
}
export interface AttachmentView {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  addedAt: string | null;
}
export interface HistoryEntry {
  id: string;
  position: bigint;
  revision: bigint;
  type: string;
  at: string;
  recordedAt: string;
  actor: string;
  data: unknown;
  correlationId: string;
  causationId: string | null;
  hash: string | null;
  /** On an amendment (DecisionAmended): each field it replaced, from what to what. */
  changes?: { field: string; from: string | string[] | null; to: string | string[] | null }[];
}
export interface MatterView {
  matterId: string;
  cases: { id: string; committee: string; number: string | null; title: string; type: CaseType; state: CaseState; meetingId: string | null }[];
}

// ---------- history (earlier decisions known from the records) ----------
export interface RecordHistoryBody {
  /** As recorded: "39/17". */
  number: string;
  /** Four-digit year of the number; default 2000 + YY. Must agree with the number. */
  year?: number;
  title: string;
  /** The vedtak as quoted, verbatim. */
  wording: string;
  /** Only when the record says so. */
  outcome?: 'endorsement' | 'orientation';
  date?: string;
  minutesApproved?: boolean;
  matterId?: string;
  source?: { citedBy?: string[]; citedByCaseIds?: string[]; seeds?: { seed: string; lines: number[] }[] };
  note?: string;
}
export interface HistoricalDecisionView {
  /** The stream name, e.g. `history-NEHS-39-17`. */
  id: string;
  committee: string;
  number: string;
  year: number;
  title: string;
  wording: string;
  outcome: 'endorsement' | 'orientation' | null;
  date: string | null;
  minutesApproved: boolean;
  matterId: string | null;
  source: { citedBy?: string[]; citedByCaseIds?: string[]; seeds?: { seed: string; lines: number[] }[] };
  note: string | null;
  /** When it was recorded (metadata.at) and by whom. */
  at: string;
  actor: string;
  position: bigint;
}
