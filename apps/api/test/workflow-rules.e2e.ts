/**
 * The numbering and agenda rules over HTTP: postponement after notice loses the number and gets
 * a new one at the next notice; unschedule/withdraw take a case off a planned agenda; the year
 * restarts numbering; parallel planning and parallel notices never give a number twice; adjourn
 * accepts postponed and withdrawn cases as dealt with.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from './harness.js';
import { ADMIN, SEC, head, ok, refused, startWorkflowServer } from './workflow-helpers.js';

describe('numbering and agenda rules over HTTP', () => {
  let s: Server;
  const newCase = async (title: string, committee = 'NEHS') =>
    (await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee, title, type: 'orientation', proposedResolution: 'Til orientering.' } }, 201)).json.id as string;
  const plan = async (date: string, committee = 'NEHS') => (await ok(s, 'POST', `/api/committees/${committee}/meetings`, { token: SEC, json: { date, place: 'Oslo' } }, 201)).json;
  const agenda = async (meetingId: string) => (await ok(s, 'GET', `/api/meetings/${meetingId}`, { token: SEC })).json.agenda as { caseId: string; number: string | null; title: string; state: string }[];

  beforeAll(async () => {
    s = await startWorkflowServer();
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('takes cases off a planned agenda (unschedule, withdraw); postponement after notice loses the number, the next notice gives a new one', async () => {
    const m1 = await plan('2018-03-01');
    expect(m1.number).toBe('1/2018');
    const [a, b, c, d] = [await newCase('A'), await newCase('B'), await newCase('C'), await newCase('D')];
    for (const id of [a, b, c, d]) await ok(s, 'POST', `/api/cases/${id}/schedule`, { token: SEC, json: { meetingId: m1.id } });
    expect((await agenda(m1.id)).map((x) => x.title)).toEqual(['Godkjenning av innkalling og dagsorden', 'A', 'B', 'C', 'D', 'Eventuelt']);
    const un = await ok(s, 'POST', `/api/cases/${b}/unschedule`, { token: SEC, json: { reason: 'Ikke klar' } });
    expect(un.json).toMatchObject({ state: 'draft' });
    await ok(s, 'POST', `/api/cases/${c}/withdraw`, { token: SEC, json: { reason: 'Trukket' } });
    expect((await agenda(m1.id)).map((x) => x.title)).toEqual(['Godkjenning av innkalling og dagsorden', 'A', 'D', 'Eventuelt']);
    await refused(s, 400, 'POST', `/api/cases/${b}/unschedule`, { token: SEC, json: {} });
    await refused(s, 409, 'POST', `/api/cases/${b}/unschedule`, { token: SEC, json: { reason: 'igjen' } });

    await ok(s, 'POST', `/api/meetings/${m1.id}/notice`, { token: SEC });
    expect((await agenda(m1.id)).map((x) => [x.title, x.number])).toEqual([
      ['Godkjenning av innkalling og dagsorden', '1/18'],
      ['A', '2/18'],
      ['D', '3/18'],
      ['Eventuelt', '4/18'],
    ]);
    // postponed after notice: back to draft, without its number
    const p = await ok(s, 'POST', `/api/cases/${d}/postpone`, { token: SEC, json: { reason: 'Utsatt til neste møte' } });
    expect(p.json).toMatchObject({ state: 'draft' });
    const dView = (await ok(s, 'GET', `/api/cases/${d}`, {})).json; // public: it was noticed
    expect(dView).toMatchObject({ state: 'draft', number: null, postponedFrom: [m1.id] });

    await ok(s, 'POST', `/api/meetings/${m1.id}/open`, { token: SEC, json: { present: [] } });
    for (const item of await agenda(m1.id)) {
      if (item.state !== 'scheduled') continue;
      await ok(s, 'POST', `/api/cases/${item.caseId}/present`, { token: SEC, json: { presenter: 'P' } });
      await ok(s, 'POST', `/api/cases/${item.caseId}/note`, { token: SEC, json: { resolution: 'Tatt til orientering.' } });
    }
    // the postponed and withdrawn cases count as dealt with
    expect((await ok(s, 'POST', `/api/meetings/${m1.id}/adjourn`, { token: SEC })).json.state).toBe('held');

    const m2 = await plan('2018-04-01');
    expect(m2.number).toBe('2/2018');
    await ok(s, 'POST', `/api/cases/${d}/schedule`, { token: SEC, json: { meetingId: m2.id } });
    await ok(s, 'POST', `/api/cases/${b}/schedule`, { token: SEC, json: { meetingId: m2.id } });
    await ok(s, 'POST', `/api/meetings/${m2.id}/notice`, { token: SEC });
    expect((await agenda(m2.id)).map((x) => [x.title, x.number])).toEqual([
      ['Godkjenning av innkalling og dagsorden', '5/18'],
      ['Godkjenning av referat fra møtet 01.03.2018', '6/18'],
      ['D', '7/18'],
      ['B', '8/18'],
      ['Eventuelt', '9/18'],
    ]);
    const history = (await ok(s, 'GET', `/api/cases/${d}/history`, { token: SEC })).json as { type: string; data: { number?: string } }[];
    expect(history.filter((e) => e.type === 'CaseNumbered').map((e) => e.data.number)).toEqual(['3/18', '7/18']);
  });

  it('restarts at 1 in a new year, continuing the previous meeting for the minutes', async () => {
    const m = await plan('2019-01-15');
    expect(m.number).toBe('1/2019');
    await ok(s, 'POST', `/api/meetings/${m.id}/notice`, { token: SEC });
    const items = await agenda(m.id);
    expect(items.map((x) => [x.title, x.number])).toEqual([
      ['Godkjenning av innkalling og dagsorden', '1/19'],
      ['Godkjenning av referat fra møtet 01.04.2018', '2/19'],
      ['Eventuelt', '3/19'],
    ]);
  });

  it('plans 10 meetings in parallel: 10 distinct numbers in a row, one stream each', async () => {
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NUIT', name: 'NUIT' } }, 201);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => s.req('POST', '/api/committees/NUIT/meetings', { token: 'tok-secretariat-nuit', json: { date: `2020-05-${String(i + 1).padStart(2, '0')}`, place: 'Oslo' } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(answers.map((a) => a.json.number).sort((x: string, y: string) => parseInt(x) - parseInt(y))).toEqual(Array.from({ length: 10 }, (_, i) => `${i + 1}/2020`));
  });

  it('notices two meetings of one year in parallel: their case numbers never overlap', async () => {
    // after the noticed 1/2019 by date (a meeting dated between two meetings whose agendas are frozen is refused: the approval chain)
    const [x, y] = [await plan('2019-09-01'), await plan('2019-10-01')];
    for (const m of [x, y]) for (const t of ['1', '2']) await ok(s, 'POST', `/api/cases/${await newCase(`${m.number}-${t}`)}/schedule`, { token: SEC, json: { meetingId: m.id } });
    const before = await head(s);
    const [rx, ry] = await Promise.all([x, y].map((m) => s.req('POST', `/api/meetings/${m.id}/notice`, { token: SEC })));
    expect([rx!.status, ry!.status]).toEqual([200, 200]);
    expect(await head(s)).toBeGreaterThan(before);
    const numbers = [...(await agenda(x.id)), ...(await agenda(y.id))].map((a) => a.number);
    expect(numbers.every((n) => n !== null && /^\d+\/19$/.test(n))).toBe(true);
    expect(new Set(numbers).size).toBe(numbers.length);
    // they continue the year's sequence after 3/19 without a gap
    expect(numbers.map((n) => parseInt(n!)).sort((p, q) => p - q)).toEqual(Array.from({ length: numbers.length }, (_, i) => 4 + i));
  });
});
