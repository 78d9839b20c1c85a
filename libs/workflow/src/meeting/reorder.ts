/**
 * `PUT /api/meetings/{id}/agenda` `{ order }`: the order of the substantive cases of a planned
 * agenda. Pure decider: every substantive case named exactly once (else 400 naming each one
 * missing, unknown or named twice; standard items keep their places and are not named), then
 * If-Match (412), then the meeting machine (`AgendaReordered` only while planned, else 409).
 */
import { meetingStream } from '../events.js';
import { allowedMeetingCommands } from '../machines/commands.js';
import type { CaseState } from '../machines/guard-input.js';
import { decideMeeting, meetingState, type MeetingMachineEvent, type MeetingSnapshot } from '../machines/meeting.machine.js';
import { InvalidCommand, ValidationFailed, type FieldError } from '../application/errors.js';
import type { ReorderAgendaBody } from '../application/types.js';
import type { Folded } from '../core/load.js';
import { checkIfMatch, single, type WritePlan } from '../core/plan.js';
import type { MeetingCommandWhen } from './decide.js';

/** 400 unless `order` names every substantive case of the agenda exactly once, and nothing else. */
export function checkAgendaOrder(s: MeetingSnapshot, order: readonly string[]): void {
  const c = s.context;
  const substantive = c.agenda.filter((a) => a.standardItem === null).map((a) => a.caseId);
  const standard = new Map(c.agenda.filter((a) => a.standardItem !== null).map((a) => [a.caseId, a.standardItem]));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  order.forEach((id, i) => {
    if (seen.has(id)) errors.push({ field: `order[${i}]`, message: `case ${id} is named twice` });
    else if (standard.has(id)) errors.push({ field: `order[${i}]`, message: `case ${id} is a standard item (${standard.get(id)}): it keeps its place` });
    else if (!substantive.includes(id)) errors.push({ field: `order[${i}]`, message: `case ${id} is not on the agenda of meeting ${c.number}` });
    seen.add(id);
  });
  for (const id of substantive) if (!seen.has(id)) errors.push({ field: 'order', message: `missing case ${id} of the agenda of meeting ${c.number}` });
  if (errors.length) throw new ValidationFailed(errors);
}

export function decideReorderAgenda(
  when: MeetingCommandWhen & { body: ReorderAgendaBody },
  given: { meeting: Folded<MeetingSnapshot>; agendaCases?: Record<string, CaseState> },
): WritePlan {
  const m = given.meeting;
  const c = m.snapshot.context;
  checkAgendaOrder(m.snapshot, when.body.order);
  const stream = meetingStream(when.meetingId);
  checkIfMatch(stream, when.ifMatch, m.revision);
  const ev: MeetingMachineEvent = { type: 'AgendaReordered', data: { v: 1, order: [...when.body.order] } };
  const next = decideMeeting(m.snapshot, ev);
  if (!next)
    throw new InvalidCommand(
      `cannot reorder the agenda of meeting ${c.number}: it is ${meetingState(m.snapshot)} and its agenda is frozen` +
        (meetingState(m.snapshot) === 'noticed' || meetingState(m.snapshot) === 'in_session' ? ' (a late case can still be scheduled with late: true)' : ''),
      allowedMeetingCommands(m.snapshot, { actor: when.actor, agendaCases: given.agendaCases }).filter((x) => x !== 'reorder-agenda'),
      { meetingId: c.meetingId },
    );
  return single(stream, m.revision, { type: ev.type, data: ev.data }, { id: c.meetingId, committee: c.committee, number: c.number, state: meetingState(next), revision: m.revision + 1n });
}
