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

// ---------------------------------------------------------------------------------------------
// Run-time validation (used by the tests and by the importer before it replays anything).
// ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const CASE_NO_RE = /^([1-9]\d{0,5})\/(\d{2})$/;
const MEETING_NO_RE = /^([1-9]\d{0,5})\/(\d{4})$/;
/** A committee code, as the API takes it (POST /api/committees). */
const CODE_RE = /^[A-Z][A-Z0-9-]{0,19}$/;
const isYear = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1000 && (v as number) <= 9999;

/** True when `s` is YYYY-MM-DD and a real calendar date. */
export function isValidDate(s: unknown): s is string {
  if (typeof s !== 'string' || !DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Parse "47/18" → { n: 47, yy: 18 }. */
export function parseCaseNumber(s: string): { n: number; yy: number } | null {
  const m = CASE_NO_RE.exec(s);
  return m ? { n: Number(m[1]), yy: Number(m[2]) } : null;
}

class Checker {
  readonly errors: string[] = [];
  err(path: string, msg: string): void {
    this.errors.push(`${path}: ${msg}`);
  }
  str(o: Obj, k: string, path: string, nullable = false): void {
    const v = o[k];
    if (v === null && nullable) return;
    if (typeof v !== 'string' || v.trim().length === 0) this.err(`${path}.${k}`, nullable ? 'must be a non-empty string or null' : 'must be a non-empty string');
  }
  optStr(o: Obj, k: string, path: string): void {
    if (o[k] !== undefined) this.str(o, k, path, true);
  }
  strArr(o: Obj, k: string, path: string, optional = false): void {
    const v = o[k];
    if (v === undefined && optional) return;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.trim().length === 0)) this.err(`${path}.${k}`, 'must be an array of non-empty strings');
  }
  oneOf(o: Obj, k: string, allowed: readonly unknown[], path: string, nullable = false): void {
    const v = o[k];
    if (v === null && nullable) return;
    if (!allowed.includes(v)) this.err(`${path}.${k}`, `must be one of ${allowed.join('|')}${nullable ? ' or null' : ''}, got ${JSON.stringify(v)}`);
  }
  date(o: Obj, k: string, path: string, nullable = false): void {
    const v = o[k];
    if (v === null && nullable) return;
    if (!isValidDate(v)) this.err(`${path}.${k}`, `must be a valid YYYY-MM-DD date, got ${JSON.stringify(v)}`);
  }
  time(o: Obj, k: string, path: string): void {
    const v = o[k];
    if (v !== null && (typeof v !== 'string' || !TIME_RE.test(v))) this.err(`${path}.${k}`, 'must be HH:MM or null');
  }
  sources(o: Obj, k: string, path: string): void {
    const v = o[k];
    if (!Array.isArray(v) || v.length === 0) return this.err(`${path}.${k}`, 'must be a non-empty array of sources');
    v.forEach((s, i) => this.source(s, `${path}.${k}[${i}]`));
  }
  source(s: unknown, path: string): void {
    if (!isObj(s)) return this.err(path, 'must be an object');
    if (typeof s.seed !== 'string' || !/^\d{3}_[0-9a-f]+\.txt$/.test(s.seed)) this.err(`${path}.seed`, 'must be a seed file name like 002_<hash>.txt');
    const l = s.lines;
    if (!Array.isArray(l) || l.length !== 2 || !l.every((n) => Number.isInteger(n) && (n as number) > 0) || (l[0] as number) > (l[1] as number)) {
      this.err(`${path}.lines`, 'must be [from, to] 1-based, from <= to');
    }
  }
  stamp(v: unknown, path: string): void {
    if (!isObj(v)) return this.err(path, 'must be a stamp {at, basis}');
    if (typeof v.at !== 'string' || !ISO_RE.test(v.at) || Number.isNaN(Date.parse(v.at))) this.err(`${path}.at`, 'must be ISO 8601 with offset');
    this.oneOf(v, 'basis', ['recorded', 'date-only', 'not-recorded'], path);
  }
}

