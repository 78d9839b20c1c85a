/**
 * The approval chain and the calendar commands: given/when/then of the pure chain (no store), and
 * the refusals of PATCH, cancel and scheduling an approval item through the workflow on SQLite
 * (code, detail, allowedCommands, nothing written).
 */
import { planChain, type ApprovalItem, type CalendarEntry } from '../src/meeting/chain.js';
import { InvalidCommand, ValidationFailed } from '../src/application/errors.js';
import { ctx, harness, refusedWithoutWrite, secNEHS, admin, type Harness } from './helpers.js';

const m = (id: string, date: string, status: CalendarEntry['status'] = 'planned', seq = 0): CalendarEntry => ({ meetingId: id, number: `${id}/2027`, date, startTime: null, seq, status });
const item = (caseId: string, meetingId: string | null, target: string, extra: Partial<ApprovalItem> = {}): ApprovalItem => ({
  caseId,
  meetingId,
  target,
  state: 'scheduled',
  number: null,
  own: true,
  title: `t-${target}`,
  ...extra,
});
const title = (t: CalendarEntry) => `t-${t.meetingId}`;

describe('the approval chain (pure)', () => {
  it('given February, April, September planned, when June is planned last: June approves April, September is re-targeted to June', () => {
    const before = [m('feb', '2027-02-11', 'planned', 0), m('apr', '2027-04-15', 'planned', 1), m('sep', '2027-09-16', 'planned', 2)];
    const items = [item('apr-item', 'apr', 'feb'), item('sep-item', 'sep', 'apr')];
    const r = planChain(before, [...before, m('jun', '2027-06-10', 'planned', 3)], items, new Set(), title);
    expect(r).toEqual({
      actions: [
        { kind: 'create', meetingId: 'jun', target: expect.objectContaining({ meetingId: 'apr' }) },
        { kind: 'retarget', caseId: 'sep-item', meetingId: 'sep', target: expect.objectContaining({ meetingId: 'jun' }) },
      ],
    });
  });

  it('given a meeting cancelled, the next one approves the one before it; the first meeting has no item', () => {
    const before = [m('a', '2027-01-10', 'planned', 0), m('b', '2027-02-10', 'planned', 1), m('c', '2027-03-10', 'planned', 2)];
    const items = [item('b-item', 'b', 'a'), item('c-item', 'c', 'b')];
    const cancelB = before.map((x) => (x.meetingId === 'b' ? { ...x, status: 'cancelled' as const } : x));
    expect(planChain(before, cancelB, items, new Set(['b-item']), title)).toEqual({
      actions: [{ kind: 'retarget', caseId: 'c-item', meetingId: 'c', target: expect.objectContaining({ meetingId: 'a' }) }],
    });
    const cancelA = before.map((x) => (x.meetingId === 'a' ? { ...x, status: 'cancelled' as const } : x));
    // b is now the first meeting: its item is withdrawn; c still approves b
    expect(planChain(before, cancelA, items, new Set(), title)).toEqual({
      actions: [{ kind: 'withdraw', caseId: 'b-item', meetingId: 'b', reason: expect.stringContaining('Ingen tidligere møte') }],
    });
  });

  it('given a postponed item that approves February, a planned meeting after it gets no second item for February', () => {
    const before = [m('feb', '2027-02-11', 'held', 0), m('apr', '2027-04-15', 'held', 1)];
    const items = [item('apr-item', null, 'feb', { state: 'draft', own: false })];
    const after = [...before, m('sep', '2027-09-16', 'planned', 2)];
    expect(planChain(before, after, items, new Set(), title)).toEqual({ actions: [{ kind: 'create', meetingId: 'sep', target: expect.objectContaining({ meetingId: 'apr' }) }] });
  });

  it('refuses a meeting between a held and a noticed one (the noticed one keeps its item), naming the noticed meeting', () => {
    const before = [m('feb', '2027-02-11', 'held', 0), m('apr', '2027-04-15', 'noticed', 1)];
    const items = [item('apr-item', 'apr', 'feb', { number: '2/27', own: true })];
    const r = planChain(before, [...before, m('mar', '2027-03-04', 'planned', 2)], items, new Set(), title);
    expect(r).toEqual({ blocked: { meetingId: 'apr', detail: expect.stringContaining('meeting apr/2027 (2027-04-15) is noticed and its agenda is frozen') } });
  });

  it('refuses moving a planned meeting that carries a postponed item to before that item’s target', () => {
    const before = [m('feb', '2027-02-11', 'held', 0), m('apr', '2027-04-15', 'held', 1), m('sep', '2027-09-16', 'planned', 2)];
    const items = [item('carried', 'sep', 'feb', { own: false }), item('sep-item', 'sep', 'apr')];
    const after = before.map((x) => (x.meetingId === 'sep' ? { ...x, date: '2027-01-05' } : x));
    const r = planChain(before, after, items, new Set(), title);
    expect('blocked' in r).toBe(true);
  });
});

