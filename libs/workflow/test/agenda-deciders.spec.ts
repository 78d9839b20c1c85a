/**
 * Given/when/then tests of the agenda and correction deciders, no store (API.md "The agenda
 * before and after notice", "Corrections before the minutes are approved"): PUT agenda before
 * notice, late cases (tilleggssak) numbered at once, amend while the minutes are a draft. Given
 * the folded records, when the command, then the write plan or the domain error.
 */
import { describe, expect, it } from '@jest/globals';
import { decideAmend } from '../src/case/amend.js';
import { decideCaseCommand } from '../src/case/decide.js';
import { decideLateSchedule } from '../src/case/late.js';
import type { Folded, LoadedNumbering, OwnMeeting } from '../src/core/load.js';
import { meetingFacts } from '../src/core/load.js';
import type { WritePlan } from '../src/core/plan.js';
import { decideReorderAgenda } from '../src/meeting/reorder.js';
import {
  InvalidCommand,
  StaleRevision,
  ValidationFailed,
  allowedCommands,
  allowedMeetingCommands,
  evolveCase,
  evolveMeeting,
  foldCase,
  foldMeeting,
  type Actor,
  type CaseDrafted,
  type CaseFact,
  type CaseSnapshot,
  type Fact,
  type MeetingFact,
  type MeetingPlanned,
  type MeetingSnapshot,
  type StandardItem,
} from '../src/index.js';

const sec: Actor = { name: 'Anita Lindholt', roles: [{ role: 'secretariat', committee: 'NEHS' }] };
const ids = (name: string) => `id:${name}`;
const folded = <S>(fold: (f: Fact[]) => S, facts: Fact[]): Folded<S> => ({ snapshot: fold(facts), revision: BigInt(facts.length - 1) });
const plannedData = (id: string): MeetingPlanned['data'] => ({ v: 1, meetingId: id, committee: 'NEHS', number: '8/2018', year: 2018, date: '2018-12-06', place: 'Gardermoen' });
const meetingFacts_ = (id: string, ...after: Fact[]): Fact[] => [{ type: 'MeetingPlanned', data: plannedData(id) }, ...after];
const meeting = (id: string, ...after: Fact[]): Folded<MeetingSnapshot> => folded(foldMeeting, meetingFacts_(id, ...after));
const draftedData = (id: string): CaseDrafted['data'] => ({
  v: 1, caseId: id, committee: 'NEHS', matterId: `matter-${id}`, title: `Sak ${id}`, type: 'endorsement', proposedResolution: 'Styret gir tilslutning.', projectIds: [], meetsFollowUps: [],
});
const kase = (id: string, ...after: Fact[]): Folded<CaseSnapshot> => folded(foldCase, [{ type: 'CaseDrafted', data: draftedData(id) }, ...after]);
const own = (m: Folded<MeetingSnapshot>): OwnMeeting => ({ loaded: m, facts: meetingFacts(m.snapshot) });
const added = (caseId: string, standardItem?: StandardItem): Fact => ({ type: 'CaseAddedToAgenda', data: { v: 1, caseId, ...(standardItem ? { standardItem } : {}) } });
const noticed = (...numbers: [string, string][]): Fact => ({ type: 'MeetingNoticed', data: { v: 1, agenda: numbers.map(([caseId, number]) => ({ caseId, number })) } });
const opened: Fact = { type: 'MeetingOpened', data: { v: 1, present: [], absent: [], guests: [] } };
const adjourned: Fact = { type: 'MeetingAdjourned', data: { v: 1 } };
const approved: Fact = { type: 'MinutesApproved', data: { v: 1, byCaseId: 'X', byMeetingId: 'M9' } };
const numbering = (nextCaseNumber: number, revision: bigint): LoadedNumbering => ({
  state: { committee: 'NEHS', year: 2018, nextMeetingNumber: 9, nextCaseNumber },
  revision,
});
/** The standard items and three substantive cases A, B, C, in scheduling order. */
const AGENDA = [added('N', 'notice-approval'), added('R', 'minutes-approval'), added('A'), added('B'), added('C'), added('E', 'any-other-business')];
const NUMBERS: [string, string][] = [['N', '47/18'], ['R', '48/18'], ['A', '49/18'], ['B', '50/18'], ['C', '51/18'], ['E', '52/18']];

