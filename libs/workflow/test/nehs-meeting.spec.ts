/**
 * NEHS Møte 8/2018 (6 Dec 2018) and 1/2019 (15 Feb 2019) driven through the application service
 * against a real SQLite store on a temp file. Titles, types and vedtak texts from the records
 * (fixtures/records/nehs-2018-2019.json, after ../shared/seeds/002_*.txt, Vedlegg 1: Referat fra
 * møtet 6.desember 2018).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import {
  DomainRuleViolation,
  InvalidCommand,
  NotFound,
  StaleRevision,
  ValidationFailed,
  may,
  type CaseType,
} from '../src/index.js';
import { loadRecordFile, type StandardItem } from '@saksflyt/records';
import { admin, ctx, harness, refusedWithoutWrite, secNEHS, secNUIT, type Harness } from './helpers.js';

const RECORD_8_2018 = loadRecordFile(path.join(process.cwd(), 'fixtures', 'records', 'nehs-2018-2019.json')).meetings!.find((m) => m.key === 'NEHS 8/2018')!;
const recordVedtak = (item: StandardItem): string => RECORD_8_2018.cases.find((c) => c.standardItem === item)!.resolution!;
/** The 9 cases between the standard items, 48/18–56/18 (48/18 an ordinary approval case: 8/2018 is
 * the committee's first meeting here, so the engine adds no approval of previous minutes). */
const CASES_8_2018: { title: string; type: CaseType; outcome: 'endorse' | 'note'; vedtak: string }[] = RECORD_8_2018.cases
  .filter((c) => c.standardItem !== 'notice-approval' && c.standardItem !== 'any-other-business')
  .map((c) => ({ title: c.title, type: c.type, outcome: c.outcome === 'endorsement' ? 'endorse' : 'note', vedtak: c.resolution! }));

