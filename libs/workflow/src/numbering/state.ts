/** Numbering (nummerering) per committee per year, stream `numbering-{CODE}-{YYYY}`. */

/** Where the year's numbering stands: the next free numbers (what `GET …/numbering` answers). */
export interface NumberingState {
  committee: string;
  year: number;
  nextMeetingNumber: number;
  nextCaseNumber: number;
}

/** The numbering record: where it stands, and every number it gave (by meeting id, by case id). */
export interface NumberingRecord extends NumberingState {
  /** Meeting id → `N/YYYY`. */
  meetings: Record<string, string>;
  /** Case id → `N/YY`, the latest given (a postponed case gets a new one at its next notice). */
  cases: Record<string, string>;
}