const shape = (p: WritePlan) => p.writes.map((w) => [w.stream, w.expectedRevision, w.events.map((e) => e.type)]);
const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a refusal');
};
/** The meeting's agenda after the plan's meeting events. */
const agendaAfter = (m: Folded<MeetingSnapshot>, p: WritePlan, meetingId = 'M') =>
  p.writes
    .filter((w) => w.stream === `meeting-${meetingId}`)
    .flatMap((w) => w.events)
    .reduce((r, e) => evolveMeeting(r, e as MeetingFact), m.snapshot.context).agenda;

describe('PUT agenda (reorder before notice)', () => {
  it('puts the substantive cases in the order given; the standard items keep their places', () => {
    const m = meeting('M', ...AGENDA);
    const p = decideReorderAgenda({ meetingId: 'M', body: { order: ['C', 'A', 'B'] }, actor: sec }, { meeting: m });
    expect(shape(p)).toEqual([['meeting-M', 6n, ['AgendaReordered']]]);
    expect(p.writes[0]!.events[0]!.data).toEqual({ v: 1, order: ['C', 'A', 'B'] });
    expect(p.answer).toEqual({ id: 'M', committee: 'NEHS', number: '8/2018', state: 'planned', revision: 7n });
    expect(agendaAfter(m, p).map((a) => a.caseId)).toEqual(['N', 'R', 'C', 'A', 'B', 'E']);
  });

  it('400 naming every case missing, unknown, a standard item or named twice', () => {
    const m = meeting('M', ...AGENDA);
    const e = thrown(() => decideReorderAgenda({ meetingId: 'M', body: { order: ['A', 'A', 'X', 'E'] } }, { meeting: m })) as ValidationFailed;
    expect(e).toBeInstanceOf(ValidationFailed);
    expect(e.errors).toEqual([
      { field: 'order[1]', message: 'case A is named twice' },
      { field: 'order[2]', message: 'case X is not on the agenda of meeting 8/2018' },
      { field: 'order[3]', message: 'case E is a standard item (any-other-business): it keeps its place' },
      { field: 'order', message: 'missing case B of the agenda of meeting 8/2018' },
      { field: 'order', message: 'missing case C of the agenda of meeting 8/2018' },
    ]);
    expect(e.message).toContain('missing case B');
  });

  it('a stale If-Match is 412 (after the order is found valid)', () => {
    const m = meeting('M', ...AGENDA);
    expect(thrown(() => decideReorderAgenda({ meetingId: 'M', body: { order: ['A', 'B', 'C'] }, ifMatch: 5n }, { meeting: m }))).toBeInstanceOf(StaleRevision);
  });

  it('after notice: 409 with the meeting commands allowed now (not reorder-agenda)', () => {
    const m = meeting('M', ...AGENDA, noticed(...NUMBERS));
    const e = thrown(() => decideReorderAgenda({ meetingId: 'M', body: { order: ['C', 'B', 'A'] }, actor: sec }, { meeting: m })) as InvalidCommand;
    expect(e).toBeInstanceOf(InvalidCommand);
    expect(e.message).toBe('cannot reorder the agenda of meeting 8/2018: it is noticed and its agenda is frozen (a late case can still be scheduled with late: true)');
    expect(e.allowedCommands).toEqual(['open', 'edit', 'cancel']);
    expect(e.blocking).toEqual({ meetingId: 'M' });
  });

  it('the meeting machine lists reorder-agenda while planned only', () => {
    expect(allowedMeetingCommands(meeting('M', ...AGENDA).snapshot, { actor: sec })).toEqual(['notice', 'reorder-agenda', 'edit', 'cancel']);
    expect(allowedMeetingCommands(meeting('M', ...AGENDA, noticed(...NUMBERS)).snapshot, { actor: sec })).toEqual(['open', 'edit', 'cancel']);
  });
});

