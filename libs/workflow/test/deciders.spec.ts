/**
 * Given/when/then tests of every decider, no store: given the folded records (and the facts of
 * other records the command names), when the command, then the write plan (events per stream,
 * each with the expected revision it was decided on) or the domain error.
 */
import { describe, expect, it } from '@jest/globals';
import { decideCaseCommand, decideCreateCase, decideEditCase } from '../src/case/decide.js';
import { decideAddMember, decideCreateCommittee, decideRemoveMember } from '../src/committee/decide.js';
import type { Folded, LoadedCommittee, LoadedNumbering, OwnMeeting } from '../src/core/load.js';
import { meetingFacts } from '../src/core/load.js';
import type { WritePlan } from '../src/core/plan.js';
import { decideRecordHistory } from '../src/history/decide.js';
import { decideAdjournMeeting, decideNoticeMeeting, decideOpenMeeting, decidePlanMeeting } from '../src/meeting/decide.js';
import { decideContinueNumbering } from '../src/numbering/decide.js';
import {
  DomainRuleViolation,
  InvalidCommand,
  NotFound,
  StaleRevision,
  ValidationFailed,
  foldCase,
  foldMeeting,
  type CaseDrafted,
  type CaseSnapshot,
  type Fact,
  type MeetingPlanned,
  type MeetingSnapshot,
  type MemberView,
} from '../src/index.js';

const ids = (name: string) => `id:${name}`;
const folded = <S>(fold: (f: Fact[]) => S, facts: Fact[]): Folded<S> => ({ snapshot: fold(facts), revision: BigInt(facts.length - 1) });

const plannedData = (id: string, extra: Partial<MeetingPlanned['data']> = {}): MeetingPlanned['data'] => ({
  v: 1, meetingId: id, committee: 'NEHS', number: '8/2018', year: 2018, date: '2018-12-06', place: 'Gardermoen', ...extra,
});
const meeting = (id: string, ...after: Fact[]): Folded<MeetingSnapshot> =>
  folded(foldMeeting, [{ type: 'MeetingPlanned', data: plannedData(id) }, ...after]);
const draftedData = (id: string, extra: Partial<CaseDrafted['data']> = {}): CaseDrafted['data'] => ({
  v: 1, caseId: id, committee: 'NEHS', matterId: `matter-${id}`, title: `Sak ${id}`, type: 'endorsement', proposedResolution: 'Styret gir tilslutning.', projectIds: [], meetsFollowUps: [], ...extra,
});
const kase = (id: string, ...after: Fact[]): Folded<CaseSnapshot> => folded(foldCase, [{ type: 'CaseDrafted', data: draftedData(id) }, ...after]);
const own = (m: Folded<MeetingSnapshot>): OwnMeeting => ({ loaded: m, facts: meetingFacts(m.snapshot) });
const numbering = (next: { m?: number; c?: number } = {}, revision = -1n, year = 2018): LoadedNumbering => ({
  state: { committee: 'NEHS', year, nextMeetingNumber: next.m ?? 1, nextCaseNumber: next.c ?? 1 },
  revision,
});
const added = (caseId: string) => ({ type: 'CaseAddedToAgenda', data: { v: 1, caseId } });
const scheduledOn = (meetingId: string) => ({ type: 'CaseScheduled', data: { v: 1, meetingId } });

/** The plan as [stream, expected revision, event types]. */
const shape = (p: WritePlan) => p.writes.map((w) => [w.stream, w.expectedRevision, w.events.map((e) => e.type)]);

