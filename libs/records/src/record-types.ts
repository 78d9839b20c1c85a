/**
 * Schema of the structured committee records in `fixtures/records/*.json`.
 *
 * The record files are hand-checked transcriptions of the real Norwegian committee records in
 * `../shared/seeds/*.txt`. They are written so that an importer can replay them, in file order,
 * through the commands of the HTTP API (`../shared/API.md`):
 *
 *   1. `committees`            → POST /api/committees
 *   2. `members`               → POST /api/committees/{code}/members
 *   3. `numbering`             → PUT  /api/committees/{code}/numbering/{year}
 *   4. `projects`              → POST /api/portfolio/projects (+ /reports for later status)
 *   5. `history`               → imported as history (earlier decisions quoted in case papers;
 *                                 no meeting of theirs is in the records, so they are facts to
 *                                 keep, not cases to replay through a meeting)
 *   6. `meetings` in array order, each:
 *        POST /api/committees/{code}/meetings               (at: `at.planned`)
 *        for each case in `cases` that is not a standard item:
 *          POST /api/cases {committee, title, type, proposedResolution, ...}; schedule
 *        (standard items — `standardItem` set — are created by planning the meeting;
 *         the importer matches them by `standardItem`, not by title, PATCHes their title to the
 *         recorded one, withdraws the ones in `omittedStandardItems`, and creates a recorded
 *         standard item the engine did not create as an ordinary case in its agenda position;
 *         `combinesStandardItems` marks one case that covers two standard items, NUFA 33/20)
 *        if endState ≥ noticed: POST /api/meetings/{id}/notice  (at: `at.noticed`)
 *          → the numbers the engine gives must equal `case.number` (numbering continuation
 *            makes this so); a mismatch is an import error, not something to paper over
 *        if endState = held: open (attendance) → per case in agenda order:
 *          present(presenter) → record-discussion(summary, points, followUps) →
 *          endorse(resolution, conditions) | note(resolution, input) → adjourn
 *   7. `plannedCases` (cases that the records only plan, e.g. in an annual plan): POST /api/cases
 *       as drafts, with their `matterId`; they are never decided.
 *   8. `portfolioEndorsements`, `annualPlan`, `helseOmsorg21`, `matters`: facts for the views;
 *       they reference cases/meetings above by committee + number.
 *
 * Text rules (apply to every string that quotes a record):
 *   - Norwegian text is verbatim: never translated, normalised, or corrected (typos stay).
 *   - Lines broken by the PDF-to-text extraction are joined into one paragraph with one space;
 *     runs of spaces are collapsed to one; paragraphs are separated by "\n\n".
 *   - A line ending in a hyphen after a letter, followed by a line starting with a lower-case
 *     letter, is joined WITHOUT a space and the hyphen is KEPT ("e-\nhelsestyre" →
 *     "e-helsestyre"). Where that hyphen is probably a PDF hyphenation artefact it is still kept.
 *   - Bullet glyphs (•, -, ) at the start of list items are dropped when the item becomes an
 *     element of a list field (`points`, `input`, ...); the item's text is otherwise verbatim.
 *   - `null` means "the records do not say". Nothing is invented to fill a field.
 *
 * Every place where a record is wrong, unclear or contradictory keeps what the record says and
 * gets a `Note` in the file's `notes`.
 */

/** Version of this schema; every record file carries it. */
export const RECORDS_SCHEMA_VERSION = 1 as const;

/** Case type (*sakstype*). Godkjenning→approval, Orientering→orientation, Tilslutning→endorsement,
 * Drøfting→discussion; a blank type (Eventuelt) is imported as orientation (noted). */
export type CaseType = 'approval' | 'orientation' | 'endorsement' | 'discussion';
export const CASE_TYPES: readonly CaseType[] = ['approval', 'orientation', 'endorsement', 'discussion'];

/** Outcome of a decided case: `endorse` (vedtak adopted) or `note` (tatt til orientering). */
export type CaseOutcome = 'endorsement' | 'orientation';
export const CASE_OUTCOMES: readonly CaseOutcome[] = ['endorsement', 'orientation'];

/** Standard agenda items created by planning a meeting (API.md "Meetings"). */
export type StandardItem = 'notice-approval' | 'minutes-approval' | 'any-other-business';
export const STANDARD_ITEMS: readonly StandardItem[] = ['notice-approval', 'minutes-approval', 'any-other-business'];

/** How far the records take a meeting: planned (annual plan only), noticed (notice, no
 * minutes), held (minutes exist). */
export type MeetingEndState = 'planned' | 'noticed' | 'held';
export const MEETING_END_STATES: readonly MeetingEndState[] = ['planned', 'noticed', 'held'];