describe('late cases (tilleggssak)', () => {
  const noticedMeeting = () => meeting('M', ...AGENDA, noticed(...NUMBERS));
  const late = { meetingId: 'M', late: true };

  it('on a noticed meeting: scheduled and numbered at once with the next free number, last before Eventuelt, in ONE plan', () => {
    const m = noticedMeeting();
    const k = kase('L');
    const p = decideLateSchedule({ caseId: 'L', body: late, actor: sec }, { case: k, target: m, numbering: numbering(53, 4n) });
    expect(shape(p)).toEqual([
      ['case-L', 0n, ['CaseScheduled', 'CaseNumbered']],
      ['meeting-M', 7n, ['CaseAddedToAgenda']],
      ['numbering-NEHS-2018', 4n, ['CaseNumbersAssigned']],
    ]);
    expect(p.root).toBe('case-L');
    expect(p.writes[0]!.events.map((e) => e.data)).toEqual([
      { v: 1, meetingId: 'M', late: true },
      { v: 1, meetingId: 'M', number: '53/18' },
    ]);
    expect(p.writes[1]!.events[0]!.data).toEqual({ v: 1, caseId: 'L', late: true, number: '53/18' });
    expect(p.writes[2]!.events[0]!.data).toEqual({ v: 1, meetingId: 'M', numbers: [{ caseId: 'L', seq: 53, number: '53/18' }] });
    expect(p.answer).toEqual({ id: 'L', state: 'scheduled', revision: 2n, number: '53/18', late: true });
    const agenda = agendaAfter(m, p);
    expect(agenda.map((a) => [a.caseId, a.number, a.late ?? false])).toEqual([
      ['N', '47/18', false], ['R', '48/18', false], ['A', '49/18', false], ['B', '50/18', false], ['C', '51/18', false], ['L', '53/18', true], ['E', '52/18', false],
    ]);
  });

  it('on a meeting in session: the late case can then be presented and decided as usual', () => {
    const m = meeting('M', ...AGENDA, noticed(...NUMBERS), opened);
    const p = decideLateSchedule({ caseId: 'L', body: late, actor: sec }, { case: kase('L'), target: m, numbering: numbering(53, 4n) });
    const after = p.writes[0]!.events.reduce((r, e) => evolveCase(r, e as CaseFact), kase('L').snapshot.context);
    const k = folded(foldCase, [{ type: 'CaseDrafted', data: draftedData('L') }, ...(p.writes[0]!.events as Fact[])]);
    expect(k.snapshot.context).toEqual(after);
    expect(after).toMatchObject({ status: 'scheduled', number: '53/18', meetingId: 'M' });
    const inSession = meeting('M', ...AGENDA, noticed(...NUMBERS), opened, { type: 'CaseAddedToAgenda', data: { v: 1, caseId: 'L', late: true, number: '53/18' } });
    expect(allowedCommands(k.snapshot, { actor: sec, meeting: meetingFacts(inSession.snapshot) })).toEqual(['present', 'postpone', 'withdraw']);
    const presented = decideCaseCommand({ caseId: 'L', command: 'present', body: { presenter: 'P' }, ids }, { case: k, own: own(inSession) });
    expect(shape(presented)).toEqual([['case-L', 2n, ['CasePresented']]]);
  });

  it('late: true on a planned meeting is 409 (its agenda is open), nothing planned', () => {
    const m = meeting('M', ...AGENDA);
    const e = thrown(() => decideLateSchedule({ caseId: 'L', body: late, actor: sec }, { case: kase('L'), target: m, numbering: numbering(1, -1n) })) as InvalidCommand;
    expect(e).toBeInstanceOf(InvalidCommand);
    expect(e.message).toBe(
      'cannot schedule case "Sak L" as a late case (tilleggssak) on meeting 8/2018: the meeting is planned; its agenda is open: schedule it without late: true; a late case joins a noticed or in-session meeting',
    );
    expect(e.allowedCommands).toEqual(['withdraw', 'edit', 'written-procedure']);
    expect(e.blocking).toEqual({ meetingId: 'M' });
  });

  it('late: true on a held meeting is 409', () => {
    const m = meeting('M', ...AGENDA, noticed(...NUMBERS), opened, adjourned);
    const e = thrown(() => decideLateSchedule({ caseId: 'L', body: late, actor: sec }, { case: kase('L'), target: m, numbering: numbering(53, 4n) })) as InvalidCommand;
    expect(e.message).toContain('the meeting is held');
    expect(e.allowedCommands).toEqual(['withdraw', 'edit', 'written-procedure']);
  });

  it('without late: true the frozen agenda answers 409 as before', () => {
    const e = thrown(() =>
      decideCaseCommand({ caseId: 'L', command: 'schedule', body: { meetingId: 'M' }, ids, actor: sec }, { case: kase('L'), target: noticedMeeting() }),
    ) as InvalidCommand;
    expect(e).toBeInstanceOf(InvalidCommand);
    expect(e.message).toContain('its agenda is frozen');
  });

  it('a case not in draft is refused as any schedule is', () => {
    const k = kase('L', { type: 'CaseScheduled', data: { v: 1, meetingId: 'M2' } });
    const e = thrown(() => decideLateSchedule({ caseId: 'L', body: late, actor: sec }, { case: k, target: noticedMeeting(), numbering: numbering(53, 4n) })) as InvalidCommand;
    expect(e).toBeInstanceOf(InvalidCommand);
    expect(e.message).toBe('cannot schedule case "Sak L": it is scheduled');
  });

  it('a meeting of another committee is 400 (before the state)', () => {
    const other = folded(foldMeeting, [{ type: 'MeetingPlanned', data: { ...plannedData('O'), committee: 'NUIT' } }]);
    const e = thrown(() => decideLateSchedule({ caseId: 'L', body: { meetingId: 'O', late: true } }, { case: kase('L'), target: other, numbering: numbering(1, -1n) })) as ValidationFailed;
    expect(e).toBeInstanceOf(ValidationFailed);
    expect(e.errors[0]!.field).toBe('meetingId');
  });
});

