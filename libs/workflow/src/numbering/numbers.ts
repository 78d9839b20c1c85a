/**
 * Numbering (nummerering) per committee per year, pure: the numbers given. The state is folded
 * from the `numbering-{CODE}-{YYYY}` stream (./evolve.ts); the application service appends with that stream's expected
 * revision so two concurrent notices (or plannings) can never hand out the same number.
 *
 * - Meetings `N/YYYY` in planning order.
 * - Cases `N/YY` at notice, in agenda order, continuing across the committee's meetings of the
 *   year, restarting at 1 each year. A case postponed after notice loses its number; the number
 *   is not reused; it gets a new one at its next notice.
 * - `NumberingContinued` (a committee moving to Saksflyt mid-year) only moves forward.
 */
import type { CaseNumbersAssigned, MeetingNumberAssigned, NumberingContinued } from '../events.js';
import type { NumberingState } from './state.js';

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
