/**
 * Meeting commands (the committee's secretariat; the api's guard asks `may`): plan, notice, open,
 * adjourn. Pure deciders: given the loaded records, the write plan or a domain error. The machines
 * decide every state change (`decideMeeting`, `decideCase`) by state; refusals name the caller's
 * `allowedCommands` (machine ∩ `may`).
 */
import { caseStream, meetingStream, numberingStream, type CaseDrafted, type CaseType, type MeetingPlanned, type StandardItem } from '../events.js';
import { caseState, decideCase, draftCase, type CaseMachineEvent, type CaseSnapshot } from '../machines/case.machine.js';
import { allowedMeetingCommands } from '../machines/commands.js';
import type { Actor, CaseState, MeetingFacts } from '../machines/guard-input.js';
import {
  decideMeeting,
  meetingState,
  openAgendaCases,
  planMeetingSnapshot,
  type MeetingMachineEvent,
  type MeetingSnapshot,
} from '../machines/meeting.machine.js';
import { assignCaseNumbers, assignMeetingNumber } from '../numbering/numbers.js';
import { InvalidCommand, ValidationFailed, type FieldError } from '../application/errors.js';
import type { MemberView, OpenMeetingBody, PlanMeetingBody } from '../application/types.js';
import type { NewId } from '../core/ids.js';
import type { Folded, LoadedNumbering } from '../core/load.js';
import { checkIfMatch, expectRevision, single, type PlannedEvent, type PlannedWrite, type WritePlan } from '../core/plan.js';
import { agendaOrder } from './agenda.js';

import { minutesApprovalTexts, norwegianDate } from './chain.js';

export { norwegianDate };

const fact = (e: { type: string; data: unknown }): PlannedEvent => ({ type: e.type, data: e.data });

export interface PlanMeetingGiven {
  committeeName: string;
  /** The numbering of the meeting's year. */
  numbering: LoadedNumbering;
  /** The meeting whose minutes the new meeting's minutes-approval item approves (approval chain); none: no such item. */
  previous?: { meetingId: string; date: string };
  /** What the approval chain changes on the other meetings (chain.ts), written with the plan. */
  chain?: PlannedWrite[];
}

/** The standard agenda items (faste saker) a new meeting gets, as cases scheduled on it. */
export function standardItems(committeeName: string, previous?: { date: string }): { item: StandardItem; title: string; type: CaseType; proposedResolution: string }[] {
  const items: { item: StandardItem; title: string; type: CaseType; proposedResolution: string }[] = [
    { item: 'notice-approval', title: 'Godkjenning av innkalling og dagsorden', type: 'approval', proposedResolution: `${committeeName} godkjenner innkalling og dagsorden.` },
  ];
  if (previous) items.push({ item: 'minutes-approval', ...minutesApprovalTexts(committeeName, previous.date), type: 'approval' });
  items.push({ item: 'any-other-business', title: 'Eventuelt', type: 'orientation', proposedResolution: `${committeeName} tar saken til orientering.` });
  return items;
}

