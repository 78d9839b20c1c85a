/**
 * Members (deputies, terms, no twins), attendance (staff, remote members, deputies standing in),
 * follow-ups (owner, due, closing by hand) and their upcasting: given/when/then of the deciders,
 * no store.
 */
import { describe, expect, it } from '@jest/globals';
import { decideAddMember } from '../src/committee/decide.js';
import type { Folded, LoadedCommittee } from '../src/core/load.js';
import { decideOpenMeeting } from '../src/meeting/decide.js';
import { memberOf } from '../src/access/policy.js';
import {
  InvalidCommand,
  NotFound,
  StaleRevision,
  ValidationFailed,
  decideCloseFollowUp,
  foldCommittee,
  foldFollowUp,
  foldMeeting,
  openFollowUp,
  upcast,
  type Fact,
  type MeetingSnapshot,
  type MemberView,
} from '../src/index.js';

const ids = (name: string) => `id:${name}`;
const member = (id: string, extra: Partial<MemberView> = {}): MemberView => ({ id, name: `Navn ${id}`, organisation: 'Helse Vest RHF', role: 'member', joinedAt: '2018-01-01', ...extra });
const committee = (members: MemberView[], revision = 3n): LoadedCommittee => ({ code: 'NEHS', name: 'N', members: new Map(members.map((m) => [m.id, m])), revision });
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
};

