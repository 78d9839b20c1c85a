/**
 * A seat linked to a login over a real HTTP server (`PATCH /api/committees/{code}/members/{id}`
 * `{ userId }`, null unlinks): members added without a userId (as the records import them) cannot
 * answer a written procedure; the secretariat links Cathrine Lofthus's seat to her login and she
 * answers with her own token; unlinked, the same token is refused again. Each refusal: its status,
 * its problem `detail` (and `allowedCommands` for 409), nothing written (the store's head and the
 * committee's revision unchanged). The committee read shows `userId` only to those who may read
 * the committee's private records; the audit log keeps who linked which login when.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir, type Server } from './harness.js';
import { ADMIN, AUDITOR, MEMBER, OTHER, SEC, SEC_NUIT, TOKENS, fields, head, ok, refused } from './workflow-helpers.js';

const PEOPLE = {
  'tok-lofthus': { id: 'u-lofthus', name: 'Cathrine Lofthus', roles: [{ role: 'member', committee: 'NEHS' }] },
  'tok-vorland': { id: 'u-vorland', name: 'Lars Vorland', roles: [{ role: 'member', committee: 'NEHS' }] },
};

describe('linking a seat to a login over HTTP', () => {
  let s: Server;
  let lofthus = '';
  let vorland = '';
  let ended = '';
  let w = '';
  const seat = (id: string) => `/api/committees/NEHS/members/${id}`;
  const revision = async () => (await ok(s, 'GET', '/api/committees/NEHS', { token: SEC })).json.revision as number;
  const answer = (token: string) => s.req('POST', `/api/cases/${w}/written-procedure/responses`, { token, json: { answer: 'agree', comment: 'Enig.' } });
  /** A refusal that also leaves the committee's stream at its revision. */
  async function refusedSeat(status: number, method: string, path: string, opts: Parameters<Server['req']>[2]) {
    const before = await revision();
    const p = await refused(s, status, method, path, opts);
    expect(await revision()).toBe(before);
    return p;
  }

  beforeAll(async () => {
    const dataDir = tempDir('saksflyt-seat-');
    const file = join(dataDir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ ...TOKENS, ...PEOPLE }));
    s = await startServer({ dataDir, env: { AUTH_TOKENS_FILE: file } });
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' } }, 201);
    const add = async (name: string, organisation: string, extra = {}) => (await ok(s, 'POST', '/api/committees/NEHS/members', { token: SEC, json: { name, organisation, role: 'member', ...extra } }, 201)).json.id as string;
    lofthus = await add('Cathrine Lofthus', 'Helse Sør-Øst RHF');
    vorland = await add('Lars Vorland', 'Helse Nord RHF');
    // a former member who had a login: the public read hides it among the former members too
    ended = await add('Stig Slørdahl', 'Helse Midt-Norge RHF', { userId: 'u-slordahl' });
    await ok(s, 'DELETE', seat(ended), { token: SEC });
    w = (await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: 'Høring: ny forskrift', type: 'endorsement', proposedResolution: 'Styret gir tilslutning.' } }, 201)).json.id;
    await ok(s, 'POST', `/api/cases/${w}/written-procedure`, { token: SEC, json: { deadline: '2099-01-31' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('an unlinked seat: her own token cannot answer (409, nothing written)', async () => {
    const p = await refused(s, 409, 'POST', `/api/cases/${w}/written-procedure/responses`, { token: 'tok-lofthus', json: { answer: 'agree' } });
    expect(p.detail).toMatch(/Cathrine Lofthus is not a chair or member of NEHS .*this one is u-lofthus/);
    expect(p.allowedCommands).toEqual([]);
  });

  it('the secretariat links the seat (200); she then answers as that member with her own token', async () => {
    const before = await revision();
    const r = await ok(s, 'PATCH', seat(lofthus), { token: SEC, json: { userId: 'u-lofthus' } });
    expect(r.json).toEqual({ id: lofthus, state: 'member', revision: before + 1, committee: 'NEHS', position: expect.any(Number) });
    expect((await ok(s, 'GET', '/api/committees/NEHS', { token: SEC })).json.members.find((m: { id: string }) => m.id === lofthus).userId).toBe('u-lofthus');
    expect((await answer('tok-lofthus')).status).toBe(200);
    const wp = (await ok(s, 'GET', `/api/cases/${w}`, { token: SEC })).json.writtenProcedure;
    expect(wp.answers.map((a: { memberId: string; name: string; answer: string }) => [a.memberId, a.name, a.answer])).toEqual([[lofthus, 'Cathrine Lofthus', 'agree']]);
    // an admin may link too
    expect((await ok(s, 'PATCH', seat(vorland), { token: ADMIN, json: { userId: 'u-vorland' } })).json.state).toBe('member');
  });

  it('the audit log keeps who linked which login when', async () => {
    const r = await ok(s, 'PATCH', seat(vorland), { token: SEC, json: { userId: 'u-vorland-ny' } });
    const page = (await ok(s, 'GET', `/api/audit/events?fromPosition=${r.json.position}&limit=1`, { token: AUDITOR })).json;
    expect(page.events[0]).toMatchObject({
      stream: 'committee-NEHS',
      type: 'MemberLoginLinked',
      data: { v: 1, memberId: vorland, userId: 'u-vorland-ny' },
      metadata: { actor: 'Anita Lindholt', at: expect.any(String) },
    });
    await ok(s, 'PATCH', seat(vorland), { token: SEC, json: { userId: 'u-vorland' } });
  });

  it('userId shows to the committee (members, secretariat), auditors and admins; not to the public or other committees', async () => {
    const userIds = (j: { members: { userId?: string }[]; formerMembers: { userId?: string }[] }) => [...j.members, ...j.formerMembers].map((m) => m.userId ?? null);
    for (const token of [SEC, MEMBER, AUDITOR, ADMIN]) expect(userIds((await ok(s, 'GET', '/api/committees/NEHS', { token })).json)).toEqual(['u-lofthus', 'u-vorland', 'u-slordahl']);
    for (const token of [undefined, OTHER, SEC_NUIT]) {
      const r = await ok(s, 'GET', '/api/committees/NEHS', token ? { token } : {});
      expect(userIds(r.json)).toEqual([null, null, null]);
      expect(r.text).not.toMatch(/u-lofthus|u-vorland|u-slordahl/);
    }
  });

  it('one active seat per login (409); an ended seat (409); nothing to change (409); each writes nothing', async () => {
    const taken = await refusedSeat(409, 'PATCH', seat(vorland), { token: SEC, json: { userId: 'u-lofthus' } });
    expect(taken.detail).toBe(`user u-lofthus signs in as Cathrine Lofthus (member ${lofthus}) of NEHS already: one seat per login; unlink it there first`);
    expect(taken.allowedCommands).toEqual(['link-login', 'unlink-login', 'remove-member']);
    const left = await refusedSeat(409, 'PATCH', seat(ended), { token: SEC, json: { userId: 'u-slordahl-2' } });
    expect(left.detail).toMatch(new RegExp(`^the membership of Stig Slørdahl \\(member ${ended}\\) of NEHS ended .+: an ended seat is not linked to a login$`));
    expect(left.allowedCommands).toEqual([]);
    const same = await refusedSeat(409, 'PATCH', seat(lofthus), { token: SEC, json: { userId: 'u-lofthus' } });
    expect(same.detail).toBe(`Cathrine Lofthus (member ${lofthus}) of NEHS signs in as u-lofthus already`);
    expect(same.allowedCommands).toEqual(['link-login', 'unlink-login', 'remove-member']);
  });

  it('unknown member or committee 404, no token 401, members and other committees 403, a stale If-Match 412; each writes nothing', async () => {
    expect((await refusedSeat(404, 'PATCH', seat('no-such-member'), { token: SEC, json: { userId: 'u-x' } })).detail).toBe('unknown member no-such-member of NEHS');
    expect((await refused(s, 404, 'PATCH', '/api/committees/NOPE/members/x', { token: ADMIN, json: { userId: 'u-x' } })).detail).toBe('unknown committee NOPE');
    await refusedSeat(401, 'PATCH', seat(vorland), { json: { userId: 'u-x' } });
    for (const token of ['tok-lofthus', MEMBER, SEC_NUIT, OTHER, AUDITOR])
      expect((await refusedSeat(403, 'PATCH', seat(vorland), { token, json: { userId: 'u-x' } })).detail).toBe('Only an admin or the secretariat of NEHS may link its members to logins.');
    const stale = await refusedSeat(412, 'PATCH', seat(vorland), { token: SEC, json: { userId: 'u-x' }, headers: { 'if-match': '"1"' } });
    expect(stale.detail).toMatch(/committee-NEHS is at revision \d+, not 1/);
  });

  it('the body: userId required, a non-blank string of at most 200 characters or null; nothing else (400, nothing written)', async () => {
    for (const json of [{}, { userId: '' }, { userId: '   ' }, { userId: 7 }, { userId: ['u'] }, { userId: 'x'.repeat(201) }]) {
      const p = await refusedSeat(400, 'PATCH', seat(vorland), { token: SEC, json });
      expect(fields(p)).toEqual(['userId']);
    }
    const extra = await refusedSeat(400, 'PATCH', seat(vorland), { token: SEC, json: { userId: 'u-x', name: 'Nytt navn' } });
    expect(fields(extra)).toEqual(['name']);
    expect((await refusedSeat(400, 'PATCH', seat(vorland), { token: SEC, json: {} })).errors[0].message).toMatch(/userId is required/);
  });

  it('unlinked (userId null), her token is refused again (409, nothing written); unlinking again is 409', async () => {
    const before = await revision();
    const r = await ok(s, 'PATCH', seat(lofthus), { token: SEC, json: { userId: null } });
    expect(r.json).toMatchObject({ id: lofthus, state: 'member', revision: before + 1 });
    expect((await ok(s, 'GET', '/api/committees/NEHS', { token: SEC })).json.members.find((m: { id: string }) => m.id === lofthus)).not.toHaveProperty('userId');
    const page = (await ok(s, 'GET', `/api/audit/events?fromPosition=${r.json.position}&limit=1`, { token: AUDITOR })).json;
    expect(page.events[0]).toMatchObject({ type: 'MemberLoginUnlinked', data: { v: 1, memberId: lofthus, userId: 'u-lofthus' }, metadata: { actor: 'Anita Lindholt' } });
    const h = await head(s);
    const p = await refused(s, 409, 'POST', `/api/cases/${w}/written-procedure/responses`, { token: 'tok-lofthus', json: { answer: 'disagree' } });
    expect(p.detail).toMatch(/Cathrine Lofthus is not a chair or member of NEHS .*this one is u-lofthus/);
    expect(p.allowedCommands).toEqual([]);
    expect(await head(s)).toBe(h);
    // her earlier answer stays (it was hers when she gave it)
    expect((await ok(s, 'GET', `/api/cases/${w}`, { token: SEC })).json.writtenProcedure.answers.map((a: { memberId: string }) => a.memberId)).toEqual([lofthus]);
    const again = await refusedSeat(409, 'PATCH', seat(lofthus), { token: SEC, json: { userId: null } });
    expect(again.detail).toBe(`Cathrine Lofthus (member ${lofthus}) of NEHS has no login to unlink`);
    expect(again.allowedCommands).toEqual(['link-login', 'remove-member']);
    // the login is free again: another seat may take it
    expect((await ok(s, 'PATCH', seat(vorland), { token: SEC, json: { userId: 'u-lofthus' } })).json.state).toBe('member');
  });
});
