/**
 * The command side's record cache and pipelining on this process's in-flight appends (core/records.ts),
 * and a command already carried out answering its original result (core/replay.ts), on SQLite.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { WrongExpectedRevision, type EventStore, type StreamWrite } from '@saksflyt/event-store';
import { Workflow, meetingStream } from '../src/index.js';
import { admin, around, ctx, harness, secNEHS, type Harness } from './helpers.js';

const paper = (i: number) => ({ committee: 'NEHS', title: `Sak ${i}`, type: 'orientation' as const, proposedResolution: 'Tas til orientering.' });

describe('pipelining on in-flight appends', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.wf.createCommittee({ code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, ctx(admin));
  });
  afterEach(async () => {
    await h.close();
  });

  it('N concurrent schedules onto one meeting: all succeed, none conflicts, all on the agenda', async () => {
    const calls: StreamWrite[][] = [];
    const wf = new Workflow(around(h.store, (w, real) => (calls.push(w), real(w))));
    const m = await wf.planMeeting('NEHS', { date: '2018-12-06', place: 'Oslo' }, ctx(secNEHS));
    const cases = [];
    for (let i = 0; i < 24; i++) cases.push(await wf.createCase(paper(i), ctx(secNEHS)));
    calls.length = 0;
    const results = await Promise.all(cases.map((c) => wf.caseCommand(c.id, 'schedule', { meetingId: m.id }, ctx(secNEHS))));
    expect(wf.retries).toBe(0);
    // decisions take turns: none stood on a meeting state one of the others changed meanwhile
    expect(wf.handler.redecided).toBe(0);
    expect(results.every((r) => r.state === 'scheduled')).toBe(true);
    // every append submitted before the first one settled: they were in flight together
    expect(calls).toHaveLength(24);
    const agenda = (await h.wf.getMeeting(m.id)).agenda.map((a) => a.caseId);
    for (const c of cases) expect(agenda).toContain(c.id);
    const history = await h.wf.meetingHistory(m.id);
    expect(history.map((e) => e.revision)).toEqual(history.map((_, i) => BigInt(i))); // gap-free
    // and back off again, all at once
    const off = await Promise.all(cases.map((c) => wf.caseCommand(c.id, 'unschedule', { reason: 'r' }, ctx(secNEHS))));
    expect(wf.retries).toBe(0);
    expect(wf.handler.redecided).toBe(0);
    expect(off.every((r) => r.state === 'draft')).toBe(true);
    expect((await h.wf.getMeeting(m.id)).agenda.filter((a) => !a.standardItem)).toEqual([]);
  });

  it('an earlier in-flight append that fails: the later ones built on it fail too and re-decide correctly', async () => {
    const m = await h.wf.planMeeting('NEHS', { date: '2018-12-06', place: 'Oslo' }, ctx(secNEHS));
    const cases = [];
    for (let i = 0; i < 6; i++) cases.push(await h.wf.createCase(paper(i), ctx(secNEHS)));
    const meeting = meetingStream(m.id);
    let failed = 0;
    const wf = new Workflow(
      around(h.store, async (w, real) => {
        // the first append to the meeting fails (as if the disk refused it), after the others were submitted on it
        if (failed === 0 && w.some((x) => x.stream === meeting)) {
          failed++;
          await new Promise((r) => setImmediate(r));
          throw new WrongExpectedRevision(meeting, w[1]!.expectedRevision, 99n);
        }
        return real(w);
      }),
    );
    await wf.catchUp();
    const results = await Promise.all(cases.map((c) => wf.caseCommand(c.id, 'schedule', { meetingId: m.id }, ctx(secNEHS))));
    expect(failed).toBe(1);
    expect(results.every((r) => r.state === 'scheduled' && r.revision === 1n)).toBe(true);
    expect(wf.retries).toBeGreaterThanOrEqual(1);
    const agenda = (await h.wf.getMeeting(m.id)).agenda.map((a) => a.caseId);
    for (const c of cases) expect(agenda.filter((id) => id === c.id)).toHaveLength(1);
    for (const c of cases) expect((await h.wf.caseHistory(c.id)).map((e) => e.type)).toEqual(['CaseDrafted', 'CaseScheduled']);
    // the cache agrees with a fresh fold
    const fresh = new Workflow(h.store);
    expect((await fresh.getMeeting(m.id)).agenda).toEqual((await h.wf.getMeeting(m.id)).agenda);
    const r = await wf.caseCommand(cases[0]!.id, 'unschedule', { reason: 'r' }, ctx(secNEHS));
    expect(r.revision).toBe(2n);
  });

  it('a write on a failed tip cannot land on someone else\'s event at that revision (expectedLastEventId)', async () => {
    const m = await h.wf.planMeeting('NEHS', { date: '2018-12-06', place: 'Oslo' }, ctx(secNEHS));
    const [a, b, c] = [await h.wf.createCase(paper(1), ctx(secNEHS)), await h.wf.createCase(paper(2), ctx(secNEHS)), await h.wf.createCase(paper(3), ctx(secNEHS))];
    const other = new Workflow(h.store); // another process
    const meeting = meetingStream(m.id);
    // a's append and b's append (decided on a's tip) reach the store only after the other process
    // has written exactly one event to the meeting: a then fails, and the meeting's revision is the
    // one b expects; only the id of the event at that revision tells b's write from a valid one
    let release!: () => void;
    const otherDone = new Promise<void>((r) => (release = r));
    const outcomes: string[] = [];
    let held = 0;
    const wf = new Workflow(
      around(h.store, async (w, real) => {
        if (held < 2 && w.some((x) => x.stream === meeting)) {
          held++;
          await otherDone;
          return real(w).then(
            (r) => (outcomes.push('ok'), r),
            (e: unknown) => (outcomes.push((e as Error).name), Promise.reject(e)),
          );
        }
        return real(w);
      }),
    );
    await wf.catchUp();
    const ra = wf.caseCommand(a.id, 'schedule', { meetingId: m.id }, ctx(secNEHS));
    await new Promise((r) => setImmediate(r));
    const rb = wf.caseCommand(b.id, 'schedule', { meetingId: m.id }, ctx(secNEHS));
    while (held < 2) await new Promise((r) => setImmediate(r));
    await other.caseCommand(c.id, 'schedule', { meetingId: m.id }, ctx(secNEHS));
    release();
    await Promise.all([ra, rb]);
    // both held appends were refused: a on the revision, b on the event at the revision it expected
    expect(outcomes).toEqual(['WrongExpectedRevision', 'WrongExpectedRevision']);
    expect(wf.retries).toBe(2);
    const agenda = (await h.wf.getMeeting(m.id)).agenda.map((x) => x.caseId);
    for (const id of [a.id, b.id, c.id]) expect(agenda.filter((x) => x === id)).toHaveLength(1);
  });

  it('the SQLite store checks expectedLastEventId', async () => {
    expect(h.store.ordersConcurrentAppends).toBe(true);
    const ev = (id: string) => ({ id, type: 'T', data: {}, metadata: { actor: 'a', correlationId: 'c', at: '2020-01-01T00:00:00Z' } });
    await h.store.append('s-1', [ev('00000000-0000-4000-8000-000000000001')], { expectedRevision: 'no_stream' });
    const wrong = h.store.appendMany([{ stream: 's-1', expectedRevision: 0n, expectedLastEventId: '00000000-0000-4000-8000-000000000009', events: [ev('00000000-0000-4000-8000-000000000002')] }]);
    await expect(wrong).rejects.toBeInstanceOf(WrongExpectedRevision);
    const right = await h.store.appendMany([{ stream: 's-1', expectedRevision: 0n, expectedLastEventId: '00000000-0000-4000-8000-000000000001', events: [ev('00000000-0000-4000-8000-000000000002')] }]);
    expect(right.streams[0]!.nextRevision).toBe(1n);
  });

  it('on a store that does not order concurrent appends: no tips, concurrent commands still all succeed', async () => {
    const calls: StreamWrite[][] = [];
    const wf = new Workflow(around(h.store, (w, real) => (calls.push(w), real(w)), { ordersConcurrentAppends: false }));
    const m = await wf.planMeeting('NEHS', { date: '2018-12-06', place: 'Oslo' }, ctx(secNEHS));
    const cases = [];
    for (let i = 0; i < 8; i++) cases.push(await wf.createCase(paper(i), ctx(secNEHS)));
    const results = await Promise.all(cases.map((c) => wf.caseCommand(c.id, 'schedule', { meetingId: m.id }, ctx(secNEHS))));
    expect(results.every((r) => r.state === 'scheduled')).toBe(true);
    expect(calls.flat().every((w) => w.expectedLastEventId === undefined)).toBe(true);
    expect((await h.wf.getMeeting(m.id)).agenda.filter((a) => !a.standardItem)).toHaveLength(8);
  });

  it('another process\'s writes are caught by the tail read (the cache is not trusted blindly)', async () => {
    const m = await h.wf.planMeeting('NEHS', { date: '2018-12-06', place: 'Oslo' }, ctx(secNEHS));
    const a = await h.wf.createCase(paper(1), ctx(secNEHS));
    const other = new Workflow(h.store);
    await h.wf.editCase(a.id, { title: 'mine' }, ctx(secNEHS)); // cached at revision 1
    await other.editCase(a.id, { title: 'theirs' }, ctx(secNEHS));
    const r = await h.wf.caseCommand(a.id, 'schedule', { meetingId: m.id }, ctx(secNEHS));
    expect(r.revision).toBe(3n);
    expect(h.wf.retries).toBe(0);
    expect((await h.wf.getCase(a.id)).title).toBe('theirs');
  });
});

describe('a command already carried out (the same command id again)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.wf.createCommittee({ code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, ctx(admin));
  });
  afterEach(async () => {
    await h.close();
  });

  /** As after a restart: a Workflow that has cached nothing. */
  const restarted = () => new Workflow(h.store);

  it('plan meeting: the original answer, nothing written (not a DuplicateEventId 500)', async () => {
    await h.wf.planMeeting('NEHS', { date: '2018-11-01', place: 'Oslo' }, ctx(secNEHS));
    const commandId = 'a0000000-0000-4000-8000-00000000000a';
    const first = await h.wf.planMeeting('NEHS', { date: '2018-12-06', place: 'Oslo' }, ctx(secNEHS, { commandId }));
    const head = await h.store.headPosition();
    const again = await restarted().planMeeting('NEHS', { date: '2018-12-06', place: 'Oslo' }, ctx(secNEHS, { commandId }));
    expect(again).toEqual(first);
    expect(await h.store.headPosition()).toBe(head);
    // also after other commands moved the meeting on
    const c = await h.wf.createCase(paper(1), ctx(secNEHS));
    await h.wf.caseCommand(c.id, 'schedule', { meetingId: first.id }, ctx(secNEHS));
    const later = await restarted().planMeeting('NEHS', { date: '2018-12-06', place: 'Oslo' }, ctx(secNEHS, { commandId }));
    expect(later).toEqual(first);
  });

  it('case commands and notice: the original answers, where deciding again would refuse', async () => {
    const m = await h.wf.planMeeting('NEHS', { date: '2018-12-06', place: 'Oslo' }, ctx(secNEHS));
    const c = await h.wf.createCase(paper(1), ctx(secNEHS));
    const key = 'b0000000-0000-4000-8000-00000000000b';
    const scheduled = await h.wf.caseCommand(c.id, 'schedule', { meetingId: m.id }, ctx(secNEHS, { commandId: key }));
    const edit = 'c0000000-0000-4000-8000-00000000000c';
    const edited = await h.wf.editCase(c.id, { title: 'Ny' }, ctx(secNEHS, { commandId: edit, ifMatch: 1n }));
    const notice = 'd0000000-0000-4000-8000-00000000000d';
    const noticed = await h.wf.noticeMeeting(m.id, ctx(secNEHS, { commandId: notice }));
    const head = await h.store.headPosition();
    const wf = restarted();
    expect(await wf.caseCommand(c.id, 'schedule', { meetingId: m.id }, ctx(secNEHS, { commandId: key }))).toEqual(scheduled);
    expect(await wf.editCase(c.id, { title: 'Ny' }, ctx(secNEHS, { commandId: edit, ifMatch: 1n }))).toEqual(edited);
    expect(await wf.noticeMeeting(m.id, ctx(secNEHS, { commandId: notice }))).toEqual(noticed);
    expect(await h.store.headPosition()).toBe(head);
    // a fresh command id is decided as usual (refused: the case is numbered)
    await expect(wf.caseCommand(c.id, 'schedule', { meetingId: m.id }, ctx(secNEHS))).rejects.toMatchObject({ status: 409 });
  });
});