describe('NEHS Møte 8/2018 and 1/2019 through the application service (SQLite)', () => {
  let h: Harness;
  const s = { meeting8: '', meeting1: '', members: [] as string[], cases8: [] as string[], byNumber: new Map<string, string>() };
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('sets up the committee, members and the numbering continuation (admin only, forward only)', async () => {
    const { wf, store } = h;
    // who may: the policy the api's guard asks (the facade checks no roles); shapes: the DTOs (apps/api dto-shapes.spec.ts)
    expect([may(secNEHS, 'committee.create'), may(admin, 'committee.create')]).toEqual([false, true]);
    const created = await wf.createCommittee({ code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, ctx(admin));
    expect(created).toMatchObject({ id: 'NEHS', revision: 0n });
    await refusedWithoutWrite(store, () => wf.createCommittee({ code: 'NEHS', name: 'x' }, ctx(admin)), DomainRuleViolation);
    for (const [name, organisation, role] of [
      ['Bjørn Guldvog', 'Helsedirektoratet', 'chair'],
      ['Steffen Sutorius', 'DIFI', 'member'],
      ['Anne-Lise Ryel', 'Kreftforeningen', 'member'],
      ['Håkon Grimstad', 'Norsk Helsenett SF', 'observer'],
    ] as const)
      s.members.push((await wf.addMember('NEHS', { name, organisation, role }, ctx(admin))).id);
    await refusedWithoutWrite(store, () => wf.addMember('NOPE', { name: 'x', organisation: 'y', role: 'member' }, ctx(admin)), NotFound);
    const left = await wf.removeMember('NEHS', s.members[2]!, ctx(admin));
    expect(left.state).toBe('left');
    await refusedWithoutWrite(store, () => wf.removeMember('NEHS', s.members[2]!, ctx(admin)), DomainRuleViolation);
    const committee = await wf.getCommittee('NEHS');
    expect(committee.members.map((m) => m.name)).toEqual(['Bjørn Guldvog', 'Steffen Sutorius', 'Håkon Grimstad']);
    expect(committee.formerMembers.map((m) => m.name)).toEqual(['Anne-Lise Ryel']);

    await wf.continueNumbering('NEHS', 2018, { nextMeetingNumber: 8, nextCaseNumber: 47 }, ctx(admin));
    const backwards = await refusedWithoutWrite(
      store,
      () => wf.continueNumbering('NEHS', 2018, { nextMeetingNumber: 7, nextCaseNumber: 47 }, ctx(admin)),
      DomainRuleViolation,
    );
    expect(backwards.status).toBe(409);
    expect([may(secNEHS, 'numbering.set', 'NEHS'), may(admin, 'numbering.set', 'NEHS')]).toEqual([false, true]);
    expect(await wf.getNumbering('NEHS', 2018)).toMatchObject({ nextMeetingNumber: 8, nextCaseNumber: 47, revision: 0n });
    expect(await wf.getNumbering('NEHS', 2019)).toMatchObject({ nextMeetingNumber: 1, nextCaseNumber: 1, revision: -1n });
  });

  it('plans Møte 8/2018 with its standard items and schedules cases 48–56 in order', async () => {
    const { wf, store } = h;
    expect([may(secNUIT, 'meeting.plan', 'NEHS'), may(secNEHS, 'meeting.plan', 'NEHS')]).toEqual([false, true]);
    const planned = await wf.planMeeting(
      'NEHS',
      { date: '2018-12-06', startTime: '10:00', endTime: '15:00', place: 'Radisson Blu Gardermoen' },
      ctx(secNEHS),
    );
    expect(planned).toMatchObject({ committee: 'NEHS', number: '8/2018', state: 'planned' });
    s.meeting8 = planned.id;
    const m0 = await wf.getMeeting(s.meeting8);
    // the committee's first meeting in Saksflyt: no previous minutes to approve
    expect(m0.agenda.map((a) => [a.title, a.type, a.state])).toEqual([
      ['Godkjenning av innkalling og dagsorden', 'approval', 'scheduled'],
      ['Eventuelt', 'orientation', 'scheduled'],
    ]);
    expect(planned.position).toBe(await store.headPosition());

    for (const c of CASES_8_2018) {
      const created = await wf.createCase(
        { committee: 'NEHS', title: c.title, type: c.type, proposedResolution: c.vedtak, caseOfficer: 'Sonja T. Brugman' },
        ctx(secNEHS),
      );
      expect(created).toMatchObject({ state: 'draft', revision: 0n });
      const sch = await wf.caseCommand(created.id, 'schedule', { meetingId: s.meeting8 }, ctx(secNEHS, { ifMatch: 0n }));
      expect(sch).toMatchObject({ state: 'scheduled', revision: 1n });
      s.cases8.push(created.id);
    }
    const m = await wf.getMeeting(s.meeting8);
    expect(m.agenda.map((a) => a.title)).toEqual([
      'Godkjenning av innkalling og dagsorden',
      ...CASES_8_2018.map((c) => c.title),
      'Eventuelt',
    ]);
    expect(m.agenda.every((a) => a.number === null)).toBe(true);
    expect(m.public).toBe(false);
    expect(await wf.getCase(s.cases8[0]!)).toMatchObject({ public: false, meetingState: 'planned' });
  });

  it('refuses wrong-state commands, bad bodies and stale revisions, writing nothing', async () => {
    const { wf, store } = h;
    const c = s.cases8[3]!;
    const e1 = await refusedWithoutWrite(store, () => wf.caseCommand(c, 'present', { presenter: 'Karl Vestli' }, ctx(secNEHS)), InvalidCommand);
    expect(e1.allowedCommands).toEqual(['unschedule', 'postpone', 'withdraw', 'edit']);
    await refusedWithoutWrite(store, () => wf.caseCommand(c, 'endorse', { resolution: 'x' }, ctx(secNEHS)), InvalidCommand);
    // another committee's secretariat: the guard's may() refuses, and its allowedCommands are none
    expect([may(secNUIT, 'case.advance', 'NEHS'), may(secNEHS, 'case.advance', 'NEHS')]).toEqual([false, true]);
    expect((await wf.getCase(c, { actor: secNUIT })).allowedCommands).toEqual([]);
    expect((await wf.getCase(c, { actor: secNEHS })).allowedCommands).toEqual(['unschedule', 'postpone', 'withdraw', 'edit']);
    await refusedWithoutWrite(store, () => wf.caseCommand('no-such-case', 'present', { presenter: 'x' }, ctx(secNEHS)), NotFound);
    const bad = await refusedWithoutWrite(store, () => wf.caseCommand(c, 'schedule', { meetingId: 'nope' } as never, ctx(secNEHS)), ValidationFailed);
    expect(bad.errors).toEqual([{ field: 'meetingId', message: 'unknown meeting nope' }]);
    const stale = await refusedWithoutWrite(store, () => wf.caseCommand(c, 'withdraw', { reason: 'x' }, ctx(secNEHS, { ifMatch: 0n })), StaleRevision);
    expect([stale.expected, stale.actual]).toEqual([0n, 1n]);
    await refusedWithoutWrite(store, () => wf.openMeeting(s.meeting8, { present: s.members }, ctx(secNEHS)), ValidationFailed); // one left
    await refusedWithoutWrite(store, () => wf.openMeeting(s.meeting8, { present: [s.members[0]!] }, ctx(secNEHS)), InvalidCommand); // not noticed
    // the paper can be edited before notice
    const edited = await wf.editCase(c, { background: 'Strategisk plan for e-helse 2019-2022.' }, ctx(secNEHS, { ifMatch: 1n }));
    expect(edited.revision).toBe(2n);
  });

  it('notices: freezes the agenda and numbers 47/18–57/18 in agenda order', async () => {
    const { wf, store } = h;
    const r = await wf.noticeMeeting(s.meeting8, ctx(secNEHS));
    expect(r.state).toBe('noticed');
    expect(r.position).toBe(await store.headPosition());
    const m = await wf.getMeeting(s.meeting8);
    expect(m.agenda.map((a) => a.number)).toEqual(['47/18', '48/18', '49/18', '50/18', '51/18', '52/18', '53/18', '54/18', '55/18', '56/18', '57/18']);
    for (const a of m.agenda) s.byNumber.set(a.number!, a.caseId);
    expect(m.public).toBe(true);
    expect(await wf.getCase(s.cases8[0]!)).toMatchObject({ public: true, meetingState: 'noticed' });
    expect((await wf.getCase(s.byNumber.get('52/18')!)).title).toBe(CASES_8_2018[4]!.title);

    // agenda frozen: a new case cannot be scheduled; 409 names the meeting and leaves out `schedule`
    const late = await wf.createCase({ committee: 'NEHS', title: 'Sen sak', type: 'orientation', proposedResolution: 'x' }, ctx(secNEHS));
    const frozen = await refusedWithoutWrite(store, () => wf.caseCommand(late.id, 'schedule', { meetingId: s.meeting8 }, ctx(secNEHS)), InvalidCommand);
    expect(frozen.message).toContain('8/2018');
    expect(frozen.blocking.meetingId).toBe(s.meeting8);
    expect(frozen.allowedCommands).toEqual(['withdraw', 'edit', 'written-procedure']);
    await refusedWithoutWrite(store, () => wf.caseCommand(s.byNumber.get('53/18')!, 'unschedule', { reason: 'x' }, ctx(secNEHS)), InvalidCommand);
    await refusedWithoutWrite(store, () => wf.editCase(s.byNumber.get('53/18')!, { title: 'x' }, ctx(secNEHS)), InvalidCommand);
    await refusedWithoutWrite(store, () => wf.noticeMeeting(s.meeting8, ctx(secNEHS)), InvalidCommand);

    // every CaseNumbered is caused by the MeetingNoticed
    const noticed = (await wf.meetingHistory(s.meeting8)).find((e) => e.type === 'MeetingNoticed')!;
    const numbered = (await wf.caseHistory(s.byNumber.get('50/18')!)).find((e) => e.type === 'CaseNumbered')!;
    expect(numbered.causationId).toBe(noticed.id);
    expect(numbered.correlationId).toBe(noticed.correlationId);
    expect(numbered.actor).toBe('Anita Lindholt');
    expect(typeof numbered.hash).toBe('string');
  });

  it('holds the meeting: adjourn refused while cases are open, then every case decided', async () => {
    const { wf, store } = h;
    await wf.openMeeting(s.meeting8, { present: [s.members[0]!, s.members[1]!], absent: [], guests: ['Karl Vestli'] }, ctx(secNEHS));
    const early = await refusedWithoutWrite(store, () => wf.adjournMeeting(s.meeting8, ctx(secNEHS)), InvalidCommand);
    expect(early.blocking.caseIds).toHaveLength(11);
    expect(early.message).toContain('47/18');

    const decide = async (num: string, outcome: 'endorse' | 'note', vedtak: string) => {
      const id = s.byNumber.get(num)!;
      await wf.caseCommand(id, 'present', { presenter: 'Karl Vestli' }, ctx(secNEHS));
      if (num === '51/18') await wf.caseCommand(id, 'record-discussion', { summary: 'Innspill fra møtet', points: ['a', 'b'], followUps: ['Ny sak neste møte'] }, ctx(secNEHS));
      if (outcome === 'endorse') return wf.caseCommand(id, 'endorse', { resolution: vedtak }, ctx(secNEHS));
      return wf.caseCommand(id, 'note', { resolution: vedtak }, ctx(secNEHS));
    };
    await decide('47/18', 'endorse', recordVedtak('notice-approval'));
    CASES_8_2018.forEach((c, i) => expect(s.byNumber.get(`${48 + i}/18`)).toBe(s.cases8[i]));
    for (const [i, c] of CASES_8_2018.entries()) {
      const r = await decide(`${48 + i}/18`, c.outcome, c.vedtak);
      expect(r.state).toBe(c.outcome === 'endorse' ? 'endorsement' : 'orientation');
    }
    // a stale If-Match on a decided case
    await refusedWithoutWrite(
      store,
      () => wf.caseCommand(s.byNumber.get('57/18')!, 'present', { presenter: 'x' }, ctx(secNEHS, { ifMatch: 0n })),
      StaleRevision,
    );
    await decide('57/18', 'note', recordVedtak('any-other-business'));
    const held = await wf.adjournMeeting(s.meeting8, ctx(secNEHS));
    expect(held.state).toBe('held');
    const m = await wf.getMeeting(s.meeting8);
    expect(m.state).toBe('held');
    expect(m.minutes).toBe('draft');
    const c51 = await wf.getCase(s.byNumber.get('51/18')!, { actor: secNEHS });
    expect(c51).toMatchObject({ state: 'endorsement', number: '51/18', recorded: false, allowedCommands: ['refer', 'amend'] }); // amend: the minutes are a draft
    expect(c51.resolution).toBe(CASES_8_2018[3]!.vedtak);
    expect(c51.discussion[0]!.followUps[0]!.text).toBe('Ny sak neste møte');
  });

  it('Møte 1/2019: 2/19 approves the minutes of 06.12.2018, and 8/2018 becomes approved', async () => {
    const { wf, store } = h;
    const planned = await wf.planMeeting('NEHS', { date: '2019-02-15', startTime: '10:00', endTime: '12:00', place: 'Radisson Blu Gardermoen' }, ctx(secNEHS));
    expect(planned.number).toBe('1/2019');
    s.meeting1 = planned.id;
    const c3 = await wf.createCase(
      {
        committee: 'NEHS',
        title: 'Prosjekt Én innbygger – én journal: Helhetlig samhandling og felles journal for kommunal helse- og omsorgstjeneste. Presentasjon av ekstern kvalitetssikring (KS1)',
        type: 'orientation',
        proposedResolution: 'Nasjonalt e-helsestyre tar saken til orientering.',
      },
      ctx(secNEHS),
    );
    const c4 = await wf.createCase(
      { committee: 'NEHS', title: 'Ny e-helseorganisering', type: 'orientation', proposedResolution: 'Nasjonalt e-helsestyre tar saken til orientering.' },
      ctx(secNEHS),
    );
    await wf.caseCommand(c3.id, 'schedule', { meetingId: s.meeting1 }, ctx(secNEHS));
    await wf.caseCommand(c4.id, 'schedule', { meetingId: s.meeting1 }, ctx(secNEHS));
    await wf.noticeMeeting(s.meeting1, ctx(secNEHS));
    const m = await wf.getMeeting(s.meeting1);
    expect(m.previousMeetingId).toBe(s.meeting8);
    expect(m.agenda.map((a) => `${a.number} ${a.title}`)).toEqual([
      '1/19 Godkjenning av innkalling og dagsorden',
      '2/19 Godkjenning av referat fra møtet 06.12.2018',
      `3/19 ${(await wf.getCase(c3.id)).title}`,
      '4/19 Ny e-helseorganisering',
      '5/19 Eventuelt',
    ]);
    await wf.openMeeting(s.meeting1, { present: [s.members[0]!] }, ctx(secNEHS));
    const approval = m.agenda[1]!.caseId;
    await wf.caseCommand(approval, 'present', { presenter: 'Bjørn Guldvog' }, ctx(secNEHS));
    const endorsed = await wf.caseCommand(approval, 'endorse', { resolution: 'Nasjonalt e-helsestyre godkjenner referat fra møtet 6.desember 2018.' }, ctx(secNEHS));
    expect(endorsed.position).toBe(await store.headPosition());
    const m8 = await wf.getMeeting(s.meeting8);
    expect(m8.minutes).toBe('approved');
    expect(m8.minutesApprovedBy).toEqual({ byCaseId: approval, byMeetingId: s.meeting1 });
    expect((await wf.getCase(s.byNumber.get('52/18')!)).recorded).toBe(true);
    expect((await wf.getCase(approval)).recorded).toBe(false);
    // MinutesApproved is caused by the endorsement
    const endorsement = (await wf.caseHistory(approval)).find((e) => e.type === 'ResolutionEndorsed')!;
    const approvedEv = (await wf.meetingHistory(s.meeting8)).find((e) => e.type === 'MinutesApproved')!;
    expect(approvedEv.causationId).toBe(endorsement.id);
    expect(approvedEv.position).toBeLessThanOrEqual(endorsed.position);
  });

  it('answers the case as it stood at a position', async () => {
    const { wf } = h;
    const id = s.byNumber.get('52/18')!;
    const hist = await wf.caseHistory(id);
    const scheduled = hist.find((e) => e.type === 'CaseScheduled')!;
    const then = await wf.getCaseAt(id, { atPosition: scheduled.position }, { actor: secNEHS });
    expect(then).toMatchObject({ state: 'scheduled', number: null, revision: 1n, allowedCommands: ['unschedule', 'postpone', 'withdraw', 'edit'] });
    await expect(wf.getCaseAt(id, { atPosition: hist[0]!.position - 1n })).rejects.toBeInstanceOf(NotFound);
    const now = await wf.getCaseAt(id, { asOf: new Date(Date.now() + 60_000).toISOString() });
    expect(now.state).toBe('endorsement');
  });
});
