/**
 * Late cases (tilleggssak): `schedule` `{ meetingId, late: true }` onto a noticed or in-session
 * meeting of the case's committee. Pure decider: in ONE plan the case is scheduled and numbered
 * at once with the committee's next free case number (the numbering stream on the revision read,
 * so concurrent late cases never share a number and none is burnt), and the meeting takes it last
 * before Eventuelt with `late: true`. The machines decide: the case (`targetTakesIt`,
 * `numberable`) and the meeting (`lateAddition`).
 */
import { caseStream, meetingStream, numberingStream } from '../events.js';
import { caseState, decideCase, type CaseMachineEvent } from '../machines/case.machine.js';
import { allowedCommands } from '../machines/commands.js';
import { decideMeeting, meetingState, type MeetingMachineEvent } from '../machines/meeting.machine.js';
import { assignCaseNumbers } from '../numbering/numbers.js';
import { InvalidCommand } from '../application/errors.js';
import type { NewId } from '../core/ids.js';
import { meetingFacts, type LoadedNumbering } from '../core/load.js';
import { checkIfMatch, expectRevision, type WritePlan } from '../core/plan.js';
import { caseRefused, checkNamedRecords, label, type CaseCommandGiven, type CaseWhen } from './decide.js';

export interface LateScheduleGiven extends CaseCommandGiven {
  /** The numbering of the target meeting's committee and year. */
  numbering: LoadedNumbering;
}

export function decideLateSchedule(when: CaseWhen & { body: { meetingId: string; late?: boolean }; ids?: NewId }, given: LateScheduleGiven): WritePlan {
  const { caseId, actor } = when;
  const k = given.case;
  const s = k.snapshot;
  checkNamedRecords('schedule', when.body as unknown as Record<string, unknown>, s.context.committee, given);
  const stream = caseStream(caseId);
  checkIfMatch(stream, when.ifMatch, k.revision);
  const target = given.target!;
  const t = target.snapshot.context;
  const facts = meetingFacts(target.snapshot);
  const scheduled: CaseMachineEvent = { type: 'CaseScheduled', data: { v: 1, meetingId: t.meetingId, late: true }, guard: { meeting: facts } };
  const onIt = decideCase(s, scheduled);
  if (!onIt) {
    if (caseState(s) !== 'draft') throw caseRefused('schedule', s, actor, given.own);
    const state = meetingState(target.snapshot);
    const hint = state === 'planned' ? '; its agenda is open: schedule it without late: true' : '';
    throw new InvalidCommand(
      `cannot schedule case ${label(s)} as a late case (tilleggssak) on meeting ${t.number}: the meeting is ${state}${hint}; a late case joins a noticed or in-session meeting`,
      allowedCommands(s, { actor, meeting: given.own?.facts }).filter((c) => c !== 'schedule'),
      { meetingId: t.meetingId },
    );
  }
  const assigned = assignCaseNumbers(given.numbering.state, t.meetingId, [caseId]);
  const number = assigned.numbers[0]!.number;
  const numbered: CaseMachineEvent = { type: 'CaseNumbered', data: { v: 1, meetingId: t.meetingId, number }, guard: { meeting: facts } };
  const after = decideCase(onIt, numbered);
  const added: MeetingMachineEvent = { type: 'CaseAddedToAgenda', data: { v: 1, caseId, late: true, number } };
  if (!after || !decideMeeting(target.snapshot, added))
    throw new InvalidCommand(`cannot schedule case ${label(s)} on meeting ${t.number}: the meeting does not take it on its agenda`, [], { meetingId: t.meetingId });
  return {
    writes: [
      { stream, expectedRevision: k.revision, events: [{ type: scheduled.type, data: scheduled.data }, { type: numbered.type, data: numbered.data }] },
      { stream: meetingStream(t.meetingId), expectedRevision: target.revision, events: [{ type: added.type, data: added.data }] },
      { stream: numberingStream(t.committee, t.year), expectedRevision: expectRevision(given.numbering.revision), events: [{ type: 'CaseNumbersAssigned', data: assigned }] },
    ],
    root: stream,
    answer: { id: caseId, state: caseState(after), revision: k.revision + 2n, number, late: true },
  };
}
