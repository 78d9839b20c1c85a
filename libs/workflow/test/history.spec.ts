import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DomainRuleViolation, NotFound, historyStream, may, type RecordHistoryBody } from '../src/index.js';
import { admin, ctx, harness, refusedWithoutWrite, secNEHS, secNUIT, type Harness } from './helpers.js';

const d3917: RecordHistoryBody = {
  number: '39/17',
  title: 'Tilleggsoppdrag: IKT-organisering i helse- og omsorgssektoren',
  wording: 'Nasjonalt e-helsestyre tilslutter seg anbefalingene i rapporten om IKT-organisering i helse- og omsorgssektoren med endringer som kom frem i møtet.',
  outcome: 'endorsement',
  matterId: 'ny-e-helseorganisering',
  source: { citedBy: ['NEHS 4/19'], seeds: [{ seed: '002_bd50ffa0f5a44d00.txt', lines: [721, 761] }] },
};

describe('historical decisions (HistoricalDecisionRecorded)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.wf.createCommittee({ code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, ctx(admin));
    await h.wf.createCommittee({ code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' }, ctx(admin));
  });
  afterEach(async () => h.close());

  it('records one event on history-NEHS-39-17 with the year of the number, touching no numbering', async () => {
    const at = '2019-01-25T09:00:00+01:00';
    const r = await h.wf.recordHistoricalDecision('NEHS', d3917, ctx(secNEHS, { at }));
    expect(r).toMatchObject({ id: 'history-NEHS-39-17', state: 'recorded', revision: 0n, repeated: false });
    expect(historyStream('NEHS', '39/17')).toBe('history-NEHS-39-17');
    const events = [];
    for await (const e of h.store.readStream('history-NEHS-39-17')) events.push(e);
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe('HistoricalDecisionRecorded');
    expect(events[0]!.position).toBe(r.position);
    expect(events[0]!.data).toEqual({ v: 1, committee: 'NEHS', year: 2017, ...d3917 });
    expect(events[0]!.metadata).toMatchObject({ actor: secNEHS.name, at, causationId: null });
    // no numbering stream for 2017 was written or moved
    for (const year of [2017, 2019]) expect(await h.wf.getNumbering('NEHS', year)).toMatchObject({ nextMeetingNumber: 1, nextCaseNumber: 1, revision: -1n });

    const list = await h.wf.listHistory('NEHS');
    expect(list).toEqual([
      expect.objectContaining({ id: 'history-NEHS-39-17', number: '39/17', year: 2017, wording: d3917.wording, outcome: 'endorsement', date: null, minutesApproved: false, at, actor: secNEHS.name }),
    ]);
    expect(await h.wf.listHistory('NUIT')).toEqual([]);
  });

  it('keeps outcome, date and minutesApproved absent when the record does not give them', async () => {
    const { outcome: _o, ...noOutcome } = d3917;
    await h.wf.recordHistoricalDecision('NEHS', { ...noOutcome, number: '29/18' }, ctx(admin));
    const [v] = await h.wf.listHistory('NEHS');
    expect(v).toMatchObject({ number: '29/18', year: 2018, outcome: null, date: null, minutesApproved: false });
    const events = [];
    for await (const e of h.store.readStream('history-NEHS-29-18')) events.push(e);
    expect(Object.keys(events[0]!.data as object)).not.toEqual(expect.arrayContaining(['outcome']));
    expect(events[0]!.data).not.toHaveProperty('date');
    expect(events[0]!.data).not.toHaveProperty('minutesApproved');
  });

  it('the same decision again: identical content writes nothing and answers the first; other content is a 409', async () => {
    const first = await h.wf.recordHistoricalDecision('NEHS', d3917, ctx(admin));
    // same content, keys in another order, another actor: nothing written
    const before = await h.store.headPosition();
    const again = await h.wf.recordHistoricalDecision('NEHS', { source: d3917.source, ...d3917, year: 2017 }, ctx(secNEHS));
    expect(await h.store.headPosition()).toBe(before);
    expect(again).toMatchObject({ id: first.id, revision: 0n, position: first.position, repeated: true });
    const e = await refusedWithoutWrite(h.store, () => h.wf.recordHistoricalDecision('NEHS', { ...d3917, wording: 'Noe annet.' }, ctx(admin)), DomainRuleViolation);
    expect(e.status).toBe(409);
    expect(e.rule).toBe('history-recorded');
    expect(await h.wf.listHistory('NEHS')).toHaveLength(1);
  });

  it('who may record is the policy’s (the api guard asks it); unknown committees are 404, writing nothing', async () => {
    // admin or the committee's own secretariat; bodies' shapes (N/YY, year and date agreeing with the number,
    // known fields) are the DTO's (apps/api dto-shapes.spec.ts) and the records schema's
    expect([may(secNUIT, 'history.record', 'NEHS'), may(secNEHS, 'history.record', 'NEHS'), may(admin, 'history.record', 'NEHS')]).toEqual([false, true, true]);
    await refusedWithoutWrite(h.store, () => h.wf.recordHistoricalDecision('NOPE', d3917, ctx(admin)), NotFound);
    await expect(h.wf.listHistory('NOPE')).rejects.toBeInstanceOf(NotFound);
  });

  it('a new Workflow on the same file sees the recorded history (catalogue from the log)', async () => {
    await h.wf.recordHistoricalDecision('NEHS', d3917, ctx(admin));
    await h.wf.recordHistoricalDecision('NEHS', { ...d3917, number: '21/18', outcome: 'endorsement' }, ctx(admin));
    const { Workflow } = await import('../src/index.js');
    const fresh = new Workflow(h.store);
    expect((await fresh.listHistory('NEHS')).map((x) => [x.number, x.year])).toEqual([
      ['39/17', 2017],
      ['21/18', 2018],
    ]);
  });
});
