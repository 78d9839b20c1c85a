/**
 * Meetings that move or are cancelled (API.md "Meetings that move, are cancelled, …"): the pure
 * deciders of `PATCH /api/meetings/{id}` (a change after notice is a changed notice) and
 * `POST /api/meetings/{id}/cancel`, and the approval chain's part of planning. Each answers one
 * write plan with what the approval chain (chain.ts) changes on the other meetings.
 */
import { caseStream, meetingStream, type MeetingDetails } from '../events.js';
import { decideCase, type CaseMachineEvent } from '../machines/case.machine.js';
import type { Actor } from '../machines/guard-input.js';
import { decideMeeting, meetingState, type MeetingMachineEvent, type MeetingSnapshot } from '../machines/meeting.machine.js';
import { allowedMeetingCommands } from '../machines/commands.js';
import { InvalidCommand, ValidationFailed, type FieldError } from '../application/errors.js';
import type { CancelMeetingBody, ChangeMeetingBody } from '../application/types.js';
import type { NewId } from '../core/ids.js';
import { meetingFacts, type Folded } from '../core/load.js';
import { checkIfMatch, type PlannedEvent, type PlannedWrite, type WritePlan } from '../core/plan.js';
import { minutesApprovalTexts, planChain, type CalendarEntry, type ChainAction } from './chain.js';
import { chainWrites, mergeWrites, type Calendar } from './calendar.js';
import type { MeetingRecord } from './state.js';

export interface CalendarGiven {
  calendar: Calendar;
  committee: string;
  committeeName: string;
}

const titleFor = (committeeName: string) => (t: CalendarEntry) => minutesApprovalTexts(committeeName, t.date).title;

function chainOrRefuse(
  given: CalendarGiven,
  after: CalendarEntry[],
  leaving: ReadonlySet<string>,
  refusal: (detail: string, meetingId: string) => InvalidCommand,
): ChainAction[] {
  const r = planChain(given.calendar.entries, after, given.calendar.items, leaving, titleFor(given.committeeName));
  if ('blocked' in r) throw refusal(r.blocked.detail, r.blocked.meetingId);
  return r.actions;
}

/** Planning: the new meeting's place in the chain (the item it gets) and what changes on the others. */
export function planInChain(given: CalendarGiven & { meetingId: string; date: string; startTime?: string; number: string }, ids: NewId): { previous?: { meetingId: string; date: string }; chain: PlannedWrite[] } {
  const entry: CalendarEntry = { meetingId: given.meetingId, number: given.number, date: given.date, startTime: given.startTime ?? null, seq: given.calendar.entries.length, status: 'planned' };
  const actions = chainOrRefuse(given, [...given.calendar.entries, entry], new Set(), (detail, meetingId) => new InvalidCommand(`cannot plan a meeting on ${given.date}: ${detail}`, [], { meetingId }));
  const own = actions.find((a) => a.kind === 'create' && a.meetingId === given.meetingId);
  const others = actions.filter((a) => a.meetingId !== given.meetingId);
  return {
    ...(own && own.kind === 'create' ? { previous: { meetingId: own.target.meetingId, date: own.target.date } } : {}),
    chain: chainWrites(others, given.calendar, given.committee, given.committeeName, ids),
  };
}

/** The shape rules over several date and time fields (400): `endDate` not before `date`, `endTime` not before `startTime` on one day. */
export function meetingTimeErrors(d: { date: string; endDate?: string | null; startTime?: string | null; endTime?: string | null }): FieldError[] {
  const errors: FieldError[] = [];
  if (d.endDate && d.endDate < d.date) errors.push({ field: 'endDate', message: `must not be before date ${d.date}` });
  const oneDay = !d.endDate || d.endDate === d.date;
  if (oneDay && d.startTime && d.endTime && d.endTime < d.startTime) errors.push({ field: 'endTime', message: `must not be before startTime ${d.startTime} on a one-day meeting` });
  return errors;
}

const DETAIL_FIELDS = ['date', 'endDate', 'startTime', 'endTime', 'place', 'format'] as const;

function detailsOf(c: MeetingRecord): Partial<MeetingDetails> {
  return {
    date: c.date,
    ...(c.endDate !== null ? { endDate: c.endDate } : {}),
    ...(c.startTime !== null ? { startTime: c.startTime } : {}),
    ...(c.endTime !== null ? { endTime: c.endTime } : {}),
    place: c.place,
    format: c.format,
  };
}

export interface MeetingChangeWhen {
  meetingId: string;
  ifMatch?: bigint;
  actor?: Actor;
  ids: NewId;
}

function refusedBy(command: 'edit' | 'cancel', s: MeetingSnapshot, actor: Actor | undefined) {
  const allowed = allowedMeetingCommands(s, { actor }).filter((c) => c !== command);
  const verb = command === 'edit' ? 'change' : 'cancel';
  return {
    state: () => new InvalidCommand(`cannot ${verb} meeting ${s.context.number}: it is ${meetingState(s)}`, allowed, { meetingId: s.context.meetingId }),
    chain: (detail: string, meetingId: string) => new InvalidCommand(`cannot ${verb} meeting ${s.context.number}: ${detail}`, allowed, { meetingId }),
  };
}

function answer(m: Folded<MeetingSnapshot>, next: MeetingSnapshot, writes: PlannedWrite[]) {
  const stream = meetingStream(m.snapshot.context.meetingId);
  const own = writes.find((w) => w.stream === stream)!;
  const c = next.context;
  return { id: c.meetingId, committee: c.committee, number: c.number, state: meetingState(next), revision: m.revision + BigInt(own.events.length) };
}

