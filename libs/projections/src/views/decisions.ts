/**
 * The decisions register (vedtaksregister): one row per endorsed or noted case, standard items
 * included. Rows keep when they were decided (`metadata.at`) and when the minutes were approved, so
 * `asOf` answers the register as it stood then.
 *
 * Historical decisions (`HistoricalDecisionRecorded`: earlier decisions known only as the records
 * quote them) are rows too, marked `history: true`, with `caseId`, `meetingId`, `meetingNumber`
 * null, `date` null unless the record gives one, `outcome` null unless the record says it,
 * `minutesApproved` true only when the record says so, and `resolution` the quoted wording. Their
 * year is the year of their number; they sort after the meetings of their year. For `asOf` they
 * count from when they were recorded (`metadata.at`).
 *
 * Each row says when it was decided by the meeting's date (`decidedOn`, like `date`); `decidedAt`, the
 * time it was recorded, is kept only for `asOf`.
 *
 * Documents: `decision/<caseId>` and `decision/history-<CODE>-<NN>-<YY>` (the rows), plus
 * `meeting` and `case` working docs.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import { citationText, osloDate, votesOf, type CaseType, type DataOf, type Dissent, type VotesView, type WrittenProcedureOutcome } from '@saksflyt/workflow';
import { itemsOf, type MinutesItem } from './items.js';
import type { DocChange, DocReader, DocStore, Projection } from '../runner/types.js';
import { agendaIndex, caseNumber, trackCase, trackMeeting, yearOf, type CaseDoc, type MeetingDoc, type TrackedCase, CASE_TYPES, MEETING_TYPES } from './common.js';

export interface DecisionRow {
  /** null for a historical decision (no case of it is in Saksflyt). */
  caseId: string | null;
  committee: string;
  number: string | null;
  title: string;
  /** null for a historical decision (the records do not give its case type). */
  type: CaseType | null;
  /** null for a historical decision whose record does not say. */
  outcome: 'endorsement' | 'orientation' | null;
  resolution: string;
  meetingId: string | null;
  meetingNumber: string | null;
  date: string | null;
  minutesApproved: boolean;
  /** The conditions of a conditional endorsement (endorse `conditions`); absent when there are none. */
  conditions?: string;
  /**
   * The day it was decided: the meeting's date (not when it was recorded), for a historical
   * decision the date the records give (null when they give none).
   */
  decidedOn: string | null;
  /** Only on historical decisions. */
  history?: true;
  /** The history stream, e.g. `history-NEHS-39-17` (only on historical decisions). */
  historyId?: string;
  /** Only on historical decisions, when the record ties them to a matter. */
  matterId?: string;
  /** The vedtak was amended before the minutes were approved (`resolution` is the amended text). */
  amended?: true;
  /** Dissens with the vedtak (only when recorded). */
  dissent?: Dissent[];
  /** Votering: the latest vote's tally and names (only when a vote was taken). */
  votes?: VotesView;
  /** Numbered sub-items with their own vedtak where given; `q=50/18 NR. 2` finds the row. */
  items?: MinutesItem[];
  /** Decided by written procedure (skriftlig behandling), no meeting. */
  writtenProcedure?: true;
  /** The written procedure's answers when concluded (tally and comments are part of the decision). */
  writtenProcedureOutcome?: WrittenProcedureOutcome;
  /**
   * Unntatt offentlighet (only on an exempt case's row): number, title and vedtak stay public; the
   * api's redaction empties what the row carries of the paper and discussion (sub-items' proposals,
   * dissent texts, written-procedure comments) for readers outside the committee.
   */
  exemption?: { basis: string };
}