/** Plan: a meeting number from the year's numbering, the meeting, and its standard items as scheduled cases. */
export function decidePlanMeeting(when: { code: string; body: PlanMeetingBody; ids: NewId }, given: PlanMeetingGiven): WritePlan {
  const { code, body, ids } = when;
  const year = Number(body.date.slice(0, 4));
  const meetingId = ids('meeting');
  const assigned = assignMeetingNumber(given.numbering.state, meetingId);
  const prev = given.previous;
  const planned: MeetingPlanned['data'] = {
    v: 1,
    meetingId,
    committee: code,
    number: assigned.number,
    year,
    date: body.date,
    ...(body.startTime !== undefined ? { startTime: body.startTime } : {}),
    ...(body.endTime !== undefined ? { endTime: body.endTime } : {}),
    place: body.place,
    ...(prev ? { previousMeetingId: prev.meetingId, previousMeetingDate: prev.date } : {}),
    ...(body.kind !== undefined ? { kind: body.kind } : {}),
    ...(body.endDate !== undefined ? { endDate: body.endDate } : {}),
    ...(body.format !== undefined ? { format: body.format } : {}),
  };
  let meeting = planMeetingSnapshot(planned);
  const meetingEvents: PlannedEvent[] = [{ type: 'MeetingPlanned', data: planned }];
  const caseWrites: PlannedWrite[] = [];
  const facts: MeetingFacts = { id: meetingId, committee: code, state: 'planned' };
  for (const s of standardItems(given.committeeName, prev)) {
    const caseId = ids(`case:standard:${s.item}`);
    const drafted: CaseDrafted['data'] = {
      v: 1,
      caseId,
      committee: code,
      matterId: ids(`matter:standard:${s.item}`),
      title: s.title,
      type: s.type,
      proposedResolution: s.proposedResolution,
      projectIds: [],
      meetsFollowUps: [],
      standardItem: s.item,
      ...(s.item === 'minutes-approval' && prev ? { approvesMinutesOf: prev.meetingId } : {}),
    };
    const scheduled = decideCase(draftCase(drafted), { type: 'CaseScheduled', data: { v: 1, meetingId }, guard: { meeting: facts } });
    const added: MeetingMachineEvent = { type: 'CaseAddedToAgenda', data: { v: 1, caseId, standardItem: s.item } };
    const next = decideMeeting(meeting, added);
    if (!scheduled || !next) throw new Error('standard item refused by the machines'); // a bug, not a client error
    meeting = next;
    meetingEvents.push(fact(added));
    caseWrites.push({
      stream: caseStream(caseId),
      expectedRevision: 'no_stream',
      events: [
        { type: 'CaseDrafted', data: drafted },
        { type: 'CaseScheduled', data: { v: 1, meetingId } },
      ],
    });
  }
  return {
    writes: [
      { stream: numberingStream(code, year), expectedRevision: expectRevision(given.numbering.revision), events: [{ type: 'MeetingNumberAssigned', data: assigned }] },
      { stream: meetingStream(meetingId), expectedRevision: 'no_stream', events: meetingEvents },
      ...caseWrites,
      ...(given.chain ?? []),
    ],
    root: meetingStream(meetingId),
    answer: { id: meetingId, committee: code, number: assigned.number, state: meetingState(meeting), revision: BigInt(meetingEvents.length - 1) },
  };
}

/** Why a meeting command is refused, with the caller's allowed commands (and the open cases for adjourn). */
export function meetingRefused(
  command: 'notice' | 'open' | 'adjourn' | 'edit' | 'cancel',
  s: MeetingSnapshot,
  actor: Actor | undefined,
  agendaCases?: Record<string, CaseState>,
): InvalidCommand {
  const allowed = allowedMeetingCommands(s, { actor, agendaCases }).filter((c) => c !== command);
  if (command === 'adjourn' && meetingState(s) === 'in_session') {
    const open = openAgendaCases(s.context, agendaCases);
    const named = open.map((id) => {
      const a = s.context.agenda.find((x) => x.caseId === id);
      return `${a?.number ?? id} (${agendaCases?.[id] ?? 'unknown'})`;
    });
    return new InvalidCommand(`cannot adjourn meeting ${s.context.number}: cases still open: ${named.join(', ')}`, allowed, {
      meetingId: s.context.meetingId,
      caseIds: open,
    });
  }
  return new InvalidCommand(`cannot ${command} meeting ${s.context.number}: it is ${meetingState(s)}`, allowed, { meetingId: s.context.meetingId });
}

export interface MeetingCommandWhen {
  meetingId: string;
  ifMatch?: bigint;
  /** For the refusal's allowedCommands only (roles are the api guard's). */
  actor?: Actor;
}

