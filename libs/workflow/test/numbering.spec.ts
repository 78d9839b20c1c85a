import { describe, expect, it } from '@jest/globals';
import {
  assignCaseNumbers,
  assignMeetingNumber,
  continueNumbering,
  foldNumbering,
  formatCaseNumber,
  NumberingBackwards,
} from '../src/index.js';

describe('numbering per committee per year', () => {
  it('continues from 8/2018 and 47/18, then counts on across meetings', () => {
    let s = foldNumbering('NEHS', 2018, []);
    const cont = continueNumbering(s, { nextMeetingNumber: 8, nextCaseNumber: 47 });
    s = foldNumbering('NEHS', 2018, [{ type: 'NumberingContinued', data: cont }]);
    const m = assignMeetingNumber(s, 'M8');
    expect(m.number).toBe('8/2018');
    const cases = assignCaseNumbers(s, 'M8', ['a', 'b', 'c']);
    expect(cases.numbers.map((n) => n.number)).toEqual(['47/18', '48/18', '49/18']);
    s = foldNumbering('NEHS', 2018, [
      { type: 'NumberingContinued', data: cont },
      { type: 'MeetingNumberAssigned', data: m },
      { type: 'CaseNumbersAssigned', data: cases },
    ]);
    expect(assignMeetingNumber(s, 'M9').number).toBe('9/2018');
    expect(assignCaseNumbers(s, 'M9', ['d']).numbers[0]!.number).toBe('50/18');
  });

  it('only moves forward', () => {
    const s = foldNumbering('NEHS', 2018, [{ type: 'NumberingContinued', data: { v: 1, committee: 'NEHS', year: 2018, nextMeetingNumber: 8, nextCaseNumber: 47 } }]);
    expect(() => continueNumbering(s, { nextMeetingNumber: 7, nextCaseNumber: 47 })).toThrow(NumberingBackwards);
    expect(() => continueNumbering(s, { nextMeetingNumber: 8, nextCaseNumber: 46 })).toThrow(NumberingBackwards);
    expect(continueNumbering(s, { nextMeetingNumber: 8, nextCaseNumber: 60 }).nextCaseNumber).toBe(60);
  });

  it('restarts each year and writes two-digit years', () => {
    expect(assignCaseNumbers(foldNumbering('NEHS', 2019, []), 'M1', ['x']).numbers[0]!.number).toBe('1/19');
    expect(formatCaseNumber(3, 2005)).toBe('3/05');
    expect(assignMeetingNumber(foldNumbering('NEHS', 2019, []), 'M1').number).toBe('1/2019');
  });
});