/** Stored row: the public row plus what ordering and `asOf` need. */
export interface DecisionDoc extends Omit<DecisionRow, 'minutesApproved'> {
  decidedAt: string;
  minutesApprovedAt: string | null;
  agendaIndex: number;
  meetingSeq: number;
  /** Historical decisions: the year of the number (sort and `year` filter). */
  year?: number;
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
  const history = d.history ? { history: true as const, historyId: d.historyId!, ...(d.matterId !== undefined ? { matterId: d.matterId } : {}) } : {};
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
    ...(d.conditions !== undefined ? { conditions: d.conditions } : {}),
    decidedOn: d.decidedOn ?? null,
    ...history,
    ...(d.amended ? { amended: true as const } : {}),
    ...(d.dissent ? { dissent: d.dissent } : {}),
    ...(d.votes ? { votes: d.votes } : {}),
    ...(d.items ? { items: d.items } : {}),
    ...(d.writtenProcedure ? { writtenProcedure: true as const, decidedOn: d.date!, ...(d.writtenProcedureOutcome ? { writtenProcedureOutcome: d.writtenProcedureOutcome } : {}) } : {}),
    ...(d.exemption ? { exemption: d.exemption } : {}),
  };
}

/** The register's year of a row: the meeting's year, or a historical decision's number's year. */
export const decisionYear = (d: DecisionDoc): number => d.year ?? yearOf(d.date ?? '');

const seqOfNumber = (n: string | null): number => (n ? Number(n.split('/')[0]) || 0 : 0);

/**
 * Newest meeting first (date, then meeting number), then agenda order. Historical decisions come
 * after the meetings of their year (newest year first), among themselves by date when recorded,
 * then by number, highest first.
 */
export function compareDecisions(a: DecisionDoc, b: DecisionDoc): number {
  if (a.history || b.history) {
    const ya = decisionYear(a);
    const yb = decisionYear(b);
    if (ya !== yb) return yb - ya;
    if (!a.history) return -1;
    if (!b.history) return 1;
    const da = a.date ?? '';
    const db = b.date ?? '';
    return (
      (da < db ? 1 : da > db ? -1 : 0) ||
      seqOfNumber(b.number) - seqOfNumber(a.number) ||
      (a.committee < b.committee ? -1 : a.committee > b.committee ? 1 : 0) ||
      (a.historyId! < b.historyId! ? -1 : a.historyId! > b.historyId! ? 1 : 0)
    );
  }
  return (
    (a.date! < b.date! ? 1 : a.date! > b.date! ? -1 : 0) ||
    b.meetingSeq - a.meetingSeq ||
    (a.meetingId! < b.meetingId! ? -1 : a.meetingId! > b.meetingId! ? 1 : 0) ||
    a.agendaIndex - b.agendaIndex ||
    (a.caseId! < b.caseId! ? -1 : a.caseId! > b.caseId! ? 1 : 0)
  );
}

function rowFor(c: CaseDoc, m: MeetingDoc): DecisionDoc {
  return decidedRow(c, m);
}

const exemptionOf = (c: CaseDoc): { exemption?: { basis: string } } => (c.paper.exemption ? { exemption: { basis: c.paper.exemption.basis } } : {});

/** A case decided by written procedure: no meeting; dated the day it was concluded (Norwegian time). */
function writtenRow(c: CaseDoc): DecisionDoc {
  return decidedRow(c, null);
}

/**
 * The row of a decided case, one place for what every row says (the case, its paper, the decision,
 * its conditions, dissent, sub-items, exemption) and where it was decided: at the meeting `m` (its
 * number, date, agenda place and minutes; amendments and votes), or, with `m` null, by written
 * procedure (no meeting, the day it was concluded).
 */
function decidedRow(c: CaseDoc, m: MeetingDoc | null): DecisionDoc {
  const decision = c.decision!;
  const day = m ? m.date : osloDate(decision.at!);
  return {
    caseId: c.caseId,
    committee: c.committee,
    number: caseNumber(c),
    title: c.paper.title,
    type: c.paper.type,
    outcome: decision.outcome,
    resolution: decision.resolution,
    meetingId: m ? m.meetingId : null,
    meetingNumber: m ? m.number : null,
    date: day,
    ...(decision.conditions !== null ? { conditions: decision.conditions } : {}),
    decidedOn: day,
    decidedAt: decision.at!,
    minutesApprovedAt: m ? m.minutesApprovedAt : null,
    agendaIndex: m ? Math.max(0, agendaIndex(m, c.caseId)) : 0,
    meetingSeq: m ? Number(m.number.split('/')[0]) || 0 : 0,
    ...(m && c.amendments?.length ? { amended: true as const } : {}),
    ...(decision.dissent?.length ? { dissent: decision.dissent } : {}),
    ...(m && c.vote ? { votes: votesOf(c.vote) } : {}),
    ...(itemsOf(c) ? { items: itemsOf(c) } : {}),
    ...(m ? {} : { writtenProcedure: true as const, ...(decision.writtenProcedure ? { writtenProcedureOutcome: decision.writtenProcedure } : {}) }),
    ...exemptionOf(c),
  };
}

