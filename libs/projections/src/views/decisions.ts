/**
 * The decisions register (vedtaksregister): one row per endorsed or noted case, standard items
 * included. Rows keep when they were decided (`metadata.at`) and when the minutes were approved, so
 * `asOf` answers the register as it stood then.
 *
 * Documents: `decision/<caseId>` (the rows), plus `meeting` and `case` working docs.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import type { DocChange, DocReader, DocStore, Projection } from '../runner/types.js';
import { trackCase, trackMeeting, yearOf, type CaseDoc, type MeetingDoc, type TrackedCase, CASE_CORE_TYPES } from './common.js';

export interface DecisionRow {
  caseId: string;
  committee: string;
  number: string | null;
  title: string;
  type: CaseDoc['type'];
  outcome: 'endorsement' | 'orientation';
  resolution: string;
  meetingId: string;
  meetingNumber: string;
  date: string;
  minutesApproved: boolean;
}

/** Stored row: the public row plus what ordering and `asOf` need. */
export interface DecisionDoc extends Omit<DecisionRow, 'minutesApproved'> {
  decidedAt: string;
  minutesApprovedAt: string | null;
  agendaIndex: number;
  meetingSeq: number;
}

export interface DecisionsQuery {
  committee?: string;
  year?: number;
  /** Free text, case-insensitive, over title and resolution. */
  q?: string;
  /** ISO time: the register as it stood then. */
  asOf?: string;
}

const time = (iso: string): number => Date.parse(iso);

export function toDecisionRow(d: DecisionDoc, asOf?: number): DecisionRow {
  return {
    caseId: d.caseId,
    committee: d.committee,
    number: d.number,
    title: d.title,
    type: d.type,
    outcome: d.outcome,
    resolution: d.resolution,
    meetingId: d.meetingId,
    meetingNumber: d.meetingNumber,
    date: d.date,
    minutesApproved: d.minutesApprovedAt !== null && (asOf === undefined || time(d.minutesApprovedAt) <= asOf),
  };
}

/** Newest meeting first (date, then meeting number), then agenda order. */
export function compareDecisions(a: DecisionDoc, b: DecisionDoc): number {
  return (
    (a.date < b.date ? 1 : a.date > b.date ? -1 : 0) ||
    b.meetingSeq - a.meetingSeq ||
    (a.meetingId < b.meetingId ? -1 : a.meetingId > b.meetingId ? 1 : 0) ||
    a.agendaIndex - b.agendaIndex ||
    (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0)
  );
}

function rowFor(c: CaseDoc, m: MeetingDoc): DecisionDoc {
  return {
    caseId: c.id,
    committee: c.committee,
    number: c.number,
    title: c.title,
    type: c.type,
    outcome: c.outcome!,
    resolution: c.resolution!,
    meetingId: m.id,
    meetingNumber: m.number,
    date: m.date,
    decidedAt: c.decidedAt!,
    minutesApprovedAt: m.minutesApprovedAt,
    agendaIndex: Math.max(0, m.agenda.indexOf(c.id)),
    meetingSeq: Number(m.number.split('/')[0]) || 0,
  };
}

export const decisionsProjection: Projection<DecisionsQuery, DecisionRow[]> & { rows(changes: DocChange[]): DecisionRow[] } = {
  name: 'decisions',
  version: 1,
  eventTypes: ['MeetingPlanned', 'CaseAddedToAgenda', 'CaseRemovedFromAgenda', 'MeetingNoticed', 'MinutesApproved', ...CASE_CORE_TYPES],
  evolve(docs: DocStore, e: RecordedEvent) {
    const meetingId = trackMeeting(docs, e);
    evolveDecisions(docs, e, meetingId, trackCase(docs, e));
  },
  query: queryDecisions,
  /** The changed register rows (the live feed's rows). */
  rows(changes) {
    return changes.filter((c) => c.collection === 'decision' && c.doc !== null).map((c) => toDecisionRow(c.doc as DecisionDoc));
  },
};

/** The register's own part of evolve, after the meeting and case trackers ran. */
export function evolveDecisions(docs: DocStore, e: RecordedEvent, meetingId: string | null, c: TrackedCase | null): void {
  if (e.type === 'MinutesApproved' && meetingId) {
    const m = docs.get<MeetingDoc>('meeting', meetingId)!;
    for (const caseId of m.agenda) {
      const row = docs.get<DecisionDoc>('decision', caseId);
      if (row) docs.put('decision', caseId, { ...row, minutesApprovedAt: m.minutesApprovedAt });
    }
    return;
  }
  if (!c || (e.type !== 'ResolutionEndorsed' && e.type !== 'CaseNoted')) return;
  const m = c.after.meetingId ? docs.get<MeetingDoc>('meeting', c.after.meetingId) : undefined;
  if (!m) throw new Error(`case ${c.after.id} decided without a known meeting`);
  docs.put('decision', c.after.id, rowFor(c.after, m));
}

/** The register, filtered: newest meeting first, then agenda order. */
export function queryDecisions(docs: DocReader, params: DecisionsQuery): DecisionRow[] {
    const asOf = params.asOf !== undefined ? time(params.asOf) : undefined;
    if (asOf !== undefined && Number.isNaN(asOf)) throw new RangeError(`asOf is not a time: ${params.asOf}`);
    const q = params.q?.trim().toLocaleLowerCase('nb');
    const year = params.year === undefined ? undefined : Number(params.year);
    return docs
      .list<DecisionDoc>('decision')
      .filter(
        (d) =>
          (params.committee === undefined || d.committee === params.committee) &&
          (year === undefined || yearOf(d.date) === year) &&
          (asOf === undefined || time(d.decidedAt) <= asOf) &&
          (!q || d.title.toLocaleLowerCase('nb').includes(q) || d.resolution.toLocaleLowerCase('nb').includes(q)),
      )
      .sort(compareDecisions)
      .map((d) => toDecisionRow(d, asOf));
}
