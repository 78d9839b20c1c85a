/**
 * The decision deciders without a store (given / when / then): who may vote (chair, member, a
 * deputy standing in for an absent member; never an observer, a guest, an absent member or one
 * who left), dissent by present members, per-item vedtak against the paper's labels, sub-item
 * citations, and what a referral carries.
 */
import { describe, expect, it } from '@jest/globals';
import { ValidationFailed } from '../src/application/errors.js';
import { itemsField, parseCitation, resolveCitations } from '../src/case/items.js';
import { referralCarried, requireReferralReason } from '../src/case/refer.js';
import { dissentOf, voteFact, votingRight, type Seat } from '../src/case/vote.js';
import type { CaseRecord } from '../src/case/state.js';

const seat = (id: string, role: string, extra: Partial<Seat> = {}): Seat => ({ id, name: `Navn ${id}`, organisation: `Org ${id}`, role, ...extra });
const members = new Map<string, Seat>(
  [seat('chair', 'chair'), seat('m1', 'member'), seat('m2', 'member'), seat('obs', 'observer'), seat('dep', 'deputy', { deputyFor: 'm2' }), seat('dep2', 'deputy', { deputyFor: 'm2' }), seat('gone', 'member', { leftAt: '2018-01-01' })].map((m) => [m.id, m]),
);

function refusal(f: () => unknown): { field: string; message: string }[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationFailed);
    return (e as ValidationFailed).errors as { field: string; message: string }[];
  }
  throw new Error('not refused');
}

describe('votingRight: the one voting rule', () => {
  const att = { present: ['chair', 'm1', 'obs', 'dep', 'gone'], absent: ['m2'] };
  it('a present chair or member votes; an observer, an absent member, a guest, one who left do not', () => {
    expect(votingRight(members.get('chair'), att)).toEqual({ entitled: true });
    expect(votingRight(members.get('m1'), att)).toEqual({ entitled: true });
    expect(votingRight(members.get('obs'), att)).toMatchObject({ entitled: false, why: expect.stringMatching(/observer/) });
    expect(votingRight(members.get('m2'), att)).toMatchObject({ entitled: false, why: expect.stringMatching(/not present/) });
    expect(votingRight(undefined, att)).toMatchObject({ entitled: false, why: 'is not a member of the committee' });
    expect(votingRight(members.get('gone'), att)).toMatchObject({ entitled: false, why: expect.stringMatching(/no longer a member/) });
  });
  it('a deputy votes standing in for an absent member, not while that member is present', () => {
    expect(votingRight(members.get('dep'), att)).toEqual({ entitled: true, standingInFor: 'm2' });
    expect(votingRight(members.get('dep'), { present: ['dep', 'm2'], absent: [] })).toMatchObject({ entitled: false, why: expect.stringMatching(/stand in for is present/) });
    expect(votingRight(seat('x', 'deputy'), { present: ['x'], absent: [] })).toMatchObject({ entitled: false, why: expect.stringMatching(/standing in for no one/) });
  });
});

describe('voteFact', () => {
  const at = { members, attendance: { present: ['chair', 'm1', 'obs', 'dep', 'dep2'], absent: ['m2'] } };
  it('given present entitled voters, records their names (a deputy with whom they stand in for)', () => {
    expect(voteFact({ for: ['chair', 'dep'], against: ['m1'] }, 'M', at)).toEqual({
      v: 1,
      meetingId: 'M',
      for: [
        { memberId: 'chair', name: 'Navn chair', organisation: 'Org chair' },
        { memberId: 'dep', name: 'Navn dep', organisation: 'Org dep', standingInFor: 'm2' },
      ],
      against: [{ memberId: 'm1', name: 'Navn m1', organisation: 'Org m1' }],
      abstained: [],
    });
  });
  it('refuses every voter who may not vote, each by field; two deputies for one seat: the second', () => {
    expect(refusal(() => voteFact({ for: ['obs'], against: ['dep', 'dep2'], abstained: ['nobody'] }, 'M', at)).map((e) => e.field)).toEqual(['for[0]', 'against[1]', 'abstained[0]']);
  });
});

describe('dissentOf', () => {
  const at = { members, attendance: { present: ['chair', 'm1', 'obs'], absent: ['m2'] } };
  it('names present members with their text; none given: undefined', () => {
    expect(dissentOf([{ memberId: 'm1', text: 'Uenig' }], at)).toEqual([{ memberId: 'm1', name: 'Navn m1', organisation: 'Org m1', text: 'Uenig' }]);
    expect(dissentOf(undefined, at)).toBeUndefined();
  });
  it('refuses an absent or unknown member', () => {
    expect(refusal(() => dissentOf([{ memberId: 'm2', text: 'x' }, { memberId: 'zz', text: 'y' }], at)).map((e) => e.field)).toEqual(['dissent[0].memberId', 'dissent[1].memberId']);
  });
});

