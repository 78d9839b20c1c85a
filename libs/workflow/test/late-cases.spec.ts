/**
 * Late cases (tilleggssak) under concurrency, against a real SQLite store: several late cases
 * scheduled at once on one noticed meeting get distinct consecutive numbers (the committee's next
 * free ones), in one service and across two service instances on one store, also while another
 * meeting of the committee is being noticed; a refused late case burns no number. An amendment
 * racing the approval of its minutes lands before the approval or is refused, never after.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { InvalidCommand, Workflow } from '../src/index.js';
import { admin, ctx, harness, refusedWithoutWrite, secNEHS, type Harness } from './helpers.js';

async function noticedMeeting(wf: Workflow, date: string, cases: number) {
  const m = await wf.planMeeting('NEHS', { date, place: 'Oslo' }, ctx(secNEHS));
  for (let i = 0; i < cases; i++) {
    const c = await wf.createCase({ committee: 'NEHS', title: `Sak ${date} ${i}`, type: 'orientation', proposedResolution: 'Tas til orientering.' }, ctx(secNEHS));
    await wf.caseCommand(c.id, 'schedule', { meetingId: m.id }, ctx(secNEHS));
  }
  await wf.noticeMeeting(m.id, ctx(secNEHS));
  return m.id;
}

const drafts = async (wf: Workflow, n: number, prefix: string) => {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push((await wf.createCase({ committee: 'NEHS', title: `${prefix} ${i}`, type: 'endorsement', proposedResolution: 'Tilslutning.' }, ctx(secNEHS))).id);
  return out;
};
const seq = (n: string | null) => Number(n!.split('/')[0]);

describe('late cases and amendments under concurrency', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.wf.createCommittee({ code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, ctx(admin));
  });
  afterEach(async () => {
    await h.close();
  });

  it('eight late cases at once on one noticed meeting: distinct consecutive numbers, each last before Eventuelt', async () => {
    const { wf } = h;
    const meetingId = await noticedMeeting(wf, '2018-12-06', 3); // numbers 1/18..5/18
    const late = await drafts(wf, 8, 'Tilleggssak');
    const results = await Promise.all(late.map((id) => wf.caseCommand(id, 'schedule', { meetingId, late: true }, ctx(secNEHS))));
    const numbers = results.map((r) => r.number as string);
    expect(new Set(numbers).size).toBe(8);
    expect(numbers.map(seq).sort((a, b) => a - b)).toEqual([6, 7, 8, 9, 10, 11, 12, 13]);
    const m = await wf.getMeeting(meetingId);
    expect(m.agenda.at(-1)!.title).toBe('Eventuelt');
    expect(m.agenda.at(-1)!.number).toBe('5/18');
    const lateRows = m.agenda.filter((a) => a.late);
    expect(lateRows.map((a) => a.caseId).sort()).toEqual([...late].sort());
    // in the order they were added = the order of their numbers
    expect(lateRows.map((a) => seq(a.number))).toEqual([6, 7, 8, 9, 10, 11, 12, 13]);
    expect((await wf.getNumbering('NEHS', 2018)).nextCaseNumber).toBe(14);
    for (const id of late) {
      const history = await wf.caseHistory(id);
      expect(history.map((e) => e.type)).toEqual(['CaseDrafted', 'CaseScheduled', 'CaseNumbered']);
      expect(history[1]!.data).toMatchObject({ late: true });
    }
  });

  it('across two service instances on one store, while another meeting is noticed: no number twice, none burnt', async () => {
    const a = new Workflow(h.store);
    const b = new Workflow(h.store);
    const first = await noticedMeeting(a, '2018-10-01', 2); // 1/18..4/18
    const second = await a.planMeeting('NEHS', { date: '2018-11-01', place: 'Oslo' }, ctx(secNEHS)); // 3 standard items at notice
    const late = await drafts(a, 6, 'Tillegg');
    const results = await Promise.all([
      ...late.map((id, i) => (i % 2 ? a : b).caseCommand(id, 'schedule', { meetingId: first, late: true }, ctx(secNEHS))),
      b.noticeMeeting(second.id, ctx(secNEHS)),
    ]);
    expect(results.every((r) => r.position > 0n)).toBe(true);
    const all = [...(await a.getMeeting(first)).agenda, ...(await a.getMeeting(second.id)).agenda].map((x) => x.number);
    expect(all).toHaveLength(4 + 6 + 3);
    expect(new Set(all).size).toBe(all.length);
    expect(all.map(seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });

  it('a refused late case in the crowd burns no number', async () => {
    const { wf, store } = h;
    const meetingId = await noticedMeeting(wf, '2018-12-06', 1); // 1/18..3/18
    const [a, b, c] = await drafts(wf, 3, 'Sak');
    await wf.caseCommand(c!, 'withdraw', { reason: 'Trukket' }, ctx(secNEHS));
    const settled = await Promise.allSettled([a!, b!, c!].map((id) => wf.caseCommand(id, 'schedule', { meetingId, late: true }, ctx(secNEHS))));
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidCommand);
    const numbers = settled.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<Workflow['caseCommand']>>> => r.status === 'fulfilled').map((r) => seq(r.value.number as string));
    expect(numbers.sort()).toEqual([4, 5]);
    expect((await wf.getNumbering('NEHS', 2018)).nextCaseNumber).toBe(6);
    // and on its own: refused, nothing written
    await refusedWithoutWrite(store, () => wf.caseCommand(c!, 'schedule', { meetingId, late: true }, ctx(secNEHS)), InvalidCommand);
  });

  it('an amendment racing the approval of the minutes: it lands before the approval, or it is 409', async () => {
    const { wf } = h;
    const outcomes: string[] = [];
    for (let round = 0; round < 6; round++) {
      const held = await noticedMeeting(wf, `2018-0${round + 1}-10`, 1);
      await wf.openMeeting(held, { present: [] }, ctx(secNEHS));
      const decided = (await wf.getMeeting(held)).agenda;
      for (const item of decided) {
        await wf.caseCommand(item.caseId, 'present', { presenter: 'P' }, ctx(secNEHS));
        await wf.caseCommand(item.caseId, 'note', { resolution: 'Tatt til orientering.' }, ctx(secNEHS));
      }
      await wf.adjournMeeting(held, ctx(secNEHS));
      const next = await wf.planMeeting('NEHS', { date: `2018-0${round + 1}-20`, place: 'Oslo' }, ctx(secNEHS));
      await wf.noticeMeeting(next.id, ctx(secNEHS));
      await wf.openMeeting(next.id, { present: [] }, ctx(secNEHS));
      const approval = (await wf.getMeeting(next.id)).agenda.find((x) => x.standardItem === 'minutes-approval')!.caseId;
      await wf.caseCommand(approval, 'present', { presenter: 'P' }, ctx(secNEHS));
      const target = decided[1]!.caseId;
      const [amend, approve] = await Promise.allSettled([
        wf.caseCommand(target, 'amend', { reason: 'Rettelse', resolution: 'Rettet.' }, ctx(secNEHS)),
        wf.caseCommand(approval, 'endorse', { resolution: 'Referatet godkjennes.' }, ctx(secNEHS)),
      ]);
      expect(approve.status).toBe('fulfilled');
      const history = await wf.meetingHistory(held);
      const approvedAt = history.find((e) => e.type === 'MinutesApproved')!.position;
      const amendedAt = history.find((e) => e.type === 'MinutesAmended')?.position;
      if (amend.status === 'fulfilled') {
        expect(amendedAt! < approvedAt).toBe(true);
        outcomes.push('before');
      } else {
        expect(amend.reason).toBeInstanceOf(InvalidCommand);
        expect(amendedAt).toBeUndefined();
        expect((await wf.caseHistory(target)).some((e) => e.type === 'DecisionAmended')).toBe(false);
        outcomes.push('refused');
      }
    }
    expect(outcomes).toHaveLength(6);
  });
});
