/**
 * The approval chain's invariant (issue 10 item 2), as a property over random sequences of plan /
 * move / cancel / notice / hold / approve across two years: every held meeting's minutes are
 * approvable by exactly one later meeting's item (none while it is the latest meeting), no meeting's
 * minutes by two, and no item ever approves a later-dated or cancelled meeting. Refused steps write
 * nothing. Run against the pure deciders and evolve (1 000 sequences, in memory) and over the real
 * workflow on a SQLite file (fewer).
 */
import fc from 'fast-check';
import { caseSnapshot, caseState, foldCase, type CaseSnapshot } from '../src/machines/case.machine.js';
import { foldMeeting, meetingSnapshot, type MeetingSnapshot } from '../src/machines/meeting.machine.js';
import { evolveCase } from '../src/case/evolve.js';
import { evolveMeeting } from '../src/meeting/evolve.js';
import { evolveNumbering, foldNumbering } from '../src/numbering/evolve.js';
import type { NumberingRecord } from '../src/numbering/state.js';
import { recordIds } from '../src/core/ids.js';
import { meetingFacts, type Folded, type OwnMeeting } from '../src/core/load.js';
import type { Fact } from '../src/core/fact.js';
import type { WritePlan } from '../src/core/plan.js';
import { WorkflowError } from '../src/application/errors.js';
import { loadCalendar, type RecordSource } from '../src/meeting/calendar.js';
import { compareMeetings, type CalendarEntry } from '../src/meeting/chain.js';
import { decideCancelMeeting, decideChangeMeeting, planInChain } from '../src/meeting/change.js';
import { decideAdjournMeeting, decideNoticeMeeting, decideOpenMeeting, decidePlanMeeting } from '../src/meeting/decide.js';
import { decideCaseCommand } from '../src/case/decide.js';
import { assignMeetingNumber } from '../src/numbering/numbers.js';
import type { MeetingStatus } from '../src/meeting/lifecycle.js';
import { ctx, harness, type Harness } from './helpers.js';

/** What the invariant reads: the meetings and every minutes-approval item. */
interface Seen {
  meetings: (CalendarEntry & { number: string })[];
  items: { caseId: string; target: string | null; meetingId: string | null; state: string }[];
}

interface Driver {
  plan(date: string, startTime: string | null, kind: 'ordinary' | 'extraordinary'): Promise<void>;
  move(meetingId: string, date: string): Promise<void>;
  cancel(meetingId: string): Promise<void>;
  notice(meetingId: string): Promise<void>;
  /** Open, deal with every case (approve the minutes, or postpone that item when `postpone`), adjourn. */
  hold(meetingId: string, postpone: boolean): Promise<void>;
  /** Schedule a postponed approval item on a meeting. */
  schedule(caseId: string, meetingId: string): Promise<void>;
  seen(): Promise<Seen>;
}

// ---------- the pure driver: deciders and evolve over records in memory ----------

class PureDriver implements Driver {
  private readonly meetings = new Map<string, Folded<MeetingSnapshot>>();
  private readonly cases = new Map<string, Folded<CaseSnapshot>>();
  private readonly numbering = new Map<string, { state: NumberingRecord; revision: bigint }>();
  private readonly order: string[] = [];
  private n = 0;
  private readonly src: RecordSource = {
    meeting: async (id) => this.meetings.get(id)!,
    case: async (id) => this.cases.get(id)!,
  };

  private ids() {
    return recordIds(`command-${++this.n}`);
  }

  private numberingOf(year: number) {
    return this.numbering.get(String(year)) ?? { state: foldNumbering('NEHS', year, []), revision: -1n };
  }