/** Minutes status as the records show it: `none` (not held / no minutes), `draft` (minutes
 * exist but their approval is not recorded), `approved` (an approval-of-minutes case is decided
 * in the records). */
export type MinutesStatus = 'none' | 'draft' | 'approved';
export const MINUTES_STATUSES: readonly MinutesStatus[] = ['none', 'draft', 'approved'];

/** State a case reaches when replayed. */
export type CaseEndState = 'draft' | 'scheduled' | 'endorsement' | 'orientation';
export const CASE_END_STATES: readonly CaseEndState[] = ['draft', 'scheduled', 'endorsement', 'orientation'];

export type MemberRole = 'chair' | 'member' | 'observer';
export const MEMBER_ROLES: readonly MemberRole[] = ['chair', 'member', 'observer'];

/** Where in the seeds a datum comes from: seed file name (in ../shared/seeds) and 1-based
 * inclusive line range. */
export interface SourceRef {
  seed: string;
  lines: [number, number];
}

/** A place where the record is wrong, unclear or contradictory. `record` quotes what the record
 * says (verbatim); `why` explains, in English, what is wrong/unclear and what the data does. */
export interface Note {
  /** File-local pointer, e.g. "meetings[NEHS 1/2019].cases[4/19].background". */
  where: string;
  record: string;
  why: string;
  source?: SourceRef;
}

/**
 * A timestamp for an imported step. `at` is ISO 8601 with offset (Europe/Oslo offset of that
 * date). `basis` says how exact it is:
 *  - `recorded`: date and time are in the record (e.g. meeting "Kl. 10.00 – 15.00");
 *  - `date-only`: the date is recorded, the time of the step is not; `at` uses the meeting's
 *    recorded start time (steps inside a meeting keep agenda order by replay order, not by `at`);
 *  - `not-recorded`: the records do not say when; `at` is a placeholder (00:00 on the latest
 *    date the records allow), to be shown as unknown.
 */
export interface Stamp {
  at: string;
  basis: 'recorded' | 'date-only' | 'not-recorded';
}

/** A body (utvalg/styre/råd). */
export interface CommitteeRecord {
  code: string;
  /** Name as the records give it. */
  name: string;
  /** The secretariat (who acts for the committee in the engine). */
  secretariat: string | null;
  source: SourceRef[];
}

/** A member of a committee (POST /api/committees/{code}/members). */
export interface MemberRecord {
  /** File-local stable key, referenced from attendance ("NEHS:christine-bergland"). */
  key: string;
  committee: string;
  name: string;
  organisation: string;
  role: MemberRole;
  source: SourceRef[];
}

/** One attendance line: the member (by key) and the line exactly as the record wrote it. */
export interface AttendanceEntry {
  member: string;
  asRecorded: string;
}

/** Attendance of a held meeting (POST /api/meetings/{id}/open). */
export interface Attendance {
  present: AttendanceEntry[];
  absent: AttendanceEntry[];
  observers: AttendanceEntry[];
  /** Secretariat staff listed in the minutes (names only). */
  secretariatStaff: string[];
  /** Organisation of the secretariat staff as recorded. */
  secretariatOrganisation: string | null;
  /** People the minutes show in the meeting (e.g. presenters) who are not on the attendance
   * list; sent as `guests`. */
  guests: string[];
}

/** Where a committee's numbering continues in a year (PUT /api/committees/{code}/numbering/{year}).
 * `null` = the records do not say (the importer leaves that counter at its default). */
export interface NumberingRecord {
  committee: string;
  year: number;
  nextMeetingNumber: number | null;
  nextCaseNumber: number | null;
  /** Why these values (which record shows them). */
  basis: string;
}

/** A numbered sub-item of a case (50/18 NR. 1–4), each citable. */
export interface SubItem {
  /** As recorded, e.g. "Nr. 1", "NR. 2", or "1" for unnumbered Eventuelt items in order. */
  label: string;
  title: string;
  presenter: string | null;
  summary: string | null;
  points: string[];
  followUps: string[];
  /** The sub-item's own concluding sentence where it has one (Eventuelt items). */
  resolution: string | null;
}

/** Per-step timestamps and actor of a case. */
export interface CaseStamps {
  created: Stamp;
  scheduled: Stamp;
  presented?: Stamp;
  decided?: Stamp;
}

