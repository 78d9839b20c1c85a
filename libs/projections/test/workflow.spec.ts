/**
 * The views over events written by the real application service (libs/workflow), not by our World:
 * NEHS 8/2018 (shortened) and 1/2019 whose minutes-approval case approves 8/2018's minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Workflow, type Actor } from '@saksflyt/workflow';
import { allProjections, ProjectionRunner, type DecisionRow, type FollowUp, type Minutes, type AnnualCycleMeeting } from '@saksflyt/projections';
import { tempStore, type TempStore } from './helpers.js';

const admin: Actor = { name: 'Admin', roles: [{ role: 'admin' }] };
const sec: Actor = { name: 'Anita Lindholt', roles: [{ role: 'secretariat', committee: 'NEHS' }] };
const ctx = (actor: Actor) => ({ actor, correlationId: randomUUID() });

describe('views over events from the workflow application service', () => {
  let t: TempStore;
  let wf: Workflow;
  let runner: ProjectionRunner;
  const s = { m8: '', m1: '', head: 0n };

  beforeAll(async () => {
    t = await tempStore();
    wf = new Workflow(t.store);
    runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: allProjections });
    await wf.createCommittee({ code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, ctx(admin));
    const members: string[] = [];
    for (const [name, organisation, role] of [
      ['Bjørn Guldvog', 'Helsedirektoratet', 'chair'],
      ['Anne-Lise Ryel', 'Kreftforeningen', 'member'],
      ['Håkon Grimstad', 'Norsk Helsenett SF', 'observer'],
    ] as const)
      members.push((await wf.addMember('NEHS', { name, organisation, role }, ctx(admin))).id);
    await wf.continueNumbering('NEHS', 2018, { nextMeetingNumber: 8, nextCaseNumber: 47 }, ctx(admin));
    s.m8 = (await wf.planMeeting('NEHS', { date: '2018-12-06', startTime: '10:00', endTime: '15:00', place: 'Radisson Blu Gardermoen' }, ctx(sec))).id;
    const cases: string[] = [];
    for (const [title, type] of [
      ['Endring av mandat og medlemmer', 'orientation'],
      ['Nasjonal e-helseportefølje 2019', 'endorsement'],
    ] as const) {
      const c = await wf.createCase({ committee: 'NEHS', title, type, proposedResolution: `Forslag: ${title}`, projectIds: ['196'] }, ctx(sec));
      await wf.caseCommand(c.id, 'schedule', { meetingId: s.m8 }, ctx(sec));
      cases.push(c.id);
    }
    await wf.noticeMeeting(s.m8, ctx(sec));
    await wf.openMeeting(s.m8, { present: members.slice(0, 2), absent: [], guests: ['Sonja T. Brugman'] }, ctx(sec));
    const agenda8 = (await wf.getMeeting(s.m8)).agenda;
    for (const item of agenda8) {
      await wf.caseCommand(item.caseId, 'present', { presenter: 'Sonja Turøy Brugman' }, ctx(sec));
      if (item.caseId === cases[0])
        await wf.caseCommand(item.caseId, 'record-discussion', { summary: 'Mandatet endres.', points: ['DIFI mangler'], followUps: ['Direktoratet oppdaterer mandatet.'] }, ctx(sec));
      if (item.type === 'orientation') await wf.caseCommand(item.caseId, 'note', { resolution: 'Nasjonalt e-helsestyre tar saken til orientering.' }, ctx(sec));
      else await wf.caseCommand(item.caseId, 'endorse', { resolution: `Vedtak ${item.number}` }, ctx(sec));
    }
    await wf.adjournMeeting(s.m8, ctx(sec));
    await runner.waitFor(await t.store.headPosition(), 10_000);
    const followUpId = runner.query<FollowUp[]>('followups', {}).view[0]?.id;

    s.m1 = (await wf.planMeeting('NEHS', { date: '2019-02-15', startTime: '10:00', endTime: '12:00', place: 'Radisson Blu Gardermoen' }, ctx(sec))).id;
    const mandate = await wf.createCase({ committee: 'NEHS', title: 'Oppdatert mandat', type: 'orientation', proposedResolution: 'Til orientering.', meetsFollowUps: [followUpId!] }, ctx(sec));
    await wf.caseCommand(mandate.id, 'schedule', { meetingId: s.m1 }, ctx(sec));
    await wf.noticeMeeting(s.m1, ctx(sec));
    await wf.openMeeting(s.m1, { present: members.slice(0, 2) }, ctx(sec));
    for (const item of (await wf.getMeeting(s.m1)).agenda) {
      await wf.caseCommand(item.caseId, 'present', { presenter: 'Sekretariatet' }, ctx(sec));
      if (item.type === 'approval') await wf.caseCommand(item.caseId, 'endorse', { resolution: `Godkjent ${item.number}` }, ctx(sec));
      else await wf.caseCommand(item.caseId, 'note', { resolution: 'Tatt til orientering.' }, ctx(sec));
    }
    s.head = await t.store.headPosition();
    expect((await runner.waitFor(s.head, 10_000)).reached).toBe(true);
  });
  afterAll(async () => {
    await runner.stop();
    await t.cleanup();
  });

  it('builds every view without failing, at the head', () => {
    expect(runner.status().map((p) => [p.name, p.status, p.position])).toEqual([
      ['registers', 'running', s.head],
    ]);
  });

  it('minutes of 8/2018: numbers 47/18 on in agenda order, vedtak, attendance; approved by 1/2019', () => {
    const m = runner.query<Minutes>('minutes', { meetingId: s.m8 }).view;
    expect(m).toMatchObject({ number: '8/2018', date: '2018-12-06', state: 'held', status: 'approved', approvedBy: { meetingId: s.m1 } });
    expect(m.cases.map((c) => [c.number, c.title])).toEqual([
      ['47/18', 'Godkjenning av innkalling og dagsorden'],
      ['48/18', 'Endring av mandat og medlemmer'],
      ['49/18', 'Nasjonal e-helseportefølje 2019'],
      ['50/18', 'Eventuelt'],
    ]);
    expect(m.cases[2].resolution).toBe('Vedtak 49/18');
    expect(m.cases[1]).toMatchObject({ summary: 'Mandatet endres.', points: ['DIFI mangler'], followUps: [{ text: 'Direktoratet oppdaterer mandatet.' }] });
    expect(m.observers.map((x) => x.name)).toEqual(['Håkon Grimstad']);
    expect(m.attendance?.present.map((x) => x.name)).toEqual(['Bjørn Guldvog', 'Anne-Lise Ryel']);
    const m1 = runner.query<Minutes>('minutes', { meetingId: s.m1 }).view;
    expect(m1.cases.map((c) => c.title)).toEqual(['Godkjenning av innkalling og dagsorden', 'Godkjenning av referat fra møtet 06.12.2018', 'Oppdatert mandat', 'Eventuelt']);
    expect(m1.status).toBe('draft');
  });

  it('register, portfolio link, annual cycle and the met follow-up', () => {
    const rows = runner.query<DecisionRow[]>('decisions', {}).view;
    expect(rows.map((r) => [r.meetingNumber, r.number, r.outcome, r.minutesApproved])).toEqual([
      ['1/2019', '1/19', 'endorsement', false],
      ['1/2019', '2/19', 'endorsement', false],
      ['1/2019', '3/19', 'orientation', false],
      ['1/2019', '4/19', 'orientation', false],
      ['8/2018', '47/18', 'endorsement', true],
      ['8/2018', '48/18', 'orientation', true],
      ['8/2018', '49/18', 'endorsement', true],
      ['8/2018', '50/18', 'orientation', true],
    ]);
    // project 196 is not registered: the decisions wait for it, nothing is shown
    expect(runner.query('portfolio', {}).view).toEqual([]);
    const cycle = runner.query<AnnualCycleMeeting[]>('annual-cycle', { committee: 'NEHS', year: 2019 }).view;
    expect(cycle.map((m) => [m.number, m.state, m.cases, m.decided])).toEqual([['1/2019', 'in_session', 4, 4]]);
    const fu = runner.query<FollowUp[]>('followups', {}).view;
    expect(fu).toHaveLength(1);
    expect(fu[0]).toMatchObject({ text: 'Direktoratet oppdaterer mandatet.', committee: 'NEHS', meetingId: s.m8, open: false });
    expect(fu[0].metBy).toBeDefined();
  });
});