  /** Append a plan: every expected revision must be the record's (the store's check), then evolve. */
  private apply(plan: WritePlan): void {
    for (const w of plan.writes) {
      const current = w.stream.startsWith('meeting-')
        ? this.meetings.get(w.stream.slice(8))?.revision
        : w.stream.startsWith('case-')
          ? this.cases.get(w.stream.slice(5))?.revision
          : this.numbering.get(w.stream.split('-')[2]!)?.revision;
      expect(w.expectedRevision).toBe(current === undefined ? 'no_stream' : current);
    }
    for (const w of plan.writes) {
      const facts = w.events as Fact[];
      const n = BigInt(facts.length);
      if (w.stream.startsWith('meeting-')) {
        const id = w.stream.slice(8);
        const m = this.meetings.get(id);
        if (!m) this.order.push(id);
        this.meetings.set(id, m ? { snapshot: meetingSnapshot(facts.reduce((r, e) => evolveMeeting(r, e as never), m.snapshot.context)), revision: m.revision + n } : { snapshot: foldMeeting(facts), revision: n - 1n });
      } else if (w.stream.startsWith('case-')) {
        const id = w.stream.slice(5);
        const k = this.cases.get(id);
        this.cases.set(id, k ? { snapshot: caseSnapshot(facts.reduce((r, e) => evolveCase(r, e as never), k.snapshot.context)), revision: k.revision + n } : { snapshot: foldCase(facts), revision: n - 1n });
      } else {
        const year = w.stream.split('-')[2]!;
        const k = this.numberingOf(Number(year));
        this.numbering.set(year, { state: facts.reduce((r, e) => evolveNumbering(r, e as never), k.state), revision: k.revision + n });
      }
    }
  }

  private given() {
    return { committee: 'NEHS', committeeName: 'Nasjonalt e-helsestyre' };
  }

  async plan(date: string, startTime: string | null, kind: 'ordinary' | 'extraordinary') {
    const ids = this.ids();
    const numbering = this.numberingOf(Number(date.slice(0, 4)));
    const calendar = await loadCalendar(this.src, this.order);
    const meetingId = ids('meeting');
    const { number } = assignMeetingNumber(numbering.state, meetingId);
    const inChain = planInChain({ calendar, ...this.given(), meetingId, number, date, ...(startTime ? { startTime } : {}) }, ids);
    const body = { date, place: 'Oslo', kind, ...(startTime ? { startTime } : {}) };
    this.apply(decidePlanMeeting({ code: 'NEHS', body, ids }, { committeeName: this.given().committeeName, numbering, ...inChain }));
  }

  async move(meetingId: string, date: string) {
    const calendar = await loadCalendar(this.src, this.order);
    this.apply(decideChangeMeeting({ meetingId, body: { date }, ids: this.ids() }, { calendar, ...this.given() }));
  }

  async cancel(meetingId: string) {
    const calendar = await loadCalendar(this.src, this.order);
    const agendaCases = new Map(this.meetings.get(meetingId)!.snapshot.context.agenda.map((a) => [a.caseId, this.cases.get(a.caseId)!]));
    this.apply(decideCancelMeeting({ meetingId, body: { reason: 'Avlyst' }, ids: this.ids() }, { calendar, ...this.given(), agendaCases }));
  }

  async notice(meetingId: string) {
    const meeting = this.meetings.get(meetingId)!;
    const cases = Object.fromEntries(meeting.snapshot.context.agenda.map((a) => [a.caseId, this.cases.get(a.caseId)!]));
    this.apply(decideNoticeMeeting({ meetingId }, { meeting, numbering: this.numberingOf(meeting.snapshot.context.year), cases }));
  }

  private own(k: CaseSnapshot): OwnMeeting | undefined {
    const id = k.context.meetingId;
    if (!id) return undefined;
    const loaded = this.meetings.get(id)!;
    const own: OwnMeeting = { loaded, facts: meetingFacts(loaded.snapshot) };
    const target = k.context.standardItem === 'minutes-approval' ? k.context.approvesMinutesOf : null;
    const prev = target ? this.meetings.get(target) : undefined;
    if (prev) own.previous = { loaded: prev, facts: { ...meetingFacts(prev.snapshot), minutes: prev.snapshot.context.minutes } };
    return own;
  }

