/**
 * A seat linked to a login (committee/login.ts): given the committee's events (folded through its
 * one evolve), when `PATCH members/{id} { userId }`, then the write plan or the refusal; then the
 * plan's event folded back, and `memberOf` finding (or no longer finding) the seat by the identity.
 * And on a real SQLite store: every refusal writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decideLinkMemberLogin, seatCommands } from '../src/committee/login.js';
import { memberView, type LoadedCommittee } from '../src/core/load.js';
import type { WritePlan } from '../src/core/plan.js';
import { memberOf } from '../src/access/policy.js';
import { upcast } from '../src/core/upcast.js';
import { InvalidCommand, NotFound, StaleRevision, foldCommittee, may, type Fact } from '../src/index.js';
import { admin, ctx, harness, refusedWithoutWrite, secNEHS, secNUIT, type Harness } from './helpers.js';

const meta = (n: number) => ({ at: `2019-01-0${n}T10:00:00+01:00`, actor: 'Anita Lindholt' });
const created: Fact = { type: 'CommitteeCreated', data: { v: 1, code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, metadata: meta(1) };
const joined = (memberId: string, name: string, extra: Record<string, unknown> = {}): Fact => ({
  type: 'MemberJoined',
  data: { v: 2, memberId, name, organisation: 'O', role: 'member', ...extra },
  metadata: meta(2),
});

/** The committee as the handler loads it: folded from `facts`, revision = the last fact's. */
function given(...facts: Fact[]): LoadedCommittee {
  const c = foldCommittee('NEHS', facts);
  return { code: 'NEHS', name: c.name, members: new Map(c.members.map((m) => [m.id, memberView(m)])), revision: BigInt(facts.length - 1) };
}
/** The plan's events appended to the facts: the committee after the command. */
const after = (facts: Fact[], p: WritePlan) => given(...facts, ...p.writes[0]!.events.map((e) => ({ ...e, metadata: meta(5) }) as Fact));
const refusal = (f: () => unknown): InvalidCommand => {
  try {
    f();
  } catch (e) {
    if (e instanceof InvalidCommand) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('linking a seat to a login (decider, given/when/then)', () => {
  const lofthus = { id: 'u-lofthus', name: 'Cathrine Lofthus', roles: [{ role: 'member', committee: 'NEHS' }] };
  const base = [created, joined('m1', 'Cathrine Lofthus'), joined('m2', 'Lars Vorland', { userId: 'u-vorland' })];

  it('links an unlinked seat: one MemberLoginLinked on the revision read; the identity is then that member', () => {
    expect(memberOf(lofthus, given(...base).members.values())).toBeUndefined();
    const p = decideLinkMemberLogin({ code: 'NEHS', memberId: 'm1', body: { userId: 'u-lofthus' } }, given(...base));
    expect(p.writes).toEqual([{ stream: 'committee-NEHS', expectedRevision: 2n, events: [{ type: 'MemberLoginLinked', data: { v: 1, memberId: 'm1', userId: 'u-lofthus' } }] }]);
    expect(p.answer).toEqual({ id: 'm1', state: 'member', revision: 3n, committee: 'NEHS' });
    expect(memberOf(lofthus, after(base, p).members.values())?.id).toBe('m1');
    expect(upcast('MemberLoginLinked', p.writes[0]!.events[0]!.data)).toBe(p.writes[0]!.events[0]!.data);
  });

  it('relinks a linked seat to another login (the old one no longer answers); unlinks with the login it had', () => {
    const relink = decideLinkMemberLogin({ code: 'NEHS', memberId: 'm2', body: { userId: 'u-vorland-2' } }, given(...base));
    expect(relink.writes[0]!.events).toEqual([{ type: 'MemberLoginLinked', data: { v: 1, memberId: 'm2', userId: 'u-vorland-2' } }]);
    const c = after(base, relink);
    expect(memberOf({ id: 'u-vorland', name: 'Lars Vorland', roles: [] }, c.members.values())).toBeUndefined();
    expect(memberOf({ id: 'u-vorland-2', name: 'x', roles: [] }, c.members.values())?.id).toBe('m2');

    const unlink = decideLinkMemberLogin({ code: 'NEHS', memberId: 'm2', body: { userId: null } }, given(...base));
    expect(unlink.writes[0]!.events).toEqual([{ type: 'MemberLoginUnlinked', data: { v: 1, memberId: 'm2', userId: 'u-vorland' } }]);
    const gone = after(base, unlink).members.get('m2')!;
    expect(gone).not.toHaveProperty('userId');
    expect(memberOf({ id: 'u-vorland', name: 'Lars Vorland', roles: [] }, [gone])).toBeUndefined();
  });

  it('one active seat per login: another active seat holding it is 409; an ended seat holding it is not in the way', () => {
    const e = refusal(() => decideLinkMemberLogin({ code: 'NEHS', memberId: 'm1', body: { userId: 'u-vorland' } }, given(...base)));
    expect(e.message).toBe('user u-vorland signs in as Lars Vorland (member m2) of NEHS already: one seat per login; unlink it there first');
    expect(e.allowedCommands).toEqual(['link-login', 'remove-member']);
    const ended = [...base, { type: 'MemberLeft', data: { v: 1, memberId: 'm2' }, metadata: meta(3) } as Fact];
    const p = decideLinkMemberLogin({ code: 'NEHS', memberId: 'm1', body: { userId: 'u-vorland' } }, given(...ended));
    expect(p.writes[0]!.events[0]!.type).toBe('MemberLoginLinked');
  });

  it('an ended seat is neither linked nor unlinked (409, nothing allowed); unknown member 404; stale If-Match 412', () => {
    const ended = [...base, { type: 'MemberLeft', data: { v: 1, memberId: 'm2' }, metadata: meta(3) } as Fact];
    for (const userId of ['u-new', null]) {
      const e = refusal(() => decideLinkMemberLogin({ code: 'NEHS', memberId: 'm2', body: { userId } }, given(...ended)));
      expect(e.message).toBe(`the membership of Lars Vorland (member m2) of NEHS ended ${meta(3).at}: an ended seat is not linked to a login`);
      expect(e.allowedCommands).toEqual([]);
    }
    expect(() => decideLinkMemberLogin({ code: 'NEHS', memberId: 'nope', body: { userId: 'u' } }, given(...base))).toThrow(NotFound);
    expect(() => decideLinkMemberLogin({ code: 'NEHS', memberId: 'm1', body: { userId: 'u' }, ifMatch: 1n }, given(...base))).toThrow(StaleRevision);
  });

  it('nothing to change is 409: the login it has already, unlinking a seat without one', () => {
    const same = refusal(() => decideLinkMemberLogin({ code: 'NEHS', memberId: 'm2', body: { userId: 'u-vorland' } }, given(...base)));
    expect(same.message).toBe('Lars Vorland (member m2) of NEHS signs in as u-vorland already');
    expect(same.allowedCommands).toEqual(['link-login', 'unlink-login', 'remove-member']);
    const none = refusal(() => decideLinkMemberLogin({ code: 'NEHS', memberId: 'm1', body: { userId: null } }, given(...base)));
    expect(none.message).toBe('Cathrine Lofthus (member m1) of NEHS has no login to unlink');
    expect(none.allowedCommands).toEqual(['link-login', 'remove-member']);
    expect(seatCommands({ leftAt: 'x' })).toEqual([]);
  });

  it('the policy: member.link is the secretariat of the committee or an admin, as member.change', () => {
    expect(may(admin, 'member.link', 'NEHS')).toBe(true);
    expect(may(secNEHS, 'member.link', 'NEHS')).toBe(true);
    expect(may(secNUIT, 'member.link', 'NEHS')).toBe(false);
    expect(may(lofthus, 'member.link', 'NEHS')).toBe(false);
    expect(may({ name: 'Revisor', roles: [{ role: 'auditor' }] }, 'member.link', 'NEHS')).toBe(false);
    expect(may(secNEHS, 'member.link')).toBe(false);
  });
});

describe('linking a seat over a real store: refusals write nothing', () => {
  let h: Harness;
  let m1 = '';
  let m2 = '';
  beforeAll(async () => {
    h = await harness();
    await h.wf.createCommittee({ code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, ctx(admin));
    m1 = (await h.wf.addMember('NEHS', { name: 'Cathrine Lofthus', organisation: 'Helse Sør-Øst RHF', role: 'member' }, ctx(admin))).id;
    m2 = (await h.wf.addMember('NEHS', { name: 'Lars Vorland', organisation: 'Helse Nord RHF', role: 'member', userId: 'u-vorland' }, ctx(admin))).id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('links, refuses a taken login, an unknown member and a stale revision without writing; unlinks', async () => {
    const r = await h.wf.linkMemberLogin('NEHS', m1, { userId: 'u-lofthus' }, ctx(secNEHS));
    expect(r).toMatchObject({ id: m1, state: 'member', revision: 3n });
    expect((await h.wf.getCommittee('NEHS')).members.find((m) => m.id === m1)?.userId).toBe('u-lofthus');
    await refusedWithoutWrite(h.store, () => h.wf.linkMemberLogin('NEHS', m1, { userId: 'u-vorland' }, ctx(secNEHS)), InvalidCommand);
    await refusedWithoutWrite(h.store, () => h.wf.linkMemberLogin('NEHS', 'nope', { userId: 'u-x' }, ctx(secNEHS)), NotFound);
    await refusedWithoutWrite(h.store, () => h.wf.linkMemberLogin('NEHS', m1, { userId: 'u-x' }, ctx(secNEHS, { ifMatch: 1n })), StaleRevision);
    await h.wf.removeMember('NEHS', m2, ctx(admin));
    await refusedWithoutWrite(h.store, () => h.wf.linkMemberLogin('NEHS', m2, { userId: null }, ctx(secNEHS)), InvalidCommand);
    const u = await h.wf.linkMemberLogin('NEHS', m1, { userId: null }, ctx(secNEHS));
    expect(u.revision).toBe(5n);
    expect((await h.wf.getCommittee('NEHS')).members.find((m) => m.id === m1)).not.toHaveProperty('userId');
  });

  it('the same command again (a retry with its Idempotency-Key) answers what it answered and writes nothing', async () => {
    const first = await h.wf.linkMemberLogin('NEHS', m1, { userId: 'u-retry' }, ctx(secNEHS, { commandId: 'cmd-link-1' }));
    const head = await h.store.headPosition();
    const again = await h.wf.linkMemberLogin('NEHS', m1, { userId: 'u-retry' }, ctx(secNEHS, { commandId: 'cmd-link-1' }));
    expect(again).toEqual(first);
    expect(await h.store.headPosition()).toBe(head);
    const off = await h.wf.linkMemberLogin('NEHS', m1, { userId: null }, ctx(secNEHS, { commandId: 'cmd-unlink-1' }));
    expect(await h.wf.linkMemberLogin('NEHS', m1, { userId: null }, ctx(secNEHS, { commandId: 'cmd-unlink-1' }))).toEqual(off);
  });
});
