/**
 * Numbered sub-items (50/18 NR. 1–4) as the minutes, the notice and the register show them; and
 * the written procedures (skriftlig behandling) a meeting's minutes list.
 */
import { osloDate, type Dissent, type WrittenProcedureOutcome } from '@saksflyt/workflow';
import type { DocReader } from '../runner/types.js';
import { caseNumber, type CaseDoc, type MeetingDoc } from './common.js';

/** A sub-item as the minutes and the notice show it. */
export interface MinutesItem {
  label: string;
  title: string;
  proposedResolution?: string;
  resolution?: string;
}

/** The paper's sub-items with the per-item vedtak (none: undefined). */
export function itemsOf(c: CaseDoc): MinutesItem[] | undefined {
  const items = c.paper.items ?? [];
  if (!items.length) return undefined;
  const decided = c.decision?.items ?? [];
  return items.map((it) => {
    const r = decided.find((d) => d.label === it.label)?.resolution;
    return { label: it.label, title: it.title, ...(it.proposedResolution !== undefined ? { proposedResolution: it.proposedResolution } : {}), ...(r !== undefined ? { resolution: r } : {}) };
  });
}

/** A case decided by written procedure, as the minutes of the committee's next meeting list it. */
export interface WrittenMinutesCase {
  caseId: string;
  number: string | null;
  title: string;
  outcome: 'endorsement' | 'orientation';
  resolution: string;
  conditions: string | null;
  input: string[];
  /** The day it was concluded (Norwegian time). */
  concludedOn: string;
  deadline: string;
  tally: WrittenProcedureOutcome['tally'];
  answers: WrittenProcedureOutcome['answers'];
  dissent?: Dissent[];
  /** Unntatt offentlighet (null: public): the api's redaction empties the comments for readers outside the committee. */
  exemption: { basis: string } | null;
}

/** The committee's meetings that are not cancelled, by date (then start time). */
function committeeMeetings(docs: DocReader, committee: string): MeetingDoc[] {
  return docs
    .list<MeetingDoc>('meeting')
    .filter((x) => x.committee === committee && (x.status as string) !== 'cancelled')
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : (a.startTime ?? '') < (b.startTime ?? '') ? -1 : (a.startTime ?? '') > (b.startTime ?? '') ? 1 : 0));
}

/** The day a case decided by written procedure was concluded (Norwegian time); null for any other case. */
function concludedOn(c: CaseDoc): string | null {
  const at = c.writtenProcedure?.concluded?.at;
  return at && c.decision && !c.decision.meetingId ? osloDate(at) : null;
}

/** The meeting whose minutes list a case decided by written procedure (see `writtenProceduresFor`); null: none (yet), or not such a case. */
export function writtenListedAt(docs: DocReader, c: CaseDoc): string | null {
  const on = concludedOn(c);
  return on === null ? null : (committeeMeetings(docs, c.committee).find((x) => x.date >= on)?.meetingId ?? null);
}

/**
 * The written procedures of the meeting's committee concluded on or before the meeting's date and
 * after the committee's previous meeting: each is listed once, by the committee's first meeting
 * (by date) on or after the day it was concluded that is not cancelled.
 */
export function writtenProceduresFor(docs: DocReader, m: MeetingDoc): { writtenProcedures?: WrittenMinutesCase[] } {
  const meetings = committeeMeetings(docs, m.committee);
  const out: WrittenMinutesCase[] = [];
  for (const c of docs.list<CaseDoc>('case')) {
    const w = c.writtenProcedure;
    const d = c.decision;
    const on = c.committee === m.committee ? concludedOn(c) : null;
    if (on === null || !w || !d || meetings.find((x) => x.date >= on)?.meetingId !== m.meetingId) continue;
    const outcome = d.writtenProcedure ?? { deadline: w.deadline, tally: { agree: 0, disagree: 0 }, answers: [] };
    out.push({
      caseId: c.caseId,
      number: caseNumber(c),
      title: c.paper.title,
      outcome: d.outcome,
      resolution: d.resolution,
      conditions: d.conditions,
      input: d.input,
      concludedOn: on,
      deadline: outcome.deadline,
      tally: outcome.tally,
      answers: outcome.answers,
      ...(d.dissent?.length ? { dissent: d.dissent } : {}),
      exemption: c.paper.exemption ? { basis: c.paper.exemption.basis } : null,
    });
  }
  out.sort((a, b) => (a.concludedOn < b.concludedOn ? -1 : a.concludedOn > b.concludedOn ? 1 : 0));
  return out.length ? { writtenProcedures: out } : {};
}
