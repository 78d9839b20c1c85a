/**
 * The committee's calendar as the approval chain decides on it (chain.ts), and the chain's actions
 * as writes: a new minutes-approval item on a planned meeting, a re-targeted one, a withdrawn one.
 * Loading goes through a `RecordSource` (the command's session, or an in-memory world in tests).
 */
import { caseStream, meetingStream, type CaseDrafted } from '../events.js';
import { caseState, decideCase, draftCase, type CaseMachineEvent, type CaseSnapshot } from '../machines/case.machine.js';
import { decideMeeting, meetingState, type MeetingMachineEvent, type MeetingSnapshot } from '../machines/meeting.machine.js';
import type { NewId } from '../core/ids.js';
import { meetingFacts, type Folded } from '../core/load.js';
import type { PlannedWrite } from '../core/plan.js';
import { minutesApprovalTexts, type ApprovalItem, type CalendarEntry, type ChainAction } from './chain.js';

export interface RecordSource {
  meeting(meetingId: string): Promise<Folded<MeetingSnapshot>>;
  case(caseId: string): Promise<Folded<CaseSnapshot>>;
}

export interface Calendar {
  entries: CalendarEntry[];
  items: ApprovalItem[];
  meetings: Map<string, Folded<MeetingSnapshot>>;
  cases: Map<string, Folded<CaseSnapshot>>;
}

export function calendarEntry(s: MeetingSnapshot, seq: number): CalendarEntry {
  const c = s.context;
  return { meetingId: c.meetingId, number: c.number, date: c.date, startTime: c.startTime, seq, status: meetingState(s) };
}

/** The meeting whose minutes a minutes-approval case approves: its own record's, else (older items) its first meeting's `previousMeetingId`. */
export function approvalTarget(k: CaseSnapshot, firstMeeting?: MeetingSnapshot): string | null {
  return k.context.approvesMinutesOf ?? firstMeeting?.context.previousMeetingId ?? null;
}

/** The committee's meetings (ids in planning order) and every minutes-approval item that stood on their agendas. */
export async function loadCalendar(src: RecordSource, meetingIds: readonly string[]): Promise<Calendar> {
  const meetings = new Map<string, Folded<MeetingSnapshot>>();
  const cases = new Map<string, Folded<CaseSnapshot>>();
  const entries: CalendarEntry[] = [];
  const firstMeetingOf = new Map<string, MeetingSnapshot>();
  for (const [seq, id] of meetingIds.entries()) {
    const m = await src.meeting(id);
    meetings.set(id, m);
    entries.push(calendarEntry(m.snapshot, seq));
    const c = m.snapshot.context;
    for (const a of [...c.agenda, ...c.removed])
      if (a.standardItem === 'minutes-approval' && !firstMeetingOf.has(a.caseId)) firstMeetingOf.set(a.caseId, m.snapshot);
  }
  const items: ApprovalItem[] = [];
  for (const [caseId, first] of firstMeetingOf) {
    const k = await src.case(caseId);
    cases.set(caseId, k);
    const c = k.snapshot.context;
    items.push({
      caseId,
      target: approvalTarget(k.snapshot, first),
      meetingId: c.meetingId,
      state: caseState(k.snapshot),
      number: c.number,
      own: c.postponements.length === 0 && c.unschedulings.length === 0,
      title: c.paper.title,
    });
  }
  return { entries, items, meetings, cases };
}

/** The writes of one stream each, in first-seen order (a command may touch a stream twice). */
export function mergeWrites(writes: readonly PlannedWrite[]): PlannedWrite[] {
  const by = new Map<string, PlannedWrite>();
  for (const w of writes) {
    const known = by.get(w.stream);
    if (known) known.events.push(...w.events);
    else by.set(w.stream, { ...w, events: [...w.events] });
  }
  return [...by.values()];
}

/** The drafted and scheduled minutes-approval case for `meetingId`, approving `target`'s minutes. */
export function minutesApprovalDraft(committee: string, committeeName: string, meetingId: string, target: { meetingId: string; date: string }, ids: NewId, key: string): CaseDrafted['data'] {
  const caseId = ids(`case:standard:minutes-approval${key}`);
  return {
    v: 1,
    caseId,
    committee,
    matterId: ids(`matter:standard:minutes-approval${key}`),
    ...minutesApprovalTexts(committeeName, target.date),
    type: 'approval',
    projectIds: [],
    meetsFollowUps: [],
    standardItem: 'minutes-approval',
    approvesMinutesOf: target.meetingId,
  };
}

const bug = (what: string) => new Error(`the approval chain's ${what} was refused by the machines`); // a bug, not a client error

/** The chain's actions as writes on the items' cases and the planned meetings' agendas. */
export function chainWrites(actions: readonly ChainAction[], cal: Calendar, committee: string, committeeName: string, ids: NewId): PlannedWrite[] {
  const writes: PlannedWrite[] = [];
  for (const a of actions) {
    const m = cal.meetings.get(a.meetingId)!;
    const facts = meetingFacts(m.snapshot);
    if (a.kind === 'create') {
      const drafted = minutesApprovalDraft(committee, committeeName, a.meetingId, a.target, ids, `:${a.meetingId}`);
      const scheduled: CaseMachineEvent = { type: 'CaseScheduled', data: { v: 1, meetingId: a.meetingId }, guard: { meeting: facts } };
      const added: MeetingMachineEvent = { type: 'CaseAddedToAgenda', data: { v: 1, caseId: drafted.caseId, standardItem: 'minutes-approval' } };
      if (!decideCase(draftCase(drafted), scheduled) || !decideMeeting(m.snapshot, added)) throw bug('new item');
      writes.push({ stream: caseStream(drafted.caseId), expectedRevision: 'no_stream', events: [{ type: 'CaseDrafted', data: drafted }, { type: 'CaseScheduled', data: scheduled.data }] });
      writes.push({ stream: meetingStream(a.meetingId), expectedRevision: m.revision, events: [{ type: added.type, data: added.data }] });
    } else if (a.kind === 'retarget') {
      const k = cal.cases.get(a.caseId)!;
      const ev: CaseMachineEvent = { type: 'MinutesApprovalRetargeted', data: { v: 1, approvesMinutesOf: a.target.meetingId, ...minutesApprovalTexts(committeeName, a.target.date) }, guard: { meeting: facts } };
      if (!decideCase(k.snapshot, ev)) throw bug('re-targeting');
      writes.push({ stream: caseStream(a.caseId), expectedRevision: k.revision, events: [{ type: ev.type, data: ev.data }] });
    } else {
      const k = cal.cases.get(a.caseId)!;
      const ev: CaseMachineEvent = { type: 'CaseWithdrawn', data: { v: 1, reason: a.reason }, guard: { meeting: facts } };
      const off: MeetingMachineEvent = { type: 'CaseRemovedFromAgenda', data: { v: 1, caseId: a.caseId, reason: a.reason, why: 'withdrawn' } };
      if (!decideCase(k.snapshot, ev) || !decideMeeting(m.snapshot, off)) throw bug('withdrawal');
      writes.push({ stream: caseStream(a.caseId), expectedRevision: k.revision, events: [{ type: ev.type, data: ev.data }] });
      writes.push({ stream: meetingStream(a.meetingId), expectedRevision: m.revision, events: [{ type: off.type, data: off.data }] });
    }
  }
  return writes;
}