describe('amend (before the minutes are approved)', () => {
  const decidedFacts = (outcome: 'endorse' | 'note'): Fact[] => [
    { type: 'CaseScheduled', data: { v: 1, meetingId: 'M' } },
    { type: 'CaseNumbered', data: { v: 1, meetingId: 'M', number: '49/18' } },
    { type: 'CasePresented', data: { v: 1, presenter: 'P' } },
    { type: 'DiscussionRecorded', data: { v: 1, summary: 'Først', points: ['a'], followUps: [{ id: 'f1', text: 'Følges opp' }] } },
    { type: 'DiscussionRecorded', data: { v: 1, summary: 'Så', points: ['b'], followUps: [] } },
    outcome === 'endorse'
      ? { type: 'ResolutionEndorsed', data: { v: 1, resolution: 'Styret gir tilslutning.', conditions: 'Med forbehold.' } }
      : { type: 'CaseNoted', data: { v: 1, resolution: 'Tatt til orientering.', input: ['i1'] } },
  ];
  const held = () => meeting('M', ...AGENDA, noticed(...NUMBERS), opened, adjourned);

  it('replaces the named fields; the event holds the new texts and the reason', () => {
    const k = kase('A', ...decidedFacts('endorse'));
    const p = decideAmend(
      { caseId: 'A', body: { reason: 'Skrivefeil i vedtaket', resolution: 'Styret gir sin tilslutning.', summary: 'Rettet referat', points: ['c'] }, actor: sec },
      { case: k, own: own(held()) },
    );
    // with the minutes' side on the meeting stream at the revision read (an approval meanwhile conflicts)
    expect(shape(p)).toEqual([
      ['case-A', 6n, ['DecisionAmended']],
      ['meeting-M', 9n, ['MinutesAmended']],
    ]);
    expect(p.root).toBe('case-A');
    expect(p.writes[0]!.events[0]!.data).toEqual({ v: 1, reason: 'Skrivefeil i vedtaket', resolution: 'Styret gir sin tilslutning.', summary: 'Rettet referat', points: ['c'] });
    expect(p.writes[1]!.events[0]!.data).toEqual({ v: 1, caseId: 'A', reason: 'Skrivefeil i vedtaket' });
    expect(p.answer).toEqual({ id: 'A', state: 'endorsement', revision: 7n });
    const after = evolveCase(k.snapshot.context, { ...(p.writes[0]!.events[0] as CaseFact), metadata: { at: '2018-12-07T10:00:00Z', actor: 'Anita Lindholt' } } as CaseFact);
    expect(after.decision).toMatchObject({ resolution: 'Styret gir sin tilslutning.', conditions: 'Med forbehold.', outcome: 'endorsement' });
    // the discussion at the meeting: the new summary and points; the follow-ups kept
    expect(after.discussions.map((d) => [d.summary, d.points])).toEqual([[undefined, []], ['Rettet referat', ['c']]]);
    expect(after.discussions[0]!.followUps).toEqual([{ id: 'f1', text: 'Følges opp' }]);
    expect(after.amendments).toEqual([{ reason: 'Skrivefeil i vedtaket', fields: ['resolution', 'summary', 'points'], at: '2018-12-07T10:00:00Z', actor: 'Anita Lindholt' }]);
  });

  it('on a noted case the input points; while the meeting is still in session too', () => {
    const m = meeting('M', ...AGENDA, noticed(...NUMBERS), opened);
    const k = kase('A', ...decidedFacts('note'));
    const p = decideAmend({ caseId: 'A', body: { reason: 'Innspill manglet', input: ['i1', 'i2'] } }, { case: k, own: own(m) });
    expect(p.writes[0]!.events[0]!.data).toEqual({ v: 1, reason: 'Innspill manglet', input: ['i1', 'i2'] });
  });

  it('after the minutes are approved: 409 naming them, amend left out of allowedCommands', () => {
    const k = kase('A', ...decidedFacts('endorse'));
    const m = meeting('M', ...AGENDA, noticed(...NUMBERS), opened, adjourned, approved);
    const e = thrown(() => decideAmend({ caseId: 'A', body: { reason: 'r', resolution: 'x' }, actor: sec }, { case: k, own: own(m) })) as InvalidCommand;
    expect(e).toBeInstanceOf(InvalidCommand);
    expect(e.message).toBe('cannot amend case 49/18: its minutes (meeting 8/2018) are approved; a decision can be amended only while the minutes are a draft');
    expect(e.allowedCommands).toEqual(['refer']);
    expect(e.blocking).toEqual({ meetingId: 'M' });
  });

  it('the meeting machine takes MinutesAmended for a case on its agenda while the minutes are a draft only', () => {
    const ev = { type: 'MinutesAmended' as const, data: { v: 1 as const, caseId: 'A', reason: 'r' } };
    expect(held().snapshot.can(ev)).toBe(true);
    expect(meeting('M', ...AGENDA, noticed(...NUMBERS), opened).snapshot.can(ev)).toBe(true);
    expect(held().snapshot.can({ ...ev, data: { ...ev.data, caseId: 'Z' } })).toBe(false);
    expect(meeting('M', ...AGENDA, noticed(...NUMBERS), opened, adjourned, approved).snapshot.can(ev)).toBe(false);
    expect(meeting('M', ...AGENDA, noticed(...NUMBERS)).snapshot.can(ev)).toBe(false);
  });

  it('a case not decided is 409', () => {
    const k = kase('A', { type: 'CaseScheduled', data: { v: 1, meetingId: 'M' } });
    const e = thrown(() => decideAmend({ caseId: 'A', body: { reason: 'r', resolution: 'x' }, actor: sec }, { case: k, own: own(meeting('M', ...AGENDA)) })) as InvalidCommand;
    expect(e).toBeInstanceOf(InvalidCommand);
    expect(e.message).toBe('cannot amend case "Sak A": it is scheduled; its meeting 8/2018 is planned');
    expect(e.allowedCommands).toEqual(['unschedule', 'postpone', 'withdraw', 'edit']);
  });

  it('conditions on a noted case, input on an endorsement: 400 (before If-Match and state)', () => {
    const noted = kase('A', ...decidedFacts('note'));
    const e1 = thrown(() => decideAmend({ caseId: 'A', body: { reason: 'r', conditions: 'c' }, ifMatch: 0n }, { case: noted, own: own(held()) })) as ValidationFailed;
    expect(e1).toBeInstanceOf(ValidationFailed);
    expect(e1.errors).toEqual([{ field: 'conditions', message: 'case 49/18 was noted: only an endorsement has conditions' }]);
    const endorsed = kase('A', ...decidedFacts('endorse'));
    const e2 = thrown(() => decideAmend({ caseId: 'A', body: { reason: 'r', input: ['x'] } }, { case: endorsed, own: own(held()) })) as ValidationFailed;
    expect(e2.errors).toEqual([{ field: 'input', message: 'case 49/18 was endorsed: only a noted case has input points' }]);
    expect(thrown(() => decideAmend({ caseId: 'A', body: { reason: 'r', resolution: 'x' }, ifMatch: 2n }, { case: endorsed, own: own(held()) }))).toBeInstanceOf(StaleRevision);
  });

  it('allowedCommands: amend while the minutes are a draft, gone once they are approved', () => {
    const k = kase('A', ...decidedFacts('endorse'));
    expect(allowedCommands(k.snapshot, { actor: sec, meeting: own(held()).facts })).toEqual(['refer', 'amend']);
    const m = meeting('M', ...AGENDA, noticed(...NUMBERS), opened, adjourned, approved);
    expect(allowedCommands(k.snapshot, { actor: sec, meeting: own(m).facts })).toEqual(['refer']);
    // by state alone, without the minutes known: not allowed (the machine needs them draft)
    expect(allowedCommands(k.snapshot, { meeting: { id: 'M', committee: 'NEHS', state: 'held' } })).toEqual(['refer']);
  });
});
