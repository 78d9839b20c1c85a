/**
 * What an amendment changed, for the case history: the event (DecisionAmended) holds the new
 * texts and the reason; the texts it replaced are the record's before it, folded by the one
 * `evolveCase`. Per amended field `{ field, from, to }`.
 */
import type { Fact } from '../core/fact.js';
import type { AmendedFields } from '../events.js';
import { AMENDABLE_FIELDS } from './evolve.js';
import { foldCaseRecord } from './fold.js';
import type { CaseRecord } from './state.js';

export interface AmendedChange {
  field: keyof AmendedFields;
  from: string | string[] | null;
  to: string | string[] | null;
}

/** The texts an amendment may replace, as the record holds them (summary and points: at the meeting it was decided at). */
export function decisionTexts(c: CaseRecord): Record<keyof AmendedFields, string | string[] | null> {
  const at = c.decision?.meetingId ?? c.meetingId;
  let summary: string | null = null;
  let points: string[] = [];
  for (const d of c.discussions) {
    if (d.meetingId !== at) continue;
    if (d.summary !== undefined) summary = d.summary;
    points = points.concat(d.points);
  }
  return { resolution: c.decision?.resolution ?? null, conditions: c.decision?.conditions ?? null, summary, points, input: c.decision?.input ?? [] };
}

/** For each DecisionAmended in a case stream (by index): the fields it changed, from what to what. */
export function amendmentChanges(events: readonly Fact[]): Map<number, AmendedChange[]> {
  const out = new Map<number, AmendedChange[]>();
  events.forEach((e, i) => {
    if (e.type !== 'DecisionAmended' || i === 0) return;
    const before = decisionTexts(foldCaseRecord(events.slice(0, i)));
    const after = decisionTexts(foldCaseRecord(events.slice(0, i + 1)));
    const data = e.data as AmendedFields;
    out.set(
      i,
      AMENDABLE_FIELDS.filter((f) => data[f] !== undefined).map((field) => ({ field, from: before[field], to: after[field] })),
    );
  });
  return out;
}
