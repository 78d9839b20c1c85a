/**
 * POST/GET /api/committees/{code}/history on a real server (temp SQLite): earlier decisions known
 * only as the records quote them become history streams and rows of the decisions register
 * (`history: true`, no meeting, only what the record says), without touching the numbering.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from './harness.js';
import { ADMIN, MEMBER, SEC, call, startViewsServer } from './views-driver.js';

const SEC_NUIT = 'tok-secretariat-nuit';
const W3917 = 'Nasjonalt e-helsestyre tilslutter seg anbefalingene i rapporten om IKT-organisering i helse- og omsorgssektoren med endringer som kom frem i møtet.';
const body3917 = {
  number: '39/17',
  title: 'Tilleggsoppdrag: IKT-organisering i helse- og omsorgssektoren',
  wording: W3917,
  outcome: 'endorsement',
  matterId: 'ny-e-helseorganisering',
  source: { citedBy: ['NEHS 4/19'], seeds: [{ seed: '002_bd50ffa0f5a44d00.txt', lines: [721, 761] }] },
};

describe('committee history over HTTP', () => {
  let s: Server;
  beforeAll(async () => {
    s = await startViewsServer();
    await call(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } });
    await call(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  async function head(): Promise<number> {
    const h = (await call(s, 'GET', '/api/health')).store.headPosition;
    expect(typeof h).toBe('number');
    return h;
  }

  it('refuses in API.md order (401, 404, 403, 400) and writes nothing', async () => {
    const before = await head();
    expect((await s.req('POST', '/api/committees/NEHS/history', { json: body3917 })).status).toBe(401);
    // unknown committee: 404 even before a bad body
    const r404 = await s.req('POST', '/api/committees/NOPE/history', { token: ADMIN, json: { nonsense: true } });
    expect(r404.status).toBe(404);
    // a member, or another committee's secretariat: 403 even before a bad body
    expect((await s.req('POST', '/api/committees/NEHS/history', { token: MEMBER, json: { nonsense: true } })).status).toBe(403);
    expect((await s.req('POST', '/api/committees/NEHS/history', { token: SEC_NUIT, json: body3917 })).status).toBe(403);
    const bad = await s.req('POST', '/api/committees/NEHS/history', {
      token: SEC,
      json: { number: '39/2017', title: '', wording: 3, outcome: 'approved', minutesApproved: 'yes', source: { seeds: [{ seed: 'x', lines: ['a'] }], extra: 1 }, meetingId: 'x' },
    });
    expect(bad.status).toBe(400);
    const fields = (bad.json.errors as { field: string }[]).map((e) => e.field);
    for (const f of ['number', 'title', 'wording', 'outcome', 'minutesApproved', 'meetingId', 'source.extra']) expect(fields).toContain(f);
    expect(fields.some((f) => f.startsWith('source.seeds.0.lines'))).toBe(true);
    // semantic checks of the service: the year must be the number's
    const year = await s.req('POST', '/api/committees/NEHS/history', { token: SEC, json: { ...body3917, year: 2018 } });
    expect(year.status).toBe(400);
    expect(year.json.errors).toEqual([{ field: 'year', message: 'must be the year of the number 39/17' }]);
    expect(await head()).toBe(before);
  });

  it('records 39/17 (201), lists it publicly, shows it in the decisions register, and leaves the numbering alone', async () => {
    const r = await call(s, 'POST', '/api/committees/NEHS/history', { token: SEC, json: body3917 }, 201);
    expect(r).toMatchObject({ id: 'history-NEHS-39-17', state: 'recorded', revision: 0, repeated: false });
    expect(typeof r.position).toBe('number');
    const r2 = await call(s, 'POST', '/api/committees/NEHS/history', { token: ADMIN, json: { number: '29/18', title: 'Etablering av ny tjenesteleverandør', wording: 'Nasjonalt e-helsestyre er orientert om rapport.' } }, 201);

    const list = await call(s, 'GET', `/api/committees/NEHS/history?minPosition=${r2.position}`);
    expect(list.map((h: { number: string }) => h.number)).toEqual(['39/17', '29/18']);
    expect(list[0]).toMatchObject({ id: 'history-NEHS-39-17', committee: 'NEHS', number: '39/17', year: 2017, wording: W3917, outcome: 'endorsement', date: null, minutesApproved: false, actor: 'Anita Lindholt', source: body3917.source });
    expect(list[1]).toMatchObject({ number: '29/18', year: 2018, outcome: null });
    expect(await call(s, 'GET', '/api/committees/NUIT/history')).toEqual([]);
    expect((await s.req('GET', '/api/committees/NOPE/history')).status).toBe(404);

    const rows = await call(s, 'GET', `/api/decisions?committee=NEHS&minPosition=${r2.position}`);
    expect(rows).toEqual([
      expect.objectContaining({ number: '29/18', history: true, historyId: 'history-NEHS-29-18', outcome: null, meetingId: null, meetingNumber: null, date: null, minutesApproved: false, caseId: null }),
      expect.objectContaining({ number: '39/17', history: true, resolution: W3917, outcome: 'endorsement', type: null }),
    ]);
    expect((await call(s, 'GET', '/api/decisions?year=2017')).map((x: { number: string }) => x.number)).toEqual(['39/17']);

    for (const y of [2017, 2018]) expect(await call(s, 'GET', `/api/committees/NEHS/numbering/${y}`)).toMatchObject({ nextMeetingNumber: 1, nextCaseNumber: 1, revision: -1 });
  });

  it('the same decision again: same content answers the first and writes nothing; other content is 409', async () => {
    const before = await head();
    const again = await call(s, 'POST', '/api/committees/NEHS/history', { token: ADMIN, json: body3917 }, 201);
    expect(again).toMatchObject({ id: 'history-NEHS-39-17', repeated: true });
    const other = await s.req('POST', '/api/committees/NEHS/history', { token: ADMIN, json: { ...body3917, wording: 'En annen tekst.' } });
    expect(other.status).toBe(409);
    expect(other.json.rule).toBe('history-recorded');
    expect(await head()).toBe(before);
  });
});