/** A case (sak) on a meeting's agenda, in agenda order. */
export interface CaseRecord {
  /** Case number as recorded, "47/18"; null when the record has none (planned cases). */
  number: string | null;
  /** Title as in the minutes (authoritative), or in the notice's case section when there are no
   * minutes. */
  title: string;
  /** Title in the agenda table / notice when it differs from `title`. */
  agendaTitle?: string;
  /** Title on the case paper (toppnotat/saksfremlegg) when it differs from `title`. */
  casePaperTitle?: string;
  type: CaseType;
  /** The *sakstype* as written in the record ("Godkjenning", ...); null when blank/absent (then
   * `type` is inferred and a note says so). */
  typeAsRecorded: string | null;
  standardItem: StandardItem | null;
  /** Other standard items this one case also covers (NUFA folds the approval of the minutes into
   * the approval of notice and agenda, 33/20). */
  combinesStandardItems?: StandardItem[];
  /** *Forslag til vedtak*, verbatim; null when the records hold none for this case (NEHS
   * 47/18–57/18: the minutes show only the vedtak). The API needs a string: an importer sends ""
   * for null — never the vedtak, which would claim a proposal the records do not show. */
  proposedResolution: string | null;
  purpose?: string | null;
  background?: string | null;
  furtherWork?: string | null;
  /** Questions the case paper or slides put to the committee for discussion (drøfting),
   * verbatim; they are not answers or minutes. */
  questions?: string[];
  caseOfficer?: string | null;
  /** *Fra*: the responsible leader. */
  responsible?: string | null;
  attachments?: string[];
  /** Who presented it in the meeting (as recorded, incl. organisation when given). */
  presenter: string | null;
  /** Prose of the minutes for the case (the committee's view, responses), verbatim paragraphs. */
  discussion: string | null;
  /** Points raised, as a list (bullets or numbered points of the minutes). */
  points: string[];
  /** Promises (*oppfølging*) made in the minutes, verbatim sentences; includes those made under
   * the case's sub-items (which also list their own). */
  followUps: string[];
  outcome: CaseOutcome | null;
  /** *Vedtak*, verbatim; null when the records hold no decision. */
  resolution: string | null;
  /** The condition a vedtak carries ("med forbehold om ..."), verbatim substring of
   * `resolution`. */
  conditions: string | null;
  /** Numbered input points of a noted vedtak. */
  input: string[];
  subItems: SubItem[];
  projectIds: string[];
  /** Links cases of the same matter across committees (see `matters`). */
  matterId: string | null;
  endState: CaseEndState;
  at: CaseStamps;
  /** Who did it (the secretariat/organisation named in the record). */
  actor: string;
  source: SourceRef[];
}

/** A meeting (møte). */
export interface MeetingRecord {
  /** File-independent key "<committee> <number>" or "<committee> <date>" when unnumbered. */
  key: string;
  committee: string;
  /** As recorded, "8/2018"; null when the record gives no number. */
  number: string | null;
  /** YYYY-MM-DD (first day). */
  date: string;
  /** YYYY-MM-DD for meetings spanning two days. */
  endDate?: string;
  /** "HH:MM" or null. */
  startTime: string | null;
  endTime: string | null;
  place: string | null;
  /** e.g. "webinar" when the record says so (absent: physical). */
  format?: 'physical' | 'webinar' | 'hybrid';
  endState: MeetingEndState;
  minutesStatus: MinutesStatus;
  /** The meeting whose minutes this meeting's minutes-approval case refers to (by date). */
  previousMeetingDate: string | null;
  /** Where the minutes are approved in the records ("NEHS 1/2019 case 2/19"), proposed only or
   * decided. */
  minutesApproval?: { meeting: string; case: string; decided: boolean } | null;
  attendance: Attendance | null;
  /** Standard items the engine creates when planning that the records do not have (e.g. no
   * Eventuelt on the NUFA webinar agenda); the importer withdraws them before notice. When the
   * engine did NOT create a standard item that the records have (no previous meeting in the store,
   * so no minutes-approval item), the importer creates it as an ordinary case in its agenda
   * position. Standard items' titles are PATCHed to the recorded `title` before notice. */
  omittedStandardItems?: StandardItem[];
  /** Members listed in the notice (by key), for noticed meetings. */
  noticedMembers?: AttendanceEntry[];
  noticedObservers?: AttendanceEntry[];
  at: { planned: Stamp; noticed?: Stamp; opened?: Stamp; adjourned?: Stamp };
  actor: string;
  cases: CaseRecord[];
  source: SourceRef[];
}

/** An earlier decision quoted in case papers (*vedtak på tidligere relevante saker*). */
export interface HistoryDecision {
  committee: string;
  number: string;
  /** Four-digit year of the decision (from the two-digit case year). */
  year: number;
  title: string;
  wording: string;
  /** The case(s) whose papers quote it, e.g. "NEHS 4/19". */
  quotedIn: string[];
  /** Matter thread, when the papers tie it to one. */
  matterId: string | null;
  source: SourceRef[];
}

