/**
 * Given/when/then tests of each record's evolve, no store: given the facts so far, when one more
 * fact, then the record. Includes every case where the four earlier folds (machine, projections,
 * archive, documents) disagreed, with the truth chosen (see the evolve files' headers).
 */
import { describe, expect, it } from '@jest/globals';
import {
  CASE_STATES,
  MEETING_STATES,
  agendaOrder,
  emptyCommittee,
  evolveCase,
  evolveCommittee,
  evolveMeeting,
  evolveNumbering,
  evolveProject,
  foldCaseRecord,
  foldCommittee,
  foldMeetingRecord,
  foldNumbering,
  foldProject,
  initialNumbering,
  startCase,
  startMeeting,
  unregisteredProject,
  type CaseDrafted,
  type CaseFact,
  type CaseRecord,
  type Fact,
  type MeetingFact,
  type MeetingPlanned,
  type MeetingRecord,
} from '../src/index.js';

const meta = (n: number, actor = 'Anita Lindholt') => ({ at: `2018-12-06T10:${String(n).padStart(2, '0')}:00+01:00`, actor });

const drafted: CaseDrafted = {
  type: 'CaseDrafted',
  data: {
    v: 1,
    caseId: 'c1',
    committee: 'NEHS',
    matterId: 'm1',
    title: 'Nasjonal e-helseportefølje 2019',
    type: 'endorsement',
    proposedResolution: 'Nasjonalt e-helsestyre gir sin tilslutning.',
    background: 'Bakgrunn',
    purpose: 'Formål',
    projectIds: ['196'],
    meetsFollowUps: [],
  },
};

/** Given these case facts (after CaseDrafted), when `fact`, then the record. */
function givenCase(...facts: CaseFact[]) {
  const before = facts.reduce(evolveCase, startCase({ ...drafted, metadata: meta(0) }));
  return { before, when: (fact: CaseFact): CaseRecord => evolveCase(before, fact) };
}

const scheduled = (meetingId = 'M1'): CaseFact => ({ type: 'CaseScheduled', data: { v: 1, meetingId } });
const numbered = (number: string, meetingId = 'M1'): CaseFact => ({ type: 'CaseNumbered', data: { v: 1, meetingId, number } });
const presented: CaseFact = { type: 'CasePresented', data: { v: 1, presenter: 'Bjørn' } };
const discussed = (point: string, n = 5): CaseFact => ({ type: 'DiscussionRecorded', data: { v: 2, summary: `om ${point}`, points: [point], followUps: [{ id: `f-${point}`, text: point }] }, metadata: meta(n) });