  private caseCommand(caseId: string, command: 'present' | 'endorse' | 'note' | 'postpone' | 'schedule', body: Record<string, unknown>, target?: string) {
    const k = this.cases.get(caseId)!;
    const own = this.own(k.snapshot);
    const approves = k.snapshot.context.approvesMinutesOf;
    this.apply(
      decideCaseCommand(
        { caseId, command, body: body as never, ids: this.ids() },
        {
          case: k,
          ...(own ? { own } : {}),
          ...(target ? { target: this.meetings.get(target) ?? null } : {}),
          ...(target && approves ? { approves: this.meetings.get(approves)! } : {}),
        },
      ),
    );
  }

  async hold(meetingId: string, postpone: boolean) {
    this.apply(decideOpenMeeting({ meetingId, body: { present: [] } }, { meeting: this.meetings.get(meetingId)!, members: new Map() }));
    for (const a of this.meetings.get(meetingId)!.snapshot.context.agenda) {
      if (caseState(this.cases.get(a.caseId)!.snapshot) !== 'scheduled') continue;
      this.caseCommand(a.caseId, 'present', { presenter: 'Leder' });
      if (a.standardItem !== 'minutes-approval') this.caseCommand(a.caseId, 'note', { resolution: 'Tatt til orientering.' });
      else if (postpone) this.caseCommand(a.caseId, 'postpone', { reason: 'Referatet er ikke klart' });
      else this.caseCommand(a.caseId, 'endorse', { resolution: 'Referatet godkjennes.' });
    }
    const m = this.meetings.get(meetingId)!;
    const agendaCases = Object.fromEntries(m.snapshot.context.agenda.map((a) => [a.caseId, caseState(this.cases.get(a.caseId)!.snapshot)]));
    this.apply(decideAdjournMeeting({ meetingId }, { meeting: m, agendaCases }));
  }

  async schedule(caseId: string, meetingId: string) {
    this.caseCommand(caseId, 'schedule', { meetingId }, meetingId);
  }

  async seen(): Promise<Seen> {
    const cal = await loadCalendar(this.src, this.order);
    const items = [...this.cases.values()]
      .filter((k) => k.snapshot.context.standardItem === 'minutes-approval')
      .map((k) => ({ caseId: k.snapshot.context.caseId, target: k.snapshot.context.approvesMinutesOf, meetingId: k.snapshot.context.meetingId, state: caseState(k.snapshot) }));
    return { meetings: cal.entries, items };
  }
}

// ---------- the real workflow on a SQLite file ----------

class WorkflowDriver implements Driver {
  private readonly items = new Set<string>();
  constructor(
    private readonly h: Harness,
    private readonly code: string,
  ) {}
  private get wf() {
    return this.h.wf;
  }
  private actor() {
    return { name: 'Sekretariat', roles: [{ role: 'secretariat', committee: this.code }] };
  }
  async plan(date: string, startTime: string | null, kind: 'ordinary' | 'extraordinary') {
    await this.wf.planMeeting(this.code, { date, place: 'Oslo', kind, ...(startTime ? { startTime } : {}) }, ctx(this.actor()));
  }
  async move(meetingId: string, date: string) {
    await this.wf.changeMeeting(meetingId, { date }, ctx(this.actor()));
  }
  async cancel(meetingId: string) {
    await this.wf.cancelMeeting(meetingId, { reason: 'Avlyst' }, ctx(this.actor()));
  }
  async notice(meetingId: string) {
    await this.wf.noticeMeeting(meetingId, ctx(this.actor()));
  }
  async hold(meetingId: string, postpone: boolean) {
    const a = this.actor();
    await this.wf.openMeeting(meetingId, { present: [] }, ctx(a));
    for (const x of (await this.wf.getMeeting(meetingId)).agenda) {
      if (x.state !== 'scheduled') continue;
      await this.wf.caseCommand(x.caseId, 'present', { presenter: 'Leder' }, ctx(a));
      if (x.standardItem !== 'minutes-approval') await this.wf.caseCommand(x.caseId, 'note', { resolution: 'Tatt til orientering.' }, ctx(a));
      else if (postpone) await this.wf.caseCommand(x.caseId, 'postpone', { reason: 'Referatet er ikke klart' }, ctx(a));
      else await this.wf.caseCommand(x.caseId, 'endorse', { resolution: 'Referatet godkjennes.' }, ctx(a));
    }
    await this.wf.adjournMeeting(meetingId, ctx(a));
  }
  async schedule(caseId: string, meetingId: string) {
    await this.wf.caseCommand(caseId, 'schedule', { meetingId }, ctx(this.actor()));
  }
  async seen(): Promise<Seen> {
    const list = await this.wf.listMeetings(this.code);
    const meetings: Seen['meetings'] = [];
    for (const [seq, s] of list.entries()) {
      const m = await this.wf.getMeeting(s.id);
      meetings.push({ meetingId: m.id, number: m.number, date: m.date, startTime: m.startTime ?? null, seq, status: m.state as MeetingStatus });
      for (const a of m.agenda) if (a.standardItem === 'minutes-approval') this.items.add(a.caseId);
    }
    const items: Seen['items'] = [];
    for (const id of this.items) {
      const k = await this.wf.getCase(id);
      items.push({ caseId: id, target: k.approvesMinutesOf ?? null, meetingId: k.meetingId, state: k.state });
    }
    return { meetings, items };
  }
}

