/**
 * Complete minutes over a real server (issue 10, item 5; API.md "What the minutes and the register
 * hold"). NEHS meets on 10 September 2025: one case is noticed, presented, discussed and postponed;
 * one is withdrawn after notice; one is endorsed with conditions and referred to NUIT; one is noted.
 * The postponed case is taken up again on 10 December 2025, whose approval item approves
 * September's minutes, all recorded today (long after both dates). Then:
 * - the September minutes list every case of the noticed agenda with no hole in the numbers, in
 *   JSON, Markdown, HTML and the PDF read back with pdf.js: the postponed case with its number,
 *   *Utsatt*, the reason and its discussion; the withdrawn case with its number and the reason;
 *   the referral as *Oversendt til NUIT*;
 * - register rows carry `conditions` (only a conditional endorsement) and `decidedOn` (the
 *   meeting's date), filters and search unchanged; minutes carry `approvedOn` (December's date)
 *   beside `approvedAt` (today); the archive export dates them the same way;
 * - the September meeting's live feed sends the referral once and never two identical frames.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { flat, pdfText } from '../../../libs/documents/test/pdf-text.js';
import { connectSse, type SseClient } from '../src/live/sse-client.js';
import type { Server } from './harness.js';
import { ADMIN, AUDITOR, MEMBER, SEC, call, startViewsServer } from './views-driver.js';

const SEPT = '2025-09-10';
const DEC = '2025-12-10';
const POSTPONE_REASON = 'Styret ber om bedre tallgrunnlag før saken behandles.';
const WITHDRAW_REASON = 'Saken trekkes; KS legger den frem for Prioriteringsutvalget først.';
const CONDITIONS = 'med forbehold om at innspillene fra møtet innarbeides';
const SUMMARY = 'Styret drøftet planen og savnet tall for kommunene.';

async function doc(s: Server, path: string, accept: string): Promise<Buffer> {
  const res = await fetch(s.url + path, { headers: { accept, authorization: `Bearer ${MEMBER}` } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

describe('complete minutes: every case of the noticed agenda, dated by the meetings', () => {
  let s: Server;
  const id: Record<'postponed' | 'withdrawn' | 'referred' | 'noted', string> = { postponed: '', withdrawn: '', referred: '', noted: '' };
  let sept = '';
  let dec = '';
  let feed: SseClient;
  let referPosition = 0;
  let head = 0;
  let minutes: any;

  beforeAll(async () => {
    s = await startViewsServer();
    await call(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } });
    await call(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NUIT', name: 'Prioriteringsutvalget' } });
    const members: string[] = [];
    for (const [name, organisation, role] of [
      ['Bjørn Guldvog', 'Helsedirektoratet', 'chair'],
      ['Kristin W. Wieland', 'KS', 'member'],
    ])
      members.push((await call(s, 'POST', '/api/committees/NEHS/members', { token: ADMIN, json: { name, organisation, role } })).id);
    sept = (await call(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: SEPT, startTime: '10:00', endTime: '15:00', place: 'Oslo' } })).id;
    const papers = {
      postponed: { title: 'Plan for utvikling av felles grunnmur', type: 'orientation' },
      withdrawn: { title: 'Orientering fra sektor: KS sin styringsmodell', type: 'orientation' },
      referred: { title: 'Nasjonal e-helseportefølje 2026', type: 'endorsement' },
      noted: { title: 'Helsedataprogrammet', type: 'orientation' },
    } as const;
    for (const k of Object.keys(papers) as (keyof typeof papers)[]) {
      id[k] = (await call(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', ...papers[k], proposedResolution: `Forslag: ${papers[k].title}.` } })).id;
      await call(s, 'POST', `/api/cases/${id[k]}/schedule`, { token: SEC, json: { meetingId: sept } });
    }
    await call(s, 'POST', `/api/meetings/${sept}/notice`, { token: SEC });
    await call(s, 'POST', `/api/meetings/${sept}/open`, { token: SEC, json: { present: members, absent: [] } });
    const agenda = (await call(s, 'GET', `/api/meetings/${sept}`, { token: SEC })).agenda as { caseId: string; standardItem?: string }[];
    for (const a of agenda) {
      if (a.caseId === id.withdrawn) {
        await call(s, 'POST', `/api/cases/${a.caseId}/withdraw`, { token: SEC, json: { reason: WITHDRAW_REASON } });
        continue;
      }
      await call(s, 'POST', `/api/cases/${a.caseId}/present`, { token: SEC, json: { presenter: 'Vidar Mikkelsen, Direktoratet for e-helse' } });
      if (a.caseId === id.postponed) {
        await call(s, 'POST', `/api/cases/${a.caseId}/record-discussion`, { token: SEC, json: { summary: SUMMARY, points: ['Tall for kommunene mangler.'] } });
        await call(s, 'POST', `/api/cases/${a.caseId}/postpone`, { token: SEC, json: { reason: POSTPONE_REASON } });
      } else if (a.caseId === id.referred) {
        await call(s, 'POST', `/api/cases/${a.caseId}/endorse`, { token: SEC, json: { resolution: 'Nasjonalt e-helsestyre tilslutter seg porteføljen.', conditions: CONDITIONS } });
      } else if (a.standardItem === 'any-other-business' || a.caseId === id.noted) {
        await call(s, 'POST', `/api/cases/${a.caseId}/note`, { token: SEC, json: { resolution: 'Nasjonalt e-helsestyre tar saken til orientering.' } });
      } else {
        await call(s, 'POST', `/api/cases/${a.caseId}/endorse`, { token: SEC, json: { resolution: 'Nasjonalt e-helsestyre godkjenner innkalling og dagsorden.' } });
      }
    }
    await call(s, 'POST', `/api/meetings/${sept}/adjourn`, { token: SEC });

    // the September meeting's live feed, open before the referral
    feed = connectSse(`${s.url}/api/live/meetings/${sept}`, { authorization: `Bearer ${MEMBER}` });
    await feed.waitFor((m) => m.event === 'snapshot', 10_000);
    referPosition = (await call(s, 'POST', `/api/cases/${id.referred}/refer`, { token: SEC, json: { toCommittee: 'NUIT', type: 'endorsement' } })).position;

    // December: the postponed case again, and the approval of September's minutes
    dec = (await call(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: DEC, startTime: '10:00', endTime: '12:00', place: 'Oslo' } })).id;
    await call(s, 'POST', `/api/cases/${id.postponed}/schedule`, { token: SEC, json: { meetingId: dec } });
    await call(s, 'POST', `/api/meetings/${dec}/notice`, { token: SEC });
    await call(s, 'POST', `/api/meetings/${dec}/open`, { token: SEC, json: { present: members } });
    const decAgenda = (await call(s, 'GET', `/api/meetings/${dec}`, { token: SEC })).agenda as { caseId: string; standardItem?: string }[];
    const approval = decAgenda.find((a) => a.standardItem === 'minutes-approval')!;
    await call(s, 'POST', `/api/cases/${approval.caseId}/present`, { token: SEC, json: { presenter: 'Bjørn Guldvog' } });
    await call(s, 'POST', `/api/cases/${approval.caseId}/endorse`, { token: SEC, json: { resolution: 'Nasjonalt e-helsestyre godkjenner referat fra møtet 10.09.2025.' } });
    await call(s, 'POST', `/api/cases/${id.postponed}/present`, { token: SEC, json: { presenter: 'Vidar Mikkelsen' } });
    head = (await call(s, 'POST', `/api/cases/${id.postponed}/note`, { token: SEC, json: { resolution: 'Nasjonalt e-helsestyre tar saken til orientering.' } })).position;
    minutes = await call(s, 'GET', `/api/meetings/${sept}/minutes?minPosition=${head}`, { token: MEMBER });
  }, 60_000);
  afterAll(async () => {
    feed?.close();
    await s?.close();
  });

  it('JSON: every case of the noticed agenda in order, numbers without a hole; postponed, withdrawn and referred as they were', () => {
    const numbers = minutes.cases.map((c: any) => c.number);
    expect(numbers.length).toBe(6); // notice approval, four cases, Eventuelt (the committee's first meeting approves no minutes)
    const seqs = numbers.map((n: string) => Number(n.split('/')[0]));
    expect(seqs).toEqual(seqs.map((_: number, i: number) => seqs[0] + i));
    const p = minutes.cases.find((c: any) => c.caseId === id.postponed);
    expect(p).toMatchObject({
      number: expect.stringMatching(/^\d+\/25$/),
      postponed: { reason: POSTPONE_REASON },
      presenter: 'Vidar Mikkelsen, Direktoratet for e-helse',
      summary: SUMMARY,
      points: ['Tall for kommunene mangler.'],
      outcome: null,
      resolution: null,
      withdrawn: null,
    });
    const w = minutes.cases.find((c: any) => c.caseId === id.withdrawn);
    expect(w).toMatchObject({ number: expect.stringMatching(/^\d+\/25$/), state: 'withdrawn', withdrawn: { reason: WITHDRAW_REASON }, postponed: null });
    const r = minutes.cases.find((c: any) => c.caseId === id.referred);
    expect(r).toMatchObject({ outcome: 'endorsement', conditions: CONDITIONS, referrals: [{ committee: 'NUIT', committeeName: 'Prioriteringsutvalget', caseId: expect.any(String), type: 'endorsement' }] });
    expect(minutes.cases.find((c: any) => c.caseId === id.noted).referrals).toEqual([]);
  });

  it('approvedOn is the approving meeting’s date; approvedAt the time it was recorded (today)', () => {
    expect(minutes).toMatchObject({ status: 'approved', approvedOn: DEC, approvedBy: { meetingId: dec } });
    expect(minutes.approvedAt.slice(0, 10)).not.toBe(DEC);
    expect(Date.parse(minutes.approvedAt)).toBeGreaterThan(Date.parse(`${DEC}T23:59:59Z`));
  });

  it('the December minutes show the postponed case decided there, without September’s discussion', async () => {
    const m = await call(s, 'GET', `/api/meetings/${dec}/minutes?minPosition=${head}`, { token: MEMBER });
    const p = m.cases.find((c: any) => c.caseId === id.postponed);
    expect(p).toMatchObject({ postponed: null, outcome: 'orientation', summary: null, points: [], presenter: 'Vidar Mikkelsen' });
    expect(p.number).not.toBe(minutes.cases.find((c: any) => c.caseId === id.postponed).number);
  });

  it('Markdown, HTML and PDF (pdf.js) print the postponed, withdrawn and referred cases with their numbers and the approval date', async () => {
    const num = (k: keyof typeof id) => minutes.cases.find((c: any) => c.caseId === id[k]).number as string;
    const md = (await doc(s, `/api/meetings/${sept}/minutes`, 'text/markdown')).toString('utf8').replace(/\\(.)/g, '$1');
    const sectionMd = (k: keyof typeof id) => md.slice(md.indexOf(`### ${num(k)} `), md.indexOf('### ', md.indexOf(`### ${num(k)} `) + 4));
    expect(sectionMd('postponed')).toContain(`*Utsatt:* ${POSTPONE_REASON}`);
    expect(sectionMd('postponed')).toContain(SUMMARY);
    expect(sectionMd('postponed')).toContain('Presentert av: Vidar Mikkelsen, Direktoratet for e-helse');
    expect(sectionMd('withdrawn')).toContain(`*Trukket:* ${WITHDRAW_REASON}`);
    expect(sectionMd('referred')).toContain('*Oversendt til NUIT (Prioriteringsutvalget)*');
    expect(sectionMd('referred')).toContain(`**Forbehold:**\n\n${CONDITIONS}`);
    expect(md).toContain('Godkjent i møtet 10. desember 2025.');
    for (const k of Object.keys(id) as (keyof typeof id)[]) expect(md).toContain(`| ${num(k)} |`);

    const html = (await doc(s, `/api/meetings/${sept}/minutes`, 'text/html')).toString('utf8');
    expect(html).toContain(`<h3>${num('postponed')} Plan for utvikling av felles grunnmur</h3>`);
    expect(html).toContain(`<em>Utsatt:</em> ${POSTPONE_REASON}`);
    expect(html).toContain(`<em>Trukket:</em> ${WITHDRAW_REASON}`);
    expect(html).toContain('<em>Oversendt til NUIT (Prioriteringsutvalget)</em>');

    const t = await pdfText(await doc(s, `/api/meetings/${sept}/minutes`, 'application/pdf'));
    const all = flat(t.pages.join('\n'));
    const cases = all.slice(all.lastIndexOf('Saker'));
    const at = (k: keyof typeof id) => cases.indexOf(`${num(k)} `);
    expect(at('postponed')).toBeGreaterThan(-1);
    const postponedSection = cases.slice(at('postponed'), cases.indexOf(`${Number(num('postponed').split('/')[0]) + 1}/25`, at('postponed')));
    expect(postponedSection).toContain(flat(`Utsatt: ${POSTPONE_REASON}`));
    expect(postponedSection).toContain(flat(SUMMARY));
    expect(cases).toContain(flat(`Trukket: ${WITHDRAW_REASON}`));
    expect(cases).toContain('Oversendt til NUIT (Prioriteringsutvalget)');
    expect(all).toContain('Godkjent i møtet 10. desember 2025.');
  });

  it('register rows carry conditions (only the conditional endorsement) and decidedOn, the meeting’s date; filters and search unchanged', async () => {
    const rows = await call(s, 'GET', `/api/decisions?committee=NEHS&minPosition=${head}`);
    const r = rows.find((x: any) => x.caseId === id.referred);
    expect(r).toMatchObject({ conditions: CONDITIONS, decidedOn: SEPT, date: SEPT, minutesApproved: true });
    const noted = rows.find((x: any) => x.caseId === id.noted);
    expect(noted).not.toHaveProperty('conditions');
    expect(noted.decidedOn).toBe(SEPT);
    // the postponed case is decided in December; the withdrawn one never
    expect(rows.find((x: any) => x.caseId === id.postponed).decidedOn).toBe(DEC);
    expect(rows.some((x: any) => x.caseId === id.withdrawn)).toBe(false);
    expect(rows.every((x: any) => x.decidedOn === x.date)).toBe(true);
    expect((await call(s, 'GET', '/api/decisions?q=innspillene fra møtet')).map((x: any) => x.caseId)).toEqual([]);
    expect((await call(s, 'GET', '/api/decisions?q=porteføljen')).map((x: any) => x.caseId)).toEqual([id.referred]);
    expect(await call(s, 'GET', '/api/decisions?committee=NUIT')).toEqual([]);
    expect((await call(s, 'GET', '/api/decisions?year=2025')).length).toBe(rows.length);
  });

  it('the archive export dates the vedtak and the approval by their meetings, the record time beside', async () => {
    const a = await call(s, 'GET', '/api/audit/export?committee=NEHS&year=2025', { token: AUDITOR });
    const m = a.meetings.find((x: any) => x.id === sept);
    expect(m.minutes).toMatchObject({ status: 'approved', approvedOn: DEC });
    expect(m.minutes.approvedAt.slice(0, 10)).not.toBe(DEC);
    const d = a.decisions.find((x: any) => x.caseId === id.referred);
    expect(d).toMatchObject({ decidedOn: SEPT, conditions: CONDITIONS });
    expect(d.decidedAt.slice(0, 10)).not.toBe(SEPT);
    const xml = await (await fetch(`${s.url}/api/audit/export?committee=NEHS&year=2025`, { headers: { accept: 'application/xml', authorization: `Bearer ${AUDITOR}` } })).text();
    expect(xml).toContain(`<su:referatGodkjentDato>${DEC}</su:referatGodkjentDato>`);
    expect(xml).toContain(`<su:vedtaksdato>${SEPT}</su:vedtaksdato>`);
  });

  it('the OpenAPI document has the new fields of the register rows and the minutes', async () => {
    const docs = await call(s, 'GET', '/api/docs-json');
    const schemas = docs.components.schemas;
    expect(Object.keys(schemas.DecisionRowDoc.properties)).toEqual(expect.arrayContaining(['conditions', 'decidedOn', 'date', 'resolution']));
    expect(schemas.DecisionRowDoc.required).toContain('decidedOn');
    expect(schemas.DecisionRowDoc.required).not.toContain('conditions');
    expect(Object.keys(schemas.MinutesDoc.properties)).toEqual(expect.arrayContaining(['approvedOn', 'approvedAt', 'cases']));
    expect(schemas.MinutesDoc.required).toEqual(expect.arrayContaining(['approvedOn', 'approvedAt']));
    expect(Object.keys(schemas.MinutesCaseDoc.properties)).toEqual(expect.arrayContaining(['postponed', 'withdrawn', 'referrals']));
    const ok = (path: string) => docs.paths[path].get.responses['200'].content['application/json'].schema;
    expect(ok('/api/decisions')).toEqual({ type: 'array', items: { $ref: '#/components/schemas/DecisionRowDoc' } });
    expect(ok('/api/meetings/{id}/minutes')).toEqual({ $ref: '#/components/schemas/MinutesDoc' });
  });

  it('the live feed sends the referral once, and never two frames that read the same', async () => {
    await feed.waitFor((m) => m.event === 'change' && JSON.parse(m.data).position >= head, 10_000);
    const frames = feed.messages.filter((m) => m.event === 'snapshot' || m.event === 'change');
    const bodies = frames.map((m) => JSON.stringify({ ...JSON.parse(m.data), position: undefined }));
    for (let i = 1; i < bodies.length; i++) expect({ i, same: bodies[i] === bodies[i - 1] }).toEqual({ i, same: false });
    const withReferral = frames.filter((m) => JSON.parse(m.data).cases.find((c: any) => c.caseId === id.referred).referrals.length === 1);
    const first = withReferral[0]!;
    expect(BigInt(first.id!)).toBeLessThanOrEqual(BigInt(referPosition));
    expect(frames.filter((m) => BigInt(m.id!) <= BigInt(referPosition) && m.event === 'change')).toHaveLength(1);
    // the minutes the feed ends with are the query's; the query's approved minutes add the printed
    // proof (builtFrom: the event at the position answered, and its hash), the feed's frames do not
    const { builtFrom, ...query } = minutes as { builtFrom: { position: number; hash: string }; position: number };
    expect(JSON.parse(frames[frames.length - 1]!.data)).toEqual(query);
    expect(builtFrom).toEqual({ position: query.position, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});