describe('committee deciders', () => {
  const committee = (members: MemberView[] = [], revision = 0n): LoadedCommittee => ({ code: 'NEHS', name: 'N', members: new Map(members.map((m) => [m.id, m])), revision });
  const kari: MemberView = { id: 'k', name: 'Kari', organisation: 'O', role: 'member', joinedAt: '2018-01-01' };

  it('create: a new committee stream; refused when the code is taken', () => {
    const p = decideCreateCommittee({ code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, { exists: false });
    expect(shape(p)).toEqual([['committee-NEHS', 'no_stream', ['CommitteeCreated']]]);
    expect(p.answer).toEqual({ id: 'NEHS', state: 'active', revision: 0n });
    expect(() => decideCreateCommittee({ code: 'NEHS', name: 'x' }, { exists: true })).toThrow(DomainRuleViolation);
  });

  it('add member: the member id from the command, on the revision read; a stale If-Match is 412', () => {
    const p = decideAddMember({ code: 'NEHS', body: { name: 'Kari', organisation: 'O', role: 'member' }, ids }, committee([], 3n));
    expect(shape(p)).toEqual([['committee-NEHS', 3n, ['MemberJoined']]]);
    expect(p.writes[0]!.events[0]!.data).toMatchObject({ memberId: 'id:member' });
    expect(p.answer).toMatchObject({ id: 'id:member', revision: 4n });
    expect(() => decideAddMember({ code: 'NEHS', body: { name: 'K', organisation: 'O', role: 'member' }, ids, ifMatch: 2n }, committee([], 3n))).toThrow(StaleRevision);
  });

  it('remove member: unknown is 404, one who left is 409', () => {
    expect(shape(decideRemoveMember({ code: 'NEHS', memberId: 'k' }, committee([kari], 1n)))).toEqual([['committee-NEHS', 1n, ['MemberLeft']]]);
    expect(() => decideRemoveMember({ code: 'NEHS', memberId: 'x' }, committee([kari]))).toThrow(NotFound);
    expect(() => decideRemoveMember({ code: 'NEHS', memberId: 'k' }, committee([{ ...kari, leftAt: '2019-01-01' }]))).toThrow(DomainRuleViolation);
  });
});

describe('numbering decider', () => {
  it('continues forward only; a year not numbered yet is a new stream', () => {
    const p = decideContinueNumbering({ code: 'NEHS', year: 2018, body: { nextMeetingNumber: 8, nextCaseNumber: 47 } }, numbering());
    expect(shape(p)).toEqual([['numbering-NEHS-2018', 'no_stream', ['NumberingContinued']]]);
    expect(p.answer).toMatchObject({ id: 'NEHS/2018', revision: 0n, nextMeetingNumber: 8, nextCaseNumber: 47 });
    const e = (() => {
      try {
        decideContinueNumbering({ code: 'NEHS', year: 2018, body: { nextMeetingNumber: 7, nextCaseNumber: 47 } }, numbering({ m: 8, c: 47 }, 0n));
      } catch (x) {
        return x as DomainRuleViolation;
      }
    })();
    expect(e).toBeInstanceOf(DomainRuleViolation);
    expect(e!.rule).toBe('numbering-backwards');
  });
});

describe('meeting deciders', () => {
  it('plan: number, meeting and standard items in ONE plan, the numbering on the revision read, new streams no_stream', () => {
    const p = decidePlanMeeting({ code: 'NEHS', body: { date: '2018-12-06', place: 'Gardermoen' }, ids }, { committeeName: 'Nasjonalt e-helsestyre', numbering: numbering({ m: 8 }, 0n) });
    expect(shape(p)).toEqual([
      ['numbering-NEHS-2018', 0n, ['MeetingNumberAssigned']],
      ['meeting-id:meeting', 'no_stream', ['MeetingPlanned', 'CaseAddedToAgenda', 'CaseAddedToAgenda']],
      ['case-id:case:standard:notice-approval', 'no_stream', ['CaseDrafted', 'CaseScheduled']],
      ['case-id:case:standard:any-other-business', 'no_stream', ['CaseDrafted', 'CaseScheduled']],
    ]);
    expect(p.root).toBe('meeting-id:meeting');
    expect(p.answer).toEqual({ id: 'id:meeting', committee: 'NEHS', number: '8/2018', state: 'planned', revision: 2n });
  });

  it('plan after an earlier meeting: the approval of its minutes is on the agenda', () => {
    const p = decidePlanMeeting(
      { code: 'NEHS', body: { date: '2019-02-15', place: 'Oslo' }, ids },
      { committeeName: 'Nasjonalt e-helsestyre', numbering: numbering({}, -1n, 2019), previous: { meetingId: 'M8', date: '2018-12-06' } },
    );
    expect(p.writes[1]!.events[0]!.data).toMatchObject({ previousMeetingId: 'M8', previousMeetingDate: '2018-12-06', number: '1/2019' });
    const minutes = p.writes.find((w) => w.stream === 'case-id:case:standard:minutes-approval')!;
    expect(minutes.events[0]!.data).toMatchObject({ title: 'Godkjenning av referat fra møtet 06.12.2018', matterId: 'id:matter:standard:minutes-approval' });
  });

  it('notice: numbers in agenda order, every case on its revision, the numbering in the same plan', () => {
    const m = meeting('M', added('a'), added('b'));
    const cases = { a: kase('a', scheduledOn('M')), b: kase('b', scheduledOn('M'), { type: 'CasePaperEdited', data: { v: 1, changes: { title: 'B' } } }) };
    const p = decideNoticeMeeting({ meetingId: 'M' }, { meeting: m, numbering: numbering({ c: 47 }, 4n), cases });
    expect(shape(p)).toEqual([
      ['numbering-NEHS-2018', 4n, ['CaseNumbersAssigned']],
      ['meeting-M', 2n, ['MeetingNoticed']],
      ['case-a', 1n, ['CaseNumbered']],
      ['case-b', 2n, ['CaseNumbered']],
    ]);
    expect(p.writes[2]!.events[0]!.data).toEqual({ v: 1, meetingId: 'M', number: '47/18' });
    expect(p.answer).toMatchObject({ state: 'noticed', revision: 3n, agenda: [{ caseId: 'a', number: '47/18' }, { caseId: 'b', number: '48/18' }] });
  });

  it('notice: refused when noticed already, or when a case on the agenda is not scheduled', () => {
    const noticed = meeting('M', { type: 'MeetingNoticed', data: { v: 1, agenda: [] } });
    expect(() => decideNoticeMeeting({ meetingId: 'M' }, { meeting: noticed, numbering: numbering(), cases: {} })).toThrow('cannot notice meeting 8/2018: it is noticed');
    const m = meeting('M', added('a'));
    const e = (() => {
      try {
        decideNoticeMeeting({ meetingId: 'M' }, { meeting: m, numbering: numbering(), cases: { a: kase('a') } });
      } catch (x) {
        return x as InvalidCommand;
      }
    })();
    expect(e).toBeInstanceOf(InvalidCommand);
    expect(e!.blocking).toEqual({ meetingId: 'M', caseIds: ['a'] });
  });

  it('open: only current members, each once (400 naming the entry); then one event on the meeting', () => {
    const m = meeting('M', { type: 'MeetingNoticed', data: { v: 1, agenda: [] } });
    const members = new Map<string, MemberView>([
      ['k', { id: 'k', name: 'Kari', organisation: 'O', role: 'member', joinedAt: '' }],
      ['o', { id: 'o', name: 'Ola', organisation: 'O', role: 'member', joinedAt: '', leftAt: '2018-01-01' }],
    ]);
    const refused = (present: string[], absent: string[] = []) => {
      try {
        decideOpenMeeting({ meetingId: 'M', body: { present, absent } }, { meeting: m, members });
      } catch (e) {
        return (e as ValidationFailed).errors;
      }
    };
    expect(refused(['o', 'x'])).toEqual([
      { field: 'present[0]', message: 'unknown member o of NEHS' },
      { field: 'present[1]', message: 'unknown member x of NEHS' },
    ]);
    expect(refused(['k'], ['k'])).toEqual([{ field: 'absent[0]', message: 'member k is named twice' }]);
    expect(shape(decideOpenMeeting({ meetingId: 'M', body: { present: ['k'] } }, { meeting: m, members }))).toEqual([['meeting-M', 1n, ['MeetingOpened']]]);
  });

  it('adjourn: refused while a case on the agenda is open, naming it', () => {
    const m = meeting('M', added('a'), { type: 'MeetingNoticed', data: { v: 1, agenda: [{ caseId: 'a', number: '1/18' }] } }, { type: 'MeetingOpened', data: { v: 1, present: [], absent: [], guests: [] } });
    expect(() => decideAdjournMeeting({ meetingId: 'M' }, { meeting: m, agendaCases: { a: 'discussion' } })).toThrow('cannot adjourn meeting 8/2018: cases still open: 1/18 (discussion)');
    expect(shape(decideAdjournMeeting({ meetingId: 'M' }, { meeting: m, agendaCases: { a: 'endorsement' } }))).toEqual([['meeting-M', 3n, ['MeetingAdjourned']]]);
  });
});

describe('case deciders', () => {
  const known = (id: string) => id === 'f1';

  it('create: ids from the command; an unknown committee or follow-up is 400', () => {
    const body = { committee: 'NEHS', title: 'T', type: 'endorsement' as const, proposedResolution: 'R', meetsFollowUps: ['f1'] };
    const p = decideCreateCase({ body, ids }, { committeeExists: true, knownFollowUp: known });
    expect(shape(p)).toEqual([['case-id:case', 'no_stream', ['CaseDrafted']]]);
    expect(p.answer).toEqual({ id: 'id:case', state: 'draft', revision: 0n, matterId: 'id:matter', committee: 'NEHS' });
    expect(decideCreateCase({ body: { ...body, matterId: 'mx' }, ids }, { committeeExists: true, knownFollowUp: known }).answer.matterId).toBe('mx');
    expect(() => decideCreateCase({ body, ids }, { committeeExists: false, knownFollowUp: known })).toThrow('committee: unknown committee NEHS');
    expect(() => decideCreateCase({ body: { ...body, meetsFollowUps: ['f1', 'f2'] }, ids }, { committeeExists: true, knownFollowUp: known })).toThrow('meetsFollowUps[1]: unknown follow-up f2');
  });

  it('edit: before notice only; a stale If-Match is 412', () => {
    const m = meeting('M', added('c'));
    const k = kase('c', scheduledOn('M'));
    expect(shape(decideEditCase({ caseId: 'c', changes: { title: 'Ny' } }, { case: k, own: own(m), knownFollowUp: known }))).toEqual([['case-c', 1n, ['CasePaperEdited']]]);
    expect(() => decideEditCase({ caseId: 'c', changes: { title: 'Ny' }, ifMatch: 0n }, { case: k, own: own(m), knownFollowUp: known })).toThrow(StaleRevision);
    const noticed = meeting('M', added('c'), { type: 'MeetingNoticed', data: { v: 1, agenda: [{ caseId: 'c', number: '1/18' }] } });
    const numbered = kase('c', scheduledOn('M'), { type: 'CaseNumbered', data: { v: 1, meetingId: 'M', number: '1/18' } });
    expect(() => decideEditCase({ caseId: 'c', changes: { title: 'Ny' } }, { case: numbered, own: own(noticed), knownFollowUp: known })).toThrow(InvalidCommand);
  });

  it('schedule: the case and the meeting in one plan, each on its revision', () => {
    const p = decideCaseCommand({ caseId: 'c', command: 'schedule', body: { meetingId: 'M' }, ids }, { case: kase('c'), target: meeting('M', added('x')) });
    expect(shape(p)).toEqual([
      ['case-c', 0n, ['CaseScheduled']],
      ['meeting-M', 1n, ['CaseAddedToAgenda']],
    ]);
    expect(p.root).toBe('case-c');
    expect(p.answer).toEqual({ id: 'c', state: 'scheduled', revision: 1n });
  });

  it('schedule: an unknown meeting or one of another committee is 400; a frozen agenda 409', () => {
    const when = { caseId: 'c', command: 'schedule' as const, body: { meetingId: 'M' }, ids };
    expect(() => decideCaseCommand(when, { case: kase('c'), target: null })).toThrow('meetingId: unknown meeting M');
    const other = folded(foldMeeting, [{ type: 'MeetingPlanned', data: plannedData('M', { committee: 'NUIT', number: '3/2018' }) }]);
    expect(() => decideCaseCommand(when, { case: kase('c'), target: other })).toThrow('meetingId: meeting 3/2018 belongs to NUIT, not NEHS');
    const noticed = meeting('M', { type: 'MeetingNoticed', data: { v: 1, agenda: [] } });
    expect(() => decideCaseCommand(when, { case: kase('c'), target: noticed })).toThrow('cannot schedule case "Sak c" on meeting 8/2018: the meeting is noticed and its agenda is frozen');
  });

  it('unschedule: off the case and off the agenda together', () => {
    const m = meeting('M', added('c'));
    const p = decideCaseCommand({ caseId: 'c', command: 'unschedule', body: { reason: 'r' }, ids }, { case: kase('c', scheduledOn('M')), own: own(m) });
    expect(shape(p)).toEqual([
      ['case-c', 1n, ['CaseUnscheduled']],
      ['meeting-M', 1n, ['CaseRemovedFromAgenda']],
    ]);
    expect(p.writes[1]!.events[0]!.data).toEqual({ v: 1, caseId: 'c', reason: 'r', why: 'unscheduled' });
  });

  it('record-discussion: follow-up ids from the command', () => {
    const m = meeting('M', added('c'), { type: 'MeetingNoticed', data: { v: 1, agenda: [] } }, { type: 'MeetingOpened', data: { v: 1, present: [], absent: [], guests: [] } });
    const k = kase('c', scheduledOn('M'), { type: 'CaseNumbered', data: { v: 1, meetingId: 'M', number: '1/18' } }, { type: 'CasePresented', data: { v: 1, presenter: 'p' } });
    const p = decideCaseCommand({ caseId: 'c', command: 'record-discussion', body: { followUps: ['a', { text: 'b', owner: 'HDIR', due: '2019-02-15' }] }, ids }, { case: k, own: own(m) });
    expect(p.writes[0]!.events[0]!.data).toEqual({ v: 2, points: [], followUps: [{ id: 'id:follow-up:0', text: 'a' }, { id: 'id:follow-up:1', text: 'b', owner: 'HDIR', due: '2019-02-15' }] });
  });

  it('endorse of the minutes approval: MinutesApproved on the previous meeting in the same plan', () => {
    const prev = folded(foldMeeting, [
      { type: 'MeetingPlanned', data: plannedData('P', { number: '7/2018' }) },
      { type: 'MeetingNoticed', data: { v: 1, agenda: [] } },
      { type: 'MeetingOpened', data: { v: 1, present: [], absent: [], guests: [] } },
      { type: 'MeetingAdjourned', data: { v: 1 } },
    ]);
    const m = meeting('M', { type: 'CaseAddedToAgenda', data: { v: 1, caseId: 'c', standardItem: 'minutes-approval' } }, { type: 'MeetingNoticed', data: { v: 1, agenda: [] } }, { type: 'MeetingOpened', data: { v: 1, present: [], absent: [], guests: [] } });
    const k = folded(foldCase, [
      { type: 'CaseDrafted', data: draftedData('c', { standardItem: 'minutes-approval', type: 'approval' }) },
      scheduledOn('M'),
      { type: 'CaseNumbered', data: { v: 1, meetingId: 'M', number: '2/18' } },
      { type: 'CasePresented', data: { v: 1, presenter: 'p' } },
    ]);
    const given = { case: k, own: { ...own(m), previous: { loaded: prev, facts: { ...meetingFacts(prev.snapshot), minutes: 'draft' as const } } } };
    const p = decideCaseCommand({ caseId: 'c', command: 'endorse', body: { resolution: 'Godkjent.' }, ids }, given);
    expect(shape(p)).toEqual([
      ['case-c', 3n, ['ResolutionEndorsed']],
      ['meeting-P', 3n, ['MinutesApproved']],
    ]);
    const approved = { ...given, own: { ...given.own, previous: { ...given.own.previous, facts: { ...given.own.previous.facts, minutes: 'approved' as const } } } };
    expect(() => decideCaseCommand({ caseId: 'c', command: 'endorse', body: { resolution: 'x' }, ids }, approved)).toThrow(
      'cannot approve the minutes of meeting 7/2018: it is held and its minutes are approved already',
    );
  });

  it('refer: a draft case of the same matter in the other committee, in the same plan; not to its own committee', () => {
    const m = meeting('M', added('c'), { type: 'MeetingNoticed', data: { v: 1, agenda: [] } }, { type: 'MeetingOpened', data: { v: 1, present: [], absent: [], guests: [] } });
    const k = kase('c', scheduledOn('M'), { type: 'CaseNumbered', data: { v: 1, meetingId: 'M', number: '1/18' } }, { type: 'CasePresented', data: { v: 1, presenter: 'p' } }, { type: 'ResolutionEndorsed', data: { v: 1, resolution: 'r' } });
    const p = decideCaseCommand({ caseId: 'c', command: 'refer', body: { toCommittee: 'NUIT', type: 'endorsement' }, ids }, { case: k, own: own(m), toCommitteeExists: true });
    expect(shape(p)).toEqual([
      ['case-c', 4n, ['CaseReferred']],
      ['case-id:case:referred', 'no_stream', ['CaseDrafted']],
    ]);
    expect(p.writes[1]!.events[0]!.data).toMatchObject({ committee: 'NUIT', matterId: 'matter-c', referredFromCaseId: 'c' });
    expect(p.answer.referredCaseId).toBe('id:case:referred');
    expect(() => decideCaseCommand({ caseId: 'c', command: 'refer', body: { toCommittee: 'NEHS', type: 'endorsement' }, ids }, { case: k, own: own(m), toCommitteeExists: true })).toThrow('toCommittee: must be another committee');
    expect(() => decideCaseCommand({ caseId: 'c', command: 'refer', body: { toCommittee: 'NOPE', type: 'endorsement' }, ids }, { case: k, own: own(m), toCommitteeExists: false })).toThrow('toCommittee: unknown committee NOPE');
  });

  it('a wrong state is 409 with the allowed commands; a stale If-Match 412', () => {
    const m = meeting('M', added('c'));
    const k = kase('c', scheduledOn('M'));
    const e = (() => {
      try {
        decideCaseCommand({ caseId: 'c', command: 'present', body: { presenter: 'p' }, ids }, { case: k, own: own(m) });
      } catch (x) {
        return x as InvalidCommand;
      }
    })();
    expect(e).toBeInstanceOf(InvalidCommand);
    expect(e!.message).toBe('cannot present case "Sak c": it is scheduled; its meeting 8/2018 is planned');
    expect(e!.allowedCommands).toEqual(['unschedule', 'postpone', 'withdraw', 'edit']);
    expect(() => decideCaseCommand({ caseId: 'c', command: 'withdraw', body: { reason: 'r' }, ids, ifMatch: 0n }, { case: k, own: own(m) })).toThrow(StaleRevision);
  });
});

describe('history decider', () => {
  const body = { number: '39/17', title: 'T', wording: 'W' };
  it('a new stream; the same content again writes nothing and answers the first; other content is 409', () => {
    const p = decideRecordHistory({ code: 'NEHS', body }, null);
    expect(shape(p)).toEqual([['history-NEHS-39-17', 'no_stream', ['HistoricalDecisionRecorded']]]);
    expect(p.writes[0]!.events[0]!.data).toMatchObject({ year: 2017, source: {} });
    const stored = [{ ...p.writes[0]!.events[0]!, id: 'e', stream: 'history-NEHS-39-17', revision: 0n, position: 17n, recordedAt: '', metadata: { actor: 'a', correlationId: 'c', at: '' } }];
    expect(decideRecordHistory({ code: 'NEHS', body: { ...body, year: 2017 } }, stored)).toEqual({
      writes: [],
      answer: { id: 'history-NEHS-39-17', state: 'recorded', committee: 'NEHS', number: '39/17', revision: 0n, position: 17n, repeated: true },
    });
    expect(() => decideRecordHistory({ code: 'NEHS', body: { ...body, wording: 'Annet' } }, stored)).toThrow(DomainRuleViolation);
  });
});