// ---------- the sequences and the invariant ----------

type Op =
  | { op: 'plan'; year: number; day: number; time: number; extraordinary: boolean }
  | { op: 'move'; pick: number; day: number }
  | { op: 'cancel'; pick: number }
  | { op: 'notice'; pick: number }
  | { op: 'hold'; postpone: boolean }
  | { op: 'approve'; pick: number; pick2: number };

const TIMES = [null, '09:00', '13:00'];
const dateOf = (year: number, day: number) => new Date(Date.UTC(year, 0, 1 + day)).toISOString().slice(0, 10);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('plan' as const), year: fc.constantFrom(2027, 2028), day: fc.nat(364), time: fc.nat(2), extraordinary: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('move' as const), pick: fc.nat(), day: fc.nat(364) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('notice' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('hold' as const), postpone: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('approve' as const), pick: fc.nat(), pick2: fc.nat() }) },
);

function checkInvariant(s: Seen): void {
  const byId = new Map(s.meetings.map((m) => [m.meetingId, m]));
  const live = s.items.filter((i) => i.state !== 'withdrawn');
  const count = new Map<string, number>();
  for (const i of live) if (i.target) count.set(i.target, (count.get(i.target) ?? 0) + 1);
  const open = s.meetings.filter((m) => m.status !== 'cancelled');
  for (const m of open) {
    const later = open.some((x) => compareMeetings(x, m) > 0);
    const n = count.get(m.meetingId) ?? 0;
    expect({ meeting: m.number, approvers: n }).toEqual({ meeting: m.number, approvers: Math.min(n, 1) }); // never two
    if (m.status === 'held') expect({ held: m.number, approvers: n }).toEqual({ held: m.number, approvers: later ? 1 : 0 });
  }
  for (const i of live) {
    const t = i.target ? byId.get(i.target) : undefined;
    expect(t).toBeDefined();
    expect({ item: i.caseId, target: t!.status }).not.toEqual({ item: i.caseId, target: 'cancelled' });
    const on = i.meetingId ? byId.get(i.meetingId) : undefined;
    if (on && on.status !== 'cancelled') expect({ item: i.caseId, before: compareMeetings(t!, on) < 0 }).toEqual({ item: i.caseId, before: true });
  }
  // a meeting number is never given twice
  expect(new Set(s.meetings.map((m) => m.number)).size).toBe(s.meetings.length);
}

