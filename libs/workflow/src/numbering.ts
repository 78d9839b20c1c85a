/**
 * Numbering (nummerering) per committee per year, pure. The state is folded from the
 * `numbering-{CODE}-{YYYY}` stream; the application service appends with that stream's expected
 * revision so two concurrent notices (or plannings) can never hand out the same number.
 *
 * - Meetings `N/YYYY` in planning order.
 * - Cases `N/YY` at notice, in agenda order, continuing across the committee's meetings of the
 *   year, restarting at 1 each year. A case postponed after notice loses its number; the number
 *   is not reused; it gets a new one at its next notice.
 * - `NumberingContinued` (a committee moving to Saksflyt mid-year) only moves forward.
 */
import type { CaseNumbersAssigned, MeetingNumberAssigned, NumberingContinued, NumberingEvent } from './events.js';

export interface NumberingState {
  committee: string;
  year: number;
  nextMeetingNumber: number;
  nextCaseNumber: number;
}

export class NumberingBackwards extends Error {
  constructor(
    readonly field: 'nextMeetingNumber' | 'nextCaseNumber',
    readonly requested: number,
    readonly nextFree: number,
  ) {
    super(`${field} ${requested} is below the next free number ${nextFree}: numbering only moves forward`);
    this.name = 'NumberingBackwards';
  }
}

export function initialNumbering(committee: string, year: number): NumberingState {
  return { committee, year, nextMeetingNumber: 1, nextCaseNumber: 1 };
}

export function applyNumberingEvent(s: NumberingState, e: NumberingEvent): NumberingState {
  switch (e.type) {
    case 'NumberingContinued':
      return {
        ...s,
        nextMeetingNumber: Math.max(s.nextMeetingNumber, e.data.nextMeetingNumber),
        nextCaseNumber: Math.max(s.nextCaseNumber, e.data.nextCaseNumber),
      };
    case 'MeetingNumberAssigned':
      return { ...s, nextMeetingNumber: Math.max(s.nextMeetingNumber, e.data.seq + 1) };
    case 'CaseNumbersAssigned': {
      const top = Math.max(0, ...e.data.numbers.map((n) => n.seq));
      return { ...s, nextCaseNumber: Math.max(s.nextCaseNumber, top + 1) };
    }
  }
}

export function foldNumbering(committee: string, year: number, events: readonly { type: string; data: unknown }[]): NumberingState {
  return events.reduce((s, e) => applyNumberingEvent(s, e as NumberingEvent), initialNumbering(committee, year));
}

/** "8/2018" */
export function formatMeetingNumber(seq: number, year: number): string {
  return `${seq}/${year}`;
}

/** "47/18" */
export function formatCaseNumber(seq: number, year: number): string {
  return `${seq}/${String(year % 100).padStart(2, '0')}`;
}

export function parseCaseNumber(n: string): { seq: number; yy: number } | null {
  const m = /^(\d+)\/(\d{2})$/.exec(n);
  return m ? { seq: Number(m[1]), yy: Number(m[2]) } : null;
}

export function assignMeetingNumber(s: NumberingState, meetingId: string): MeetingNumberAssigned['data'] {
  const seq = s.nextMeetingNumber;
  return { v: 1, meetingId, seq, number: formatMeetingNumber(seq, s.year) };
}

/** Numbers for the agenda's cases, in the order given (agenda order). */
export function assignCaseNumbers(s: NumberingState, meetingId: string, caseIds: readonly string[]): CaseNumbersAssigned['data'] {
  return {
    v: 1,
    meetingId,
    numbers: caseIds.map((caseId, i) => {
      const seq = s.nextCaseNumber + i;
      return { caseId, seq, number: formatCaseNumber(seq, s.year) };
    }),
  };
}

/** Continue the year's numbering; throws NumberingBackwards for a value below the next free number. */
export function continueNumbering(
  s: NumberingState,
  next: { nextMeetingNumber: number; nextCaseNumber: number },
): NumberingContinued['data'] {
  if (next.nextMeetingNumber < s.nextMeetingNumber)
    throw new NumberingBackwards('nextMeetingNumber', next.nextMeetingNumber, s.nextMeetingNumber);
  if (next.nextCaseNumber < s.nextCaseNumber) throw new NumberingBackwards('nextCaseNumber', next.nextCaseNumber, s.nextCaseNumber);
  return { v: 1, committee: s.committee, year: s.year, nextMeetingNumber: next.nextMeetingNumber, nextCaseNumber: next.nextCaseNumber };
}