function checkCase(c: Checker, v: unknown, path: string, meeting: Obj): void {
  if (!isObj(v)) return c.err(path, 'must be an object');
  if (v.number !== null && (typeof v.number !== 'string' || !CASE_NO_RE.test(v.number))) c.err(`${path}.number`, 'must be "N/YY" or null');
  c.str(v, 'title', path);
  c.optStr(v, 'agendaTitle', path);
  c.optStr(v, 'casePaperTitle', path);
  c.oneOf(v, 'type', CASE_TYPES, path);
  c.str(v, 'typeAsRecorded', path, true);
  c.oneOf(v, 'standardItem', STANDARD_ITEMS, path, true);
  if (v.combinesStandardItems !== undefined) {
    if (!Array.isArray(v.combinesStandardItems) || v.combinesStandardItems.some((x) => !STANDARD_ITEMS.includes(x as StandardItem))) {
      c.err(`${path}.combinesStandardItems`, 'must be an array of standard items');
    }
  }
  c.str(v, 'proposedResolution', path, true);
  for (const k of ['purpose', 'background', 'furtherWork', 'caseOfficer', 'responsible']) c.optStr(v, k, path);
  c.strArr(v, 'attachments', path, true);
  c.strArr(v, 'questions', path, true);
  c.str(v, 'presenter', path, true);
  c.str(v, 'discussion', path, true);
  c.strArr(v, 'points', path);
  c.strArr(v, 'followUps', path);
  c.oneOf(v, 'outcome', CASE_OUTCOMES, path, true);
  c.str(v, 'resolution', path, true);
  c.str(v, 'conditions', path, true);
  c.strArr(v, 'input', path);
  c.strArr(v, 'projectIds', path);
  c.str(v, 'matterId', path, true);
  c.oneOf(v, 'endState', CASE_END_STATES, path);
  c.str(v, 'actor', path);
  c.sources(v, 'source', path);
  if (!Array.isArray(v.subItems)) c.err(`${path}.subItems`, 'must be an array');
  else
    v.subItems.forEach((s, i) => {
      const p = `${path}.subItems[${i}]`;
      if (!isObj(s)) return c.err(p, 'must be an object');
      c.str(s, 'label', p);
      c.str(s, 'title', p);
      c.str(s, 'presenter', p, true);
      c.str(s, 'summary', p, true);
      c.strArr(s, 'points', p);
      c.strArr(s, 'followUps', p);
      c.str(s, 'resolution', p, true);
    });
  // consistency between outcome, resolution and end state
  const decided = v.endState === 'endorsement' || v.endState === 'orientation';
  if (decided) {
    if (typeof v.resolution !== 'string') c.err(`${path}.resolution`, 'a decided case must carry its vedtak');
    if (v.outcome !== v.endState) c.err(`${path}.outcome`, 'must equal endState for a decided case');
  } else {
    if (v.resolution !== null) c.err(`${path}.resolution`, 'must be null: the case is not decided in the records');
    if (v.outcome !== null) c.err(`${path}.outcome`, 'must be null for an undecided case');
  }
  if (typeof v.conditions === 'string' && (typeof v.resolution !== 'string' || !v.resolution.includes(v.conditions))) {
    c.err(`${path}.conditions`, 'must be a verbatim part of the resolution');
  }
  if (meeting.endState === 'held' && !decided) c.err(`${path}.endState`, 'every case of a held meeting must be decided or noted');
  if (meeting.endState !== 'held' && decided) c.err(`${path}.endState`, 'a case of a meeting that is not held cannot be decided');
  if (meeting.endState !== 'planned' && v.number === null) c.err(`${path}.number`, 'cases of a noticed meeting have numbers');
  if (!isObj(v.at)) c.err(`${path}.at`, 'must be an object');
  else {
    c.stamp(v.at.created, `${path}.at.created`);
    c.stamp(v.at.scheduled, `${path}.at.scheduled`);
    if (decided) {
      c.stamp(v.at.presented, `${path}.at.presented`);
      c.stamp(v.at.decided, `${path}.at.decided`);
    }
  }
}

function checkAttendanceList(c: Checker, v: unknown, path: string, memberKeys: Set<string>): void {
  if (!Array.isArray(v)) return c.err(path, 'must be an array');
  v.forEach((a, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(a)) return c.err(p, 'must be {member, asRecorded}');
    c.str(a, 'member', p);
    c.str(a, 'asRecorded', p);
    if (typeof a.member === 'string' && !memberKeys.has(a.member)) c.err(`${p}.member`, `unknown member key ${a.member}`);
  });
}