describe('evolveCase', () => {
  it('starts in draft with the whole paper and who drafted it', () => {
    const s = startCase({ ...drafted, metadata: meta(0) });
    expect(s.status).toBe('draft');
    expect(s.paper).toEqual({
      title: 'Nasjonal e-helseportefølje 2019',
      type: 'endorsement',
      proposedResolution: 'Nasjonalt e-helsestyre gir sin tilslutning.',
      background: 'Bakgrunn',
      purpose: 'Formål',
      projectIds: ['196'],
      meetsFollowUps: [],
    });
    expect(s.drafted).toEqual(meta(0));
    expect(s.standardItem).toBeNull();
  });

  it('edits every paper field (the projection kept only some; the documents read the stream again for the rest)', () => {
    const s = givenCase().when({ type: 'CasePaperEdited', data: { v: 1, changes: { caseOfficer: 'Kari', responsible: 'Direktoratet', background: 'Ny bakgrunn', title: undefined } } });
    expect(s.paper).toMatchObject({ caseOfficer: 'Kari', responsible: 'Direktoratet', background: 'Ny bakgrunn', purpose: 'Formål', title: 'Nasjonal e-helseportefølje 2019' });
  });

  it('schedules onto a meeting and remembers it as the last meeting', () => {
    const s = givenCase().when(scheduled('M1'));
    expect(s).toMatchObject({ status: 'scheduled', meetingId: 'M1', lastMeetingId: 'M1', number: null });
  });

  it('CaseNumbered sets the number and the meeting the fact names (the machine set only the number)', () => {
    const s = givenCase(scheduled('M1')).when(numbered('50/18', 'M1'));
    expect(s).toMatchObject({ status: 'scheduled', number: '50/18', lastNumber: '50/18', meetingId: 'M1' });
  });

  it('a discussion names the meeting it was recorded in, with when and by whom', () => {
    const s = givenCase(scheduled('M1'), numbered('50/18'), presented).when(discussed('a'));
    expect(s.status).toBe('discussion');
    expect(s.discussions).toEqual([{ meetingId: 'M1', summary: 'om a', points: ['a'], followUps: [{ id: 'f-a', text: 'a' }], ...meta(5) }]);
  });

  it('CasePostponed keeps the discussions, each with its meeting (the projection cleared them); number and presenter lost, postponement recorded', () => {
    const s = givenCase(scheduled('M1'), numbered('50/18'), presented, discussed('a')).when({ type: 'CasePostponed', data: { v: 1, meetingId: 'M1', reason: 'Mer utredning' }, metadata: meta(9) });
    expect(s).toMatchObject({ status: 'draft', meetingId: null, number: null, presenter: null, lastMeetingId: 'M1', lastNumber: '50/18' });
    expect(s.discussions.map((d) => [d.meetingId, d.points])).toEqual([['M1', ['a']]]);
    // the presenter at that meeting is kept with the postponement (its minutes show who presented it)
    expect(s.postponements).toEqual([{ meetingId: 'M1', numberLost: '50/18', reason: 'Mer utredning', presenter: 'Bjørn', ...meta(9) }]);
    // at the next meeting: its own discussion beside the earlier one
    const later = [scheduled('M2'), numbered('3/19', 'M2'), presented, discussed('b', 30)].reduce(evolveCase, s);
    expect(later.discussions.map((d) => [d.meetingId, d.points])).toEqual([['M1', ['a']], ['M2', ['b']]]);
    expect(later.discussions.filter((d) => d.meetingId === 'M2').flatMap((d) => d.points)).toEqual(['b']);
  });

  it('CaseWithdrawn after notice keeps its meeting and number (projection and archive cleared both), and names them in the withdrawal', () => {
    const s = givenCase(scheduled('M1'), numbered('51/18')).when({ type: 'CaseWithdrawn', data: { v: 1, reason: 'Trukket av saksbehandler' }, metadata: meta(7) });
    expect(s).toMatchObject({ status: 'withdrawn', meetingId: 'M1', number: '51/18' });
    expect(s.withdrawal).toEqual({ reason: 'Trukket av saksbehandler', meetingId: 'M1', number: '51/18', ...meta(7) });
  });

  it('CaseWithdrawn from draft names no meeting', () => {
    const s = givenCase().when({ type: 'CaseWithdrawn', data: { v: 1, reason: 'r' } });
    expect(s.withdrawal).toEqual({ reason: 'r', meetingId: null, number: null, at: null, actor: null });
  });

  it('unscheduling returns to draft and is remembered with its meeting', () => {
    const s = givenCase(scheduled('M1')).when({ type: 'CaseUnscheduled', data: { v: 1, meetingId: 'M1', reason: 'Ikke klar' } });
    expect(s).toMatchObject({ status: 'draft', meetingId: null, number: null, lastMeetingId: 'M1' });
    expect(s.unschedulings).toEqual([{ meetingId: 'M1', reason: 'Ikke klar', at: null, actor: null }]);
  });

  it('the decision carries its time, actor and meeting (the projection and archive kept decidedAt beside the machine)', () => {
    const endorsed = givenCase(scheduled('M1'), numbered('52/18'), presented).when({ type: 'ResolutionEndorsed', data: { v: 1, resolution: 'Tilslutning.', conditions: 'Med forbehold' }, metadata: meta(12, 'Sekretær') });
    expect(endorsed.status).toBe('endorsement');
    expect(endorsed.decision).toEqual({ outcome: 'endorsement', resolution: 'Tilslutning.', conditions: 'Med forbehold', input: [], meetingId: 'M1', dissent: [], items: [], writtenProcedure: null, at: meta(12).at, actor: 'Sekretær' });
    const noted = givenCase(scheduled('M1'), presented).when({ type: 'CaseNoted', data: { v: 1, resolution: 'Tatt til orientering.', input: ['i1'] } });
    expect(noted.decision).toMatchObject({ outcome: 'orientation', conditions: null, input: ['i1'] });
  });

  it('referrals accumulate with when and by whom; the status stays', () => {
    const s = givenCase(scheduled('M1'), presented, { type: 'CaseNoted', data: { v: 1, resolution: 'r', input: [] } }).when({ type: 'CaseReferred', data: { v: 1, toCommittee: 'NUIT', type: 'endorsement', referredCaseId: 'c2' }, metadata: meta(20) });
    expect(s.status).toBe('orientation');
    // with the meeting it was on: whose minutes say *Oversendt til NUIT*
    expect(s.referrals).toEqual([{ toCommittee: 'NUIT', type: 'endorsement', referredCaseId: 'c2', meetingId: 'M1', ...meta(20) }]);
  });

  it('is total: a fact that does not fit the status still updates what it says, and nothing throws', () => {
    // endorsed while in draft (the machine would have refused to decide it): recorded all the same
    const s = givenCase().when({ type: 'ResolutionEndorsed', data: { v: 1, resolution: 'x' } });
    expect(s.status).toBe('endorsement');
    expect(s.decision?.resolution).toBe('x');
    // withdrawn twice, numbered while withdrawn
    const w = ([{ type: 'CaseWithdrawn', data: { v: 1, reason: 'a' } }, { type: 'CaseWithdrawn', data: { v: 1, reason: 'b' } }, numbered('9/18')] as CaseFact[]).reduce(evolveCase, givenCase().before);
    expect(w).toMatchObject({ status: 'withdrawn', number: '9/18', withdrawal: { reason: 'b' } });
    // a type the case does not know changes nothing
    const before = givenCase(scheduled()).before;
    expect(evolveCase(before, { type: 'SomethingElse', data: {} } as unknown as CaseFact)).toBe(before);
  });

  it('foldCaseRecord = upcast + evolve, and refuses a list that is not a case stream', () => {
    const events: Fact[] = [{ ...drafted, metadata: meta(0) }, scheduled(), numbered('50/18')];
    expect(foldCaseRecord(events)).toEqual(events.slice(1).reduce((s, e) => evolveCase(s, e as CaseFact), startCase({ ...drafted, metadata: meta(0) })));
    expect(() => foldCaseRecord([scheduled()])).toThrow('a case stream starts with CaseDrafted');
    expect(CASE_STATES).toContain(foldCaseRecord(events).status);
  });
});

