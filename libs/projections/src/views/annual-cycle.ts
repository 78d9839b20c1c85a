/**
 * The annual cycle (årshjul) per committee and year: every meeting (planned ones too) with date,
 * times, place, state, minutes status and case counts. Public for every meeting; no agenda contents.
 *
 * Documents: `meeting` and `case` working docs (the query groups them).
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import type { DocChange, DocReader, DocStore, Projection } from '../runner/types.js';
import { caseMeetingId, trackCase, trackMeeting, type CaseDoc, type MeetingDoc, type MeetingState, MEETING_TYPES, CASE_TYPES } from './common.js';

export interface AnnualCycleMeeting {
  meetingId: string;
  committee: string;
  number: string;
  year: number;
  date: string;
  startTime: string | null;
  endTime: string | null;
  place: string;
  state: MeetingState;
  minutes: 'draft' | 'approved';
  /** Cases on the agenda, standard items included. */
  cases: number;
  /** Of those: endorsed or noted. */
  decided: number;
  kind: 'ordinary' | 'extraordinary';
  /** The last day of a meeting over several days. */
  endDate: string | null;
  format: 'physical' | 'webinar' | 'hybrid';
  /** State `cancelled`: why. */
  cancelledReason: string | null;
}

export interface AnnualCycleQuery {
  committee?: string;
  year?: number;
}

function toRow(docs: DocReader, m: MeetingDoc): AnnualCycleMeeting {
  let decided = 0;
  for (const { caseId } of m.agenda) {
    const c = docs.get<CaseDoc>('case', caseId);
    if (c && c.decision !== null && caseMeetingId(c) === m.meetingId) decided++;
  }
  return {
    meetingId: m.meetingId,
    committee: m.committee,
    number: m.number,
    year: m.year,
    date: m.date,
    startTime: m.startTime,
    endTime: m.endTime,
    place: m.place,
    state: m.status,
    minutes: m.minutesApprovedAt ? 'approved' : 'draft',
    cases: m.agenda.length,
    decided,
    kind: m.kind ?? 'ordinary',
    endDate: m.endDate ?? null,
    format: m.format ?? 'physical',
    cancelledReason: m.cancelled?.reason ?? null,
  };
}

export const annualCycleProjection: Projection<AnnualCycleQuery, AnnualCycleMeeting[]> & {
  rows(changes: DocChange[], docs: DocReader): AnnualCycleMeeting[];
} = {
  name: 'annual-cycle',
  /** 2: the meeting and case documents are the workflow's records. */
  version: 2,
  eventTypes: [...MEETING_TYPES, ...CASE_TYPES],
  evolve(docs: DocStore, e: RecordedEvent) {
    trackMeeting(docs, e);
    trackCase(docs, e);
  },
  /** The committee's meetings of the year (by meeting year), by date then number. */
  query(docs, params) {
    const year = params.year === undefined ? undefined : Number(params.year);
    return docs
      .list<MeetingDoc>('meeting')
      .filter((m) => (params.committee === undefined || m.committee === params.committee) && (year === undefined || m.year === year))
      .sort((a, b) => a.date.localeCompare(b.date) || (Number(a.number.split('/')[0]) || 0) - (Number(b.number.split('/')[0]) || 0) || a.meetingId.localeCompare(b.meetingId))
      .map((m) => toRow(docs, m));
  },
  /** Meetings touched by the changes (needs the served documents for counts). */
  rows(changes, docs) {
    const ids = new Set<string>();
    for (const c of changes) {
      if (c.collection === 'meeting') ids.add(c.id);
      const meetingId = c.collection === 'case' && c.doc ? caseMeetingId(c.doc as CaseDoc) : null;
      if (meetingId) ids.add(meetingId);
    }
    return Array.from(ids)
      .map((id) => docs.get<MeetingDoc>('meeting', id))
      .filter((m): m is MeetingDoc => m !== undefined)
      .map((m) => toRow(docs, m));
  },
};
