/**
 * Written procedure (skriftlig behandling) over a real HTTP server (issue 11 item 6): opened on a
 * draft case by the secretariat (the next number at once, state discussion), answered by three
 * members with their own tokens (a later answer replaces the earlier one; an observer, the
 * secretariat and another committee's member refused), the answers hidden from the public until
 * concluded, concluded by `endorse` without a meeting (tally and comments in the decision and the
 * register row), listed in the committee's next meeting's minutes; after the deadline and after
 * conclusion an answer is 409.
 *
 * Who answers is the seat the token's identity holds (the member's `userId`): a tokens-file entry's
 * `id`, or an OIDC access token's `sub` (the test is its own identity provider, as oidc.e2e.ts),
 * never the display name (a namesake's token is refused; the OIDC token's name differs from the seat's).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { osloDate } from '@saksflyt/workflow';
import { startServer, tempDir, type Server } from './harness.js';
import { ADMIN, SEC, TOKENS, fields, head, ok, refused } from './workflow-helpers.js';

const PEOPLE = {
  'tok-m1': { id: 'u-guldvog', name: 'Bjørn Guldvog', roles: [{ role: 'member', committee: 'NEHS' }] },
  'tok-m3': { id: 'u-lofthus', name: 'Cathrine Lofthus', roles: [{ role: 'member', committee: 'NEHS' }] },
  'tok-obs': { id: 'u-grimstad', name: 'Håkon Grimstad', roles: [{ role: 'member', committee: 'NEHS' }] },
  // the same display name as the chair, another person: not her seat
  'tok-namesake': { id: 'u-namesake', name: 'Bjørn Guldvog', roles: [{ role: 'member', committee: 'NEHS' }] },
};
const ISSUER = 'https://idp.example.test/realms/saksflyt';
const AUDIENCE = 'saksflyt-api';
/** Lars Vorland's seat is linked to this OIDC subject; his token's name is not the seat's name. */
const VORLAND_SUB = '7f3c2a9e-vorland';