/** A project/programme of the national e-health portfolio. */
export interface PortfolioProject {
  id: string;
  name: string;
  owner: string;
  phase: string | null;
  /** Status as recorded ("Avsluttet"); null when not stated. */
  status: string | null;
  risk: string | null;
  /** Portfolio/budget year the row belongs to, as recorded. */
  budgetYear: number | null;
  /** When/where the record shows this row (e.g. "Nasjonal portefølje oktober 2020"). */
  asOf: string;
  source: SourceRef[];
}

/** A decision that fixes or moves the portfolio (e.g. NEHS 52/18). */
export interface PortfolioEndorsement {
  committee: string;
  caseNumber: string;
  meeting: string;
  date: string;
  portfolioYear: number;
  outcome: CaseOutcome;
  resolution: string;
  /** Projects named by the decision; empty when the records do not list them. */
  projectIds: string[];
  source: SourceRef[];
}

/** An entry of an annual plan (årshjul). */
export interface AnnualPlanEntry {
  committee: string;
  /** Committee as written in the record ("Områdeutvalg", "E-helsestyre"). */
  committeeAsRecorded: string;
  /** YYYY-MM-DD (first day); null when the plan gives no day ("des. 2020"). */
  date: string | null;
  endDate?: string;
  /** Date as written ("16.-17.9"). */
  dateAsRecorded: string;
  /** What is planned, verbatim; null when the plan gives only the date. */
  description: string | null;
  /** Which plan/slide it comes from. */
  plan: string;
  /** The meeting this entry denotes, "<committee> <YYYY-MM-DD>". Entries with the same key are
   * the same meeting. The importer plans one meeting (state `planned`) per distinct key unless a
   * `MeetingRecord` with that key exists in another file. null = not imported as a meeting (the
   * entry is contradicted or has no day; a note says why). */
  meetingKey: string | null;
  source: SourceRef[];
}

/** A case that the records only plan (e.g. "NUIT 25.11 (tilslutning forslag til plan)"): imported
 * as a draft of its matter, never decided. */
export interface PlannedCase {
  committee: string;
  title: string;
  type: CaseType;
  proposedResolution: string | null;
  matterId: string;
  /** Date of the planned meeting it is meant for (from the annual plan). */
  plannedMeetingDate: string;
  endState: 'draft';
  at: { created: Stamp };
  actor: string;
  source: SourceRef[];
}

/** A matter travelling across committees, in the order of its steps. */
export interface MatterRecord {
  matterId: string;
  title: string;
  steps: Array<{
    committee: string;
    /** Meeting date (planned or held). */
    date: string;
    /** The step as recorded ("drøfting forslag til plan"). */
    asRecorded: string;
    type: CaseType;
    /** Case number when the case is on a noticed agenda in the records; null when only planned. */
    caseNumber: string | null;
    status: 'on-agenda' | 'planned';
  }>;
  /** Earlier cases of the same subject that the records do not explicitly tie to this matter. */
  relatedCases: Array<{ committee: string; number: string; why: string }>;
  source: SourceRef[];
}

/** A measure (tiltak) of a HelseOmsorg21 case. */
export interface HelseOmsorg21Measure {
  number: number;
  title: string;
  status: string;
}

/** A case of HelseOmsorg21-rådet. */
export interface HelseOmsorg21Case {
  committee: string;
  number: string;
  title: string;
  /** Title of the slide carrying the proposal when it differs. */
  proposalTitle?: string;
  meetingDate: string | null;
  meetingAsRecorded: string | null;
  presenter: string | null;
  measures: HelseOmsorg21Measure[];
  /** Forslag til vedtak, verbatim, one element per bullet. */
  proposedResolution: string[];
  resolution: null;
  source: SourceRef[];
}

/** One record file. Every list is optional except `notes`; order inside lists is replay order. */
export interface RecordFile {
  schemaVersion: typeof RECORDS_SCHEMA_VERSION;
  /** Equal to the file name without ".json". */
  id: string;
  title: string;
  sources: SourceRef[];
  /** Default actor for steps of this file. */
  actor: string;
  committees?: CommitteeRecord[];
  members?: MemberRecord[];
  numbering?: NumberingRecord[];
  meetings?: MeetingRecord[];
  history?: HistoryDecision[];
  projects?: PortfolioProject[];
  portfolioEndorsements?: PortfolioEndorsement[];
  annualPlan?: AnnualPlanEntry[];
  plannedCases?: PlannedCase[];
  matters?: MatterRecord[];
  helseOmsorg21?: HelseOmsorg21Case[];
  notes: Note[];
}
