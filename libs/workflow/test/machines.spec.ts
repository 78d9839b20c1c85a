import { describe, expect, it } from '@jest/globals';
import {
  allowedCommands,
  caseState,
  decideCase,
  decideMeeting,
  draftCase,
  foldCase,
  foldMeeting,
  meetingState,
  agendaOrder,
  planMeetingSnapshot,
  rehydrateCase,
  rehydrateMeeting,
  type Actor,
  type CaseMachineEvent,
  type MeetingFacts,
} from '../src/index.js';

const sec: Actor = { name: 'Anita Lindholt', roles: [{ role: 'secretariat', committee: 'NEHS' }] };
const otherSec: Actor = { name: 'Ola', roles: [{ role: 'secretariat', committee: 'NUIT' }] };
const admin: Actor = { name: 'Admin', roles: [{ role: 'admin' }] };

const drafted = {
  v: 1 as const,
  caseId: 'c1',
  committee: 'NEHS',
  matterId: 'm1',
  title: 'Nasjonal e-helseportefølje 2019',
  type: 'endorsement' as const,
  proposedResolution: 'Nasjonalt e-helsestyre gir sin tilslutning.',
  projectIds: [],
  meetsFollowUps: [],
};
const meeting = (state: MeetingFacts['state'], id = 'M1', committee = 'NEHS'): MeetingFacts => ({ id, state, committee });

describe('case machine: decide', () => {
  it('starts in draft from CaseDrafted', () => {
    const s = draftCase(drafted);
    expect(caseState(s)).toBe('draft');
    expect(s.context.paper.title).toBe('Nasjonal e-helseportefølje 2019');
  });

  it('schedules only onto a planned meeting of its own committee, by its secretariat', () => {
    const s = draftCase(drafted);
    const ev = (m: MeetingFacts, actor: Actor): CaseMachineEvent => ({
      type: 'CaseScheduled',
      data: { v: 1, meetingId: m.id },
      guard: { actor, meeting: m },
    });
    expect(decideCase(s, ev(meeting('planned'), sec))?.value).toBe('scheduled');
    expect(decideCase(s, ev(meeting('noticed'), sec))).toBeNull(); // agenda frozen
    expect(decideCase(s, ev(meeting('planned', 'M9', 'NUIT'), sec))).toBeNull(); // other committee
    expect(decideCase(s, ev(meeting('planned'), otherSec))).toBeNull();
    expect(decideCase(s, ev(meeting('planned'), admin))).toBeNull();
    // guard for one meeting, data naming another: refused
    expect(decideCase(s, { type: 'CaseScheduled', data: { v: 1, meetingId: 'X' }, guard: { actor: sec, meeting: meeting('planned') } })).toBeNull();
  });

  it('presents only while its meeting is in session, then endorses or notes', () => {
    let s = decideCase(draftCase(drafted), { type: 'CaseScheduled', data: { v: 1, meetingId: 'M1' }, guard: { actor: sec, meeting: meeting('planned') } })!;
    const present = (m: MeetingFacts): CaseMachineEvent => ({ type: 'CasePresented', data: { v: 1, presenter: 'Bjørn' }, guard: { actor: sec, meeting: m } });
    expect(decideCase(s, present(meeting('noticed')))).toBeNull();
    expect(decideCase(s, present(meeting('in_session', 'OTHER')))).toBeNull();
    s = decideCase(s, present(meeting('in_session')))!;
    expect(caseState(s)).toBe('discussion');
    const endorsed = decideCase(s, { type: 'ResolutionEndorsed', data: { v: 1, resolution: 'Tilslutning.' }, guard: { actor: sec, meeting: meeting('in_session') } })!;
    expect(caseState(endorsed)).toBe('endorsement');
    expect(endorsed.context.decision?.resolution).toBe('Tilslutning.');
    const noted = decideCase(s, { type: 'CaseNoted', data: { v: 1, resolution: 'Tatt til orientering.', input: ['a'] }, guard: { actor: sec, meeting: meeting('in_session') } })!;
    expect(caseState(noted)).toBe('orientation');
    // endorse after adjourn: refused
    expect(decideCase(s, { type: 'ResolutionEndorsed', data: { v: 1, resolution: 'x' }, guard: { actor: sec, meeting: meeting('held') } })).toBeNull();
  });

  it('unschedules and edits only before notice; postpone after notice loses the number', () => {
    let s = decideCase(draftCase(drafted), { type: 'CaseScheduled', data: { v: 1, meetingId: 'M1' }, guard: { actor: sec, meeting: meeting('planned') } })!;
    expect(allowedCommands(s, { actor: sec, meeting: meeting('planned') })).toEqual(['unschedule', 'postpone', 'withdraw', 'edit']);
    s = decideCase(s, { type: 'CaseNumbered', data: { v: 1, meetingId: 'M1', number: '50/18' }, guard: { meeting: meeting('noticed') } })!;
    expect(s.context.number).toBe('50/18');
    expect(allowedCommands(s, { actor: sec, meeting: meeting('noticed') })).toEqual(['postpone', 'withdraw']);
    expect(allowedCommands(s, { actor: sec, meeting: meeting('in_session') })).toEqual(['present', 'postpone', 'withdraw']);
    const p = decideCase(s, { type: 'CasePostponed', data: { v: 1, meetingId: 'M1', reason: 'tid' }, guard: { actor: sec, meeting: meeting('noticed') } })!;
    expect(caseState(p)).toBe('draft');
    expect(p.context.number).toBeNull();
    expect(p.context.meetingId).toBeNull();
    expect(allowedCommands(p, { actor: sec })).toEqual(['schedule', 'withdraw', 'edit', 'written-procedure']);
  });

  it('allowedCommands is empty for someone who is not its secretariat, and nothing after withdrawn', () => {
    const s = draftCase(drafted);
    expect(allowedCommands(s, { actor: otherSec })).toEqual([]);
    const w = decideCase(s, { type: 'CaseWithdrawn', data: { v: 1, reason: 'r' }, guard: { actor: sec } })!;
    expect(caseState(w)).toBe('withdrawn');
    expect(allowedCommands(w, { actor: sec })).toEqual([]);
  });
});