describe('add member: deputies, terms, no twins', () => {
  const given = committee([member('a'), member('d', { role: 'deputy', deputyFor: 'a' }), member('gone', { name: 'Lars Vorland', organisation: 'Helse Nord RHF', leftAt: '2018-06-01' })]);

  it('a deputy for an active member, with a term: MemberJoined v2 with deputyFor, from and to', () => {
    const p = decideAddMember({ code: 'NEHS', body: { name: 'Vara', organisation: 'KS', role: 'deputy', deputyFor: 'a', from: '2019-01-01', to: '2020-12-31' }, ids }, given);
    expect(p.writes).toEqual([
      {
        stream: 'committee-NEHS',
        expectedRevision: 3n,
        events: [{ type: 'MemberJoined', data: { v: 2, memberId: 'id:member', name: 'Vara', organisation: 'KS', role: 'deputy', deputyFor: 'a', from: '2019-01-01', to: '2020-12-31' } }],
      },
    ]);
  });

  it('deputyFor an unknown member, one who left, or another deputy: 400 naming deputyFor', () => {
    for (const [deputyFor, message] of [
      ['nobody', 'unknown member nobody of NEHS'],
      ['gone', 'unknown member gone of NEHS'],
      ['d', 'member d is a deputy, not a member a deputy stands in for'],
    ] as const) {
      const e = thrown(() => decideAddMember({ code: 'NEHS', body: { name: 'V', organisation: 'KS', role: 'deputy', deputyFor }, ids }, given));
      expect(e).toBeInstanceOf(ValidationFailed);
      expect((e as ValidationFailed).errors).toEqual([{ field: 'deputyFor', message }]);
    }
  });

  it('the same name and organisation among the active members (case and spaces aside): 409 naming the member, remove-member allowed', () => {
    const e = thrown(() => decideAddMember({ code: 'NEHS', body: { name: ' navn  A ', organisation: 'HELSE VEST RHF', role: 'observer' }, ids }, given));
    expect(e).toBeInstanceOf(InvalidCommand);
    expect((e as InvalidCommand).message).toBe('Navn a (Helse Vest RHF) is a member of NEHS already (member a): end that membership before adding them again');
    expect((e as InvalidCommand).allowedCommands).toEqual(['remove-member']);
    // another organisation, or someone whose membership ended: a new member
    expect(decideAddMember({ code: 'NEHS', body: { name: 'Navn a', organisation: 'KS', role: 'member' }, ids }, given).writes).toHaveLength(1);
    expect(decideAddMember({ code: 'NEHS', body: { name: 'Lars Vorland', organisation: 'Helse Nord RHF', role: 'member' }, ids }, given).writes).toHaveLength(1);
  });

  it("a userId links the seat to a sign-in identity (memberOf maps the actor's id, never the name); one active seat per userId", () => {
    const p = decideAddMember({ code: 'NEHS', body: { name: 'Ny', organisation: 'KS', role: 'member', userId: 'sub-1' }, ids }, given);
    expect(p.writes[0]!.events[0]!.data).toMatchObject({ v: 2, userId: 'sub-1' });
    const linked = committee([member('a', { userId: 'sub-1' }), member('old', { userId: 'sub-2', leftAt: '2018-06-01' })]);
    const e = thrown(() => decideAddMember({ code: 'NEHS', body: { name: 'Navn b', organisation: 'KS', role: 'member', userId: 'sub-1' }, ids }, linked));
    expect(e).toBeInstanceOf(InvalidCommand);
    expect((e as InvalidCommand).message).toBe('user sub-1 signs in as Navn a (member a) of NEHS already: one seat per user; end that membership first');
    expect((e as InvalidCommand).allowedCommands).toEqual(['remove-member']);
    expect(decideAddMember({ code: 'NEHS', body: { name: 'Navn b', organisation: 'KS', role: 'member', userId: 'sub-2' }, ids }, linked).writes).toHaveLength(1);
    const seats = [...linked.members.values()];
    expect(memberOf({ id: 'sub-1', name: 'Someone else', roles: [] }, seats)?.id).toBe('a');
    expect(memberOf({ name: 'Navn a', roles: [] }, seats)).toBeUndefined(); // the name alone is nobody
    expect(memberOf({ id: 'sub-2', name: 'Navn old', roles: [] }, seats)).toBeUndefined(); // membership ended
  });

  it('checks the body against the records (400) before If-Match (412), and If-Match before the twin (409)', () => {
    expect(thrown(() => decideAddMember({ code: 'NEHS', body: { name: 'V', organisation: 'KS', role: 'deputy', deputyFor: 'x' }, ifMatch: 1n, ids }, given))).toBeInstanceOf(ValidationFailed);
    expect(thrown(() => decideAddMember({ code: 'NEHS', body: { name: 'Navn a', organisation: 'Helse Vest RHF', role: 'member' }, ifMatch: 1n, ids }, given))).toBeInstanceOf(StaleRevision);
  });

  it('the committee record keeps deputyFor and the term; a v1 MemberJoined is read as it was', () => {
    const c = foldCommittee('NEHS', [
      { type: 'CommitteeCreated', data: { v: 1, code: 'NEHS', name: 'N' } },
      { type: 'MemberJoined', data: { v: 1, memberId: 'a', name: 'A', organisation: 'O', role: 'chair' } },
      { type: 'MemberJoined', data: { v: 2, memberId: 'd', name: 'D', organisation: 'O', role: 'deputy', deputyFor: 'a', from: '2019-01-01' } },
    ]);
    expect(c.members.map(({ joined: _j, ...m }) => m)).toEqual([
      { id: 'a', name: 'A', organisation: 'O', role: 'chair', left: null },
      { id: 'd', name: 'D', organisation: 'O', role: 'deputy', deputyFor: 'a', from: '2019-01-01', left: null },
    ]);
    expect(upcast('MemberJoined', { v: 1, memberId: 'a', name: 'A', organisation: 'O', role: 'chair' })).toEqual({ v: 2, memberId: 'a', name: 'A', organisation: 'O', role: 'chair' });
  });
});

