/**
 * `evolveNumbering(state, event) → state`, total and pure; `foldNumbering(committee, year, events)`
 * = upcast + evolve from the year's start (next numbers 1). Numbers only move forward: a fact
 * naming a lower next number than already reached does not move it back (all earlier folds agree).
 */
import { upcast } from '../core/upcast.js';
import type { Fact, Stamped } from '../core/fact.js';
import type { NumberingEvent } from '../events.js';
import type { NumberingRecord } from './state.js';

export type NumberingFact = Stamped<NumberingEvent>;

export function initialNumbering(committee: string, year: number): NumberingRecord {
  return { committee, year, nextMeetingNumber: 1, nextCaseNumber: 1, meetings: {}, cases: {} };
}

export function evolveNumbering(s: NumberingRecord, e: NumberingFact): NumberingRecord {
  switch (e.type) {
    case 'NumberingContinued':
      return {
        ...s,
        nextMeetingNumber: Math.max(s.nextMeetingNumber, e.data.nextMeetingNumber),
        nextCaseNumber: Math.max(s.nextCaseNumber, e.data.nextCaseNumber),
      };
    case 'MeetingNumberAssigned':
      return { ...s, nextMeetingNumber: Math.max(s.nextMeetingNumber, e.data.seq + 1), meetings: { ...s.meetings, [e.data.meetingId]: e.data.number } };
    case 'CaseNumbersAssigned': {
      const numbers = e.data.numbers ?? [];
      const top = Math.max(0, ...numbers.map((n) => n.seq));
      const cases = { ...s.cases };
      for (const n of numbers) cases[n.caseId] = n.number;
      return { ...s, nextCaseNumber: Math.max(s.nextCaseNumber, top + 1), cases };
    }
    default:
      return s;
  }
}

export function foldNumbering(committee: string, year: number, events: readonly Fact[]): NumberingRecord {
  let s = initialNumbering(committee, year);
  for (const e of events) s = evolveNumbering(s, { type: e.type, data: upcast(e.type, e.data), metadata: e.metadata } as NumberingFact);
  return s;
}
