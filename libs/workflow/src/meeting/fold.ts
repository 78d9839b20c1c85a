import { upcast } from '../core/upcast.js';
import type { Fact } from '../core/fact.js';
import type { MeetingPlanned } from '../events.js';
import { evolveMeeting, startMeeting, type MeetingFact } from './evolve.js';
import type { MeetingRecord } from './state.js';

/**
 * Fold a meeting stream's stored events (oldest first; the first is `MeetingPlanned`): each
 * upcast, then evolved. Throws only when the list is not a meeting stream.
 */
export function foldMeetingRecord(events: readonly Fact[]): MeetingRecord {
  const [first, ...rest] = events;
  if (!first || first.type !== 'MeetingPlanned') throw new Error('a meeting stream starts with MeetingPlanned');
  let s = startMeeting(lift(first) as MeetingPlanned);
  for (const e of rest) s = evolveMeeting(s, lift(e));
  return s;
}

function lift(e: Fact): MeetingFact {
  return { type: e.type, data: upcast(e.type, e.data), metadata: e.metadata } as MeetingFact;
}
