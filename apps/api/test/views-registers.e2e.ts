/**
 * Registers and views over a real server (temp SQLite), after NEHS Møte 8/2018 is driven through the
 * HTTP API and its minutes approved by 2/19 of Møte 1/2019: minutes JSON, decisions register,
 * portfolio (and its writes), annual cycle, follow-ups, read permissions, ?minPosition.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from './harness.js';
import {
  ADMIN,
  AUDITOR,
  CASES_8_2018,
  MEMBER,
  OTHER,
  SEC,
  approveMinutesOf8,
  call,
  driveNehs8,
  projectionsOptions,
  setupNehs,
  startViewsServer,
  type Nehs,
} from './views-driver.js';

describe('views over HTTP after NEHS 8/2018', () => {
  let s: Server;
  let n: Nehs;
  let meeting1 = '';
  beforeAll(async () => {
    s = await startViewsServer({ extraModules: [projectionsOptions({ minPositionTimeoutMs: 300 })] });
    const { members } = await setupNehs(s);
    n = await driveNehs8(s, members);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('minutes JSON: every vedtak in agenda order, numbers 47/18–57/18, draft, position stated', async () => {
    const m = await call(s, 'GET', `/api/meetings/${n.meeting8}/minutes?minPosition=${n.position}`, { token: MEMBER });
    expect(m.status).toBe('draft');
    expect(m.position).toBeGreaterThanOrEqual(n.position);
    expect(m.cases.map((c: any) => c.caseId)).toEqual(n.agenda);
    expect(m.cases.map((c: any) => c.resolution)).toEqual(n.vedtak);
    expect(m.cases.map((c: any) => c.number)).toEqual(Array.from({ length: 11 }, (_, i) => `${47 + i}/18`));
    expect(m.cases.slice(1, 10).map((c: any) => c.title)).toEqual(CASES_8_2018.map((c) => c.title));
    expect(m.cases[4]).toMatchObject({ presenter: 'Karl Vestli', summary: 'Styret diskuterte strategien.', points: ['Tydeligere mål', 'Bedre forankring'] });
    expect(m.attendance.present.map((p: any) => p.name)).toEqual(['Bjørn Guldvog', 'Steffen Sutorius', 'Håkon Grimstad']);
    expect(m.attendance.absent.map((p: any) => p.name)).toEqual(['Lars Vorland']);
  });

  it('draft minutes: 401 without a token, 403 for another committee, 200 for member, secretariat, auditor, admin; 404 unknown', async () => {
    const path = `/api/meetings/${n.meeting8}/minutes`;
    expect((await s.req('GET', path)).status).toBe(401);
    const forbidden = await s.req('GET', path, { token: OTHER });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    for (const token of [MEMBER, SEC, AUDITOR, ADMIN]) expect((await s.req('GET', path, { token })).status).toBe(200);
    expect((await s.req('GET', '/api/meetings/no-such-meeting/minutes')).status).toBe(404);
    expect((await s.req('GET', '/api/meetings/no-such-meeting/minutes', { token: OTHER })).status).toBe(404);
  });

  it('decisions register: one row per decided case, newest meeting first then agenda order, filters', async () => {
    const rows = await call(s, 'GET', `/api/decisions?minPosition=${n.position}`);
    expect(rows).toHaveLength(11);
    expect(rows.map((r: any) => r.caseId)).toEqual(n.agenda);
    expect(rows.map((r: any) => r.resolution)).toEqual(n.vedtak);
    expect(rows[4]).toEqual({
      caseId: n.agenda[4],
      committee: 'NEHS',
      number: '51/18',
      title: 'Nasjonal e-helsestrategi og Strategisk plan',
      type: 'endorsement',
      outcome: 'endorsement',
      resolution: CASES_8_2018[3]!.vedtak,
      meetingId: n.meeting8,
      meetingNumber: '8/2018',
      date: '2018-12-06',
      decidedOn: '2018-12-06',
      minutesApproved: false,
    });
    expect(rows.filter((r: any) => r.outcome === 'endorsement').map((r: any) => r.number)).toEqual(['47/18', '48/18', '51/18', '52/18']);
    expect(await call(s, 'GET', '/api/decisions?committee=NUIT')).toEqual([]);
    expect(await call(s, 'GET', '/api/decisions?year=2019')).toEqual([]);
    expect((await call(s, 'GET', '/api/decisions?year=2018&committee=NEHS')).length).toBe(11);
    const q = await call(s, 'GET', `/api/decisions?q=${encodeURIComponent('E-HELSEPORTEFØLJE')}`);
    expect(q.map((r: any) => r.number)).toEqual(['52/18']);
    expect(await call(s, 'GET', '/api/decisions?asOf=2000-01-01T00:00:00Z')).toEqual([]);
    for (const bad of ['year=18', 'year=2018&year=2019', 'asOf=yesterday', 'minPosition=-1', 'minPosition=abc']) {
      const r = await s.req('GET', `/api/decisions?${bad}`);
      expect([bad, r.status]).toEqual([bad, 400]);
      expect(r.json.errors.length).toBeGreaterThan(0);
    }
  });

  it('?minPosition beyond the head: 503 problem JSON with the position reached, after the wait', async () => {
    const health = await call(s, 'GET', '/api/health');
    const beyond = health.store.headPosition + 1000;
    for (const path of [
      `/api/decisions?minPosition=${beyond}`,
      `/api/portfolio?minPosition=${beyond}`,
      `/api/followups?minPosition=${beyond}`,
      `/api/committees/NEHS/annual-cycle?minPosition=${beyond}`,
      `/api/meetings/${n.meeting8}/minutes?minPosition=${beyond}`,
    ]) {
      const t0 = Date.now();
      const r = await s.req('GET', path, { token: SEC });
      expect([path, r.status]).toEqual([path, 503]);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.json.position).toBe(health.store.headPosition);
    }
  });

  it('a write is visible at its position: ?minPosition waits for it', async () => {
    const w = await call(s, 'POST', '/api/portfolio/projects', { token: SEC, json: { id: 'kjernejournal', name: 'Kjernejournal', owner: 'NHN' } });
    const p = await call(s, 'GET', `/api/portfolio?minPosition=${w.position}`);
    expect(p.map((x: any) => x.id)).toContain('kjernejournal');
  });

  it('portfolio: projects with the decisions that named them; writes by a secretariat only (201), 404/403/400/409', async () => {
    const r = await call(s, 'POST', '/api/portfolio/projects/helsedata/reports', {
      token: SEC,
      json: { status: 'forsinket', risk: 'høy', note: 'To måneder forsinket.' },
    });
    expect(r).toMatchObject({ id: 'helsedata', revision: 1, position: expect.any(Number) });
    const all = await call(s, 'GET', `/api/portfolio?minPosition=${r.position}`);
    const hd = all.find((x: any) => x.id === 'helsedata');
    expect(hd).toEqual({
      id: 'helsedata',
      name: 'Helsedataprogrammet',
      owner: 'Direktoratet for e-helse',
      phase: 'gjennomføring',
      status: 'forsinket',
      risk: 'høy',
      decisions: [
        { committee: 'NEHS', number: '52/18', outcome: 'endorsement', date: '2018-12-06' },
        { committee: 'NEHS', number: '56/18', outcome: 'orientation', date: '2018-12-06' },
      ],
    });
    expect((await call(s, 'GET', '/api/portfolio?year=2019')).find((x: any) => x.id === 'helsedata').decisions).toEqual([]);
    const body = { id: 'x1', name: 'X', owner: 'Y' };
    expect((await s.req('POST', '/api/portfolio/projects', { json: body })).status).toBe(401);
    expect((await s.req('POST', '/api/portfolio/projects', { token: MEMBER, json: body })).status).toBe(403);
    expect((await s.req('POST', '/api/portfolio/projects', { token: ADMIN, json: body })).status).toBe(403);
    const bad = await s.req('POST', '/api/portfolio/projects', { token: SEC, json: { id: 'x1', name: '', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: any) => e.field).sort()).toEqual(['extra', 'name', 'owner']);
    expect((await s.req('POST', '/api/portfolio/projects', { token: SEC, json: { id: 'helsedata', name: 'a', owner: 'b' } })).status).toBe(409);
    expect((await s.req('POST', '/api/portfolio/projects/nope/reports', { token: SEC, json: { note: 'x' } })).status).toBe(404);
    expect((await s.req('POST', '/api/portfolio/projects/nope/reports', { token: MEMBER, json: { note: 'x' } })).status).toBe(404);
    expect((await s.req('POST', '/api/portfolio/projects/helsedata/reports', { token: MEMBER, json: { note: 'x' } })).status).toBe(403);
    expect((await s.req('POST', '/api/portfolio/projects/helsedata/reports', { token: SEC, json: { risk: 'lav' } })).status).toBe(400);
  });

  it('follow-ups: as the minutes they come from (draft: members only)', async () => {
    const mine = await call(s, 'GET', `/api/followups?minPosition=${n.position}`, { token: MEMBER });
    expect(mine).toEqual([
      { id: expect.any(String), text: 'Ny sak om forankring', committee: 'NEHS', caseId: n.agenda[4], meetingId: n.meeting8, open: true },
    ]);
    expect(await call(s, 'GET', '/api/followups')).toEqual([]);
    expect(await call(s, 'GET', '/api/followups', { token: OTHER })).toEqual([]);
    expect(await call(s, 'GET', '/api/followups?open=false', { token: MEMBER })).toEqual([]);
    expect((await s.req('GET', '/api/followups?open=yes')).status).toBe(400);
  });

  it('annual cycle: public, every meeting of the year with state and counts; 404 unknown committee', async () => {
    const cycle = await call(s, 'GET', `/api/committees/NEHS/annual-cycle?year=2018&minPosition=${n.position}`);
    expect(cycle).toEqual([
      expect.objectContaining({ meetingId: n.meeting8, number: '8/2018', date: '2018-12-06', state: 'held', minutes: 'draft', cases: 11, decided: 11 }),
    ]);
    expect(await call(s, 'GET', '/api/committees/NEHS/annual-cycle?year=2019')).toEqual([]);
    expect((await s.req('GET', '/api/committees/NOPE/annual-cycle?year=2018')).status).toBe(404);
  });

  it('after 2/19 approves them, the minutes are approved and public; the register says so', async () => {
    const a = await approveMinutesOf8(s, n.members);
    meeting1 = a.meeting1;
    const m = await call(s, 'GET', `/api/meetings/${n.meeting8}/minutes?minPosition=${a.position}`);
    expect(m.status).toBe('approved');
    expect(m.approvedBy).toEqual({ caseId: expect.any(String), meetingId: meeting1 });
    const rows = await call(s, 'GET', `/api/decisions?minPosition=${a.position}`);
    expect(rows[0]).toMatchObject({ meetingNumber: '1/2019', number: '2/19', minutesApproved: false });
    expect(rows.filter((r: any) => r.meetingId === n.meeting8).every((r: any) => r.minutesApproved)).toBe(true);
    // follow-ups of approved minutes are public now
    expect((await call(s, 'GET', '/api/followups?open=true')).map((f: any) => f.text)).toEqual(['Ny sak om forankring']);
    const cycle = await call(s, 'GET', '/api/committees/NEHS/annual-cycle');
    expect(cycle.map((c: any) => [c.number, c.minutes])).toEqual([
      ['8/2018', 'approved'],
      ['1/2019', 'draft'],
    ]);
  });

  it('the OpenAPI document lists the views, documents and live feeds', async () => {
    const doc = await call(s, 'GET', '/api/docs-json');
    for (const path of [
      '/api/decisions',
      '/api/portfolio',
      '/api/portfolio/projects',
      '/api/portfolio/projects/{id}/reports',
      '/api/committees/{code}/annual-cycle',
      '/api/followups',
      '/api/meetings/{id}/minutes',
      '/api/meetings/{id}/notice',
      '/api/live/decisions',
      '/api/live/portfolio',
      '/api/live/meetings/{id}',
    ])
      expect([path, Object.keys(doc.paths).includes(path)]).toEqual([path, true]);
    expect(Object.keys(doc.paths['/api/meetings/{id}/notice'])).toEqual(expect.arrayContaining(['get', 'post']));
  });
});