describe('sub-items', () => {
  const paper = { title: 't', type: 'orientation' as const, proposedResolution: '', projectIds: [], meetsFollowUps: [], items: [{ label: 'Nr. 1', title: 'A' }, { label: 'NR. 2', title: 'B' }] };
  it('a per-item vedtak takes the label as the paper writes it; an unknown label is 400', () => {
    expect(itemsField({ items: [{ label: 'nr. 1', resolution: 'r' }] }, paper)).toEqual({ items: [{ label: 'Nr. 1', resolution: 'r' }] });
    expect(itemsField({}, paper)).toEqual({});
    expect(refusal(() => itemsField({ items: [{ label: 'NR. 3', resolution: 'r' }] }, paper))).toEqual([{ field: 'items[0].label', message: 'the case has no sub-item NR. 3 (it has Nr. 1, NR. 2)' }]);
  });
  it('parses "50/18 NR. 2" and "NUFA 12/19 NR. 1"; a follow-up id is no citation', () => {
    expect(parseCitation('50/18 NR. 2')).toEqual({ committee: null, number: '50/18', label: 'NR. 2' });
    expect(parseCitation('NUFA 12/19 NR. 1')).toEqual({ committee: 'NUFA', number: '12/19', label: 'NR. 1' });
    expect(parseCitation('3f1c9a7e-0000-4000-8000-000000000000')).toBeNull();
  });
  it('resolves a citation to the numbered case of that committee that has the sub-item', async () => {
    const numbers: Record<string, string> = { 'NEHS 50/18': 'c50' };
    const found = await resolveCitations(['50/18 nr. 2', '50/18 NR. 9', 'NUIT 50/18 NR. 2', 'f-1'], 'NEHS', (c, n) => numbers[`${c} ${n}`], async () => paper);
    expect(found).toEqual([{ citation: '50/18 nr. 2', caseId: 'c50', committee: 'NEHS', number: '50/18', label: 'NR. 2', title: 'B' }]);
  });
});

describe('referral', () => {
  const base = { caseId: 'c1', committee: 'NUFA', number: '36/20', lastNumber: '36/20', decision: null, paper: { items: [] } } as unknown as CaseRecord;
  it('carries the vedtak, conditions, input and dissent of a decided case', () => {
    const decided = {
      ...base,
      decision: { outcome: 'orientation', resolution: 'Tatt til orientering.', conditions: null, input: ['i1'], dissent: [{ memberId: 'm', name: 'N', organisation: 'O', text: 'd' }], items: [], meetingId: 'M' },
    } as unknown as CaseRecord;
    expect(referralCarried(decided)).toEqual({ fromCaseId: 'c1', committee: 'NUFA', number: '36/20', resolution: 'Tatt til orientering.', input: ['i1'], dissent: [{ memberId: 'm', name: 'N', organisation: 'O', text: 'd' }] });
  });
  it("carries the paper's sub-items with the vedtak given per item", () => {
    const decided = {
      ...base,
      paper: { items: [{ label: 'NR. 1', title: 'A', proposedResolution: 'p' }, { label: 'NR. 2', title: 'B' }] },
      decision: { outcome: 'orientation', resolution: 'R', conditions: null, input: [], dissent: [], items: [{ label: 'NR. 2', resolution: 'r2' }], meetingId: 'M' },
    } as unknown as CaseRecord;
    expect(referralCarried(decided).items).toEqual([{ label: 'NR. 1', title: 'A' }, { label: 'NR. 2', title: 'B', resolution: 'r2' }]);
  });
  it('from discussion: the reason, and a reason is required', () => {
    expect(referralCarried(base, 'Må utredes')).toEqual({ fromCaseId: 'c1', committee: 'NUFA', number: '36/20', reason: 'Må utredes' });
    expect(refusal(() => requireReferralReason(true, ' '))).toEqual([{ field: 'reason', message: expect.stringMatching(/required/) }]);
    expect(() => requireReferralReason(false, undefined)).not.toThrow();
  });
});

describe('written procedure deciders', () => {
  // imported lazily so the file's other tests do not depend on the numbering module
  it('deadline: a date runs through that day in Norwegian time; a time up to that instant', async () => {
    const { beforeDeadline, osloDate } = await import('../src/case/written-procedure.js');
    expect(osloDate('2019-01-31T22:59:59Z')).toBe('2019-01-31'); // 23:59:59 in Oslo
    expect(osloDate('2019-01-31T23:00:00Z')).toBe('2019-02-01');
    expect(beforeDeadline('2019-01-31', '2019-01-31T22:59:59Z')).toBe(true);
    expect(beforeDeadline('2019-01-31', '2019-01-31T23:00:00Z')).toBe(false);
    expect(beforeDeadline('2019-01-31T12:00:00+01:00', '2019-01-31T11:00:00Z')).toBe(true);
    expect(beforeDeadline('2019-01-31T12:00:00+01:00', '2019-01-31T11:00:01Z')).toBe(false);
  });

  it('the outcome of a conclusion: the latest answer per member, tallied, comments kept', async () => {
    const { writtenOutcome } = await import('../src/case/written-procedure.js');
    const stamp = { at: '2019-01-20T10:00:00+01:00', actor: 'x' };
    const c = {
      writtenProcedure: {
        deadline: '2019-01-31',
        concluded: null,
        ...stamp,
        answers: [
          { v: 1, memberId: 'a', name: 'A', organisation: 'OA', answer: 'agree', comment: 'Ja', ...stamp },
          { v: 1, memberId: 'b', name: 'B', organisation: 'OB', answer: 'disagree', ...stamp },
        ],
      },
    } as unknown as CaseRecord;
    expect(writtenOutcome(c)).toEqual({
      writtenProcedure: {
        deadline: '2019-01-31',
        tally: { agree: 1, disagree: 1 },
        answers: [
          { memberId: 'a', name: 'A', organisation: 'OA', answer: 'agree', comment: 'Ja' },
          { memberId: 'b', name: 'B', organisation: 'OB', answer: 'disagree' },
        ],
      },
    });
    expect(writtenOutcome({ writtenProcedure: null } as unknown as CaseRecord)).toEqual({});
  });
});