function checkMeeting(c: Checker, v: unknown, path: string, memberKeys: Set<string>): void {
  if (!isObj(v)) return c.err(path, 'must be an object');
  c.str(v, 'key', path);
  c.str(v, 'committee', path);
  if (v.number !== null && (typeof v.number !== 'string' || !MEETING_NO_RE.test(v.number))) c.err(`${path}.number`, 'must be "N/YYYY" or null');
  c.date(v, 'date', path);
  if (v.endDate !== undefined) c.date(v, 'endDate', path);
  c.time(v, 'startTime', path);
  c.time(v, 'endTime', path);
  c.str(v, 'place', path, true);
  if (v.format !== undefined) c.oneOf(v, 'format', ['physical', 'webinar', 'hybrid'], path);
  c.oneOf(v, 'endState', MEETING_END_STATES, path);
  c.oneOf(v, 'minutesStatus', MINUTES_STATUSES, path);
  if (v.omittedStandardItems !== undefined) {
    if (!Array.isArray(v.omittedStandardItems) || v.omittedStandardItems.some((x) => !STANDARD_ITEMS.includes(x as StandardItem))) {
      c.err(`${path}.omittedStandardItems`, 'must be an array of standard items');
    }
  }
  c.date(v, 'previousMeetingDate', path, true);
  c.str(v, 'actor', path);
  c.sources(v, 'source', path);
  if (v.endState === 'held' && v.minutesStatus === 'none') c.err(`${path}.minutesStatus`, 'a held meeting has minutes');
  if (v.endState !== 'held' && v.minutesStatus !== 'none') c.err(`${path}.minutesStatus`, 'must be none for a meeting that is not held');
  if (v.endState === 'held') {
    if (!isObj(v.attendance)) c.err(`${path}.attendance`, 'a held meeting records attendance');
    else {
      const a = v.attendance;
      for (const k of ['present', 'absent', 'observers']) checkAttendanceList(c, a[k], `${path}.attendance.${k}`, memberKeys);
      c.strArr(a, 'secretariatStaff', `${path}.attendance`);
      c.strArr(a, 'guests', `${path}.attendance`);
    }
  } else if (v.attendance !== null) c.err(`${path}.attendance`, 'must be null: attendance is only recorded for held meetings');
  if (v.noticedMembers !== undefined) checkAttendanceList(c, v.noticedMembers, `${path}.noticedMembers`, memberKeys);
  if (v.noticedObservers !== undefined) checkAttendanceList(c, v.noticedObservers, `${path}.noticedObservers`, memberKeys);
  if (!isObj(v.at)) c.err(`${path}.at`, 'must be an object');
  else {
    c.stamp(v.at.planned, `${path}.at.planned`);
    if (v.endState !== 'planned') c.stamp(v.at.noticed, `${path}.at.noticed`);
    if (v.endState === 'held') {
      c.stamp(v.at.opened, `${path}.at.opened`);
      c.stamp(v.at.adjourned, `${path}.at.adjourned`);
    }
  }
  if (!Array.isArray(v.cases)) return c.err(`${path}.cases`, 'must be an array');
  v.cases.forEach((x, i) => checkCase(c, x, `${path}.cases[${i}]`, v));
  // agenda order: standard approvals first, Eventuelt last, numbers consecutive
  const cases = v.cases.filter(isObj);
  const yy = typeof v.date === 'string' ? Number(v.date.slice(2, 4)) : NaN;
  let prev: number | null = null;
  cases.forEach((x, i) => {
    if (typeof x.number !== 'string') return;
    const n = parseCaseNumber(x.number);
    if (!n) return;
    if (n.yy !== yy) c.err(`${path}.cases[${i}].number`, `year ${n.yy} does not match meeting year ${yy}`);
    if (prev !== null && n.n !== prev + 1) c.err(`${path}.cases[${i}].number`, `not sequential in agenda order (after ${prev})`);
    prev = n.n;
  });
  const aob = cases.findIndex((x) => x.standardItem === 'any-other-business');
  if (aob !== -1 && aob !== cases.length - 1) c.err(`${path}.cases`, 'Eventuelt must be last');
  const firstSubstantive = cases.findIndex((x) => x.standardItem === null);
  cases.forEach((x, i) => {
    if ((x.standardItem === 'notice-approval' || x.standardItem === 'minutes-approval') && firstSubstantive !== -1 && i > firstSubstantive) {
      c.err(`${path}.cases[${i}]`, 'standard approvals must come before substantive cases');
    }
  });
}

/**
 * Validate a parsed record file at run time. Returns a list of human-readable errors (empty when
 * valid). Checks structure, required fields, enums, dates, agenda order and numbering, and the
 * consistency of meeting/case end states with resolutions.
 */
