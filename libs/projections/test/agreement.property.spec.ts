/**
 * Property (issue 9, point 6): the readers of a case agree. Random command sequences go through the
 * real `Workflow` on a real SQLite store (plan meetings; create, edit, schedule, unschedule;
 * notice, open, present, record-discussion, endorse, note, postpone, withdraw, refer; adjourn),
 * with choices that are mostly valid (a case command is usually one the case read allows; refused
 * commands are fine and skipped). Then, for every case, these agree on its state, meeting, number,
 * discussion (per meeting) and paper:
 * - the machine: `foldCase(its stream)` (state, record) and `allowedCommands` with its meeting's facts;
 * - the case read: `Workflow.getCase`;
 * - the minutes view (the projection, caught up) of every meeting, and the notice's papers;
 * - the archive: `buildArchive` of the log, for every committee and year.
 * Each reader's mapping from the record is the one the workflow README states (a withdrawn case is
 * on no meeting and has no number in the views and the archive; the case read keeps both).
 */
import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { RecordedEvent } from '@saksflyt/event-store';
import {
  Workflow,
  WorkflowError,
  allowedCommands,
  caseState,
  foldCase,
  foldMeetingRecord,
  type Actor,
  type CaseCommand,
  type CaseRecord,
  type MeetingRecord,
} from '@saksflyt/workflow';
import { buildArchive, type Archive } from '@saksflyt/archive';
import { allProjections, ProjectionRunner, type Minutes, type MinutesWithPapers } from '@saksflyt/projections';
import { tempStore } from './helpers.js';

const admin: Actor = { name: 'Admin', roles: [{ role: 'admin' }] };
const sec: Actor = { name: 'Sekretariatet', roles: [{ role: 'secretariat', committee: 'AAA' }, { role: 'secretariat', committee: 'BBB' }] };
const ctx = (actor: Actor = sec) => ({ actor, correlationId: randomUUID() });

/** One step: what to do, and two numbers that choose whom to do it to and how. */
type Step = [kind: number, a: number, b: number];
const KINDS = 8;

const TYPES = ['endorsement', 'orientation', 'discussion', 'approval'] as const;
const TEXTS = ['Første', 'Andre', 'Tredje'];

interface Driven {
  cases: string[];
  meetings: string[];
  members: string[];
  refused: number;
  done: Record<string, number>;
}