describe('calendar commands through the workflow (SQLite)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await h.wf.createCommittee({ code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, ctx(admin));
  });
  afterAll(async () => {
    await h.close();
  });

  it('an approval item is scheduled only on a meeting dated after its target; PATCH and cancel of a held meeting are 409', async () => {
    const { wf, store } = h;
    const a = await wf.planMeeting('NEHS', { date: '2030-01-10', place: 'Oslo' }, ctx(secNEHS));
    const p = await wf.planMeeting('NEHS', { date: '2030-02-10', place: 'Oslo' }, ctx(secNEHS));
    const b = await wf.planMeeting('NEHS', { date: '2030-03-10', place: 'Oslo' }, ctx(secNEHS));
    const bItem = (await wf.getMeeting(b.id)).agenda.find((x) => x.standardItem === 'minutes-approval')!;
    expect(bItem.approvesMinutesOf).toBe(p.id);
    await wf.noticeMeeting(b.id, ctx(secNEHS));
    await wf.openMeeting(b.id, { present: [] }, ctx(secNEHS));
    await wf.caseCommand(bItem.caseId, 'present', { presenter: 'Leder' }, ctx(secNEHS));
    await wf.caseCommand(bItem.caseId, 'postpone', { reason: 'Referatet fra februar er ikke klart' }, ctx(secNEHS));
    const k = await wf.getCase(bItem.caseId, { actor: secNEHS });
    expect(k).toMatchObject({ state: 'draft', approvesMinutesOf: p.id });
    const refused = await refusedWithoutWrite(store, () => wf.caseCommand(bItem.caseId, 'schedule', { meetingId: p.id }, ctx(secNEHS)), InvalidCommand);
    expect(refused.message).toBe(`cannot schedule case "${bItem.title}" on meeting 2/2030 (2030-02-10): it approves the minutes of meeting 2/2030 (2030-02-10), which is not before it`);
    expect(refused.allowedCommands).toEqual(k.allowedCommands.filter((c) => c !== 'schedule'));
    expect(refused.blocking.meetingId).toBe(p.id);

    // adjourn b, then a held meeting can neither change nor be cancelled
    for (const x of (await wf.getMeeting(b.id)).agenda)
      if (x.state === 'scheduled') {
        await wf.caseCommand(x.caseId, 'present', { presenter: 'Leder' }, ctx(secNEHS));
        await wf.caseCommand(x.caseId, 'note', { resolution: 'Tatt til orientering.' }, ctx(secNEHS));
      }
    await wf.adjournMeeting(b.id, ctx(secNEHS));
    const edit = await refusedWithoutWrite(store, () => wf.changeMeeting(b.id, { place: 'Bergen' }, ctx(secNEHS)), InvalidCommand);
    expect(edit.message).toBe('cannot change meeting 3/2030: it is held');
    expect(edit.allowedCommands).toEqual([]);
    const cancel = await refusedWithoutWrite(store, () => wf.cancelMeeting(b.id, { reason: 'x' }, ctx(secNEHS)), InvalidCommand);
    expect(cancel.message).toBe('cannot cancel meeting 3/2030: it is held');
    expect(cancel.allowedCommands).toEqual([]);
    // 400 before the state: the combined date and time rules
    const bad = await refusedWithoutWrite(store, () => wf.changeMeeting(a.id, { startTime: '15:00', endTime: '09:00' }, ctx(secNEHS)), ValidationFailed);
    expect(bad.errors).toEqual([{ field: 'endTime', message: 'must not be before startTime 15:00 on a one-day meeting' }]);
    const early = await refusedWithoutWrite(store, () => wf.changeMeeting(a.id, { endDate: '2030-01-09' }, ctx(secNEHS)), ValidationFailed);
    expect(early.errors).toEqual([{ field: 'endDate', message: 'must not be before date 2030-01-10' }]);
  });
});
