import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  allProjections,
  decisionsProjection,
  portfolioYears,
  ProjectionRunner,
  type AnnualCycleMeeting,
  type DecisionRow,
  type FeedMessage,
  type FollowUp,
  type Minutes,
  type PortfolioProject,
} from '@saksflyt/projections';
import { nehs, VEDTAK, CASES_8_2018, type Nehs } from './nehs.js';
import { ev, tempStore, until, type TempStore } from './helpers.js';

describe('views over the NEHS meetings 7/2018, 8/2018 and 1/2019 (real SQLite store)', () => {
  let t: TempStore;
  let runner: ProjectionRunner;
  let s: Nehs;
  beforeAll(() => {
    s = nehs();
  });
  afterEach(async () => {
    await runner?.stop();
    await t.cleanup();
  });

  async function upTo(count: number): Promise<bigint> {
    t = await tempStore();
    const head = await s.world.appendTo(t.store);
    void count;
    runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: allProjections });
    await runner.whenCaughtUp();
    return head;
  }

  it('minutes of 8/2018: header, attendance, every case in agenda order with its vedtak; approved by 2/19', async () => {
    await upTo(s.world.events.length);
    expect(runner.status().every((p) => p.status === 'running')).toBe(true);
    const m = runner.query<Minutes>('minutes', { meetingId: s.m8 }).view;
    expect(m).toMatchObject({
      committee: 'NEHS',
      committeeName: 'Nasjonalt e-helsestyre',
      number: '8/2018',
      date: '2018-12-06',
      startTime: '10:00',
      endTime: '15:00',
      place: 'Radisson Blu Gardermoen',
      state: 'held',
      status: 'approved',
    });
    expect(m.members.map((x) => x.name)).toEqual(['Christine Bergland', 'Thomas Bagley', 'Camilla Stoltenberg']);
    expect(m.observers.map((x) => x.organisation)).toEqual(['Norsk Helsenett SF']);
    expect(m.attendance?.present.map((x) => x.name)).toEqual(['Christine Bergland', 'Thomas Bagley', 'Tor Arne Viksjø']);
    expect(m.attendance?.absent.map((x) => x.name)).toEqual(['Camilla Stoltenberg']);
    expect(m.attendance?.guests).toEqual(['Sonja T. Brugman']);
    expect(m.cases.map((c) => c.number)).toEqual(Array.from({ length: 11 }, (_, i) => `${47 + i}/18`));
    expect(m.cases.map((c) => c.title)).toEqual([
      'Godkjenning av innkalling og dagsorden',
      'Godkjenning av referat fra møtet 12.09.2018',
      ...CASES_8_2018.map(([, title]) => title),
      'Eventuelt',
    ]);
    for (const [number, text] of Object.entries(VEDTAK)) expect(m.cases.find((c) => c.number === number)?.resolution).toBe(text);
    const c49 = m.cases.find((c) => c.number === '49/18')!;
    expect(c49).toMatchObject({
      presenter: 'Sonja Turøy Brugman, Direktoratet for e-helse',
      summary: 'Informert om endring i mandatet.',
      points: ['DIFI er medlem og kommer ikke frem i mandatet.'],
      followUps: [{ id: s.followUp, text: 'Direktoratet for e-helse vil oppdatere mandatet.' }],
      outcome: 'orientation',
    });
    expect(m.cases.find((c) => c.number === '50/18')?.input).toEqual(['Dokumentene er i utvikling.']);
    expect(m.approvedBy).toEqual({ caseId: expect.any(String), meetingId: s.m1 });
    // 1/2019's minutes are still a draft
    expect(runner.query<Minutes>('minutes', { meetingId: s.m1 }).view.status).toBe('draft');
    expect(runner.query('minutes', { meetingId: 'nope' }).view).toBeNull();
  });

  it('decisions register: one row per decided case, newest meeting first, filters and asOf', async () => {
    await upTo(s.world.events.length);
    const all = runner.query<DecisionRow[]>('decisions', {}).view;
    // 7/2018: 3 cases, 8/2018: 11, 1/2019: 4
    expect(all).toHaveLength(18);
    expect(all.map((r) => r.meetingNumber)).toEqual([...Array(4).fill('1/2019'), ...Array(11).fill('8/2018'), ...Array(3).fill('7/2018')]);
    expect(all.filter((r) => r.meetingNumber === '8/2018').map((r) => r.number)).toEqual(Array.from({ length: 11 }, (_, i) => `${47 + i}/18`));
    const r52 = all.find((r) => r.number === '52/18')!;
    expect(r52).toEqual({
      caseId: s.byNumber.get('52/18'),
      committee: 'NEHS',
      number: '52/18',
      title: 'Nasjonal e-helseportefølje 2019',
      type: 'endorsement',
      outcome: 'endorsement',
      resolution: VEDTAK['52/18'],
      meetingId: s.m8,
      meetingNumber: '8/2018',
      date: '2018-12-06',
      decidedOn: '2018-12-06',
      minutesApproved: true,
    });
    expect(all.filter((r) => r.meetingNumber === '1/2019').every((r) => !r.minutesApproved)).toBe(true);

    expect(runner.query<DecisionRow[]>('decisions', { year: 2019 }).view).toHaveLength(4);
    expect(runner.query<DecisionRow[]>('decisions', { committee: 'NUIT' }).view).toEqual([]);
    expect(runner.query<DecisionRow[]>('decisions', { q: 'E-HELSEPORTEFØLJE' }).view.map((r) => r.number)).toEqual(['52/18']);
    expect(runner.query<DecisionRow[]>('decisions', { q: 'forbehold om at innspillene' }).view.map((r) => r.number)).toEqual(['51/18']);

    // asOf: just before 1/2019 was planned, 8/2018's rows exist and its minutes were not yet approved
    const at = s.world.events[s.before2019].event.metadata.at;
    const then = runner.query<DecisionRow[]>('decisions', { asOf: at }).view;
    expect(then).toHaveLength(14);
    expect(then.filter((r) => r.meetingNumber === '8/2018').map((r) => r.minutesApproved)).toEqual(Array(11).fill(false));
    expect(then.filter((r) => r.meetingNumber === '7/2018').map((r) => r.minutesApproved)).toEqual(Array(3).fill(true));
    // before the first decision of 8/2018: only 7/2018
    const first8 = s.world.events.find((e) => e.event.type === 'ResolutionEndorsed' && e.stream === `case-${s.byNumber.get('47/18')}`)!;
    const before8 = new Date(Date.parse(first8.event.metadata.at) - 1).toISOString();
    expect(runner.query<DecisionRow[]>('decisions', { asOf: before8 }).view.map((r) => r.meetingNumber)).toEqual(Array(3).fill('7/2018'));
    expect(() => decisionsProjection.query(runner.reader('decisions'), { asOf: 'not a time' })).toThrow(RangeError);
  });

  it('decisions register: historical decisions are rows of their year, after its meetings, saying only what the record says', async () => {
    await upTo(s.world.events.length);
    const recordedAt = '2019-01-25T09:00:00+01:00';
    const src = { citedBy: ['NEHS 4/19'], seeds: [{ seed: '002_bd50ffa0f5a44d00.txt', lines: [721, 761] }] };
    const hist = (number: string, year: number, title: string, wording: string, extra: Record<string, unknown> = {}) =>
      t.store.append(`history-NEHS-${number.replace('/', '-')}`, [ev('HistoricalDecisionRecorded', { committee: 'NEHS', number, year, title, wording, source: src, ...extra }, recordedAt)], {
        expectedRevision: 'no_stream',
      });
    const w3917 = 'Nasjonalt e-helsestyre tilslutter seg anbefalingene i rapporten om IKT-organisering i helse- og omsorgssektoren med endringer som kom frem i møtet.';
    await hist('39/17', 2017, 'Tilleggsoppdrag: IKT-organisering i helse- og omsorgssektoren', w3917, { outcome: 'endorsement', matterId: 'ny-e-helseorganisering' });
    await hist('16/18', 2018, 'Etablering av ny tjenesteleverandør', 'Nasjonalt e-helsestyre tar saken til orientering med følgende innspill:', { outcome: 'orientation' });
    await hist('29/18', 2018, 'Etablering av ny tjenesteleverandør', 'Nasjonalt e-helsestyre er orientert om rapport "Etablering av ny nasjonal tjenesteleverandør".');
    // a record that gives a date and approved minutes (the projection keeps them; the NEHS records give neither)
    const dated = await hist('21/18', 2018, 'Etablering av ny tjenesteleverandør', 'Nasjonalt e-helsestyre tilslutter seg anbefalingene om stegvis implementering.', {
      outcome: 'endorsement',
      date: '2018-04-20',
      minutesApproved: true,
    });
    // a second event on a history stream does not change the row (a stream records one decision)
    const head = (
      await t.store.append('history-NEHS-29-18', [ev('HistoricalDecisionRecorded', { committee: 'NEHS', number: '29/18', year: 2018, title: 'x', wording: 'y', source: {} })], {
        expectedRevision: 0n,
      })
    ).position;
    expect(dated.position).toBeLessThan(head);
    expect((await runner.waitFor(head, 5000)).reached).toBe(true);

    const all = runner.query<DecisionRow[]>('decisions', {}).view;
    expect(all).toHaveLength(22);
    expect(all.map((r) => (r.history ? `history ${r.number}` : r.meetingNumber))).toEqual([
      ...Array(4).fill('1/2019'),
      ...Array(11).fill('8/2018'),
      ...Array(3).fill('7/2018'),
      'history 21/18',
      'history 29/18',
      'history 16/18',
      'history 39/17',
    ]);
    expect(all.find((r) => r.number === '29/18')).toEqual({
      caseId: null,
      committee: 'NEHS',
      number: '29/18',
      title: 'Etablering av ny tjenesteleverandør',
      type: null,
      outcome: null,
      resolution: 'Nasjonalt e-helsestyre er orientert om rapport "Etablering av ny nasjonal tjenesteleverandør".',
      meetingId: null,
      meetingNumber: null,
      date: null,
      decidedOn: null,
      minutesApproved: false,
      history: true,
      historyId: 'history-NEHS-29-18',
    });
    expect(all.find((r) => r.number === '39/17')).toMatchObject({ outcome: 'endorsement', resolution: w3917, date: null, minutesApproved: false, matterId: 'ny-e-helseorganisering' });
    expect(all.find((r) => r.number === '21/18')).toMatchObject({ outcome: 'endorsement', date: '2018-04-20', decidedOn: '2018-04-20', minutesApproved: true, meetingId: null });
    expect(all.filter((r) => !r.history).every((r) => r.history === undefined && typeof r.caseId === 'string')).toBe(true);

    // filters: year is the year of the number; committee; free text over the wording
    expect(runner.query<DecisionRow[]>('decisions', { year: 2017 }).view.map((r) => r.number)).toEqual(['39/17']);
    const y2018 = runner.query<DecisionRow[]>('decisions', { year: 2018 }).view;
    expect(y2018).toHaveLength(14 + 3);
    expect(y2018.slice(-3).map((r) => r.number)).toEqual(['21/18', '29/18', '16/18']);
    expect(runner.query<DecisionRow[]>('decisions', { year: 2019 }).view).toHaveLength(4);
    expect(runner.query<DecisionRow[]>('decisions', { committee: 'NUIT' }).view).toEqual([]);
    expect(runner.query<DecisionRow[]>('decisions', { q: 'stegvis IMPLEMENTERING' }).view.map((r) => r.number)).toEqual(['21/18']);
    // asOf: they count from when they were recorded
    const before = new Date(Date.parse(recordedAt) - 1).toISOString();
    expect(runner.query<DecisionRow[]>('decisions', { asOf: before }).view.some((r) => r.history)).toBe(false);
    expect(runner.query<DecisionRow[]>('decisions', { asOf: recordedAt }).view.filter((r) => r.history)).toHaveLength(4);

    // the same rows after a rebuild from position 0 (a fresh runner on a fresh view file)
    const rebuilt = await tempStore();
    try {
      const copy: { stream: string; events: ReturnType<typeof ev>[] }[] = [];
      for await (const e of t.store.readAll({})) copy.push({ stream: e.stream, events: [{ type: e.type, data: e.data, metadata: e.metadata } as ReturnType<typeof ev>] });
      for (const c of copy) await rebuilt.store.append(c.stream, c.events, { expectedRevision: 'any' });
      const r2 = await ProjectionRunner.start({ store: rebuilt.store, file: rebuilt.file, projections: allProjections });
      await r2.whenCaughtUp();
      const again = r2.query<DecisionRow[]>('decisions', {}).view;
      await r2.stop();
      expect(again.filter((r) => r.history)).toEqual(all.filter((r) => r.history));
    } finally {
      await rebuilt.cleanup();
    }
  });

  it('portfolio: projects with reported risk and the decisions naming them; the 2019 portfolio endorsed', async () => {
    await upTo(s.world.events.length);
    const p = runner.query<PortfolioProject[]>('portfolio', {}).view;
    const decision = { committee: 'NEHS', number: '52/18', outcome: 'endorsement', date: '2018-12-06' };
    expect(p).toEqual([
      { id: '101', name: 'Robust Mobilt Helsenett', owner: 'Helse Nord RHF', phase: null, status: null, risk: null, decisions: [decision] },
      { id: '196', name: 'Oppruste og modernisere SYSVAK', owner: 'FHI', phase: 'gjennomføring', status: 'pågår', risk: 'høy', decisions: [decision] },
    ]);
    expect(runner.query<PortfolioProject[]>('portfolio', { year: 2019 }).view.map((x) => x.decisions)).toEqual([[], []]);
    expect(runner.query<PortfolioProject[]>('portfolio', { year: 2018 }).view.map((x) => x.decisions)).toEqual([[decision], [decision]]);
    expect(portfolioYears(runner.reader('portfolio'))).toEqual([
      { year: 2019, endorsed: true, committee: 'NEHS', number: '52/18', caseId: s.byNumber.get('52/18'), title: 'Nasjonal e-helseportefølje 2019', date: '2018-12-06' },
    ]);
  });

  it('annual cycle and follow-ups', async () => {
    await upTo(s.world.events.length);
    const y2018 = runner.query<AnnualCycleMeeting[]>('annual-cycle', { committee: 'NEHS', year: 2018 }).view;
    expect(y2018.map((m) => [m.number, m.date, m.state, m.minutes, m.cases, m.decided])).toEqual([
      ['7/2018', '2018-09-12', 'held', 'approved', 3, 3],
      ['8/2018', '2018-12-06', 'held', 'approved', 11, 11],
    ]);
    expect(runner.query<AnnualCycleMeeting[]>('annual-cycle', { committee: 'NEHS', year: 2019 }).view.map((m) => [m.number, m.minutes, m.cases])).toEqual([
      ['1/2019', 'draft', 4],
    ]);
    const fu = runner.query<FollowUp[]>('followups', {}).view;
    const mandate = Array.from(s.world.cases.values()).find((c) => c.title === 'Oppdatert mandat')!;
    expect(fu).toEqual([
      {
        id: s.followUp,
        text: 'Direktoratet for e-helse vil oppdatere mandatet.',
        committee: 'NEHS',
        caseId: s.byNumber.get('49/18'),
        meetingId: s.m8,
        open: false,
        metBy: mandate.id,
        owner: null,
        due: null,
        overdue: false,
      },
    ]);
    expect(runner.query<FollowUp[]>('followups', { open: true }).view).toEqual([]);
    expect(runner.query<FollowUp[]>('followups', { open: false, canReadDraft: () => false }).view).toHaveLength(1);
  });

  it('builds the same views live as in a catch-up, and the decisions feed carries the changed rows', async () => {
    t = await tempStore();
    runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: allProjections });
    await runner.whenCaughtUp();
    const got: FeedMessage[] = [];
    const sub = runner.feed('decisions').subscribe((m) => got.push(m));
    const head = await s.world.appendTo(t.store, 0, 16);
    expect((await runner.waitFor(head, 10_000)).reached).toBe(true);
    // waitFor resolves when applied; the feed emits at the next flush (within the flush interval)
    await until(() => got.some((m) => m.kind === 'change' && decisionsProjection.rows(m.changes).some((r) => r.number === '52/18' && r.minutesApproved)));
    await new Promise((r) => setTimeout(r, 30));
    sub.unsubscribe();
    expect(got[0]).toEqual({ kind: 'snapshot', position: 0n, view: [] });
    // the view's feed carries only its own collection's changes
    expect(got.slice(1).every((m) => m.kind === 'change' && m.changes.length > 0 && m.changes.every((c) => c.collection === 'decision'))).toBe(true);
    const rows = got.slice(1).flatMap((m) => (m.kind === 'change' ? decisionsProjection.rows(m.changes) : []));
    // every decided case once, plus the rows updated when minutes were approved
    expect(new Set(rows.map((r) => r.caseId)).size).toBe(18);
    expect(rows.find((r) => r.number === '52/18' && r.minutesApproved)).toBeDefined();
    const live = runner.query<DecisionRow[]>('decisions', {}).view;
    const liveMinutes = runner.query('minutes', { meetingId: s.m8 }).view;
    await runner.stop();
    // a second runner on another file rebuilds from 0 to the same views
    const again = await ProjectionRunner.start({ store: t.store, file: `${t.dir}/rebuild.db`, projections: allProjections });
    await again.whenCaughtUp();
    expect(again.query('decisions', {}).view).toEqual(live);
    expect(again.query('minutes', { meetingId: s.m8 }).view).toEqual(liveMinutes);
    runner = again;
  });
});
