/**
 * Issue 10's "year that broke", over HTTP on a real server (temp SQLite): ordinary NEHS meetings in
 * February, April, September and December 2027 plus an extraordinary one in June planned last, and
 * a January 2028 meeting. Every held meeting's minutes end approved by exactly the meeting after it
 * by date; an approval item postponed to a later meeting still approves the meeting it names; a
 * noticed-and-postponed case is in the minutes with its number and *Utsatt*; a late case gets the
 * next number; a vedtak amended before approval shows amended (history keeps both texts); `note` on
 * an approval item is 409; decisions carry the meeting's date.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from './harness.js';
import { ADMIN, SEC, MEMBER, ok, refused, startWorkflowServer } from './workflow-helpers.js';

interface AgendaRow {
  caseId: string;
  number: string | null;
  title: string;
  state: string;
  late?: boolean;
}

describe('the committee’s real year over HTTP', () => {
  let s: Server;
  let members: string[] = [];
  const m: Record<string, { id: string; number: string }> = {};
  let last = 0; // position of the last write, for ?minPosition reads of the projections

  const post = async (path: string, json: unknown = {}, status = 200) => {
    const r = await ok(s, 'POST', path, { token: SEC, json }, status);
    if (typeof r.json?.position === 'number') last = r.json.position;
    return r.json;
  };
  const plan = async (key: string, date: string, extra: Record<string, unknown> = {}) => {
    const r = await post('/api/committees/NEHS/meetings', { date, startTime: '10:00', endTime: '15:00', place: 'Oslo', ...extra }, 201);
    m[key] = { id: r.id, number: r.number };
    return r;
  };
  const meeting = async (key: string) => (await ok(s, 'GET', `/api/meetings/${m[key]!.id}`, { token: SEC })).json;
  const agenda = async (key: string) => (await meeting(key)).agenda as AgendaRow[];
  const approvalItems = async (key: string) => (await agenda(key)).filter((a) => a.title.startsWith('Godkjenning av referat'));
  /** The meeting ids the approval items of `key` approve (from the case's `approvesMinutesOf`). */
  const targets = async (key: string) => {
    const out: string[] = [];
    for (const a of await approvalItems(key)) out.push((await ok(s, 'GET', `/api/cases/${a.caseId}`, { token: SEC })).json.approvesMinutesOf);
    return out;
  };
  const newCase = async (title: string, type = 'endorsement') =>
    (await post('/api/cases', { committee: 'NEHS', title, type, proposedResolution: `Styret gir sin tilslutning til ${title}.` }, 201)).id as string;
  const minutes = async (key: string) => (await ok(s, 'GET', `/api/meetings/${m[key]!.id}/minutes?minPosition=${last}`, { token: SEC })).json;
  const minutesMd = async (key: string) => {
    const r = await s.req('GET', `/api/meetings/${m[key]!.id}/minutes?minPosition=${last}`, { token: SEC, headers: { accept: 'text/markdown' } });
    expect(r.status).toBe(200);
    return r.text.replace(/\\(.)/g, '$1');
  };
  /** Open, then deal with every scheduled item in agenda order: approvals endorsed, Eventuelt noted, others endorsed. */
  const runStandard = async (key: string, only?: (a: AgendaRow) => boolean) => {
    for (const a of await agenda(key)) {
      if (a.state !== 'scheduled' || (only && !only(a))) continue;
      await post(`/api/cases/${a.caseId}/present`, { presenter: 'Sekretariatet' });
      if (a.title === 'Eventuelt') await post(`/api/cases/${a.caseId}/note`, { resolution: 'Ingen saker under eventuelt.' });
      else await post(`/api/cases/${a.caseId}/endorse`, { resolution: `Vedtak i ${a.title}.` });
    }
  };
  const open = (key: string) => post(`/api/meetings/${m[key]!.id}/open`, { present: members.slice(0, 2), absent: [members[2]] });

  beforeAll(async () => {
    s = await startWorkflowServer();
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
    for (const [name, organisation] of [
      ['Bjørn Guldvog', 'Helsedirektoratet'],
      ['Cathrine Lofthus', 'Helse Sør-Øst RHF'],
      ['Torunn Alise Ask', 'KS'],
    ])
      members.push((await ok(s, 'POST', '/api/committees/NEHS/members', { token: ADMIN, json: { name, organisation, role: 'member' } }, 201)).json.id);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('targets approval items by date: the extraordinary June meeting planned last approves April, September approves June', async () => {
    await plan('feb', '2027-02-10');
    await plan('apr', '2027-04-14');
    await plan('sep', '2027-09-15');
    await plan('dec', '2027-12-08');
    expect(await targets('feb')).toEqual([]); // no earlier meeting: no approval item
    expect(await targets('apr')).toEqual([m.feb!.id]);
    expect(await targets('sep')).toEqual([m.apr!.id]);
    await plan('jun', '2027-06-09', { kind: 'extraordinary' });
    expect(m.jun!.number).toBe('5/2027'); // numbers run in planning order
    expect(await targets('jun')).toEqual([m.apr!.id]);
    expect(await targets('sep')).toEqual([m.jun!.id]); // re-targeted when June was planned
    expect((await approvalItems('sep')).map((a) => a.title)).toEqual(['Godkjenning av referat fra møtet 09.06.2027']);
    expect(await targets('dec')).toEqual([m.sep!.id]);
    // a meeting planned between September and December, then cancelled: December's item follows both moves
    await plan('oct', '2027-10-20');
    expect(await targets('dec')).toEqual([m.oct!.id]);
    await post(`/api/meetings/${m.oct!.id}/cancel`, { reason: 'Ingen saker' });
    expect(await targets('dec')).toEqual([m.sep!.id]);
    expect((await meeting('oct')).state).toBe('cancelled');
  });

  it('February is held; in April `note` on the approval item is 409, and the item is postponed', async () => {
    await newCase('Nasjonal e-helsestrategi').then((id) => post(`/api/cases/${id}/schedule`, { meetingId: m.feb!.id }));
    await post(`/api/meetings/${m.feb!.id}/notice`);
    await open('feb');
    await runStandard('feb');
    expect((await post(`/api/meetings/${m.feb!.id}/adjourn`)).state).toBe('held');

    const b = await newCase('Finansieringsmodell');
    const c = await newCase('Felles språk');
    for (const id of [b, c]) await post(`/api/cases/${id}/schedule`, { meetingId: m.apr!.id });
    await post(`/api/meetings/${m.apr!.id}/notice`);
    expect((await agenda('apr')).map((a) => [a.title, a.number])).toEqual([
      ['Godkjenning av innkalling og dagsorden', '4/27'],
      ['Godkjenning av referat fra møtet 10.02.2027', '5/27'],
      ['Finansieringsmodell', '6/27'],
      ['Felles språk', '7/27'],
      ['Eventuelt', '8/27'],
    ]);
    // a late case after notice gets the next number and goes last before Eventuelt
    const late = await newCase('Tilleggssak om informasjonssikkerhet');
    await refused(s, 409, 'POST', `/api/cases/${late}/schedule`, { token: SEC, json: { meetingId: m.apr!.id } });
    await post(`/api/cases/${late}/schedule`, { meetingId: m.apr!.id, late: true });
    const lateRows = await agenda('apr');
    expect(lateRows.map((a) => a.title).slice(-2)).toEqual(['Tilleggssak om informasjonssikkerhet', 'Eventuelt']);
    expect(lateRows.find((a) => a.caseId === late)).toMatchObject({ number: '9/27', late: true });

    await open('apr');
    const [innkalling, referat] = await agenda('apr');
    await post(`/api/cases/${innkalling!.caseId}/present`, { presenter: 'Leder' });
    await post(`/api/cases/${innkalling!.caseId}/endorse`, { resolution: 'Innkalling og dagsorden godkjent.' });
    await post(`/api/cases/${referat!.caseId}/present`, { presenter: 'Leder' });
    const refusal = await refused(s, 409, 'POST', `/api/cases/${referat!.caseId}/note`, { token: SEC, json: { resolution: 'Tatt til orientering.' } });
    expect(refusal.detail).toMatch(/minutes|referat/i);
    expect(refusal.allowedCommands).not.toContain('note');
    expect(refusal.allowedCommands).toContain('endorse');
    await post(`/api/cases/${referat!.caseId}/postpone`, { reason: 'Referatet var ikke ferdig' });
    expect((await ok(s, 'GET', `/api/cases/${referat!.caseId}`, { token: SEC })).json.approvesMinutesOf).toBe(m.feb!.id);

    await post(`/api/cases/${b}/present`, { presenter: 'Direktoratet' });
    await post(`/api/cases/${b}/endorse`, { resolution: 'Styret slutter seg til modellen.', conditions: 'Under forutsetning av finansiering.' });
    await post(`/api/cases/${c}/present`, { presenter: 'Direktoratet' });
    await post(`/api/cases/${c}/record-discussion`, { summary: 'Styret drøftet begrepsarbeidet.', points: ['Behov for mer forankring'] });
    await post(`/api/cases/${c}/postpone`, { reason: 'Utsatt til neste møte' });
    await runStandard('apr'); // the late case and Eventuelt
    expect((await post(`/api/meetings/${m.apr!.id}/adjourn`)).state).toBe('held');

    // amended before approval: minutes and register show the new text, history keeps both
    await post(`/api/cases/${b}/amend`, { reason: 'Skrivefeil i vedtaket', resolution: 'Styret slutter seg til finansieringsmodellen.' });
    // the minutes are still a draft: read the register as a member of the committee
    const rows2 = (await ok(s, 'GET', `/api/decisions?committee=NEHS&year=2027&minPosition=${last}`, { token: MEMBER })).json as any[];
    const bRow = rows2.find((r) => r.number === '6/27');
    expect(bRow).toMatchObject({
      resolution: 'Styret slutter seg til finansieringsmodellen.',
      conditions: 'Under forutsetning av finansiering.',
      amended: true,
      decidedOn: '2027-04-14',
    });
    const history = JSON.stringify((await ok(s, 'GET', `/api/cases/${b}/history`, { token: SEC })).json);
    expect(history).toContain('Styret slutter seg til modellen.');
    expect(history).toContain('Styret slutter seg til finansieringsmodellen.');

    const md = await minutesMd('apr');
    expect(md).toContain('7/27');
    expect(md).toContain('Utsatt');
    expect(md).toContain('Utsatt til neste møte');
    expect(md).toContain('Styret drøftet begrepsarbeidet.');
    expect(md).toContain('Tilleggssak');
    expect(md).toContain('9/27');
    expect(md).toContain('Styret slutter seg til finansieringsmodellen.');
    expect(md).not.toContain('Styret slutter seg til modellen.');
    // every number of the noticed agenda is in the minutes: no hole
    for (const n of ['4/27', '5/27', '6/27', '7/27', '8/27', '9/27']) expect(md).toContain(n);
  });

  it('June approves April (with corrections) and, by the postponed item, February; amend after approval is 409', async () => {
    const postponedReferat = (await ok(s, 'GET', `/api/cases?committee=NEHS&state=draft&q=${encodeURIComponent('Godkjenning av referat')}`, { token: SEC })).json
      .items as { id: string; title: string }[];
    const feb = postponedReferat.find((c) => c.title === 'Godkjenning av referat fra møtet 10.02.2027')!;
    expect(feb).toBeDefined();
    await post(`/api/cases/${feb.id}/schedule`, { meetingId: m.jun!.id });
    await post(`/api/meetings/${m.jun!.id}/notice`);
    await open('jun');
    for (const a of await agenda('jun')) {
      await post(`/api/cases/${a.caseId}/present`, { presenter: 'Leder' });
      if (a.title === 'Godkjenning av referat fra møtet 14.04.2027')
        await post(`/api/cases/${a.caseId}/endorse`, { resolution: 'Referatet godkjennes.', corrections: 'I sak 6/27 skal det stå «finansieringsmodellen».' });
      else if (a.title === 'Eventuelt') await post(`/api/cases/${a.caseId}/note`, { resolution: 'Ingen saker.' });
      else await post(`/api/cases/${a.caseId}/endorse`, { resolution: `Vedtak i ${a.title}.` });
    }
    await post(`/api/meetings/${m.jun!.id}/adjourn`);

    const feb2 = await minutes('feb');
    expect(feb2).toMatchObject({ status: 'approved', approvedOn: '2027-06-09' });
    expect(feb2.approvedBy).toMatchObject({ caseId: feb.id, meetingId: m.jun!.id });
    const apr = await minutes('apr');
    expect(apr).toMatchObject({ status: 'approved', approvedOn: '2027-06-09' });
    const md = await minutesMd('apr');
    expect(md).toContain('Godkjent med merknader');
    expect(md).toContain('I sak 6/27 skal det stå «finansieringsmodellen».');

    const b = (await agenda('apr')).find((a) => a.number === '6/27')!;
    const r = await refused(s, 409, 'POST', `/api/cases/${b.caseId}/amend`, { token: SEC, json: { reason: 'For sent', resolution: 'Noe annet.' } });
    expect(r.allowedCommands).not.toContain('amend');
  });

  it('September approves June, December approves September, January 2028 approves December: every held meeting ends approved', async () => {
    for (const key of ['sep', 'dec']) {
      await post(`/api/meetings/${m[key]!.id}/notice`);
      await open(key);
      await runStandard(key);
      await post(`/api/meetings/${m[key]!.id}/adjourn`);
    }
    await plan('jan', '2028-01-19');
    expect(m.jan!.number).toBe('1/2028');
    expect(await targets('jan')).toEqual([m.dec!.id]);
    expect((await approvalItems('jan')).map((a) => a.title)).toEqual(['Godkjenning av referat fra møtet 08.12.2027']);
    await post(`/api/meetings/${m.jan!.id}/notice`);
    await open('jan');
    await runStandard('jan', (a) => a.title.startsWith('Godkjenning'));

    const cycle = (await ok(s, 'GET', `/api/committees/NEHS/annual-cycle?year=2027&minPosition=${last}`, { token: SEC })).json as any[];
    const held = cycle.filter((c) => c.state === 'held');
    expect(held.map((c) => c.date)).toEqual(['2027-02-10', '2027-04-14', '2027-06-09', '2027-09-15', '2027-12-08']);
    for (const key of ['feb', 'apr', 'jun', 'sep', 'dec']) expect((await minutes(key)).status).toBe('approved');
    expect((await minutes('jun')).approvedOn).toBe('2027-09-15');
    expect((await minutes('sep')).approvedOn).toBe('2027-12-08');
    expect((await minutes('dec')).approvedOn).toBe('2028-01-19');
  });
});
