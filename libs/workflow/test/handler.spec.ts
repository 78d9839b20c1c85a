/**
 * The one command handler against a real SQLite store: one appendMany per command, ids derived
 * from the command id (a repeat writes nothing twice), re-decide on a conflict, bounded attempts,
 * and no lock across the append (concurrent commands of one committee are in the store together).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { WrongExpectedRevision, type EventStore, type StreamWrite } from '@saksflyt/event-store';
import { DomainRuleViolation, InvalidCommand, Workflow, caseStream } from '../src/index.js';
import { eventId, recordIds } from '../src/core/ids.js';
import { MAX_ATTEMPTS } from '../src/core/handler.js';
import { admin, around, ctx, harness, secNEHS, type Harness } from './helpers.js';

const paper = { committee: 'NEHS', title: 'Sak', type: 'orientation' as const, proposedResolution: 'Tas til orientering.' };

describe('the command handler', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
    await h.wf.createCommittee({ code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, ctx(admin));
  });
  afterEach(async () => {
    await h.close();
  });

  it('derives record and event ids from the command id; the same command again writes nothing twice', async () => {
    const commandId = 'b1c1e7a2-0000-4000-8000-000000000001';
    const m = await h.wf.planMeeting('NEHS', { date: '2018-12-06', place: 'Oslo' }, ctx(secNEHS, { commandId }));
    expect(m.id).toBe(recordIds(commandId)('meeting'));
    const history = await h.wf.meetingHistory(m.id);
    expect(history.map((e) => e.id)).toEqual(history.map((_, i) => eventId(commandId, `meeting-${m.id}`, i)));
    // causation: the MeetingPlanned is the root, every other event of the command names it
    expect(history[0]!.causationId).toBeNull();
    expect(history.slice(1).every((e) => e.causationId === history[0]!.id)).toBe(true);

    const key = 'c2c1e7a2-0000-4000-8000-000000000002';
    const first = await h.wf.createCase(paper, ctx(secNEHS, { commandId: key }));
    const head = await h.store.headPosition();
    const again = await h.wf.createCase(paper, ctx(secNEHS, { commandId: key }));
    expect(again).toMatchObject({ id: first.id, matterId: first.matterId, position: first.position });
    expect(await h.store.headPosition()).toBe(head);
    expect(await h.wf.caseHistory(first.id)).toHaveLength(1);
    // without a command id: one minted per command
    const other = await h.wf.createCase(paper, ctx(secNEHS));
    expect(other.id).not.toBe(first.id);
  });

  it('writes a multi-stream command with ONE appendMany, every stream on the revision read', async () => {
    const calls: StreamWrite[][] = [];
    const wf = new Workflow(around(h.store, (w, real) => (calls.push(w), real(w))));
    const m = await wf.planMeeting('NEHS', { date: '2018-12-06', place: 'Oslo' }, ctx(secNEHS));
    const c = await wf.createCase(paper, ctx(secNEHS));
    calls.length = 0;
    await wf.caseCommand(c.id, 'schedule', { meetingId: m.id }, ctx(secNEHS));
    expect(calls.map((w) => w.map((x) => [x.stream, x.expectedRevision]))).toEqual([
      [
        [caseStream(c.id), 0n],
        [`meeting-${m.id}`, 2n],
      ],
    ]);
  });

  it('re-decides after a conflict (nothing of the lost attempt written), and gives up after MAX_ATTEMPTS', async () => {
    const m = await h.wf.planMeeting('NEHS', { date: '2018-12-06', place: 'Oslo' }, ctx(secNEHS));
    const [a, b] = [await h.wf.createCase(paper, ctx(secNEHS)), await h.wf.createCase(paper, ctx(secNEHS))];
    // before the first attempt of `a` reaches the store, another process schedules `b` onto the same meeting
    const other = new Workflow(h.store);
    let raced = false;
    const wf = new Workflow(
      around(h.store, async (w, real) => {
        if (!raced) {
          raced = true;
          await other.caseCommand(b.id, 'schedule', { meetingId: m.id }, ctx(secNEHS));
        }
        return real(w);
      }),
    );
    const r = await wf.caseCommand(a.id, 'schedule', { meetingId: m.id }, ctx(secNEHS));
    expect(wf.retries).toBe(1);
    expect(r.revision).toBe(1n);
    expect((await h.wf.getMeeting(m.id)).agenda.map((x) => x.caseId)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect((await h.wf.caseHistory(a.id)).map((e) => e.revision)).toEqual([0n, 1n]);

    let calls = 0;
    const always = new Workflow(
      around(h.store, async (w) => {
        calls++;
        throw new WrongExpectedRevision(w[0]!.stream, w[0]!.expectedRevision, 99n);
      }),
    );
    const head = await h.store.headPosition();
    const e = await always.caseCommand(a.id, 'unschedule', { reason: 'r' }, ctx(secNEHS)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DomainRuleViolation);
    expect((e as DomainRuleViolation).rule).toBe('concurrent-change');
    expect(calls).toBe(MAX_ATTEMPTS);
    expect(await h.store.headPosition()).toBe(head);
  });

  it('a refused command looks for its own earlier events only when it has a command id (a retry may have written them)', async () => {
    let fullReads = 0;
    const counting = new Proxy(h.store, {
      get(target, prop) {
        if (prop === 'readStream')
          return (stream: string, options?: object) => {
            if (options === undefined) fullReads++; // the look-up reads the streams whole
            return target.readStream(stream, options as never);
          };
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }) as EventStore;
    const wf = new Workflow(counting);
    const c = await wf.createCase(paper, ctx(secNEHS));
    await wf.editCase(c.id, { title: 'Varmt' }, ctx(secNEHS)); // the case is in the record cache now
    const head = await h.store.headPosition();
    fullReads = 0;
    // unschedule a draft case: refused (409 invalid-command), nothing written
    await expect(wf.caseCommand(c.id, 'unschedule', { reason: 'x' }, ctx(secNEHS))).rejects.toBeInstanceOf(InvalidCommand);
    expect(fullReads).toBe(0);
    await expect(wf.caseCommand(c.id, 'unschedule', { reason: 'x' }, ctx(secNEHS, { commandId: 'd3c1e7a2-0000-4000-8000-000000000003' }))).rejects.toBeInstanceOf(
      InvalidCommand,
    );
    expect(fullReads).toBeGreaterThan(0);
    expect(await h.store.headPosition()).toBe(head);
  });

  it('holds no lock across the append: two commands of one committee are in the store at once', async () => {
    const [a, b] = [await h.wf.createCase(paper, ctx(secNEHS)), await h.wf.createCase(paper, ctx(secNEHS))];
    let inStore = 0;
    let bothIn!: () => void;
    const together = new Promise<void>((r) => (bothIn = r));
    const wf = new Workflow(
      around(h.store, async (w, real) => {
        if (++inStore === 2) bothIn();
        const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the other command never reached the store')), 2000));
        await Promise.race([together, timeout]);
        return real(w);
      }),
    );
    const [ra, rb] = await Promise.all([
      wf.editCase(a.id, { title: 'A' }, ctx(secNEHS)),
      wf.editCase(b.id, { title: 'B' }, ctx(secNEHS)),
    ]);
    expect([ra.revision, rb.revision]).toEqual([1n, 1n]);
  });
});