/** What `q` matches in a row: title, vedtak, and each sub-item as "50/18 NR. 2", its title and vedtak. */
function matches(d: DecisionDoc, q: string): boolean {
  const has = (s: string | null | undefined) => !!s && s.toLocaleLowerCase('nb').includes(q);
  if (has(d.title) || has(d.resolution)) return true;
  const wanted = q.replace(/\s+/g, ' ');
  return (d.items ?? []).some((it) => (d.number && citationText(d.number, it.label).includes(wanted)) || has(it.title) || has(it.resolution));
}

function historyRow(e: RecordedEvent): DecisionDoc {
  const d = e.data as DataOf<'HistoricalDecisionRecorded'>;
  return {
    caseId: null,
    committee: d.committee,
    number: d.number,
    title: d.title,
    type: null,
    outcome: d.outcome ?? null,
    resolution: d.wording,
    meetingId: null,
    meetingNumber: null,
    date: d.date ?? null,
    decidedOn: d.date ?? null,
    decidedAt: e.metadata.at,
    minutesApprovedAt: d.minutesApproved === true ? e.metadata.at : null,
    agendaIndex: 0,
    meetingSeq: 0,
    year: d.year,
    history: true,
    historyId: e.stream,
    ...(d.matterId !== undefined ? { matterId: d.matterId } : {}),
  };
}

export const decisionsProjection: Projection<DecisionsQuery, DecisionRow[]> & { rows(changes: DocChange[]): DecisionRow[] } = {
  name: 'decisions',
  /** 3: the meeting and case documents are the workflow's records. 4: rows carry conditions and decidedOn. 5: exemption. */
  version: 5,
  eventTypes: [...MEETING_TYPES, ...CASE_TYPES, 'HistoricalDecisionRecorded'],
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
  if (e.type === 'HistoricalDecisionRecorded') {
    if (docs.get('decision', e.stream)) return; // a stream records one decision; only its first event counts
    docs.put('decision', e.stream, historyRow(e));
    return;
  }
  if (e.type === 'MinutesApproved' && meetingId) {
    const m = docs.get<MeetingDoc>('meeting', meetingId)!;
    for (const { caseId } of m.agenda) {
      const row = docs.get<DecisionDoc>('decision', caseId);
      if (row) docs.put('decision', caseId, { ...row, minutesApprovedAt: m.minutesApprovedAt });
    }
    return;
  }
  if (!c || (e.type !== 'ResolutionEndorsed' && e.type !== 'CaseNoted' && e.type !== 'DecisionAmended')) return;
  if (e.type === 'DecisionAmended' && !c.after.decision) return; // an amendment of nothing decided: no row
  const decidedIn = c.after.decision?.meetingId ?? null;
  if (!decidedIn && c.after.writtenProcedure) {
    docs.put('decision', c.after.caseId, writtenRow(c.after));
    return;
  }
  const m = decidedIn ? docs.get<MeetingDoc>('meeting', decidedIn) : undefined;
  if (!m) throw new Error(`case ${c.after.caseId} decided without a known meeting`);
  docs.put('decision', c.after.caseId, rowFor(c.after, m));
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
          (year === undefined || decisionYear(d) === year) &&
          (asOf === undefined || time(d.decidedAt) <= asOf) &&
          (!q || matches(d, q)),
      )
      .sort(compareDecisions)
      .map((d) => toDecisionRow(d, asOf));
}