describe('written procedure over HTTP', () => {
  let s: Server;
  let before = ''; // a meeting before the conclusion: its minutes do not list it
  let next = ''; // the committee's next meeting after the conclusion: its minutes list it
  let w = '';
  const today = osloDate(new Date().toISOString());
  const year = Number(today.slice(0, 4));
  const newCase = async (title: string) => (await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title, type: 'endorsement', proposedResolution: `${title}: forslag.` } }, 201)).json.id as string;
  const answer = (token: string, json: unknown) => s.req('POST', `/api/cases/${w}/written-procedure/responses`, { token, json });
  let vorland = ''; // an OIDC access token minted here: sub VORLAND_SUB, name "L. Vorland"

  beforeAll(async () => {
    const dataDir = tempDir('saksflyt-written-');
    const file = join(dataDir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ ...TOKENS, ...PEOPLE }));
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    writeFileSync(join(dataDir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }));
    vorland = await new SignJWT({ name: 'L. Vorland', saksflyt_roles: ['member:NEHS'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' })
      .setSubject(VORLAND_SUB)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
      .sign(privateKey);
    s = await startServer({ dataDir, env: { AUTH_TOKENS_FILE: file, AUTH_JWKS: join(dataDir, 'jwks.json'), AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE } });
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' } }, 201);
    for (const [name, organisation, role, userId] of [
      ['Bjørn Guldvog', 'Helsedirektoratet', 'chair', 'u-guldvog'],
      ['Lars Vorland', 'Helse Nord RHF', 'member', VORLAND_SUB],
      ['Cathrine Lofthus', 'Helse Sør-Øst RHF', 'member', 'u-lofthus'],
      ['Håkon Grimstad', 'Norsk Helsenett SF', 'observer', 'u-grimstad'],
    ])
      await ok(s, 'POST', '/api/committees/NEHS/members', { token: ADMIN, json: { name, organisation, role, userId } }, 201);
    before = (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: `${year}-01-02`, place: 'Oslo' } }, 201)).json.id;
    next = (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: `${year + 1}-01-14`, place: 'Oslo' } }, 201)).json.id;
    w = await newCase('Høring: forskrift om nasjonal tjenesteleverandør');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('refuses a passed or malformed deadline (400), a non-draft case (409), a member (403); nothing written', async () => {
    expect(fields(await refused(s, 400, 'POST', `/api/cases/${w}/written-procedure`, { token: SEC, json: { deadline: '2018-01-01' } }))).toEqual(['deadline']);
    expect(fields(await refused(s, 400, 'POST', `/api/cases/${w}/written-procedure`, { token: SEC, json: { deadline: '31.01.2099' } }))).toEqual(['deadline']);
    expect(fields(await refused(s, 400, 'POST', `/api/cases/${w}/written-procedure`, { token: SEC, json: { deadline: '2099-02-30' } }))).toEqual(['deadline']);
    await refused(s, 403, 'POST', `/api/cases/${w}/written-procedure`, { token: 'tok-m1', json: { deadline: '2099-01-31' } });
    const scheduled = await newCase('På dagsorden');
    await ok(s, 'POST', `/api/cases/${scheduled}/schedule`, { token: SEC, json: { meetingId: next } });
    const p = await refused(s, 409, 'POST', `/api/cases/${scheduled}/written-procedure`, { token: SEC, json: { deadline: '2099-01-31' } });
    expect(p.detail).toBe('cannot written-procedure case "På dagsorden": it is scheduled; its meeting 1/' + (year + 1) + ' is planned');
    expect(p.allowedCommands).toEqual(['unschedule', 'postpone', 'withdraw', 'edit']);
    // no answer before it is opened
    const early = await refused(s, 409, 'POST', `/api/cases/${w}/written-procedure/responses`, { token: 'tok-m1', json: { answer: 'agree' } });
    expect(early).toMatchObject({ detail: expect.stringMatching(/no written procedure was opened/), allowedCommands: [] });
  });

  it("opens it: the committee's next number at once, state discussion; the secretariat's allowed commands are endorse and note", async () => {
    const r = await ok(s, 'POST', `/api/cases/${w}/written-procedure`, { token: SEC, json: { deadline: '2099-01-31' } });
    expect(r.json).toMatchObject({ state: 'discussion', number: `1/${String(year % 100).padStart(2, '0')}`, deadline: '2099-01-31' });
    const v = (await ok(s, 'GET', `/api/cases/${w}`, { token: SEC })).json;
    expect(v).toMatchObject({ state: 'discussion', number: r.json.number, meetingId: null, writtenProcedure: { deadline: '2099-01-31', concludedAt: null, answers: [] } });
    expect(v.allowedCommands).toEqual(['endorse', 'note']);
  });

  it('three members answer with their own tokens, a later answer replaces the earlier; observer, secretariat, other committee refused', async () => {
    expect((await answer('tok-m1', { answer: 'disagree' })).status).toBe(200);
    expect((await answer('tok-m1', { answer: 'agree', comment: 'Enig etter avklaring.' })).status).toBe(200);
    expect((await answer(vorland, { answer: 'disagree', comment: 'Regionene må involveres tidligere.' })).status).toBe(200);
    expect((await answer('tok-m3', { answer: 'agree' })).status).toBe(200);
    const obs = await refused(s, 409, 'POST', `/api/cases/${w}/written-procedure/responses`, { token: 'tok-obs', json: { answer: 'agree' } });
    expect(obs).toMatchObject({ detail: expect.stringMatching(/Håkon Grimstad is not a chair or member of NEHS/), allowedCommands: [] });
    // a token with the chair's display name but another identity is not her seat
    const namesake = await refused(s, 409, 'POST', `/api/cases/${w}/written-procedure/responses`, { token: 'tok-namesake', json: { answer: 'disagree' } });
    expect(namesake).toMatchObject({ detail: expect.stringMatching(/Bjørn Guldvog is not a chair or member of NEHS .*this one is u-namesake/), allowedCommands: [] });
    await refused(s, 403, 'POST', `/api/cases/${w}/written-procedure/responses`, { token: SEC, json: { answer: 'agree' } });
    await refused(s, 403, 'POST', `/api/cases/${w}/written-procedure/responses`, { token: 'tok-member-nuit', json: { answer: 'agree' } });
    await refused(s, 401, 'POST', `/api/cases/${w}/written-procedure/responses`, { json: { answer: 'agree' } });
    expect(fields(await refused(s, 400, 'POST', `/api/cases/${w}/written-procedure/responses`, { token: 'tok-m1', json: { answer: 'ja' } }))).toEqual(['answer']);

    const member = (await ok(s, 'GET', `/api/cases/${w}`, { token: 'tok-m3' })).json.writtenProcedure;
    expect(member.tally).toEqual({ agree: 2, disagree: 1 });
    expect(member.answers.map((a: { name: string; answer: string }) => [a.name, a.answer])).toEqual([
      ['Bjørn Guldvog', 'agree'],
      ['Lars Vorland', 'disagree'],
      ['Cathrine Lofthus', 'agree'],
    ]);
    // the event names the seat (its member id and name); its actor is the token's name
    const history = (await ok(s, 'GET', `/api/cases/${w}/history`, { token: SEC })).json as any[];
    const byOidc = history.find((e) => e.type === 'WrittenProcedureAnswered' && e.data.name === 'Lars Vorland');
    expect(byOidc).toMatchObject({ actor: 'L. Vorland', data: { memberId: expect.any(String), organisation: 'Helse Nord RHF', answer: 'disagree' } });
    // the public sees the case (it has a number) but not the answers
    const pub = (await ok(s, 'GET', `/api/cases/${w}`, {})).json.writtenProcedure;
    expect(pub).toEqual({ deadline: '2099-01-31', openedAt: expect.any(String), concludedAt: null });
  });

  it('concluded by endorse without a meeting: tally and comments in the decision and the register row; later answers 409', async () => {
    const r = await ok(s, 'POST', `/api/cases/${w}/endorse`, { token: SEC, json: { resolution: 'NEHS slutter seg til høringssvaret.' } });
    expect(r.json.state).toBe('endorsement');
    const late = await refused(s, 409, 'POST', `/api/cases/${w}/written-procedure/responses`, { token: vorland, json: { answer: 'agree' } });
    expect(late.detail).toMatch(/its written procedure was concluded \(endorsement\)/);
    const rows = (await ok(s, 'GET', '/api/decisions?committee=NEHS', {})).json as any[];
    const row = rows.find((x) => x.caseId === w);
    expect(row).toMatchObject({ writtenProcedure: true, decidedOn: today, date: today, meetingId: null, outcome: 'endorsement', resolution: 'NEHS slutter seg til høringssvaret.' });
    expect(row.writtenProcedureOutcome.tally).toEqual({ agree: 2, disagree: 1 });
    expect(row.writtenProcedureOutcome.answers.find((a: { name: string }) => a.name === 'Lars Vorland').comment).toBe('Regionene må involveres tidligere.');
    expect((await ok(s, 'GET', `/api/cases/${w}`, {})).json.writtenProcedure.tally).toEqual({ agree: 2, disagree: 1 }); // public once concluded
  });

  it("listed under 'Saker behandlet ved skriftlig behandling' in the next meeting's minutes, not in an earlier meeting's", async () => {
    await ok(s, 'POST', `/api/meetings/${before}/notice`, { token: SEC });
    await ok(s, 'POST', `/api/meetings/${next}/notice`, { token: SEC });
    expect((await ok(s, 'GET', `/api/meetings/${before}/minutes`, { token: SEC })).json.writtenProcedures).toBeUndefined();
    const minutes = (await ok(s, 'GET', `/api/meetings/${next}/minutes`, { token: SEC })).json;
    expect(minutes.writtenProcedures).toHaveLength(1);
    expect(minutes.writtenProcedures[0]).toMatchObject({ caseId: w, concludedOn: today, tally: { agree: 2, disagree: 1 }, resolution: 'NEHS slutter seg til høringssvaret.' });
    const res = await fetch(`${s.url}/api/meetings/${next}/minutes`, { headers: { accept: 'text/markdown', authorization: `Bearer ${SEC}` } });
    const md = await res.text();
    expect(md).toContain('Saker behandlet ved skriftlig behandling');
    expect(md).toContain('Uenig (1): Lars Vorland (Helse Nord RHF)');
    expect(md).toContain('Lars Vorland (Helse Nord RHF): Regionene må involveres tidligere.');
  });

  it('one active seat per userId in a committee: a second member with the same userId is 409 and writes nothing', async () => {
    const p = await refused(s, 409, 'POST', '/api/committees/NEHS/members', { token: ADMIN, json: { name: 'Lars Vorland', organisation: 'Helse Vest RHF', role: 'member', userId: VORLAND_SUB } });
    expect(p.detail).toMatch(new RegExp(`^user ${VORLAND_SUB} signs in as Lars Vorland \\(member [^)]+\\) of NEHS already`));
    expect(p.allowedCommands).toEqual(['remove-member']);
    expect(fields(await refused(s, 400, 'POST', '/api/committees/NEHS/members', { token: ADMIN, json: { name: 'Ny', organisation: 'X', role: 'member', userId: ' ' } }))).toEqual(['userId']);
    // the same userId in another committee is another seat
    await ok(s, 'POST', '/api/committees/NUIT/members', { token: ADMIN, json: { name: 'Lars Vorland', organisation: 'Helse Nord RHF', role: 'member', userId: VORLAND_SUB } }, 201);
  });

  it("a member's sign-in identity is shown to the committee, not to the public or another committee", async () => {
    const read = async (token?: string) => (await (await fetch(`${s.url}/api/committees/NEHS`, { headers: token ? { authorization: `Bearer ${token}` } : {} })).json()) as { members: Array<{ name: string; userId?: string }> };
    const vorland = (v: { members: Array<{ name: string; userId?: string }> }) => v.members.find((m) => m.name === 'Lars Vorland');
    expect(vorland(await read(SEC))?.userId).toBe(VORLAND_SUB);
    expect(vorland(await read())).toBeDefined();
    expect(JSON.stringify(await read())).not.toContain(VORLAND_SUB);
    expect(JSON.stringify(await read('tok-secretariat-nuit'))).not.toContain(VORLAND_SUB);
  });

  it('after the deadline an answer is 409 and writes nothing', async () => {
    const id = await newCase('Kort frist');
    const deadline = new Date(Date.now() + 1500).toISOString();
    await ok(s, 'POST', `/api/cases/${id}/written-procedure`, { token: SEC, json: { deadline } });
    await new Promise((r) => setTimeout(r, 1700));
    const h = await head(s);
    const p = await refused(s, 409, 'POST', `/api/cases/${id}/written-procedure/responses`, { token: 'tok-m1', json: { answer: 'agree' } });
    expect(p.detail).toBe(`cannot answer case ${(await ok(s, 'GET', `/api/cases/${id}`, {})).json.number}: the deadline ${deadline} has passed`);
    expect(p.allowedCommands).toEqual([]);
    expect(await head(s)).toBe(h);
  });
});
