/**
 * History: earlier decisions known only from the records, each in `history-{CODE}-{NN}-{YY}`
 * (admin or the committee's secretariat; the api's guard asks `may`). It takes no number from
 * the numbering and names no meeting. Recording the same decision again with the same content
 * writes nothing and answers the first recording (`repeated: true`); with other content it is
 * refused (DomainRuleViolation `history-recorded`, 409).
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import { historyStream, type HistoricalDecisionRecorded } from '../events.js';
import { DomainRuleViolation, ValidationFailed } from '../application/errors.js';
import type { HistoricalDecisionView, RecordHistoryBody } from '../application/types.js';
import { upcast } from '../core/upcast.js';
import { revisionOf } from '../core/load.js';
import { single, type WritePlan } from '../core/plan.js';

const HISTORY_NUMBER_RE = /^([1-9]\d{0,5})\/(\d{2})$/;

/** JSON with sorted keys, to compare event data regardless of key order. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

/** The event's data: the body as recorded, the year from the number unless given. */
export function historyData(code: string, b: RecordHistoryBody): HistoricalDecisionRecorded['data'] {
  const m = HISTORY_NUMBER_RE.exec(b.number);
  // the shape (N/YY, year and date agreeing with it) is the DTO's and the records schema's; the year is needed here
  if (!m) throw new ValidationFailed([{ field: 'number', message: 'must be a case number N/YY, as recorded' }]);
  const year = b.year ?? 2000 + Number(m[2]);
  const src = b.source;
  const source: HistoricalDecisionRecorded['data']['source'] = {
    ...(src?.citedBy ? { citedBy: [...src.citedBy] } : {}),
    ...(src?.citedByCaseIds ? { citedByCaseIds: [...src.citedByCaseIds] } : {}),
    ...(src?.seeds ? { seeds: src.seeds.map((x) => ({ seed: x.seed, lines: [...x.lines] })) } : {}),
  };
  return {
    v: 1,
    committee: code,
    number: b.number,
    year,
    title: b.title,
    wording: b.wording,
    ...(b.outcome !== undefined ? { outcome: b.outcome } : {}),
    ...(b.date !== undefined ? { date: b.date } : {}),
    ...(b.minutesApproved !== undefined ? { minutesApproved: b.minutesApproved } : {}),
    ...(b.matterId !== undefined ? { matterId: b.matterId } : {}),
    source,
    ...(b.note !== undefined ? { note: b.note } : {}),
  };
}

/** Given the stream's events so far (null: none), record the decision or answer the first recording. */
export function decideRecordHistory(when: { code: string; body: RecordHistoryBody }, existing: readonly RecordedEvent[] | null): WritePlan {
  const { code, body } = when;
  const data = historyData(code, body);
  const stream = historyStream(code, body.number);
  const answer = { id: stream, state: 'recorded', committee: code, number: body.number };
  if (existing?.length) {
    const first = existing[0]!;
    if (canonical(first.data) !== canonical(data))
      throw new DomainRuleViolation('history-recorded', `${code} ${body.number} is recorded already with other content; history is not rewritten`);
    return { writes: [], answer: { ...answer, revision: revisionOf(existing), position: first.position, repeated: true } };
  }
  return single(stream, 'no_stream', { type: 'HistoricalDecisionRecorded', data }, { ...answer, revision: 0n, repeated: false });
}

export function historyView(e: RecordedEvent): HistoricalDecisionView {
  const d = upcast(e.type, e.data) as HistoricalDecisionRecorded['data'];
  return {
    id: e.stream,
    committee: d.committee,
    number: d.number,
    year: d.year,
    title: d.title,
    wording: d.wording,
    outcome: d.outcome ?? null,
    date: d.date ?? null,
    minutesApproved: d.minutesApproved === true,
    matterId: d.matterId ?? null,
    source: d.source,
    note: d.note ?? null,
    at: e.metadata.at,
    actor: e.metadata.actor,
    position: e.position,
  };
}
