/**
 * Concurrency, postponement and referral against a real SQLite store.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InvalidCommand, StaleRevision, Workflow, WorkflowError } from '../src/index.js';
import { admin, ctx, harness, refusedWithoutWrite, secNEHS, secNUFA, secNUIT, type Harness } from './helpers.js';

async function setup(h: Harness, code = 'NEHS'): Promise<void> {
  await h.wf.createCommittee({ code, name: `Utvalg ${code}` }, ctx(admin));
}

async function meetingWithCases(wf: Workflow, date: string, n: number, actor = secNEHS, code = 'NEHS') {
  const m = await wf.planMeeting(code, { date, place: 'Oslo' }, ctx(actor));
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = await wf.createCase({ committee: code, title: `Sak ${date} ${i}`, type: 'orientation', proposedResolution: 'Tas til orientering.' }, ctx(actor));
    await wf.caseCommand(c.id, 'schedule', { meetingId: m.id }, ctx(actor));
    ids.push(c.id);
  }
  return { meetingId: m.id, caseIds: ids };
}

describe('concurrency', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await setup(h);
  });
  afterEach(async () => {
    await h.close();
  });

  it('50 parallel conflicting commands to one case: exactly one succeeds, the stream has no gap', async () => {
    const { wf, store } = h;
    const { caseIds } = await meetingWithCases(wf, '2018-03-01', 1);
    const id = caseIds[0]!;
    const commands = Array.from({ length: 50 }, (_, i) =>
      i % 3 === 0
        ? wf.caseCommand(id, 'withdraw', { reason: `r${i}` }, ctx(secNEHS, { ifMatch: 1n }))
        : i % 3 === 1
          ? wf.caseCommand(id, 'unschedule', { reason: `r${i}` }, ctx(secNEHS))
          : wf.caseCommand(id, 'postpone', { reason: `r${i}` }, ctx(secNEHS, { ifMatch: 1n })),
    );
    const results = await Promise.allSettled(commands);
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(WorkflowError);
        expect([409, 412]).toContain((r.reason as WorkflowError).status);
        expect(r.reason instanceof InvalidCommand || r.reason instanceof StaleRevision).toBe(true);
      }
    const history = await wf.caseHistory(id);
    expect(history.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
  });

  it('two meetings noticed at once, by two service instances on one store, never share a case number', async () => {
    const { store } = h;
    // two Workflow instances = two "processes": separate mutexes, only expected revisions protect numbering
    const a = new Workflow(store);
    const b = new Workflow(store);
    const m1 = await meetingWithCases(a, '2020-10-28', 6);
    const m2 = await meetingWithCases(b, '2020-11-25', 6);
    const [r1, r2] = await Promise.all([a.noticeMeeting(m1.meetingId, ctx(secNEHS)), b.noticeMeeting(m2.meetingId, ctx(secNEHS))]);
    expect(r1.state).toBe('noticed');
    expect(r2.state).toBe('noticed');
    const numbers = [...(await a.getMeeting(m1.meetingId)).agenda, ...(await b.getMeeting(m2.meetingId)).agenda].map((x) => x.number);
    expect(numbers).toHaveLength(17); // m1: notice approval + 6 + Eventuelt; m2 also approves m1's minutes
    expect(new Set(numbers).size).toBe(numbers.length);
    const seqs = numbers.map((n) => Number(n!.split('/')[0])).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    expect(numbers.every((n) => n!.endsWith('/20'))).toBe(true);
  });

  it('many parallel notices and plannings in one process keep meeting and case numbers unique', async () => {
    const { wf } = h;
    const planned = await Promise.all(Array.from({ length: 8 }, (_, i) => wf.planMeeting('NEHS', { date: `2021-0${i + 1}-10`, place: 'Oslo' }, ctx(secNEHS))));
    expect(new Set(planned.map((p) => p.number)).size).toBe(8);
    await Promise.all(planned.map((p) => wf.noticeMeeting(p.id, ctx(secNEHS))));
    const numbers = (await Promise.all(planned.map((p) => wf.getMeeting(p.id)))).flatMap((m) => m.agenda.map((a) => a.number));
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});

describe('postponement and referral', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    for (const code of ['NUFA', 'NUIT', 'NEHS']) await setup(h, code);
  });
  afterEach(async () => {
    await h.close();
  });

  it('a case postponed after notice loses its number and gets a new one at its next notice', async () => {
    const { wf, store } = h;
    const first = await meetingWithCases(wf, '2019-02-15', 2);
    await wf.noticeMeeting(first.meetingId, ctx(secNEHS));
    const id = first.caseIds[1]!;
    expect((await wf.getCase(id)).number).toBe('3/19');
    const p = await wf.caseCommand(id, 'postpone', { reason: 'Utsatt til neste møte' }, ctx(secNEHS));
    expect(p.state).toBe('draft');
    const after = await wf.getCase(id);
    expect(after).toMatchObject({ number: null, meetingId: null, state: 'draft' });
    expect((await wf.getMeeting(first.meetingId)).agenda.map((a) => a.caseId)).not.toContain(id);
    // the meeting can now adjourn without it
    await wf.openMeeting(first.meetingId, { present: [] }, ctx(secNEHS));
    for (const a of (await wf.getMeeting(first.meetingId)).agenda) {
      await wf.caseCommand(a.caseId, 'present', { presenter: 'x' }, ctx(secNEHS));
      await wf.caseCommand(a.caseId, 'note', { resolution: 'Tatt til orientering.' }, ctx(secNEHS));
    }
    await wf.adjournMeeting(first.meetingId, ctx(secNEHS));
    const second = await wf.planMeeting('NEHS', { date: '2019-04-01', place: 'Oslo' }, ctx(secNEHS));
    await wf.caseCommand(id, 'schedule', { meetingId: second.id }, ctx(secNEHS));
    await wf.noticeMeeting(second.id, ctx(secNEHS));
    const again = await wf.getCase(id);
    // 1/19–4/19 went to the first meeting (3/19 is not given twice); 5/19, 6/19 to the approvals
    expect(again.number).toBe('7/19');
    expect(again.postponedFrom).toEqual([first.meetingId]);
    await refusedWithoutWrite(store, () => wf.caseCommand(id, 'postpone', { reason: 'x' }, ctx(secNEHS, { ifMatch: 0n })), StaleRevision);
  });

  it('the approval of minutes cannot be endorsed before the previous meeting is held (machine and allowedCommands agree)', async () => {
    const { wf, store } = h;
    const a = await wf.planMeeting('NEHS', { date: '2019-02-15', place: 'Oslo' }, ctx(secNEHS));
    const b = await wf.planMeeting('NEHS', { date: '2019-03-15', place: 'Oslo' }, ctx(secNEHS));
    await wf.noticeMeeting(b.id, ctx(secNEHS));
    await wf.openMeeting(b.id, { present: [] }, ctx(secNEHS));
    const approval = (await wf.getMeeting(b.id)).agenda.find((x) => x.standardItem === 'minutes-approval')!;
    expect(approval.title).toBe('Godkjenning av referat fra møtet 15.02.2019');
    await wf.caseCommand(approval.caseId, 'present', { presenter: 'Leder' }, ctx(secNEHS));
    expect((await wf.getCase(approval.caseId, { actor: secNEHS })).allowedCommands).toEqual(['record-discussion', 'postpone']); // minutes are approved, not noted
    const refused = await refusedWithoutWrite(store, () => wf.caseCommand(approval.caseId, 'endorse', { resolution: 'Godkjent.' }, ctx(secNEHS)), InvalidCommand);
    expect(refused.message).toContain('1/2019');
    expect(refused.blocking.meetingId).toBe(a.id);
  });

  it('refer opens a draft case of the same matter in another committee; the matter shows the path', async () => {
    const { wf, store } = h;
    const m = await wf.planMeeting('NUFA', { date: '2020-10-28', place: 'Webinar' }, ctx(secNUFA));
    const c = await wf.createCase(
      {
        committee: 'NUFA',
        title: 'Porteføljestyring 2.0',
        type: 'discussion',
        proposedResolution: 'Fagutvalget gir innspill.',
        purpose: 'Drøfte kriterier',
        background: 'Bakgrunn',
        projectIds: ['190'],
      },
      ctx(secNUFA),
    );
    await refusedWithoutWrite(store, () => wf.caseCommand(c.id, 'refer', { toCommittee: 'NUIT', type: 'endorsement' }, ctx(secNUFA)), InvalidCommand);
    await wf.caseCommand(c.id, 'schedule', { meetingId: m.id }, ctx(secNUFA));
    await wf.noticeMeeting(m.id, ctx(secNUFA));
    await wf.openMeeting(m.id, { present: [] }, ctx(secNUFA));
    await wf.caseCommand(c.id, 'present', { presenter: 'x' }, ctx(secNUFA));
    await wf.caseCommand(c.id, 'note', { resolution: 'Tatt til orientering.', input: ['1', '2'] }, ctx(secNUFA));
    const r = await wf.caseCommand(c.id, 'refer', { toCommittee: 'NUIT', type: 'endorsement' }, ctx(secNUFA));
    expect(r.state).toBe('orientation');
    const referred = await wf.getCase(r.referredCaseId as string, { actor: secNUIT });
    expect(referred).toMatchObject({
      committee: 'NUIT',
      state: 'draft',
      type: 'endorsement',
      title: 'Porteføljestyring 2.0',
      purpose: 'Drøfte kriterier',
      background: 'Bakgrunn',
      projectIds: ['190'],
      proposedResolution: 'Fagutvalget gir innspill.',
      referredFromCaseId: c.id,
      allowedCommands: ['schedule', 'withdraw', 'edit', 'written-procedure'],
    });
    const drafted = (await wf.caseHistory(referred.id))[0]!;
    const referral = (await wf.caseHistory(c.id)).find((e) => e.type === 'CaseReferred')!;
    expect(drafted.causationId).toBe(referral.id);
    // onward to NEHS (by NUIT's secretariat, after its own handling is skipped here: refer needs a decision)
    await refusedWithoutWrite(store, () => wf.caseCommand(referred.id, 'refer', { toCommittee: 'NEHS', type: 'endorsement' }, ctx(secNUIT)), InvalidCommand);
    const matter = await wf.getMatter(referred.matterId);
    expect(matter.cases.map((x) => [x.committee, x.state])).toEqual([
      ['NUFA', 'orientation'],
      ['NUIT', 'draft'],
    ]);
  });
});
