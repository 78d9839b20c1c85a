/**
 * The minutes' agenda (`standingAgenda`): every case that stood on the noticed agenda, a case that
 * left it after notice back in its place by the number it had there; late cases (numbered after
 * Eventuelt) before Eventuelt; a case taken off before notice not at all.
 */
import { describe, expect, it } from '@jest/globals';
import { standingAgenda, type MeetingDoc } from '@saksflyt/projections';

const entry = (caseId: string, number: string | null, extra: Record<string, unknown> = {}) => ({ caseId, standardItem: null, number, ...extra });
const removal = (caseId: string, number: string | null, why: 'postponed' | 'withdrawn' | 'unscheduled' = 'postponed') => ({ caseId, why, reason: 'r', standardItem: null, number, at: null, actor: null });

describe('standingAgenda', () => {
  it('puts cases that left after notice back by number, late cases before Eventuelt, and leaves out what left before notice', () => {
    const m = {
      agenda: [
        entry('a47', '47/18', { standardItem: 'notice-approval' }),
        entry('a48', '48/18'),
        entry('a50', '50/18'),
        entry('late52', '52/18', { late: true }),
        entry('ev51', '51/18', { standardItem: 'any-other-business' }),
      ],
      removed: [removal('before', null, 'unscheduled'), removal('p49', '49/18'), removal('late53', '53/18')],
    } as unknown as MeetingDoc;
    const got = standingAgenda(m);
    expect(got.map((x) => x.caseId)).toEqual(['a47', 'a48', 'p49', 'a50', 'late52', 'late53', 'ev51']);
    expect(got.filter((x) => x.left).map((x) => x.left!.number)).toEqual(['49/18', '53/18']);
    expect(got.find((x) => x.caseId === 'late52')!.late).toBe(true);
  });

  it('before notice: the agenda as it is', () => {
    const m = { agenda: [entry('x', null), entry('y', null)], removed: [removal('z', null, 'unscheduled')] } as unknown as MeetingDoc;
    expect(standingAgenda(m).map((x) => [x.caseId, x.left])).toEqual([
      ['x', null],
      ['y', null],
    ]);
  });
});