/** PATCH: date, days, times, place, format while planned or noticed; after notice recorded as a changed notice. */
export function decideChangeMeeting(when: MeetingChangeWhen & { body: ChangeMeetingBody }, given: CalendarGiven): WritePlan {
  const m = given.calendar.meetings.get(when.meetingId)!;
  const c = m.snapshot.context;
  const b = when.body;
  const next = { date: b.date ?? c.date, endDate: b.endDate ?? c.endDate, startTime: b.startTime ?? c.startTime, endTime: b.endTime ?? c.endTime };
  const errors = meetingTimeErrors(next);
  if (b.date !== undefined && b.date.slice(0, 4) !== String(c.year))
    errors.unshift({ field: 'date', message: `must stay in ${c.year}: the meeting's number ${c.number} belongs to that year` });
  if (errors.length) throw new ValidationFailed(errors);
  const stream = meetingStream(when.meetingId);
  checkIfMatch(stream, when.ifMatch, m.revision);
  const was = detailsOf(c);
  const changes: Partial<MeetingDetails> = {};
  const previous: Partial<MeetingDetails> = {};
  for (const f of DETAIL_FIELDS) {
    if (b[f] === undefined) continue;
    (changes as Record<string, unknown>)[f] = b[f];
    if (was[f] !== undefined) (previous as Record<string, unknown>)[f] = was[f];
  }
  const ev: MeetingMachineEvent = { type: 'MeetingChanged', data: { v: 1, changes, previous, afterNotice: meetingState(m.snapshot) !== 'planned' } };
  const moved = decideMeeting(m.snapshot, ev);
  const refused = refusedBy('edit', m.snapshot, when.actor);
  if (!moved) throw refused.state();
  const after = given.calendar.entries.map((e) => (e.meetingId === when.meetingId ? { ...e, date: next.date, startTime: next.startTime } : e));
  const actions = chainOrRefuse(given, after, new Set(), refused.chain);
  const writes = mergeWrites([{ stream, expectedRevision: m.revision, events: [{ type: ev.type, data: ev.data }] }, ...chainWrites(actions, given.calendar, given.committee, given.committeeName, when.ids)]);
  return { writes, root: stream, answer: answer(m, moved, writes) };
}

/**
 * Cancel (avlys) from planned or noticed: its own standard items are withdrawn, its other cases go
 * back to draft (unscheduled before notice, postponed after: the numbers given at notice are lost);
 * the meeting keeps its number. `agendaCases`: the cases on its agenda.
 */
export function decideCancelMeeting(when: MeetingChangeWhen & { body: CancelMeetingBody }, given: CalendarGiven & { agendaCases: Calendar['cases'] }): WritePlan {
  const m = given.calendar.meetings.get(when.meetingId)!;
  const c = m.snapshot.context;
  const stream = meetingStream(when.meetingId);
  checkIfMatch(stream, when.ifMatch, m.revision);
  const cancelled: MeetingMachineEvent = { type: 'MeetingCancelled', data: { v: 1, reason: when.body.reason } };
  const first = decideMeeting(m.snapshot, cancelled);
  const refused = refusedBy('cancel', m.snapshot, when.actor);
  if (!first) throw refused.state();
  let next: MeetingSnapshot = first;
  const facts = meetingFacts(m.snapshot);
  const noticed = facts.state !== 'planned';
  const reason = `Møtet ${c.number} er avlyst: ${when.body.reason}`;
  const meetingEvents: PlannedEvent[] = [{ type: cancelled.type, data: cancelled.data }];
  const caseWrites: PlannedWrite[] = [];
  const leaving = new Set<string>();
  for (const a of c.agenda) {
    const k = given.agendaCases.get(a.caseId);
    if (!k || k.snapshot.value !== 'scheduled') continue; // withdrawn after notice: stays on the frozen agenda
    const kc = k.snapshot.context;
    const own = a.standardItem !== null && kc.postponements.length === 0 && kc.unschedulings.length === 0;
    let ev: CaseMachineEvent;
    let why: 'withdrawn' | 'unscheduled' | 'postponed';
    if (own) {
      ev = { type: 'CaseWithdrawn', data: { v: 1, reason }, guard: { meeting: facts } };
      why = 'withdrawn';
      leaving.add(a.caseId);
    } else if (noticed) {
      ev = { type: 'CasePostponed', data: { v: 1, meetingId: c.meetingId, reason }, guard: { meeting: facts } };
      why = 'postponed';
    } else {
      ev = { type: 'CaseUnscheduled', data: { v: 1, meetingId: c.meetingId, reason }, guard: { meeting: facts } };
      why = 'unscheduled';
    }
    const off: MeetingMachineEvent = { type: 'CaseRemovedFromAgenda', data: { v: 1, caseId: a.caseId, reason, why } };
    const after: MeetingSnapshot | null = decideMeeting(next, off);
    if (!decideCase(k.snapshot, ev) || !after) throw new Error(`cancelling: case ${a.caseId} refused by the machines`); // a bug
    next = after;
    meetingEvents.push({ type: off.type, data: off.data });
    caseWrites.push({ stream: caseStream(a.caseId), expectedRevision: k.revision, events: [{ type: ev.type, data: ev.data }] });
  }
  const afterCal = given.calendar.entries.map((e) => (e.meetingId === when.meetingId ? { ...e, status: 'cancelled' as const } : e));
  const actions = chainOrRefuse(given, afterCal, leaving, refused.chain);
  const writes = mergeWrites([
    { stream, expectedRevision: m.revision, events: meetingEvents },
    ...caseWrites,
    ...chainWrites(actions, given.calendar, given.committee, given.committeeName, when.ids),
  ]);
  return { writes, root: stream, answer: { ...answer(m, next, writes), state: 'cancelled' } };
}