describe('open: staff present, remote members, deputies standing in', () => {
  const m: Folded<MeetingSnapshot> = {
    snapshot: foldMeeting([
      { type: 'MeetingPlanned', data: { v: 1, meetingId: 'M', committee: 'NEHS', number: '8/2018', year: 2018, date: '2018-12-06', place: 'Gardermoen' } },
      { type: 'MeetingNoticed', data: { v: 1, agenda: [] } },
    ]),
    revision: 1n,
  };
  const members = new Map(
    [member('a'), member('b'), member('o', { role: 'observer' }), member('da', { role: 'deputy', deputyFor: 'a' }), member('db', { role: 'deputy', deputyFor: 'b' })].map((x) => [x.id, x]),
  );

  it('a deputy present while their member is not stands in; one whose member is present does not', () => {
    const p = decideOpenMeeting(
      { meetingId: 'M', body: { present: ['b', 'o', 'da', 'db'], absent: ['a'], secretariat: ['Karl Vestli', 'Bodil Rabben'], remote: ['o', 'da'] } },
      { meeting: m, members },
    );
    expect(p.writes[0]!.events).toEqual([
      {
        type: 'MeetingOpened',
        data: { v: 2, present: ['b', 'o', 'da', 'db'], absent: ['a'], guests: [], secretariat: ['Karl Vestli', 'Bodil Rabben'], remote: ['o', 'da'], standingIn: [{ deputy: 'da', for: 'a' }] },
      },
    ]);
  });

  it('remote names someone not present, or twice: 400 naming each', () => {
    const e = thrown(() => decideOpenMeeting({ meetingId: 'M', body: { present: ['a'], absent: ['b'], remote: ['b', 'a', 'a'] } }, { meeting: m, members }));
    expect((e as ValidationFailed).errors).toEqual([
      { field: 'remote[0]', message: 'member b is not among those present' },
      { field: 'remote[2]', message: 'member a is named twice' },
    ]);
  });

  it('a v1 opening is read with no staff, no remote members and nobody standing in', () => {
    const s = foldMeeting([
      { type: 'MeetingPlanned', data: { v: 1, meetingId: 'M', committee: 'NEHS', number: '8/2018', year: 2018, date: '2018-12-06', place: 'G' } },
      { type: 'MeetingNoticed', data: { v: 1, agenda: [] } },
      { type: 'MeetingOpened', data: { v: 1, present: ['a'], absent: [], guests: ['g'] } },
    ] as Fact[]);
    expect(s.context.attendance).toEqual({ present: ['a'], absent: [], guests: ['g'], secretariat: [], remote: [], standingIn: [] });
  });
});

describe('follow-ups: promised with owner and due, closed by hand', () => {
  const promised = { caseId: 'c', committee: 'NEHS', text: 'Settes på agendaen' };

  it('a v1 DiscussionRecorded is read as it was (follow-ups without owner or due)', () => {
    const d = { v: 1, points: [], followUps: [{ id: 'f', text: 't' }] };
    expect(upcast('DiscussionRecorded', d)).toEqual({ ...d, v: 2 });
  });

  it('close: FollowUpClosed on the follow-up\'s own stream, which it creates', () => {
    const p = decideCloseFollowUp({ followUpId: 'f', body: { reason: 'Løst' } }, { promised, record: openFollowUp('f'), revision: -1n });
    expect(p.writes).toEqual([
      { stream: 'followup-f', expectedRevision: 'no_stream', events: [{ type: 'FollowUpClosed', data: { v: 1, followUpId: 'f', caseId: 'c', committee: 'NEHS', reason: 'Løst' } }] },
    ]);
    expect(p.answer).toEqual({ id: 'f', state: 'closed', revision: 0n, committee: 'NEHS', caseId: 'c' });
  });

  it('closed already, or met by a case: 409 naming why, nothing allowed; unknown: 404; stale If-Match: 412', () => {
    const closed = foldFollowUp('f', [{ type: 'FollowUpClosed', data: { v: 1, followUpId: 'f', caseId: 'c', committee: 'NEHS', reason: 'Løst' }, metadata: { at: '2019-01-01T00:00:00Z', actor: 'A' } }]);
    expect(closed.closed).toEqual({ reason: 'Løst', at: '2019-01-01T00:00:00Z', actor: 'A' });
    const twice = thrown(() => decideCloseFollowUp({ followUpId: 'f', body: { reason: 'igjen' } }, { promised, record: closed, revision: 0n })) as InvalidCommand;
    expect([twice.constructor, twice.message, twice.allowedCommands, twice.blocking]).toEqual([InvalidCommand, 'follow-up "Settes på agendaen" is closed already (Løst)', [], { caseIds: ['c'] }]);
    const met = thrown(() => decideCloseFollowUp({ followUpId: 'f', body: { reason: 'r' } }, { promised, record: openFollowUp('f'), revision: -1n, metBy: { caseId: 'k', number: '2/19' } })) as InvalidCommand;
    expect([met.message, met.allowedCommands]).toEqual(['follow-up "Settes på agendaen" was met by case 2/19', []]);
    expect(thrown(() => decideCloseFollowUp({ followUpId: 'x', body: { reason: 'r' } }, { record: openFollowUp('x'), revision: -1n }))).toBeInstanceOf(NotFound);
    expect(thrown(() => decideCloseFollowUp({ followUpId: 'f', body: { reason: 'r' }, ifMatch: 0n }, { promised, record: openFollowUp('f'), revision: -1n }))).toBeInstanceOf(StaleRevision);
  });
});