describe('case machine: fold', () => {
  it('folds recorded facts through evolveCase (no guards asked again), and rehydrates from JSON', () => {
    const s = foldCase([
      { type: 'CaseDrafted', data: drafted },
      { type: 'CaseScheduled', data: { v: 1, meetingId: 'M1' } },
      { type: 'CaseNumbered', data: { v: 1, meetingId: 'M1', number: '52/18' } },
      { type: 'CasePresented', data: { v: 1, presenter: 'Bjørn' } },
      { type: 'DiscussionRecorded', data: { v: 1, points: ['p1'], followUps: [{ id: 'f1', text: 'neste møte' }] } },
      { type: 'ResolutionEndorsed', data: { v: 1, resolution: 'Tilslutning.' } },
      { type: 'CaseReferred', data: { v: 1, toCommittee: 'NUIT', type: 'endorsement', referredCaseId: 'c2' } },
    ]);
    expect(caseState(s)).toBe('endorsement');
    expect(s.context.number).toBe('52/18');
    expect(s.context.discussions[0]!.followUps[0]!.id).toBe('f1');
    expect(s.context.referrals).toHaveLength(1);
    const back = rehydrateCase(JSON.parse(JSON.stringify(s)));
    expect(caseState(back)).toBe('endorsement');
    expect(allowedCommands(back, { actor: sec })).toEqual(['refer']);
  });
});

