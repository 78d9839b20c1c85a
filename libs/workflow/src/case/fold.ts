import { upcast } from '../core/upcast.js';
import type { Fact } from '../core/fact.js';
import type { CaseDrafted } from '../events.js';
import { evolveCase, startCase, type CaseFact } from './evolve.js';
import type { CaseRecord } from './state.js';

/**
 * Fold a case stream's stored events (oldest first; the first is `CaseDrafted`): each upcast, then
 * evolved. Throws only when the list is not a case stream (empty, or not starting with CaseDrafted).
 */
export function foldCaseRecord(events: readonly Fact[]): CaseRecord {
  const [first, ...rest] = events;
  if (!first || first.type !== 'CaseDrafted') throw new Error('a case stream starts with CaseDrafted');
  let s = startCase(lift(first) as CaseDrafted);
  for (const e of rest) s = evolveCase(s, lift(e));
  return s;
}

function lift(e: Fact): CaseFact {
  const data = upcast(e.type, e.data);
  return { type: e.type, data, metadata: e.metadata } as CaseFact;
}
