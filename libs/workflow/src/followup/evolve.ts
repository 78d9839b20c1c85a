/**
 * `evolveFollowUp(state, event) → state`, total and pure; `foldFollowUp(id, events)` = upcast +
 * evolve. The first closing counts (a second one is never decided).
 */
import { stampOf, type Fact, type Stamped } from '../core/fact.js';
import { upcast } from '../core/upcast.js';
import type { FollowUpEvent } from '../events.js';
import type { FollowUpRecord } from './state.js';

export type FollowUpFact = Stamped<FollowUpEvent>;

export function openFollowUp(followUpId: string): FollowUpRecord {
  return { followUpId, closed: null };
}

export function evolveFollowUp(s: FollowUpRecord, e: FollowUpFact): FollowUpRecord {
  switch (e.type) {
    case 'FollowUpClosed':
      return s.closed ? s : { ...s, closed: { reason: e.data.reason, ...stampOf(e) } };
    default:
      return s;
  }
}

export function foldFollowUp(followUpId: string, events: readonly Fact[]): FollowUpRecord {
  let s = openFollowUp(followUpId);
  for (const e of events) s = evolveFollowUp(s, { type: e.type, data: upcast(e.type, e.data), metadata: e.metadata } as FollowUpFact);
  return s;
}