describe('meeting machine', () => {
  const planned = {
    v: 1 as const,
    meetingId: 'M1',
    committee: 'NEHS',
    number: '8/2018',
    year: 2018,
    date: '2018-12-06',
    place: 'Radisson Blu Gardermoen',
  };
  it('runs planned → noticed → in_session → held, adjourning only when every case is dealt with', () => {
    let m = planMeetingSnapshot(planned);
    for (const [caseId, standardItem] of [
      ['aob', 'any-other-business'],
      ['x', undefined],
      ['na', 'notice-approval'],
      ['ma', 'minutes-approval'],
      ['y', undefined],
    ] as const)
      m = decideMeeting(m, { type: 'CaseAddedToAgenda', data: { v: 1, caseId, standardItem }, guard: { actor: sec } })!;
    expect(agendaOrder(m.context.agenda).map((a) => a.caseId)).toEqual(['na', 'ma', 'x', 'y', 'aob']);
    expect(decideMeeting(m, { type: 'MeetingOpened', data: { v: 2, present: [], absent: [], guests: [], secretariat: [], remote: [], standingIn: [] }, guard: { actor: sec } })).toBeNull();
    expect(decideMeeting(m, { type: 'MeetingNoticed', data: { v: 1, agenda: [] }, guard: { actor: otherSec } })).toBeNull();
    m = decideMeeting(m, { type: 'MeetingNoticed', data: { v: 1, agenda: [{ caseId: 'x', number: '49/18' }] }, guard: { actor: sec } })!;
    expect(meetingState(m)).toBe('noticed');
    // frozen: nothing added, only postponement removes
    expect(decideMeeting(m, { type: 'CaseAddedToAgenda', data: { v: 1, caseId: 'z' }, guard: { actor: sec } })).toBeNull();
    expect(decideMeeting(m, { type: 'CaseRemovedFromAgenda', data: { v: 1, caseId: 'y', reason: 'r', why: 'unscheduled' }, guard: { actor: sec } })).toBeNull();
    m = decideMeeting(m, { type: 'CaseRemovedFromAgenda', data: { v: 1, caseId: 'y', reason: 'r', why: 'postponed' }, guard: { actor: sec } })!;
    m = decideMeeting(m, { type: 'MeetingOpened', data: { v: 2, present: ['p'], absent: [], guests: [], secretariat: [], remote: [], standingIn: [] }, guard: { actor: sec } })!;
    const adjourn = (states: Record<string, 'endorsement' | 'discussion' | 'orientation' | 'withdrawn' | 'scheduled'>) =>
      decideMeeting(m, { type: 'MeetingAdjourned', data: { v: 1 }, guard: { actor: sec, agendaCases: states } });
    expect(adjourn({ na: 'endorsement', ma: 'endorsement', x: 'discussion', aob: 'orientation' })).toBeNull();
    expect(adjourn({ na: 'endorsement', ma: 'endorsement', x: 'withdrawn' })).toBeNull(); // aob unknown: open
    const held = adjourn({ na: 'endorsement', ma: 'endorsement', x: 'withdrawn', aob: 'orientation' })!;
    expect(meetingState(held)).toBe('held');
    expect(held.context.minutes).toBe('draft');
    const approved = decideMeeting(held, { type: 'MinutesApproved', data: { v: 1, byCaseId: 'c', byMeetingId: 'M2' }, guard: { actor: sec } })!;
    expect(approved.context.minutes).toBe('approved');
    expect(decideMeeting(approved, { type: 'MinutesApproved', data: { v: 1, byCaseId: 'c', byMeetingId: 'M2' }, guard: { actor: sec } })).toBeNull();
    expect(rehydrateMeeting(JSON.parse(JSON.stringify(approved))).context.minutes).toBe('approved');
  });

  it('folds history through evolveMeeting, an approval of minutes before held included', () => {
    const m = foldMeeting([
      { type: 'MeetingPlanned', data: planned },
      { type: 'CaseAddedToAgenda', data: { v: 1, caseId: 'a' } },
      { type: 'MeetingNoticed', data: { v: 1, agenda: [{ caseId: 'a', number: '1/18' }] } },
      { type: 'MinutesApproved', data: { v: 1, byCaseId: 'c', byMeetingId: 'M2' } },
    ]);
    expect(meetingState(m)).toBe('noticed');
    expect(m.context.minutes).toBe('approved');
    expect(m.context.agenda[0]!.number).toBe('1/18');
  });
});