/** Runs the steps through the workflow; a refused command (4xx-like error) is counted and skipped. */
async function drive(wf: Workflow, steps: Step[]): Promise<Driven> {
  await wf.createCommittee({ code: 'AAA', name: 'Utvalg A' }, ctx(admin));
  await wf.createCommittee({ code: 'BBB', name: 'Utvalg B' }, ctx(admin));
  const members: string[] = [];
  for (const [name, role] of [['Leder', 'chair'], ['Medlem', 'member'], ['Observatør', 'observer']] as const)
    members.push((await wf.addMember('AAA', { name, organisation: 'Org', role }, ctx(admin))).id);
  const d: Driven = { cases: [], meetings: [], members, refused: 0, done: {} };
  const pick = <T>(xs: readonly T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined);
  const attempt = async (what: string, f: () => Promise<unknown>): Promise<void> => {
    try {
      await f();
      d.done[what] = (d.done[what] ?? 0) + 1;
    } catch (error) {
      if (!(error instanceof WorkflowError)) throw error;
      d.refused++;
    }
  };
  let day = 0;
  for (const [kind, a, b] of steps) {
    switch (kind) {
      case 0: {
        if (d.meetings.length >= 3) break;
        day += 10 + (b % 20);
        const date = new Date(Date.UTC(2024, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
        await attempt('plan', async () => d.meetings.push((await wf.planMeeting('AAA', { date, place: 'Oslo', startTime: '10:00' }, ctx())).id));
        break;
      }
      case 1: {
        const paper = {
          committee: 'AAA',
          title: `Sak ${d.cases.length + 1}`,
          type: TYPES[a % TYPES.length]!,
          proposedResolution: `Forslag ${b % 7}`,
          ...(b % 2 ? { background: `Bakgrunn ${a % 5}` } : {}),
          ...(b % 3 === 0 ? { purpose: 'Formål' } : {}),
          ...(a % 4 === 0 ? { caseOfficer: 'Saksbehandler' } : {}),
        };
        await attempt('create', async () => d.cases.push((await wf.createCase(paper, ctx())).id));
        break;
      }
      case 2: {
        const caseId = pick(d.cases, a);
        if (!caseId) break;
        const changes = [{ title: `Endret ${b % 5}` }, { background: `Ny bakgrunn ${b % 3}` }, { responsible: 'Ansvarlig', purpose: `Formål ${b % 4}` }, { proposedResolution: `Nytt forslag ${b % 9}` }][b % 4]!;
        await attempt('edit', () => wf.editCase(caseId, changes, ctx()));
        break;
      }
      case 3:
      case 4: {
        // a meeting one step along its lifecycle (notice mostly once something is scheduled on it)
        const meetingId = pick(d.meetings, a);
        if (!meetingId) break;
        const m = await wf.getMeeting(meetingId);
        if (m.state === 'planned' && (m.agenda.some((x) => !x.standardItem) || b % 5 === 0)) await attempt('notice', () => wf.noticeMeeting(meetingId, ctx()));
        else if (m.state === 'noticed') await attempt('open', () => wf.openMeeting(meetingId, { present: members.slice(0, 1 + (b % 3)), absent: [], guests: [] }, ctx()));
        else if (m.state === 'in_session' && b % 3 === 0) await attempt('adjourn', () => wf.adjournMeeting(meetingId, ctx()));
        break;
      }
      default: {
        // a case command: mostly one the case read allows, forward rather than back; sometimes any.
        // Kind 5 works through the agenda of a meeting in session; the others pick any case.
        let caseId = pick(d.cases, a);
        if (kind === 5) {
          const open = [];
          for (const id of d.meetings) {
            const m = await wf.getMeeting(id);
            if (m.state === 'in_session') open.push(...m.agenda.map((x) => x.caseId));
          }
          caseId = pick(open, a) ?? caseId;
        }
        if (!caseId) break;
        const c = await wf.getCase(caseId, { actor: sec });
        const all: CaseCommand[] = ['schedule', 'unschedule', 'present', 'record-discussion', 'endorse', 'note', 'postpone', 'refer', 'withdraw'];
        const allowed = c.allowedCommands.filter((x) => x !== 'edit');
        const forward = allowed.filter((x) => !['unschedule', 'postpone', 'withdraw'].includes(x));
        const choices = b % 11 === 0 ? all : b % 4 === 0 || forward.length === 0 ? allowed : forward;
        const command = pick(choices, b >> 3);
        if (!command) break;
        const body: Record<string, unknown> = (() => {
          switch (command) {
            case 'schedule':
              return { meetingId: pick(d.meetings, b) ?? 'nope' };
            case 'present':
              return { presenter: 'Direktoratet' };
            case 'record-discussion':
              return { ...(b % 3 ? { summary: `Oppsummering ${TEXTS[b % 3]}` } : {}), points: b % 2 ? [`Punkt ${b % 4}`] : [], followUps: b % 5 === 0 ? ['Følg opp'] : [] };
            case 'endorse':
              return { resolution: `Vedtak ${b % 5}`, ...(b % 2 ? { conditions: 'Vilkår' } : {}) };
            case 'note':
              return { resolution: 'Tatt til orientering', input: b % 2 ? ['Innspill'] : [] };
            case 'refer':
              return { toCommittee: 'BBB', type: TYPES[b % TYPES.length] };
            default:
              return { reason: `Grunn ${b % 3}` };
          }
        })();
        await attempt(command, () => wf.caseCommand(caseId, command, body, ctx()));
      }
    }
  }
  return d;
}

const discussionAt = (r: CaseRecord, meetingId: string) => {
  const ds = r.discussions.filter((x) => x.meetingId === meetingId);
  return {
    summary: [...ds].reverse().find((x) => x.summary !== undefined)?.summary ?? null,
    points: ds.flatMap((x) => x.points),
    followUps: ds.flatMap((x) => x.followUps),
  };
};
const paperOf = (r: CaseRecord) => ({
  title: r.paper.title,
  type: r.paper.type,
  proposedResolution: r.paper.proposedResolution,
  background: r.paper.background ?? null,
  purpose: r.paper.purpose ?? null,
  caseOfficer: r.paper.caseOfficer ?? null,
  responsible: r.paper.responsible ?? null,
});
/** A withdrawn case is on no meeting and has no number in the views and the archive. */
const viewMeeting = (r: CaseRecord) => (r.status === 'withdrawn' ? null : r.meetingId);
const viewNumber = (r: CaseRecord) => (r.status === 'withdrawn' ? null : r.number);

async function check(wf: Workflow, log: RecordedEvent[], runner: ProjectionRunner, d: Driven): Promise<{ discussed: number; decided: number; withdrawn: number; postponed: number; postponedDiscussed: number }> {
  const streams = new Map<string, RecordedEvent[]>();
  for (const e of log) {
    const list = streams.get(e.stream);
    if (list) list.push(e);
    else streams.set(e.stream, [e]);
  }
  const meetings = new Map<string, MeetingRecord>();
  for (const [stream, events] of streams) if (stream.startsWith('meeting-')) meetings.set(stream.slice(8), foldMeetingRecord(events));
  const archives: Archive[] = [];
  for (const code of ['AAA', 'BBB'])
    for (const year of new Set([...meetings.values()].filter((m) => m.committee === code).map((m) => m.year)))
      archives.push(buildArchive(log, { committee: code, year, generatedAt: '2025-01-01T00:00:00Z' })!);
  const archived = new Map(archives.flatMap((a) => a.cases.map((c) => [c.id, c] as const)));
  const minutes = new Map<string, MinutesWithPapers>();
  for (const id of meetings.keys()) minutes.set(id, runner.query<MinutesWithPapers | null>('minutes-papers', { meetingId: id }).view!);
  const stats = { discussed: 0, decided: 0, withdrawn: 0, postponed: 0, postponedDiscussed: 0 };

  for (const [stream, events] of streams) {
    if (!stream.startsWith('case-')) continue;
    const id = stream.slice(5);
    // the machine
    const snapshot = foldCase(events);
    const r = snapshot.context;
    const state = caseState(snapshot);
    expect(state).toBe(r.status);
    const own = r.meetingId ? meetings.get(r.meetingId) : undefined;
    const previous = own?.previousMeetingId && r.standardItem === 'minutes-approval' ? meetings.get(own.previousMeetingId) : undefined;
    const machineAllows = allowedCommands(snapshot, {
      actor: sec,
      ...(own ? { meeting: { id: own.meetingId, committee: own.committee, state: own.status, minutes: own.minutes } } : {}),
      ...(previous ? { previousMeeting: { id: previous.meetingId, committee: previous.committee, state: previous.status, minutes: previous.minutes } } : {}),
    });
    if (r.discussions.length) stats.discussed++;
    if (r.decision) stats.decided++;
    if (r.withdrawal) stats.withdrawn++;
    if (r.postponements.length) stats.postponed++;
    if (r.postponements.some((p) => r.discussions.some((x) => x.meetingId === p.meetingId))) stats.postponedDiscussed++;

    // the case read
    const read = await wf.getCase(id, { actor: sec });
    expect({ id, state: read.state, meetingId: read.meetingId, number: read.number, allowed: read.allowedCommands }).toEqual({
      id,
      state,
      meetingId: r.meetingId,
      number: r.number,
      allowed: machineAllows,
    });
    expect({
      id,
      paper: { title: read.title, type: read.type, proposedResolution: read.proposedResolution, background: read.background ?? null, purpose: read.purpose ?? null, caseOfficer: read.caseOfficer ?? null, responsible: read.responsible ?? null },
      discussion: read.discussion,
      resolution: read.resolution,
    }).toEqual({
      id,
      paper: paperOf(r),
      discussion: r.discussions.map((x) => ({ summary: x.summary, points: x.points, followUps: x.followUps })),
      resolution: r.decision?.resolution ?? null,
    });

    // the minutes of every meeting: the case is listed exactly at the meeting whose agenda has it, which is its meeting
    for (const [meetingId, m] of meetings) {
      const listed = minutes.get(meetingId)!;
      const i = listed.minutes.cases.findIndex((c) => c.caseId === id);
      const onAgenda = m.agenda.some((a) => a.caseId === id);
      expect({ id, meetingId, listed: i >= 0 }).toEqual({ id, meetingId, listed: onAgenda });
      if (viewMeeting(r) === meetingId) expect({ id, meetingId, listed: i >= 0 }).toEqual({ id, meetingId, listed: true });
      if (i < 0) continue;
      const c: Minutes['cases'][number] = listed.minutes.cases[i]!;
      const { title, type, proposedResolution, ...rest } = paperOf(r);
      expect({
        id,
        meetingId: r.meetingId,
        state: c.state,
        number: c.number,
        paper: { title: c.title, type: c.type, proposedResolution: c.proposedResolution, ...(({ attachments: _attachments, ...p }) => p)(listed.papers[i]!) },
        discussion: { summary: c.summary, points: c.points, followUps: c.followUps },
        decision: [c.outcome, c.resolution, c.conditions, c.input],
      }).toEqual({
        id,
        meetingId,
        state,
        number: viewNumber(r),
        paper: { title, type, proposedResolution, ...rest },
        discussion: discussionAt(r, meetingId),
        decision: [r.decision?.outcome ?? null, r.decision?.resolution ?? null, r.decision?.conditions ?? null, r.decision?.input ?? []],
      });
    }

    // the archive: every case that was ever on an agenda of its committee's year
    const a = archived.get(id);
    expect({ id, archived: a !== undefined }).toEqual({ id, archived: r.lastMeetingId !== null });
    if (!a) continue;
    const { title, type, proposedResolution, background, purpose, caseOfficer, responsible } = a;
    expect({
      id,
      state: a.state,
      number: a.number,
      meetingId: viewMeeting(r) === null ? null : a.meetingId,
      paper: { title, type, proposedResolution, background, purpose, caseOfficer, responsible },
      discussions: a.discussions.map((x) => ({ meetingId: x.meetingId, summary: x.summary, points: x.points, followUps: x.followUps })),
      decision: [a.outcome, a.resolution],
    }).toEqual({
      id,
      state,
      number: viewNumber(r),
      meetingId: viewMeeting(r),
      paper: paperOf(r),
      discussions: r.discussions.map((x) => ({ meetingId: x.meetingId, summary: x.summary ?? null, points: x.points, followUps: x.followUps })),
      decision: [r.decision?.outcome ?? null, r.decision?.resolution ?? null],
    });
    for (const meetingId of new Set(r.discussions.map((x) => x.meetingId!)))
      expect({ id, meetingId, at: discussionAt(r, meetingId) }).toEqual({
        id,
        meetingId,
        at: (() => {
          const ds = a.discussions.filter((x) => x.meetingId === meetingId);
          return { summary: [...ds].reverse().find((x) => x.summary !== null)?.summary ?? null, points: ds.flatMap((x) => x.points), followUps: ds.flatMap((x) => x.followUps) };
        })(),
      });
    expect(a.meetingIds.length).toBeGreaterThan(0);
  }
  expect(d.cases.every((id) => streams.has(`case-${id}`))).toBe(true);
  return stats;
}

describe('the machine, the case read, the minutes view and the archive agree on every case (property)', () => {
  it('holds for random command sequences through the workflow', async () => {
    const seen = { discussed: 0, decided: 0, withdrawn: 0, postponed: 0, postponedDiscussed: 0, refused: 0, cases: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(KINDS + 4), fc.nat(1023), fc.nat(1023)), { minLength: 60, maxLength: 160 }), async (steps) => {
        const t = await tempStore();
        let runner: ProjectionRunner | undefined;
        try {
          const wf = new Workflow(t.store);
          // plan a meeting and make a case first, so most sequences get somewhere
          const d = await drive(wf, [[0, 0, 0], [1, 0, 1], [1, 1, 2], ...(steps as Step[]).map(([k, a, b]): Step => [k >= KINDS ? 5 + (k % 2) : k, a, b])]);
          const log: RecordedEvent[] = [];
          for await (const e of t.store.readAll()) log.push(e);
          runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: allProjections });
          expect((await runner.waitFor(await t.store.headPosition(), 10_000)).reached).toBe(true);
          expect(runner.status().map((s) => s.status)).toEqual(['running']);
          const s = await check(wf, log, runner, d);
          for (const k of ['discussed', 'decided', 'withdrawn', 'postponed', 'postponedDiscussed'] as const) seen[k] += s[k];
          seen.refused += d.refused;
          seen.cases += d.cases.length;
        } finally {
          await runner?.stop();
          await t.cleanup();
        }
      }),
      { numRuns: Number(process.env.AGREE_RUNS ?? 16) },
    );
    if (process.env.AGREE_DEBUG) console.log(seen);
    // the sequences reach the interesting states
    expect(seen.discussed).toBeGreaterThan(0);
    expect(seen.decided).toBeGreaterThan(0);
    expect(seen.postponed).toBeGreaterThan(0);
    expect(seen.withdrawn).toBeGreaterThan(0);
  }, 60_000);

  it('holds on a tour through every disagreement of the old folds (postponed after discussion, withdrawn after notice, minutes approved, referred)', async () => {
    const t = await tempStore();
    let runner: ProjectionRunner | undefined;
    try {
      const wf = new Workflow(t.store);
      const d = await drive(wf, []);
      const say = (id: string, command: CaseCommand, body: Record<string, unknown> = {}) => wf.caseCommand(id, command, body, ctx());
      const create = async (title: string, type: (typeof TYPES)[number], extra: Record<string, string> = {}) => {
        const id = (await wf.createCase({ committee: 'AAA', title, type, proposedResolution: `Forslag: ${title}`, ...extra }, ctx())).id;
        d.cases.push(id);
        return id;
      };
      const m1 = (await wf.planMeeting('AAA', { date: '2024-03-01', place: 'Oslo' }, ctx())).id;
      const [c1, c2, c3] = [await create('Utsatt etter drøfting', 'endorsement', { background: 'Bakgrunn' }), await create('Vedtatt', 'endorsement', { purpose: 'Formål' }), await create('Trukket', 'orientation')];
      for (const c of [c1, c2, c3]) await say(c, 'schedule', { meetingId: m1 });
      await wf.editCase(c2, { caseOfficer: 'Saksbehandler' }, ctx());
      await wf.noticeMeeting(m1, ctx());
      await wf.openMeeting(m1, { present: d.members.slice(0, 2), absent: [], guests: [] }, ctx());
      for (const item of (await wf.getMeeting(m1)).agenda) {
        if (item.caseId === c3) await say(c3, 'withdraw', { reason: 'Trukket av saksbehandler' });
        else {
          await say(item.caseId, 'present', { presenter: 'Direktoratet' });
          if (item.caseId === c1 || item.caseId === c2) await say(item.caseId, 'record-discussion', { summary: `Drøftet ${item.number}`, points: ['Punkt'], followUps: ['Følg opp'] });
          if (item.caseId === c1) await say(c1, 'postpone', { reason: 'Mangler tall' });
          else if (item.type === 'orientation') await say(item.caseId, 'note', { resolution: 'Tatt til orientering' });
          else await say(item.caseId, 'endorse', { resolution: `Vedtak ${item.number}` });
        }
      }
      await wf.adjournMeeting(m1, ctx());
      await say(c2, 'refer', { toCommittee: 'BBB', type: 'orientation' });
      const m2 = (await wf.planMeeting('AAA', { date: '2024-04-01', place: 'Oslo' }, ctx())).id;
      await say(c1, 'schedule', { meetingId: m2 });
      await wf.editCase(c1, { background: 'Ny bakgrunn', responsible: 'Ansvarlig' }, ctx());
      await wf.noticeMeeting(m2, ctx());
      await wf.openMeeting(m2, { present: d.members.slice(0, 1), absent: [], guests: [] }, ctx());
      for (const item of (await wf.getMeeting(m2)).agenda) {
        await say(item.caseId, 'present', { presenter: 'Direktoratet' });
        if (item.caseId === c1) await say(c1, 'record-discussion', { summary: 'Drøftet igjen', points: [], followUps: [] });
        if (item.type === 'orientation') await say(item.caseId, 'note', { resolution: 'Tatt til orientering' });
        else await say(item.caseId, 'endorse', { resolution: 'Godkjent' });
      }
      d.meetings.push(m1, m2);
      const log: RecordedEvent[] = [];
      for await (const e of t.store.readAll()) log.push(e);
      runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: allProjections });
      expect((await runner.waitFor(await t.store.headPosition(), 10_000)).reached).toBe(true);
      const s = await check(wf, log, runner, d);
      expect(s).toMatchObject({ postponedDiscussed: 1, withdrawn: 1 });
      expect(runner.query<Minutes | null>('minutes', { meetingId: m1 }).view!.status).toBe('approved');
    } finally {
      await runner?.stop();
      await t.cleanup();
    }
  });
});
