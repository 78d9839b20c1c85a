/**
 * The referral that carries the decision, NUFA → NUIT, over a real HTTP server (issue 11 item 7,
 * "a referral from NUFA carrying its dissent into NUIT's paper"): NUFA's webinar notes *Felles
 * grunnmur* with its input points, a vedtak per sub-item and a member's dissent, and refers it to
 * NUIT; NUIT's new case carries NUFA's vedtak, sub-items, input points and dissent in its
 * `referral` block, in its paper and in NUIT's notice (JSON and Markdown). A second NUFA case is
 * referred from `discussion`, before a decision, with a reason, which NUIT's case carries.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir, TEST_TOKENS, type Server } from './harness.js';
import { fields, ok, refused } from './workflow-helpers.js';

const TOKENS = {
  ...TEST_TOKENS,
  'tok-sec-nufa': { name: 'Sekretariat NUFA', roles: [{ role: 'secretariat', committee: 'NUFA' }] },
  'tok-sec-nuit': { name: 'Sekretariat NUIT', roles: [{ role: 'secretariat', committee: 'NUIT' }] },
};
const NUFA = 'tok-sec-nufa';
const NUIT = 'tok-sec-nuit';
const VEDTAK = 'NUFA tar saken til orientering og gir innspill til revidert plan for Felles grunnmur for 2021.';
const INPUT = ['Fagutvalget ber om at kommunesektoren involveres tidlig.', 'Grunndata og felles tillitstjenester bør prioriteres.'];
const DISSENT = 'KS mener planen legger for lite vekt på kommunenes behov, og kan ikke slutte seg til prioriteringen.';
const REASON = 'NUIT må vurdere prioriteringen før NUFA drøfter mandatet.';

describe('a referral from NUFA carries its vedtak, sub-items, input points and dissent into NUIT', () => {
  let s: Server;
  const m = { chair: '', ks: '' };
  const c = { grunnmur: '', mandat: '', nuitGrunnmur: '', nuitMandat: '', number: '', mandatNumber: '' };

  beforeAll(async () => {
    const dataDir = tempDir('saksflyt-referral-');
    const file = join(dataDir, 'tokens.json');
    writeFileSync(file, JSON.stringify(TOKENS));
    s = await startServer({ dataDir, env: { AUTH_TOKENS_FILE: file } });
    await ok(s, 'POST', '/api/committees', { token: 'tok-admin', json: { code: 'NUFA', name: 'Fagutvalget (NUFA)' } }, 201);
    await ok(s, 'POST', '/api/committees', { token: 'tok-admin', json: { code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' } }, 201);
    m.chair = (await ok(s, 'POST', '/api/committees/NUFA/members', { token: 'tok-admin', json: { name: 'Hanne Bakke', organisation: 'Helsedirektoratet', role: 'chair' } }, 201)).json.id;
    m.ks = (await ok(s, 'POST', '/api/committees/NUFA/members', { token: 'tok-admin', json: { name: 'Per Olav Nilsen', organisation: 'KS', role: 'member' } }, 201)).json.id;
    const meeting = (await ok(s, 'POST', '/api/committees/NUFA/meetings', { token: NUFA, json: { date: '2020-10-28', place: 'Webinar' } }, 201)).json.id;
    c.grunnmur = (await ok(s, 'POST', '/api/cases', {
      token: NUFA,
      json: {
        committee: 'NUFA',
        title: 'Felles grunnmur – revidering av planer for 2021',
        type: 'discussion',
        proposedResolution: 'NUFA tar saken til orientering.',
        background: 'Planene for Felles grunnmur revideres årlig.',
        items: [
          { label: 'NR. 1', title: 'Revidert plan for 2021' },
          { label: 'NR. 2', title: 'Prioritering av grunndata' },
        ],
      },
    }, 201)).json.id;
    c.mandat = (await ok(s, 'POST', '/api/cases', { token: NUFA, json: { committee: 'NUFA', title: 'Mandat nasjonale utvalg', type: 'discussion', proposedResolution: 'NUFA drøfter mandatet.' } }, 201)).json.id;
    for (const id of [c.grunnmur, c.mandat]) await ok(s, 'POST', `/api/cases/${id}/schedule`, { token: NUFA, json: { meetingId: meeting } });
    await ok(s, 'POST', `/api/meetings/${meeting}/notice`, { token: NUFA });
    await ok(s, 'POST', `/api/meetings/${meeting}/open`, { token: NUFA, json: { present: [m.chair, m.ks] } });
    for (const id of [c.grunnmur, c.mandat]) await ok(s, 'POST', `/api/cases/${id}/present`, { token: NUFA, json: { presenter: 'Direktoratet for e-helse' } });
    c.number = (await ok(s, 'GET', `/api/cases/${c.grunnmur}`, {})).json.number;
    c.mandatNumber = (await ok(s, 'GET', `/api/cases/${c.mandat}`, {})).json.number;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('from discussion, before a decision: a reason is required (400, nothing written); NUIT gets a draft carrying it', async () => {
    expect(fields(await refused(s, 400, 'POST', `/api/cases/${c.mandat}/refer`, { token: NUFA, json: { toCommittee: 'NUIT', type: 'discussion' } }))).toEqual(['reason']);
    const r = await ok(s, 'POST', `/api/cases/${c.mandat}/refer`, { token: NUFA, json: { toCommittee: 'NUIT', type: 'discussion', reason: REASON } });
    expect(r.json).toMatchObject({ id: c.mandat, state: 'draft', referredCaseId: expect.any(String) });
    c.nuitMandat = r.json.referredCaseId;
    const nuit = (await ok(s, 'GET', `/api/cases/${c.nuitMandat}`, { token: NUIT })).json;
    expect(nuit).toMatchObject({ committee: 'NUIT', state: 'draft', title: 'Mandat nasjonale utvalg', type: 'discussion' });
    expect(nuit.referral).toEqual({ fromCaseId: c.mandat, committee: 'NUFA', number: c.mandatNumber, reason: REASON });
  });

  it("from a decision: NUIT's case carries NUFA's vedtak, its sub-items with their vedtak, the input points and the dissent", async () => {
    await ok(s, 'POST', `/api/cases/${c.grunnmur}/note`, {
      token: NUFA,
      json: {
        resolution: VEDTAK,
        input: INPUT,
        items: [{ label: 'NR. 1', resolution: 'NUFA slutter seg til revidert plan.' }],
        dissent: [{ memberId: m.ks, text: DISSENT }],
      },
    });
    const r = await ok(s, 'POST', `/api/cases/${c.grunnmur}/refer`, { token: NUFA, json: { toCommittee: 'NUIT', type: 'endorsement' } });
    expect(r.json).toMatchObject({ id: c.grunnmur, state: 'orientation' });
    c.nuitGrunnmur = r.json.referredCaseId;
    const nuit = (await ok(s, 'GET', `/api/cases/${c.nuitGrunnmur}`, { token: NUIT })).json;
    expect(nuit).toMatchObject({ committee: 'NUIT', state: 'draft', type: 'endorsement', title: 'Felles grunnmur – revidering av planer for 2021', background: 'Planene for Felles grunnmur revideres årlig.' });
    expect(nuit.referral).toEqual({
      fromCaseId: c.grunnmur,
      committee: 'NUFA',
      number: c.number,
      resolution: VEDTAK,
      input: INPUT,
      items: [
        { label: 'NR. 1', title: 'Revidert plan for 2021', resolution: 'NUFA slutter seg til revidert plan.' },
        { label: 'NR. 2', title: 'Prioritering av grunndata' },
      ],
      dissent: [{ memberId: m.ks, name: 'Per Olav Nilsen', organisation: 'KS', text: DISSENT }],
    });
  });

  it("NUIT's notice shows both referrals: NUFA's number, vedtak, sub-items, input points, dissent and the reason", async () => {
    const meeting = (await ok(s, 'POST', '/api/committees/NUIT/meetings', { token: NUIT, json: { date: '2020-11-25', place: 'Oslo' } }, 201)).json.id;
    for (const id of [c.nuitGrunnmur, c.nuitMandat]) await ok(s, 'POST', `/api/cases/${id}/schedule`, { token: NUIT, json: { meetingId: meeting } });
    await ok(s, 'POST', `/api/meetings/${meeting}/notice`, { token: NUIT });
    // the paper is public once noticed, its referral with it
    expect((await ok(s, 'GET', `/api/cases/${c.nuitGrunnmur}`, {})).json.referral).toMatchObject({ committee: 'NUFA', resolution: VEDTAK, dissent: [{ text: DISSENT }] });
    const notice = (await ok(s, 'GET', `/api/meetings/${meeting}/notice`, {})).json;
    const paper = notice.cases.find((x: { caseId: string }) => x.caseId === c.nuitGrunnmur);
    expect(paper.referral).toMatchObject({ committee: 'NUFA', number: c.number, input: INPUT, dissent: [{ memberId: m.ks, text: DISSENT }] });
    expect(notice.cases.find((x: { caseId: string }) => x.caseId === c.nuitMandat).referral).toMatchObject({ committee: 'NUFA', reason: REASON });
    const res = await fetch(`${s.url}/api/meetings/${meeting}/notice`, { headers: { accept: 'text/markdown' } });
    const md = (await res.text()).replace(/\\(.)/g, '$1');
    for (const text of [`Oversendt fra: NUFA ${c.number}`, VEDTAK, ...INPUT, 'NR. 1: Revidert plan for 2021', '**Vedtak NR. 1:**\n\nNUFA slutter seg til revidert plan.', 'NR. 2: Prioritering av grunndata', `Per Olav Nilsen (KS): ${DISSENT}`, `Oversendt fra: NUFA ${c.mandatNumber}`, REASON])
      expect([text, md.includes(text)]).toEqual([text, true]);
  });
});