/** Run one sequence; refusals must be domain errors (409/400) and change nothing the invariant reads. */
async function run(d: Driver, ops: readonly Op[], tally: Record<string, number>, nothingWritten?: () => Promise<bigint>): Promise<void> {
  for (const o of ops) {
    const s = await d.seen();
    const sorted = [...s.meetings].sort(compareMeetings);
    const pick = <T>(xs: T[], i: number) => (xs.length ? xs[i % xs.length] : undefined);
    let step: (() => Promise<void>) | undefined;
    switch (o.op) {
      case 'plan':
        step = () => d.plan(dateOf(o.year, o.day), TIMES[o.time]!, o.extraordinary ? 'extraordinary' : 'ordinary');
        break;
      case 'move': {
        const m = pick(s.meetings.filter((x) => x.status === 'planned' || x.status === 'noticed'), o.pick);
        if (m) step = () => d.move(m.meetingId, dateOf(Number(m.date.slice(0, 4)), o.day));
        break;
      }
      case 'cancel': {
        const m = pick(s.meetings.filter((x) => x.status === 'planned' || x.status === 'noticed'), o.pick);
        if (m) step = () => d.cancel(m.meetingId);
        break;
      }
      case 'notice': {
        const m = pick(s.meetings.filter((x) => x.status === 'planned'), o.pick);
        if (m) step = () => d.notice(m.meetingId);
        break;
      }
      case 'hold': {
        // meetings are held in date order: the earliest not held nor cancelled, once noticed
        const m = sorted.find((x) => x.status !== 'held' && x.status !== 'cancelled');
        if (m?.status === 'noticed') step = () => d.hold(m.meetingId, o.postpone);
        break;
      }
      case 'approve': {
        const item = pick(s.items.filter((i) => i.state === 'draft'), o.pick);
        const m = pick(s.meetings.filter((x) => x.status === 'planned'), o.pick2);
        if (item && m) step = () => d.schedule(item.caseId, m.meetingId);
        break;
      }
    }
    if (!step) continue;
    const before = nothingWritten ? await nothingWritten() : undefined;
    try {
      await step();
      tally[`${o.op}:ok`] = (tally[`${o.op}:ok`] ?? 0) + 1;
    } catch (e) {
      if (!(e instanceof WorkflowError)) throw e;
      expect([400, 409]).toContain(e.status);
      tally[`${o.op}:refused`] = (tally[`${o.op}:refused`] ?? 0) + 1;
      if (nothingWritten) expect(await nothingWritten()).toBe(before);
      expect(await d.seen()).toEqual(s);
    }
    checkInvariant(await d.seen());
  }
}

const sequences = fc.array(opArb, { minLength: 8, maxLength: 24 });

describe('the approval chain (property)', () => {
  it('holds over 1 000 random sequences against the pure deciders and evolve', async () => {
    const tally: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(sequences, async (ops) => run(new PureDriver(), ops, tally)),
      { numRuns: 1000 },
    );
    // the sequences exercised every step, both ways where a refusal is possible
    for (const k of ['plan:ok', 'move:ok', 'cancel:ok', 'notice:ok', 'hold:ok', 'approve:ok', 'move:refused', 'cancel:refused', 'plan:refused']) expect(tally[k] ?? 0).toBeGreaterThan(0);
  }, 120_000);

  describe('over the real workflow on a SQLite file', () => {
    let h: Harness;
    let n = 0;
    beforeAll(async () => {
      h = await harness();
    });
    afterAll(async () => {
      await h.close();
    });
    it('holds over 30 random sequences, and a refusal writes nothing', async () => {
      const tally: Record<string, number> = {};
      await fc.assert(
        fc.asyncProperty(sequences, async (ops) => {
          const code = `C${++n}`;
          await h.wf.createCommittee({ code, name: `Utvalg ${code}` }, ctx({ name: 'Admin', roles: [{ role: 'admin' }] }));
          await run(new WorkflowDriver(h, code), ops, tally, () => h.store.headPosition());
        }),
        { numRuns: 30 },
      );
      for (const k of ['plan:ok', 'move:ok', 'notice:ok', 'hold:ok']) expect(tally[k] ?? 0).toBeGreaterThan(0);
    }, 120_000);
  });
});