/** Notice (innkalling): freeze the agenda and number its cases N/YY in agenda order. */
export function decideNoticeMeeting(
  when: MeetingCommandWhen,
  given: { meeting: Folded<MeetingSnapshot>; numbering: LoadedNumbering; cases: Record<string, Folded<CaseSnapshot>> },
): WritePlan {
  const { meetingId } = when;
  const m = given.meeting;
  const stream = meetingStream(meetingId);
  checkIfMatch(stream, when.ifMatch, m.revision);
  const ctxM = m.snapshot.context;
  const assigned = assignCaseNumbers(given.numbering.state, meetingId, agendaOrder(ctxM.agenda).map((a) => a.caseId));
  const noticed: MeetingMachineEvent = { type: 'MeetingNoticed', data: { v: 1, agenda: assigned.numbers.map(({ caseId, number }) => ({ caseId, number })) } };
  const next = decideMeeting(m.snapshot, noticed);
  if (!next) throw meetingRefused('notice', m.snapshot, when.actor);
  const after: MeetingFacts = { id: meetingId, committee: ctxM.committee, state: 'noticed' };
  const caseWrites: PlannedWrite[] = [];
  for (const n of assigned.numbers) {
    const k = given.cases[n.caseId];
    const ev: CaseMachineEvent = { type: 'CaseNumbered', data: { v: 1, meetingId, number: n.number }, guard: { meeting: after } };
    if (!k || !decideCase(k.snapshot, ev))
      throw new InvalidCommand(`case ${n.caseId} on the agenda is ${k ? caseState(k.snapshot) : 'unknown'}, not scheduled`, [], { meetingId, caseIds: [n.caseId] });
    caseWrites.push({ stream: caseStream(n.caseId), expectedRevision: k.revision, events: [fact(ev)] });
  }
  return {
    writes: [
      { stream: numberingStream(ctxM.committee, ctxM.year), expectedRevision: expectRevision(given.numbering.revision), events: [{ type: 'CaseNumbersAssigned', data: assigned }] },
      { stream, expectedRevision: m.revision, events: [fact(noticed)] },
      ...caseWrites,
    ],
    root: stream,
    answer: { id: meetingId, committee: ctxM.committee, number: ctxM.number, state: meetingState(next), revision: m.revision + 1n, agenda: noticed.data.agenda },
  };
}

/** Open: attendance of current members of the committee, each named once; remote ones among those present; deputies standing in for members not present. */
export function decideOpenMeeting(
  when: MeetingCommandWhen & { body: OpenMeetingBody },
  given: { meeting: Folded<MeetingSnapshot>; members: Map<string, MemberView> },
): WritePlan {
  const { body, meetingId } = when;
  const m = given.meeting;
  const committee = m.snapshot.context.committee;
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const f of ['present', 'absent'] as const)
    (body[f] ?? []).forEach((id, i) => {
      const mem = given.members.get(id);
      if (!mem || mem.leftAt) errors.push({ field: `${f}[${i}]`, message: `unknown member ${id} of ${committee}` });
      else if (seen.has(id)) errors.push({ field: `${f}[${i}]`, message: `member ${id} is named twice` });
      seen.add(id);
    });
  const present = new Set(body.present);
  const remote = new Set<string>();
  (body.remote ?? []).forEach((id, i) => {
    if (!present.has(id)) errors.push({ field: `remote[${i}]`, message: `member ${id} is not among those present` });
    else if (remote.has(id)) errors.push({ field: `remote[${i}]`, message: `member ${id} is named twice` });
    remote.add(id);
  });
  if (errors.length) throw new ValidationFailed(errors);
  const stream = meetingStream(meetingId);
  checkIfMatch(stream, when.ifMatch, m.revision);
  // a deputy (vara) present for a member who is not
  const standingIn = body.present.flatMap((id) => {
    const d = given.members.get(id)!;
    return d.role === 'deputy' && d.deputyFor !== undefined && !present.has(d.deputyFor) ? [{ deputy: id, for: d.deputyFor }] : [];
  });
  const ev: MeetingMachineEvent = {
    type: 'MeetingOpened',
    data: { v: 2, present: body.present, absent: body.absent ?? [], guests: body.guests ?? [], secretariat: body.secretariat ?? [], remote: body.remote ?? [], standingIn },
  };
  const next = decideMeeting(m.snapshot, ev);
  if (!next) throw meetingRefused('open', m.snapshot, when.actor);
  return single(stream, m.revision, fact(ev), { id: meetingId, committee, number: m.snapshot.context.number, state: meetingState(next), revision: m.revision + 1n });
}

/** Adjourn: every case on the agenda dealt with. */
export function decideAdjournMeeting(when: MeetingCommandWhen, given: { meeting: Folded<MeetingSnapshot>; agendaCases: Record<string, CaseState> }): WritePlan {
  const m = given.meeting;
  const stream = meetingStream(when.meetingId);
  checkIfMatch(stream, when.ifMatch, m.revision);
  const ev: MeetingMachineEvent = { type: 'MeetingAdjourned', data: { v: 1 }, guard: { agendaCases: given.agendaCases } };
  const next = decideMeeting(m.snapshot, ev);
  if (!next) throw meetingRefused('adjourn', m.snapshot, when.actor, given.agendaCases);
  const c = m.snapshot.context;
  return single(stream, m.revision, fact(ev), { id: when.meetingId, committee: c.committee, number: c.number, state: meetingState(next), revision: m.revision + 1n });
}
