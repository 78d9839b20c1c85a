/**
 * Votes, dissent and the referral that carries the decision, over a real HTTP server (issue 11
 * items 1, 2 and 7): a vote by the present, entitled members (an observer, an absent member, a
 * guest refused; a re-vote replaces the earlier one, both in the history); dissent printed as
 * *Dissens* in the minutes (JSON, Markdown, HTML, and the PDF read back with pdf.js) and in the
 * register row; `refer` from discussion (with a reason: the case leaves the meeting) and the
 * `referral` block NUIT's case paper and notice show, NEHS's dissent included.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { flat, pdfText } from '../../../libs/documents/test/pdf-text.js';
import type { Server } from './harness.js';
import { ADMIN, MEMBER, SEC, SEC_NUIT, fields, ok, refused, startWorkflowServer } from './workflow-helpers.js';

async function doc(s: Server, path: string, accept: string, token = MEMBER) {
  const res = await fetch(s.url + path, { headers: { accept, authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('votes, dissent and referral over HTTP', () => {
  let s: Server;
  const m: Record<'chair' | 'member' | 'absent' | 'observer' | 'deputy' | 'idleDeputy', string> = { chair: '', member: '', absent: '', observer: '', deputy: '', idleDeputy: '' };
  let meetingId = '';
  let voted = ''; // the case that is voted on and endorsed with dissent
  let sentBack = ''; // referred from discussion
  let other = ''; // stays scheduled (refusals by state)
  let approval = ''; // the notice-approval standard item

  const newCase = async (title: string, committee = 'NEHS', token = SEC) =>
    (await ok(s, 'POST', '/api/cases', { token, json: { committee, title, type: 'endorsement', proposedResolution: `${title}: forslag.` } }, 201)).json.id as string;
  const join = async (name: string, organisation: string, role: string, deputyFor?: string) =>
    (await ok(s, 'POST', '/api/committees/NEHS/members', { token: ADMIN, json: { name, organisation, role, ...(deputyFor ? { deputyFor } : {}) } }, 201)).json.id as string;
  const revision = async (caseId: string) => (await ok(s, 'GET', `/api/cases/${caseId}`, { token: SEC })).json.revision as number;

  beforeAll(async () => {
    s = await startWorkflowServer();
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' } }, 201);
    m.chair = await join('Bjørn Guldvog', 'Helsedirektoratet', 'chair');
    m.member = await join('Lars Vorland', 'Helse Nord RHF', 'member');
    m.absent = await join('Cathrine Lofthus', 'Helse Sør-Øst RHF', 'member');
    m.observer = await join('Håkon Grimstad', 'Norsk Helsenett SF', 'observer');
    // vara: one for the absent member (stands in, may vote), one for a member who is present (may not)
    m.deputy = await join('Terje Wistner', 'Helse Sør-Øst RHF', 'deputy', m.absent);
    m.idleDeputy = await join('Marit Lund', 'Helse Nord RHF', 'deputy', m.member);
    meetingId = (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2018-12-06', place: 'Oslo' } }, 201)).json.id;
    voted = await newCase('Nasjonal e-helseportefølje 2019');
    sentBack = await newCase('Felles grunnmur');
    other = await newCase('Helseanalyseplattformen');
    for (const id of [voted, sentBack, other]) await ok(s, 'POST', `/api/cases/${id}/schedule`, { token: SEC, json: { meetingId } });
    await ok(s, 'POST', `/api/meetings/${meetingId}/notice`, { token: SEC });
    approval = (await ok(s, 'GET', `/api/meetings/${meetingId}`, { token: SEC })).json.agenda[0].caseId;
    await ok(s, 'POST', `/api/meetings/${meetingId}/open`, {
      token: SEC,
      json: { present: [m.chair, m.member, m.observer, m.deputy, m.idleDeputy], absent: [m.absent], guests: ['Gjest Gjestesen'] },
    });
    for (const id of [voted, sentBack, approval]) await ok(s, 'POST', `/api/cases/${id}/present`, { token: SEC, json: { presenter: 'Karl Vestli' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('refuses a vote by an observer, an absent member, a guest or an unknown id (400 naming each voter), and nothing is written', async () => {
    const rev = await revision(voted);
    const observer = await refused(s, 400, 'POST', `/api/cases/${voted}/vote`, { token: SEC, json: { for: [m.chair, m.observer], against: [m.member] } });
    expect(fields(observer)).toEqual(['for.1']);
    expect(observer.errors[0].message).toMatch(/Håkon Grimstad.*observer.*not entitled to vote/);
    const absent = await refused(s, 400, 'POST', `/api/cases/${voted}/vote`, { token: SEC, json: { for: [m.chair], against: [m.absent], abstained: ['Gjest Gjestesen'] } });
    expect(fields(absent)).toEqual(['against.0', 'abstained.0']);
    expect(absent.errors[0].message).toMatch(/Cathrine Lofthus.*not present/);
    expect(absent.errors[1].message).toMatch(/not a member of the committee/);
    // shape rules (the DTO's): nobody twice, at least one voter
    const twice = await refused(s, 400, 'POST', `/api/cases/${voted}/vote`, { token: SEC, json: { for: [m.chair], against: [m.chair] } });
    expect(fields(twice)).toEqual(['against.0']);
    expect(fields(await refused(s, 400, 'POST', `/api/cases/${voted}/vote`, { token: SEC, json: { for: [], against: [] } }))).toEqual(['for']);
    expect(await revision(voted)).toBe(rev);
  });

  it('a deputy standing in for an absent member votes; a deputy whose member is present does not (400), and nothing is written', async () => {
    const rev = await revision(sentBack);
    const idle = await refused(s, 400, 'POST', `/api/cases/${sentBack}/vote`, { token: SEC, json: { for: [m.chair, m.idleDeputy], against: [] } });
    expect(fields(idle)).toEqual(['for.1']);
    expect(idle.errors[0].message).toMatch(/Marit Lund/);
    expect(await revision(sentBack)).toBe(rev);
    const r = await ok(s, 'POST', `/api/cases/${sentBack}/vote`, { token: SEC, json: { for: [m.chair, m.deputy], against: [m.member] } });
    expect(r.status).toBe(200);
    const votes = (await ok(s, 'GET', `/api/cases/${sentBack}`, { token: SEC })).json.votes;
    expect(votes.for.map((v: { name: string }) => v.name)).toEqual(['Bjørn Guldvog', 'Terje Wistner']);
    expect(votes.for[1]).toMatchObject({ memberId: m.deputy, standingInFor: m.absent });
  });

  it('refuses a vote on a case not in discussion and on a standard item (409 with allowedCommands)', async () => {
    const scheduled = await refused(s, 409, 'POST', `/api/cases/${other}/vote`, { token: SEC, json: { for: [m.chair], against: [] } });
    expect(scheduled.detail).toMatch(/cannot vote case \d+\/18: it is scheduled/);
    expect(scheduled.allowedCommands).toEqual(['present', 'postpone', 'withdraw']);
    const standard = await refused(s, 409, 'POST', `/api/cases/${approval}/vote`, { token: SEC, json: { for: [m.chair], against: [] } });
    expect(standard.detail).toMatch(/cannot vote case 1\/18: it is discussion/);
    expect(standard.allowedCommands).toEqual(['record-discussion', 'endorse', 'note', 'postpone']);
    // a member of the committee may not record votes (the secretariat does)
    await refused(s, 403, 'POST', `/api/cases/${voted}/vote`, { token: MEMBER, json: { for: [m.chair], against: [] } });
  });

  it('records a vote; a later vote replaces it and the history keeps both', async () => {
    const first = await ok(s, 'POST', `/api/cases/${voted}/vote`, { token: SEC, json: { for: [m.chair], against: [m.member] } });
    expect(first.json).toMatchObject({ state: 'discussion' });
    const second = await ok(s, 'POST', `/api/cases/${voted}/vote`, { token: SEC, json: { for: [m.chair, m.member], against: [] } });
    expect(second.json.revision).toBe(first.json.revision + 1);
    const view = (await ok(s, 'GET', `/api/cases/${voted}`, { token: SEC })).json;
    expect(view.votes).toEqual({
      meetingId,
      tally: { for: 2, against: 0, abstained: 0 },
      for: [
        { memberId: m.chair, name: 'Bjørn Guldvog', organisation: 'Helsedirektoratet' },
        { memberId: m.member, name: 'Lars Vorland', organisation: 'Helse Nord RHF' },
      ],
      against: [],
      abstained: [],
    });
    const history = (await ok(s, 'GET', `/api/cases/${voted}/history`, { token: SEC })).json as { type: string; data: any }[];
    const votes = history.filter((e) => e.type === 'VoteRecorded');
    expect(votes.map((e) => [e.data.for.length, e.data.against.length])).toEqual([
      [1, 1],
      [2, 0],
    ]);
  });

  it('refuses dissent by an absent or unknown member, or twice by one member (400), and nothing is written', async () => {
    const rev = await revision(voted);
    const bad = await refused(s, 400, 'POST', `/api/cases/${voted}/endorse`, {
      token: SEC,
      json: { resolution: 'NEHS gir sin tilslutning.', dissent: [{ memberId: m.absent, text: 'Uenig.' }, { memberId: 'nobody', text: 'Uenig.' }] },
    });
    expect(fields(bad)).toEqual(['dissent.0.memberId', 'dissent.1.memberId']);
    expect(bad.errors[0].message).toMatch(/Cathrine Lofthus.*not present/);
    const twice = await refused(s, 400, 'POST', `/api/cases/${voted}/endorse`, {
      token: SEC,
      json: { resolution: 'NEHS gir sin tilslutning.', dissent: [{ memberId: m.member, text: 'A' }, { memberId: m.member, text: 'B' }] },
    });
    expect(fields(twice)).toEqual(['dissent.1.memberId']);
    expect(await revision(voted)).toBe(rev);
  });

  const DISSENT = 'Helse Nord RHF kan ikke slutte seg til prioriteringen av Felles grunnmur foran regionale behov.';

  it('endorses with dissent: Dissens with name, organisation and text in the minutes (JSON, Markdown, HTML, PDF) and the register row', async () => {
    await ok(s, 'POST', `/api/cases/${voted}/endorse`, {
      token: SEC,
      json: { resolution: 'NEHS gir sin tilslutning til porteføljen.', conditions: 'Under forutsetning av finansiering.', dissent: [{ memberId: m.member, text: DISSENT }] },
    });
    const minutes = (await ok(s, 'GET', `/api/meetings/${meetingId}/minutes`, { token: MEMBER })).json;
    const item = minutes.cases.find((c: { caseId: string }) => c.caseId === voted);
    expect(item.dissent).toEqual([{ memberId: m.member, name: 'Lars Vorland', organisation: 'Helse Nord RHF', text: DISSENT }]);
    expect(item.votes.tally).toEqual({ for: 2, against: 0, abstained: 0 });

    const md = (await doc(s, `/api/meetings/${meetingId}/minutes`, 'text/markdown')).toString('utf8');
    expect(md).toContain('Dissens');
    expect(md).toContain(`Lars Vorland (Helse Nord RHF): ${DISSENT}`);
    expect(md).toContain('Votering');
    expect(md).toContain('For (2): Bjørn Guldvog (Helsedirektoratet), Lars Vorland (Helse Nord RHF)');
    const html = (await doc(s, `/api/meetings/${meetingId}/minutes`, 'text/html')).toString('utf8');
    expect(html).toContain('Dissens');
    expect(html).toContain('Lars Vorland (Helse Nord RHF): Helse Nord RHF kan ikke slutte seg til');
    const pdf = flat((await pdfText(await doc(s, `/api/meetings/${meetingId}/minutes`, 'application/pdf'))).pages.join('\n'));
    expect(pdf).toContain('Dissens');
    expect(pdf).toContain(flat(`Lars Vorland (Helse Nord RHF): ${DISSENT}`));
    expect(pdf).toContain(flat('For (2): Bjørn Guldvog (Helsedirektoratet), Lars Vorland (Helse Nord RHF)'));

    const register = (await ok(s, 'GET', '/api/decisions?committee=NEHS', {})).json as { caseId: string; dissent?: unknown; votes?: { tally: unknown } }[];
    const row = register.find((r) => r.caseId === voted)!;
    expect(row.dissent).toEqual([{ memberId: m.member, name: 'Lars Vorland', organisation: 'Helse Nord RHF', text: DISSENT }]);
    expect(row.votes!.tally).toEqual({ for: 2, against: 0, abstained: 0 });
  });

  it('refers from discussion only with a reason (400 otherwise); the case leaves the meeting and NUIT gets a draft carrying the reason', async () => {
    const rev = await revision(sentBack);
    const noReason = await refused(s, 400, 'POST', `/api/cases/${sentBack}/refer`, { token: SEC, json: { toCommittee: 'NUIT', type: 'discussion' } });
    expect(fields(noReason)).toEqual(['reason']);
    expect(noReason.detail).toBeDefined();
    expect(await revision(sentBack)).toBe(rev);
    const number = (await ok(s, 'GET', `/api/cases/${sentBack}`, { token: SEC })).json.number;
    const r = await ok(s, 'POST', `/api/cases/${sentBack}/refer`, { token: SEC, json: { toCommittee: 'NUIT', type: 'discussion', reason: 'NUIT må vurdere prioriteringen først.' } });
    expect(r.json).toMatchObject({ state: 'draft', revision: rev + 2, referredCaseId: expect.any(String) });
    const back = (await ok(s, 'GET', `/api/cases/${sentBack}`, { token: SEC })).json;
    expect(back).toMatchObject({ state: 'draft', number: null, postponedFrom: [meetingId], referrals: [{ toCommittee: 'NUIT', referredCaseId: r.json.referredCaseId }] });
    const nuit = (await ok(s, 'GET', `/api/cases/${r.json.referredCaseId}`, { token: SEC_NUIT })).json;
    expect(nuit.referral).toEqual({ fromCaseId: sentBack, committee: 'NEHS', number, reason: 'NUIT må vurdere prioriteringen først.' });
    expect((await ok(s, 'GET', `/api/meetings/${meetingId}`, { token: SEC })).json.agenda.map((a: { caseId: string }) => a.caseId)).not.toContain(sentBack);
  });

  it("a referral of the decision carries NEHS's vedtak, conditions and dissent into NUIT's case paper and notice", async () => {
    const r = await ok(s, 'POST', `/api/cases/${voted}/refer`, { token: SEC, json: { toCommittee: 'NUIT', type: 'endorsement' } });
    expect(r.json.state).toBe('endorsement');
    const nuitCase = r.json.referredCaseId as string;
    const paper = (await ok(s, 'GET', `/api/cases/${nuitCase}`, { token: SEC_NUIT })).json;
    const number = (await ok(s, 'GET', `/api/cases/${voted}`, {})).json.number;
    expect(paper.referral).toEqual({
      fromCaseId: voted,
      committee: 'NEHS',
      number,
      resolution: 'NEHS gir sin tilslutning til porteføljen.',
      conditions: 'Under forutsetning av finansiering.',
      dissent: [{ memberId: m.member, name: 'Lars Vorland', organisation: 'Helse Nord RHF', text: DISSENT }],
    });
    const nuitMeeting = (await ok(s, 'POST', '/api/committees/NUIT/meetings', { token: SEC_NUIT, json: { date: '2018-12-13', place: 'Oslo' } }, 201)).json.id;
    await ok(s, 'POST', `/api/cases/${nuitCase}/schedule`, { token: SEC_NUIT, json: { meetingId: nuitMeeting } });
    await ok(s, 'POST', `/api/meetings/${nuitMeeting}/notice`, { token: SEC_NUIT });
    const notice = (await ok(s, 'GET', `/api/meetings/${nuitMeeting}/notice`, {})).json;
    expect(notice.cases.find((c: { caseId: string }) => c.caseId === nuitCase).referral.dissent[0].text).toBe(DISSENT);
    const md = (await doc(s, `/api/meetings/${nuitMeeting}/notice`, 'text/markdown', SEC_NUIT)).toString('utf8');
    expect(md).toContain(`Oversendt fra`);
    expect(md).toContain(`NEHS ${number}`);
    expect(md).toContain('NEHS gir sin tilslutning til porteføljen.');
    expect(md).toContain(`Lars Vorland (Helse Nord RHF): ${DISSENT}`);
  });

  it('the OpenAPI document names the new routes and fields', async () => {
    const doc = (await ok(s, 'GET', '/api/docs-json', {})).json;
    for (const path of ['/api/cases/{id}/vote', '/api/cases/{id}/written-procedure', '/api/cases/{id}/written-procedure/responses']) expect([path, !!doc.paths[path]?.post]).toEqual([path, true]);
    const props = (name: string) => Object.keys(doc.components.schemas[name]?.properties ?? {});
    expect(props('VoteDto')).toEqual(expect.arrayContaining(['for', 'against', 'abstained']));
    expect(props('EndorseDto')).toEqual(expect.arrayContaining(['dissent', 'items']));
    expect(props('NoteDto')).toEqual(expect.arrayContaining(['dissent', 'items']));
    expect(props('ReferDto')).toEqual(expect.arrayContaining(['reason']));
    expect(props('CreateCaseDto')).toEqual(expect.arrayContaining(['items']));
    expect(props('EditCaseDto')).toEqual(expect.arrayContaining(['items']));
    expect(props('DissentDto')).toEqual(['memberId', 'text']);
    expect(props('WrittenProcedureDto')).toEqual(['deadline']);
    expect(props('WrittenAnswerDto')).toEqual(['answer', 'comment']);
    const caseDoc = props('CaseDoc');
    for (const f of ['dissent', 'votes', 'referral', 'items', 'itemResolutions', 'citedItems', 'writtenProcedure']) expect([f, caseDoc.includes(f)]).toEqual([f, true]);
    expect(props('DecisionRowDoc')).toEqual(expect.arrayContaining(['dissent', 'votes', 'items', 'writtenProcedure', 'decidedOn', 'writtenProcedureOutcome']));
    expect(props('MinutesCaseDoc')).toEqual(expect.arrayContaining(['votes', 'dissent', 'items']));
    expect(props('MinutesDoc')).toEqual(expect.arrayContaining(['writtenProcedures']));
    expect(props('NoticeCaseDoc')).toEqual(expect.arrayContaining(['referral', 'items']));
  });

  it('the meeting adjourns with the referred case off its agenda', async () => {
    for (const id of [approval]) await ok(s, 'POST', `/api/cases/${id}/endorse`, { token: SEC, json: { resolution: 'Godkjent.' } });
    const agenda = (await ok(s, 'GET', `/api/meetings/${meetingId}`, { token: SEC })).json.agenda as { caseId: string; state: string }[];
    for (const a of agenda.filter((x) => x.state === 'scheduled')) await ok(s, 'POST', `/api/cases/${a.caseId}/postpone`, { token: SEC, json: { reason: 'Tid' } });
    expect((await ok(s, 'POST', `/api/meetings/${meetingId}/adjourn`, { token: SEC })).json.state).toBe('held');
  });
});