const planned: MeetingPlanned = {
  type: 'MeetingPlanned',
  data: { v: 1, meetingId: 'M1', committee: 'NEHS', number: '8/2018', year: 2018, date: '2018-12-06', place: 'Gardermoen', previousMeetingId: 'M0', previousMeetingDate: '2018-09-20' },
};
const added = (caseId: string, standardItem?: 'notice-approval' | 'minutes-approval' | 'any-other-business'): MeetingFact => ({ type: 'CaseAddedToAgenda', data: { v: 1, caseId, ...(standardItem ? { standardItem } : {}) } });
const noticed = (...agenda: [string, string][]): MeetingFact => ({ type: 'MeetingNoticed', data: { v: 1, agenda: agenda.map(([caseId, number]) => ({ caseId, number })) }, metadata: meta(1) });
function givenMeeting(...facts: MeetingFact[]) {
  const before = facts.reduce(evolveMeeting, startMeeting({ ...planned, metadata: meta(0) }));
  return { before, when: (fact: MeetingFact): MeetingRecord => evolveMeeting(before, fact) };
}
const ids = (m: MeetingRecord) => m.agenda.map((a) => a.caseId);

describe('evolveMeeting', () => {
  it('starts planned with the previous meeting it approves the minutes of, and absent times as null', () => {
    const m = startMeeting({ ...planned, metadata: meta(0) });
    expect(m).toMatchObject({ status: 'planned', previousMeetingId: 'M0', previousMeetingDate: '2018-09-20', startTime: null, endTime: null, planned: meta(0), minutes: 'draft' });
  });

  it('keeps the agenda in agenda order while planned (= agendaOrder of the scheduling order; the machine sorted on read)', () => {
    const facts = [added('aob', 'any-other-business'), added('x'), added('na', 'notice-approval'), added('ma', 'minutes-approval'), added('y')];
    const m = givenMeeting(...facts).before;
    expect(ids(m)).toEqual(['na', 'ma', 'x', 'y', 'aob']);
    const scheduling = facts.map((f) => ({ caseId: (f.data as { caseId: string }).caseId, standardItem: (f.data as { standardItem?: 'any-other-business' }).standardItem ?? null }));
    expect(agendaOrder(scheduling).map((e) => e.caseId)).toEqual(ids(m));
  });

  it('a case added twice is on the agenda once (the machine replay added it again)', () => {
    expect(ids(givenMeeting(added('x'), added('y')).when(added('x')))).toEqual(['x', 'y']);
  });

  it('the notice orders and numbers the agenda as it lists it; a case it names is on it; one it does not name stays, after', () => {
    const m = givenMeeting(added('x'), added('na', 'notice-approval'), added('y')).when(noticed(['na', '49/18'], ['x', '50/18'], ['late', '51/18']));
    expect(m.status).toBe('noticed');
    expect(m.agenda).toEqual([
      { caseId: 'na', standardItem: 'notice-approval', number: '49/18' },
      { caseId: 'x', standardItem: null, number: '50/18' },
      { caseId: 'late', standardItem: null, number: '51/18' },
      { caseId: 'y', standardItem: null, number: null },
    ]);
    expect(m.noticed).toEqual(meta(1));
  });

  it('a case added after notice goes at the end (projection, archive; the machine ignored it on replay)', () => {
    const m = givenMeeting(added('na', 'notice-approval'), added('x'), noticed(['na', '1/18'], ['x', '2/18'])).when(added('ma', 'minutes-approval'));
    expect(ids(m)).toEqual(['na', 'x', 'ma']);
  });

  it('a removal is remembered with why, the reason and the number it had (archive; the others only removed it)', () => {
    const m = givenMeeting(added('x'), added('y'), noticed(['x', '1/18'], ['y', '2/18'])).when({ type: 'CaseRemovedFromAgenda', data: { v: 1, caseId: 'y', why: 'postponed', reason: 'Tid' }, metadata: meta(3) });
    expect(ids(m)).toEqual(['x']);
    expect(m.removed).toEqual([{ caseId: 'y', why: 'postponed', reason: 'Tid', standardItem: null, number: '2/18', ...meta(3) }]);
  });

  it('opens with attendance and adjourns to held', () => {
    const open = givenMeeting(added('x'), noticed(['x', '1/18'])).when({ type: 'MeetingOpened', data: { v: 2, present: ['p1'], absent: [], guests: ['g'], secretariat: [], remote: [], standingIn: [] }, metadata: meta(4) });
    expect(open).toMatchObject({ status: 'in_session', attendance: { present: ['p1'], absent: [], guests: ['g'] }, opened: meta(4) });
    expect(evolveMeeting(open, { type: 'MeetingAdjourned', data: { v: 1 } }).status).toBe('held');
  });

  it('MinutesApproved is folded in any status (the machine needed a replay hack for it before held)', () => {
    const m = givenMeeting(added('a'), noticed(['a', '1/18'])).when({ type: 'MinutesApproved', data: { v: 1, byCaseId: 'c', byMeetingId: 'M2' }, metadata: meta(50) });
    expect(m).toMatchObject({ status: 'noticed', minutes: 'approved', minutesApprovedBy: { byCaseId: 'c', byMeetingId: 'M2' }, minutesApprovedAt: meta(50).at });
  });

  it('is total: every status stays one of MEETING_STATES, a foreign type changes nothing', () => {
    const before = givenMeeting(added('a')).before;
    expect(evolveMeeting(before, { type: 'Nope', data: {} } as unknown as MeetingFact)).toBe(before);
    expect(MEETING_STATES).toContain(foldMeetingRecord([planned, { type: 'MeetingAdjourned', data: { v: 1 } }, noticed()]).status);
    expect(() => foldMeetingRecord([noticed()])).toThrow('a meeting stream starts with MeetingPlanned');
  });
});

