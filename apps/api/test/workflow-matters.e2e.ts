/**
 * Matters across committees over HTTP: a NUFA discussion case is noted and referred to NUIT, the
 * NUIT case endorsed and referred to NEHS (API.md "refer"); GET /api/matters/{id} shows the path
 * in the order the cases were opened, leaving out cases the caller cannot read. Also: the
 * Idempotency-Key on a command (replay writes nothing), and the OpenAPI document of the DTOs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir, TEST_TOKENS, type Server } from './harness.js';
import { head, ok, refused } from './workflow-helpers.js';

const TOKENS = {
  ...TEST_TOKENS,
  'tok-sec-nufa': { name: 'Sekretariat NUFA', roles: [{ role: 'secretariat', committee: 'NUFA' }] },
  'tok-sec-nuit': { name: 'Sekretariat NUIT', roles: [{ role: 'secretariat', committee: 'NUIT' }] },
  'tok-member-nuit': { name: 'Medlem NUIT', roles: [{ role: 'member', committee: 'NUIT' }] },
};

describe('a matter through NUFA → NUIT → NEHS', () => {
  let s: Server;
  const st = { nufaCase: '', nuitCase: '', nehsCase: '', matterId: '' };

  /** Plan, schedule the case, notice, open, present: the case is then in discussion. */
  async function toDiscussion(committee: string, token: string, caseId: string, date: string) {
    const m = (await ok(s, 'POST', `/api/committees/${committee}/meetings`, { token, json: { date, place: 'Oslo' } }, 201)).json.id;
    await ok(s, 'POST', `/api/cases/${caseId}/schedule`, { token, json: { meetingId: m } });
    await ok(s, 'POST', `/api/meetings/${m}/notice`, { token });
    await ok(s, 'POST', `/api/meetings/${m}/open`, { token, json: { present: [] } });
    await ok(s, 'POST', `/api/cases/${caseId}/present`, { token, json: { presenter: 'Saksbehandler' } });
    return m;
  }

  beforeAll(async () => {
    const dataDir = tempDir('saksflyt-matters-');
    const file = join(dataDir, 'tokens.json');
    writeFileSync(file, JSON.stringify(TOKENS));
    s = await startServer({ dataDir, env: { AUTH_TOKENS_FILE: file } });
    for (const [code, name] of [
      ['NUFA', 'Nasjonalt fagutvalg'],
      ['NUIT', 'Nasjonalt utvalg for IT-prioritering'],
      ['NEHS', 'Nasjonalt e-helsestyre'],
    ])
      await ok(s, 'POST', '/api/committees', { token: 'tok-admin', json: { code, name } }, 201);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('NUFA discusses and notes, then refers to NUIT (a new draft case of the same matter)', async () => {
    const c = await ok(
      s,
      'POST',
      '/api/cases',
      { token: 'tok-sec-nufa', json: { committee: 'NUFA', title: 'Felles grunnmur – revidering av planer for 2021', type: 'discussion', proposedResolution: 'NUFA drøfter planen.', purpose: 'Drøfting', projectIds: ['felles-grunnmur'] } },
      201,
    );
    st.nufaCase = c.json.id;
    st.matterId = c.json.matterId;
    await toDiscussion('NUFA', 'tok-sec-nufa', st.nufaCase, '2020-10-28');
    // not decided yet: a referral from discussion needs its reason (API.md: refer from discussion too)
    const early = await refused(s, 400, 'POST', `/api/cases/${st.nufaCase}/refer`, { token: 'tok-sec-nufa', json: { toCommittee: 'NUIT', type: 'endorsement' } });
    expect(early.errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    await ok(s, 'POST', `/api/cases/${st.nufaCase}/note`, { token: 'tok-sec-nufa', json: { resolution: 'NUFA tok saken til orientering.', input: ['Innspill'] } });
    await refused(s, 403, 'POST', `/api/cases/${st.nufaCase}/refer`, { token: 'tok-sec-nuit', json: { toCommittee: 'NUIT', type: 'endorsement' } });
    const badRefer = await refused(s, 400, 'POST', `/api/cases/${st.nufaCase}/refer`, { token: 'tok-sec-nufa', json: { toCommittee: 'NOPE', type: 'vedtak' } });
    expect(badRefer.errors.map((e: { field: string }) => e.field).sort()).toEqual(['type']);
    const before = await head(s);
    const r = await ok(s, 'POST', `/api/cases/${st.nufaCase}/refer`, { token: 'tok-sec-nufa', json: { toCommittee: 'NUIT', type: 'endorsement' }, headers: { 'idempotency-key': 'refer-1' } });
    expect(r.json).toMatchObject({ id: st.nufaCase, state: 'orientation', referredCaseId: expect.any(String) });
    expect(r.json.position).toBe(await head(s));
    expect(await head(s)).toBeGreaterThan(before);
    // the same key and body again: the first answer, nothing written
    const again = await ok(s, 'POST', `/api/cases/${st.nufaCase}/refer`, { token: 'tok-sec-nufa', json: { toCommittee: 'NUIT', type: 'endorsement' }, headers: { 'idempotency-key': 'refer-1' } });
    expect(again.json).toEqual(r.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await head(s)).toBe(r.json.position);
    // the same key with another body: 422, nothing written
    await refused(s, 422, 'POST', `/api/cases/${st.nufaCase}/refer`, { token: 'tok-sec-nufa', json: { toCommittee: 'NEHS', type: 'endorsement' }, headers: { 'idempotency-key': 'refer-1' } });

    st.nuitCase = r.json.referredCaseId;
    const referred = (await ok(s, 'GET', `/api/cases/${st.nuitCase}?minPosition=${r.json.position}`, { token: 'tok-sec-nuit' })).json;
    expect(referred).toMatchObject({
      committee: 'NUIT',
      state: 'draft',
      number: null,
      matterId: st.matterId,
      title: 'Felles grunnmur – revidering av planer for 2021',
      type: 'endorsement',
      proposedResolution: 'NUFA drøfter planen.',
      purpose: 'Drøfting',
      projectIds: ['felles-grunnmur'],
      referredFromCaseId: st.nufaCase,
    });
  });

  it('GET /api/matters/{id} leaves out the draft NUIT case for readers outside NUIT', async () => {
    const pub = (await ok(s, 'GET', `/api/matters/${st.matterId}`, {})).json;
    expect(pub.cases.map((c: { committee: string }) => c.committee)).toEqual(['NUFA']);
    const nuit = (await ok(s, 'GET', `/api/matters/${st.matterId}`, { token: 'tok-member-nuit' })).json;
    expect(nuit.cases.map((c: { committee: string; state: string }) => [c.committee, c.state])).toEqual([
      ['NUFA', 'orientation'],
      ['NUIT', 'draft'],
    ]);
    await refused(s, 404, 'GET', '/api/matters/no-such-matter');
  });

  it('NUIT endorses and refers to NEHS; NEHS endorses; the matter shows the whole path in order', async () => {
    await toDiscussion('NUIT', 'tok-sec-nuit', st.nuitCase, '2020-11-25');
    await ok(s, 'POST', `/api/cases/${st.nuitCase}/endorse`, { token: 'tok-sec-nuit', json: { resolution: 'NUIT gir sin tilslutning.' } });
    const r = await ok(s, 'POST', `/api/cases/${st.nuitCase}/refer`, { token: 'tok-sec-nuit', json: { toCommittee: 'NEHS', type: 'endorsement' } });
    st.nehsCase = r.json.referredCaseId;
    await toDiscussion('NEHS', 'tok-secretariat-nehs', st.nehsCase, '2020-12-10');
    await ok(s, 'POST', `/api/cases/${st.nehsCase}/endorse`, { token: 'tok-secretariat-nehs', json: { resolution: 'Nasjonalt e-helsestyre gir sin tilslutning.' } });
    const m = (await ok(s, 'GET', `/api/matters/${st.matterId}`, {})).json;
    expect(m.matterId).toBe(st.matterId);
    // 1/20 in each committee is the approval of the notice (a standard item)
    expect(m.cases.map((c: any) => [c.id, c.committee, c.state, c.number])).toEqual([
      [st.nufaCase, 'NUFA', 'orientation', '2/20'],
      [st.nuitCase, 'NUIT', 'endorsement', '2/20'],
      [st.nehsCase, 'NEHS', 'endorsement', '2/20'],
    ]);
    const nufa = (await ok(s, 'GET', `/api/cases/${st.nufaCase}`, {})).json;
    expect(nufa.referrals).toEqual([{ toCommittee: 'NUIT', type: 'endorsement', referredCaseId: st.nuitCase }]);
  });

  it('documents the endpoints and their bodies in /api/docs-json', async () => {
    const doc = (await ok(s, 'GET', '/api/docs-json', {})).json;
    for (const [path, method] of [
      ['/api/committees', 'post'],
      ['/api/committees/{code}', 'get'],
      ['/api/committees/{code}/members', 'post'],
      ['/api/committees/{code}/members/{id}', 'delete'],
      ['/api/committees/{code}/numbering/{year}', 'put'],
      ['/api/committees/{code}/meetings', 'post'],
      ['/api/committees/{code}/meetings', 'get'],
      ['/api/meetings/{id}', 'get'],
      ['/api/meetings/{id}/notice', 'post'],
      ['/api/meetings/{id}/open', 'post'],
      ['/api/meetings/{id}/adjourn', 'post'],
      ['/api/cases', 'post'],
      ['/api/cases/{id}', 'get'],
      ['/api/cases/{id}', 'patch'],
      ['/api/cases/{id}/history', 'get'],
      ['/api/matters/{matterId}', 'get'],
      ...['schedule', 'unschedule', 'present', 'record-discussion', 'endorse', 'note', 'postpone', 'refer', 'withdraw'].map((c) => [`/api/cases/{id}/${c}`, 'post']),
    ])
      expect([path, method, !!doc.paths[path]?.[method]]).toEqual([path, method, true]);
    const schemas = doc.components.schemas;
    expect(schemas.CreateCaseDto.properties.type.enum).toEqual(['approval', 'orientation', 'endorsement', 'discussion']);
    expect(schemas.CreateCaseDto.required).toEqual(expect.arrayContaining(['committee', 'title', 'type', 'proposedResolution']));
    expect(schemas.OpenMeetingDto.properties.present.type).toBe('array');
    expect(schemas.PlanMeetingDto.required).toEqual(expect.arrayContaining(['date', 'place']));
    for (const dto of ['ScheduleDto', 'ReasonDto', 'PresentDto', 'RecordDiscussionDto', 'EndorseDto', 'NoteDto', 'ReferDto', 'EditCaseDto', 'NumberingDto', 'AddMemberDto', 'CreateCommitteeDto'])
      expect([dto, !!schemas[dto]]).toEqual([dto, true]);
    expect(doc.paths['/api/cases/{id}/endorse'].post.responses['409']).toBeDefined();
  });
});
