/**
 * Mapping the records to what the commands take: times (Oslo midnight, the file's earliest stamp),
 * case keys, a case paper, the outcome an earlier decision's wording states, the HelseOmsorg21 case
 * as a meeting record. Pure: no store, no workflow.
 */
import { createHash } from 'node:crypto';
import type { CaseType, CreateCaseBody, RecordHistoryBody } from '@saksflyt/workflow';
import type { CaseRecord, HelseOmsorg21Case, HistoryDecision, MeetingRecord, RecordFile } from '../schema.js';

/** 00:00 in Europe/Oslo on a date, ISO with offset ("2020-08-26T00:00:00+02:00"). */
export function osloMidnight(date: string): string {
  const probe = new Date(`${date}T12:00:00Z`);
  const name = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Oslo', timeZoneName: 'longOffset' })
    .formatToParts(probe)
    .find((p) => p.type === 'timeZoneName')?.value;
  const offset = /GMT([+-]\d{2}:\d{2})/.exec(name ?? '')?.[1] ?? '+01:00';
  return `${date}T00:00:00${offset}`;
}

export function sha256(file: RecordFile): string {
  return createHash('sha256').update(JSON.stringify(file)).digest('hex');
}

/** The earliest `at` of any stamp in the file (for steps the records give no time for, e.g. creating a committee). */
export function earliestStamp(file: RecordFile): string | undefined {
  const ats: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.at === 'string' && typeof o.basis === 'string') ats.push(o.at);
      for (const [k, x] of Object.entries(o)) if (k !== 'source' && k !== 'notes') walk(x);
    }
  };
  walk({ meetings: file.meetings, plannedCases: file.plannedCases });
  for (const e of file.annualPlan ?? []) if (e.date) ats.push(osloMidnight(e.date));
  for (const h of file.helseOmsorg21 ?? []) if (h.meetingDate) ats.push(osloMidnight(h.meetingDate));
  if (!ats.length) return undefined;
  return ats.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
}

export const caseKey = (committee: string, number: string): string => `${committee} ${number}`;

/**
 * The outcome an earlier decision's quoted wording states in its FIRST sentence, or null: "tilslutter
 * seg" / "gir sin tilslutning" → endorsement; "tar saken/sakene til orientering" → orientation.
 * Anything else (e.g. "er orientert om", "understreker behovet") states no single outcome: null.
 */
export function historyOutcome(wording: string): { outcome: 'endorsement' | 'orientation'; phrase: string } | null {
  const first = wording.split(/(?<=[.:])\s|\n/)[0] ?? '';
  const endorse = /\b(tilslutter seg|gir sin tilslutning)\b/i.exec(first);
  const noted = /\btar (saken|sakene) til orientering\b/i.exec(first);
  if (endorse && !noted) return { outcome: 'endorsement', phrase: endorse[0] };
  if (noted && !endorse) return { outcome: 'orientation', phrase: noted[0] };
  return null;
}

/** HelseOmsorg21 19/17 has no sakstype in the records; its forslag til vedtak asks the council to adopt (vedtar) and take input: endorsement. */
export const HO21_TYPE: CaseType = 'endorsement';

/** The four measures as the case background: "N. title: status", each verbatim, one per paragraph. */
export function measuresText(h: HelseOmsorg21Case): string {
  return h.measures.map((m) => `${m.number}. ${m.title}: ${m.status}`).join('\n\n');
}

export function paperOf(c: CaseRecord): Omit<CreateCaseBody, 'committee' | 'matterId'> {
  return {
    title: c.title,
    type: c.type,
    // the API needs a string; null (no forslag til vedtak in the records) is sent as "" — never the vedtak
    proposedResolution: c.proposedResolution ?? '',
    ...(c.background != null ? { background: c.background } : {}),
    ...(c.purpose != null ? { purpose: c.purpose } : {}),
    ...(c.caseOfficer != null ? { caseOfficer: c.caseOfficer } : {}),
    ...(c.responsible != null ? { responsible: c.responsible } : {}),
    ...(c.projectIds.length ? { projectIds: c.projectIds } : {}),
    // numbered sub-items (50/18 NR. 1–4), labels as written; citable as "50/18 NR. 2"
    ...(c.subItems.length ? { items: c.subItems.map((it) => ({ label: it.label, title: it.title })) } : {}),
  };
}

/** When an earlier decision was quoted: the notice (else the planning) of the first meeting whose case papers quote it; else the file's earliest stamp. */
export function historyAt(file: RecordFile, h: HistoryDecision, fileAt: string | undefined): string | undefined {
  const quoting = (file.meetings ?? []).filter((m) => m.cases.some((c) => h.quotedIn.includes(caseKey(m.committee, c.number ?? ''))));
  const stamps = quoting.map((m) => (m.at.noticed ?? m.at.planned).at).sort((a, b) => Date.parse(a) - Date.parse(b));
  return stamps[0] ?? fileAt;
}

/** The history command's body for an earlier decision (number, title and wording verbatim; an outcome only where the wording states one). */
export function historyBody(h: HistoryDecision & { quotedInCaseIds: string[] }): RecordHistoryBody {
  const outcome = historyOutcome(h.wording);
  return {
    number: h.number,
    year: h.year,
    title: h.title,
    wording: h.wording,
    ...(outcome ? { outcome: outcome.outcome } : {}),
    ...(h.matterId ? { matterId: h.matterId } : {}),
    source: { citedBy: [...h.quotedIn], citedByCaseIds: h.quotedInCaseIds, seeds: h.source.map((x) => ({ seed: x.seed, lines: [...x.lines] })) },
    note: outcome
      ? `Quoted in ${h.quotedIn.join(', ')}. Outcome from the quoted wording ("${outcome.phrase}"). The meeting, its date and the approval of its minutes are not in the records.`
      : `Quoted in ${h.quotedIn.join(', ')}. The quoted wording does not state one outcome (tilslutning or orientering), so none is recorded. The meeting, its date and the approval of its minutes are not in the records.`,
  };
}

/**
 * HelseOmsorg21 Sak 19/17 as the record of a noticed meeting of the council on the presentation's
 * date whose agenda is that one case (the engine's standard items omitted: the deck has none).
 */
export function helseOmsorg21Meeting(h: HelseOmsorg21Case, meetingDate: string, at: string, actor: string): MeetingRecord {
  return {
    key: `${h.committee} ${meetingDate}`,
    committee: h.committee,
    number: null,
    date: meetingDate,
    startTime: null,
    endTime: null,
    place: null,
    endState: 'noticed',
    minutesStatus: 'none',
    previousMeetingDate: null,
    attendance: null,
    omittedStandardItems: ['notice-approval', 'minutes-approval', 'any-other-business'],
    at: { planned: { at, basis: 'not-recorded' }, noticed: { at, basis: 'not-recorded' } },
    actor,
    cases: [
      {
        number: h.number,
        title: h.title,
        type: HO21_TYPE,
        typeAsRecorded: null,
        standardItem: null,
        proposedResolution: h.proposedResolution.join('\n\n'),
        background: measuresText(h),
        presenter: h.presenter,
        discussion: null,
        points: [],
        followUps: [],
        outcome: null,
        resolution: null,
        conditions: null,
        input: [],
        subItems: [],
        projectIds: [],
        matterId: null,
        endState: 'scheduled',
        at: { created: { at, basis: 'not-recorded' }, scheduled: { at, basis: 'not-recorded' } },
        actor,
        source: h.source,
      },
    ],
    source: h.source,
  };
}