describe('evolveCommittee', () => {
  it('keeps everyone who joined; those who left have `left` set; joining again is one member, moved to the end', () => {
    let c = foldCommittee('NEHS', [
      { type: 'CommitteeCreated', data: { v: 1, code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, metadata: meta(0) },
      { type: 'MemberJoined', data: { v: 1, memberId: 'a', name: 'A', organisation: 'HDIR', role: 'chair' }, metadata: meta(1) },
      { type: 'MemberJoined', data: { v: 1, memberId: 'b', name: 'B', organisation: 'FHI', role: 'member' }, metadata: meta(2) },
      { type: 'MemberLeft', data: { v: 1, memberId: 'a' }, metadata: meta(3) },
    ]);
    expect(c.name).toBe('Nasjonalt e-helsestyre');
    expect(c.members.map((m) => [m.id, m.left?.at ?? null])).toEqual([['a', meta(3).at], ['b', null]]);
    expect(c.members.filter((m) => !m.left).map((m) => m.id)).toEqual(['b']);
    c = evolveCommittee(c, { type: 'MemberJoined', data: { v: 2, memberId: 'a', name: 'A', organisation: 'HDIR', role: 'member' } });
    expect(c.members.map((m) => [m.id, m.role, m.left])).toEqual([['b', 'member', null], ['a', 'member', null]]);
    expect(emptyCommittee('X')).toEqual({ code: 'X', name: 'X', created: null, members: [] });
  });
});

describe('evolveNumbering', () => {
  it('moves only forward and remembers every number it gave', () => {
    const s = foldNumbering('NEHS', 2018, [
      { type: 'NumberingContinued', data: { v: 1, committee: 'NEHS', year: 2018, nextMeetingNumber: 8, nextCaseNumber: 47 } },
      { type: 'MeetingNumberAssigned', data: { v: 1, meetingId: 'M8', number: '8/2018', seq: 8 } },
      { type: 'CaseNumbersAssigned', data: { v: 1, meetingId: 'M8', numbers: [{ caseId: 'a', number: '47/18', seq: 47 }, { caseId: 'b', number: '48/18', seq: 48 }] } },
      { type: 'NumberingContinued', data: { v: 1, committee: 'NEHS', year: 2018, nextMeetingNumber: 2, nextCaseNumber: 2 } },
    ]);
    expect(s).toEqual({ committee: 'NEHS', year: 2018, nextMeetingNumber: 9, nextCaseNumber: 49, meetings: { M8: '8/2018' }, cases: { a: '47/18', b: '48/18' } });
    expect(evolveNumbering(initialNumbering('NEHS', 2019), { type: 'CaseNumbersAssigned', data: { v: 1, meetingId: 'M', numbers: [] } }).nextCaseNumber).toBe(1);
  });
});

describe('evolveProject', () => {
  it('registers, then each report updates what it names; a report before registration is kept, the project still unregistered', () => {
    const early = evolveProject(unregisteredProject('196'), { type: 'ProjectStatusReported', data: { v: 1, risk: 'høy', note: 'tidlig' } });
    expect(early).toMatchObject({ registered: false, name: '196', risk: 'høy', lastNote: 'tidlig', reports: 1 });
    const p = foldProject('196', [
      { type: 'ProjectRegistered', data: { v: 1, id: '196', name: 'SYSVAK', owner: 'FHI', phase: 'konsept' } },
      { type: 'ProjectStatusReported', data: { v: 1, risk: 'høy', note: 'n1' } },
      { type: 'ProjectStatusReported', data: { v: 1, phase: 'gjennomføring', note: 'n2' } },
    ]);
    expect(p).toEqual({ id: '196', registered: true, name: 'SYSVAK', owner: 'FHI', phase: 'gjennomføring', status: null, risk: 'høy', lastNote: 'n2', reports: 2 });
    // registering keeps what it does not name (loadProject reset the risk)
    expect(evolveProject(early, { type: 'ProjectRegistered', data: { v: 1, id: '196', name: 'SYSVAK', owner: 'FHI' } })).toMatchObject({ registered: true, risk: 'høy' });
  });
});