export function validateRecordFile(data: unknown): string[] {
  const c = new Checker();
  if (!isObj(data)) return ['$: must be an object'];
  if (data.schemaVersion !== RECORDS_SCHEMA_VERSION) c.err('$.schemaVersion', `must be ${RECORDS_SCHEMA_VERSION}`);
  c.str(data, 'id', '$');
  c.str(data, 'title', '$');
  c.str(data, 'actor', '$');
  c.sources(data, 'sources', '$');
  const known = new Set([
    'schemaVersion', 'id', 'title', 'sources', 'actor', 'committees', 'members', 'numbering', 'meetings', 'history',
    'projects', 'portfolioEndorsements', 'annualPlan', 'plannedCases', 'matters', 'helseOmsorg21', 'notes',
  ]);
  for (const k of Object.keys(data)) if (!known.has(k)) c.err(`$.${k}`, 'unknown field');
  const list = (k: string): unknown[] => {
    const v = data[k];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      c.err(`$.${k}`, 'must be an array');
      return [];
    }
    return v;
  };
  list('committees').forEach((v, i) => {
    const p = `$.committees[${i}]`;
    if (!isObj(v)) return c.err(p, 'must be an object');
    c.str(v, 'code', p);
    if (typeof v.code === 'string' && !CODE_RE.test(v.code)) c.err(`${p}.code`, 'must be 1–20 capital letters, digits or hyphens, starting with a letter');
    c.str(v, 'name', p);
    c.str(v, 'secretariat', p, true);
    c.sources(v, 'source', p);
  });
  const memberKeys = new Set<string>();
  list('members').forEach((v, i) => {
    const p = `$.members[${i}]`;
    if (!isObj(v)) return c.err(p, 'must be an object');
    c.str(v, 'key', p);
    c.str(v, 'committee', p);
    c.str(v, 'name', p);
    c.str(v, 'organisation', p);
    c.oneOf(v, 'role', MEMBER_ROLES, p);
    c.sources(v, 'source', p);
    if (typeof v.key === 'string') {
      if (memberKeys.has(v.key)) c.err(`${p}.key`, 'duplicate member key');
      memberKeys.add(v.key);
    }
  });
  list('numbering').forEach((v, i) => {
    const p = `$.numbering[${i}]`;
    if (!isObj(v)) return c.err(p, 'must be an object');
    c.str(v, 'committee', p);
    if (!isYear(v.year)) c.err(`${p}.year`, 'must be a four-digit year');
    for (const k of ['nextMeetingNumber', 'nextCaseNumber']) {
      if (v[k] !== null && !(Number.isInteger(v[k]) && (v[k] as number) >= 1)) c.err(`${p}.${k}`, 'must be a positive integer or null');
    }
    c.str(v, 'basis', p);
  });
  const keys = new Set<string>();
  list('meetings').forEach((v, i) => {
    checkMeeting(c, v, `$.meetings[${i}]`, memberKeys);
    if (isObj(v) && typeof v.key === 'string') {
      if (keys.has(v.key)) c.err(`$.meetings[${i}].key`, 'duplicate meeting key');
      keys.add(v.key);
    }
  });
  list('history').forEach((v, i) => {
    const p = `$.history[${i}]`;
    if (!isObj(v)) return c.err(p, 'must be an object');
    c.str(v, 'committee', p);
    if (typeof v.number !== 'string' || !CASE_NO_RE.test(v.number)) c.err(`${p}.number`, 'must be "N/YY"');
    else if (!isYear(v.year) || (v.year as number) % 100 !== parseCaseNumber(v.number)!.yy) c.err(`${p}.year`, 'must be the four-digit year of the case number');
    c.str(v, 'title', p);
    c.str(v, 'wording', p);
    c.strArr(v, 'quotedIn', p);
    c.str(v, 'matterId', p, true);
    c.sources(v, 'source', p);
  });
  list('projects').forEach((v, i) => {
    const p = `$.projects[${i}]`;
    if (!isObj(v)) return c.err(p, 'must be an object');
    c.str(v, 'id', p);
    c.str(v, 'name', p);
    c.str(v, 'owner', p);
    c.str(v, 'phase', p, true);
    c.str(v, 'status', p, true);
    c.str(v, 'risk', p, true);
    if (v.budgetYear !== null && !Number.isInteger(v.budgetYear)) c.err(`${p}.budgetYear`, 'must be an integer or null');
    c.str(v, 'asOf', p);
    c.sources(v, 'source', p);
  });
  list('portfolioEndorsements').forEach((v, i) => {
    const p = `$.portfolioEndorsements[${i}]`;
    if (!isObj(v)) return c.err(p, 'must be an object');
    c.str(v, 'committee', p);
    if (typeof v.caseNumber !== 'string' || !CASE_NO_RE.test(v.caseNumber)) c.err(`${p}.caseNumber`, 'must be "N/YY"');
    c.str(v, 'meeting', p);
    c.date(v, 'date', p);
    if (!Number.isInteger(v.portfolioYear)) c.err(`${p}.portfolioYear`, 'must be an integer');
    c.oneOf(v, 'outcome', CASE_OUTCOMES, p);
    c.str(v, 'resolution', p);
    c.strArr(v, 'projectIds', p);
    c.sources(v, 'source', p);
  });
  list('annualPlan').forEach((v, i) => {
    const p = `$.annualPlan[${i}]`;
    if (!isObj(v)) return c.err(p, 'must be an object');
    c.str(v, 'committee', p);
    c.str(v, 'committeeAsRecorded', p);
    c.date(v, 'date', p, true);
    if (v.endDate !== undefined) c.date(v, 'endDate', p);
    c.str(v, 'dateAsRecorded', p);
    c.str(v, 'meetingKey', p, true);
    c.str(v, 'description', p, true);
    c.str(v, 'plan', p);
    c.sources(v, 'source', p);
  });
  list('plannedCases').forEach((v, i) => {
    const p = `$.plannedCases[${i}]`;
    if (!isObj(v)) return c.err(p, 'must be an object');
    c.str(v, 'committee', p);
    c.str(v, 'title', p);
    c.oneOf(v, 'type', CASE_TYPES, p);
    c.str(v, 'proposedResolution', p, true);
    c.str(v, 'matterId', p);
    c.date(v, 'plannedMeetingDate', p);
    c.oneOf(v, 'endState', ['draft'], p);
    if (!isObj(v.at)) c.err(`${p}.at`, 'must be an object');
    else c.stamp(v.at.created, `${p}.at.created`);
    c.str(v, 'actor', p);
    c.sources(v, 'source', p);
  });
  list('matters').forEach((v, i) => {
    const p = `$.matters[${i}]`;
    if (!isObj(v)) return c.err(p, 'must be an object');
    c.str(v, 'matterId', p);
    c.str(v, 'title', p);
    if (!Array.isArray(v.steps) || v.steps.length === 0) c.err(`${p}.steps`, 'must be a non-empty array');
    else
      v.steps.forEach((s, j) => {
        const q = `${p}.steps[${j}]`;
        if (!isObj(s)) return c.err(q, 'must be an object');
        c.str(s, 'committee', q);
        c.date(s, 'date', q);
        c.str(s, 'asRecorded', q);
        c.oneOf(s, 'type', CASE_TYPES, q);
        c.str(s, 'caseNumber', q, true);
        c.oneOf(s, 'status', ['on-agenda', 'planned'], q);
      });
    if (!Array.isArray(v.relatedCases)) c.err(`${p}.relatedCases`, 'must be an array');
    c.sources(v, 'source', p);
  });
  list('helseOmsorg21').forEach((v, i) => {
    const p = `$.helseOmsorg21[${i}]`;
    if (!isObj(v)) return c.err(p, 'must be an object');
    c.str(v, 'committee', p);
    if (typeof v.number !== 'string' || !CASE_NO_RE.test(v.number)) c.err(`${p}.number`, 'must be "N/YY"');
    c.str(v, 'title', p);
    c.date(v, 'meetingDate', p, true);
    c.str(v, 'presenter', p, true);
    if (!Array.isArray(v.measures)) c.err(`${p}.measures`, 'must be an array');
    else
      v.measures.forEach((m, j) => {
        const q = `${p}.measures[${j}]`;
        if (!isObj(m)) return c.err(q, 'must be an object');
        if (m.number !== j + 1) c.err(`${q}.number`, `must be ${j + 1}`);
        c.str(m, 'title', q);
        c.str(m, 'status', q);
      });
    c.strArr(v, 'proposedResolution', p);
    if (v.resolution !== null) c.err(`${p}.resolution`, 'must be null: no vedtak is recorded');
    c.sources(v, 'source', p);
  });
  if (!Array.isArray(data.notes)) c.err('$.notes', 'must be an array');
  else
    data.notes.forEach((n, i) => {
      const p = `$.notes[${i}]`;
      if (!isObj(n)) return c.err(p, 'must be {where, record, why}');
      c.str(n, 'where', p);
      c.str(n, 'record', p);
      c.str(n, 'why', p);
      if (n.source !== undefined) c.source(n.source, `${p}.source`);
    });
  return c.errors;
}

/** Type guard over `validateRecordFile`. */
export function isRecordFile(data: unknown): data is RecordFile {
  return validateRecordFile(data).length === 0;
}
