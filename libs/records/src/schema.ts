/**
 * Checking a record file against the schema of `record-types.ts` (which says what each field holds and
 * how the importer replays it): every problem named with its path, nothing thrown.
 */
import {
  RECORDS_SCHEMA_VERSION,
  CASE_TYPES,
  CASE_OUTCOMES,
  STANDARD_ITEMS,
  MEETING_END_STATES,
  MINUTES_STATUSES,
  CASE_END_STATES,
  MEMBER_ROLES,
  type StandardItem,
  type RecordFile,
} from './record-types.js';

export * from './record-types.js';

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
