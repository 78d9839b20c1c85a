/**
 * `amend` (rettelse): correct the recorded vedtak or discussion of a decided case (endorsement or
 * orientation) while its meeting's minutes are still a draft. Pure decider: one `DecisionAmended`
 * on the case stream with the new texts and the reason (the earlier texts stay in the stream: the
 * history keeps both) and, in the same plan, `MinutesAmended` on its meeting's stream at the
 * revision read, so an approval of the minutes written meanwhile makes the plan conflict and the
 * command is decided again (then 409). The machines decide (`minutesStillDraft`, `minutesDraft`).
 * That at least one field besides `reason` is named is the body's shape (the DTO's rule).
 */
import { caseStream, meetingStream, type AmendedFields, type DecisionAmended } from '../events.js';
import { caseState, decideCase, type CaseMachineEvent } from '../machines/case.machine.js';
import { allowedCommands } from '../machines/commands.js';
import { decideMeeting, meetingState, type MeetingMachineEvent } from '../machines/meeting.machine.js';
import { InvalidCommand, ValidationFailed, type FieldError } from '../application/errors.js';
import { checkIfMatch, type WritePlan } from '../core/plan.js';
import { caseRefused, label, pick, type CaseCommandGiven, type CaseWhen } from './decide.js';
import { AMENDABLE_FIELDS } from './evolve.js';

export type AmendBody = AmendedFields & { reason: string };

export function decideAmend(when: CaseWhen & { body: AmendBody }, given: CaseCommandGiven): WritePlan {
  const { caseId, actor } = when;
  const body = when.body;
  const k = given.case;
  const s = k.snapshot;
  const state = caseState(s);
  // the fields that need the case's state: conditions belong to an endorsement, input points to a noted case
  const errors: FieldError[] = [];
  if (state === 'orientation' && body.conditions !== undefined) errors.push({ field: 'conditions', message: `case ${label(s)} was noted: only an endorsement has conditions` });
  if (state === 'endorsement' && body.input !== undefined) errors.push({ field: 'input', message: `case ${label(s)} was endorsed: only a noted case has input points` });
  if (errors.length) throw new ValidationFailed(errors);
  const stream = caseStream(caseId);
  checkIfMatch(stream, when.ifMatch, k.revision);
  const data: DecisionAmended['data'] = { v: 1, reason: body.reason, ...(pick(body, AMENDABLE_FIELDS) as AmendedFields) };
  const own = given.own;
  const ev: CaseMachineEvent = { type: 'DecisionAmended', data, guard: { meeting: own?.facts } };
  const next = decideCase(s, ev);
  if (!next) {
    if ((state === 'endorsement' || state === 'orientation') && own) {
      const m = own.loaded.snapshot.context;
      const why = m.minutes === 'approved' ? `its minutes (meeting ${m.number}) are approved` : `its meeting ${m.number} is ${own.facts.state}`;
      throw new InvalidCommand(
        `cannot amend case ${label(s)}: ${why}; a decision can be amended only while the minutes are a draft`,
        allowedCommands(s, { actor, meeting: own.facts, previousMeeting: own.previous?.facts }).filter((c) => c !== 'amend'),
        { meetingId: m.meetingId },
      );
    }
    throw caseRefused('amend', s, actor, own);
  }
  // the minutes' side, in the same plan: the meeting must still take it (minutes draft) at the revision read
  const m = own!.loaded;
  const amended: MeetingMachineEvent = { type: 'MinutesAmended', data: { v: 1, caseId, reason: body.reason } };
  if (!decideMeeting(m.snapshot, amended))
    throw new InvalidCommand(
      `cannot amend case ${label(s)}: meeting ${m.snapshot.context.number} does not take the correction of its minutes (${meetingState(m.snapshot)}, minutes ${m.snapshot.context.minutes})`,
      allowedCommands(s, { actor, meeting: own!.facts }).filter((c) => c !== 'amend'),
      { meetingId: m.snapshot.context.meetingId },
    );
  return {
    writes: [
      { stream, expectedRevision: k.revision, events: [{ type: ev.type, data }] },
      { stream: meetingStream(m.snapshot.context.meetingId), expectedRevision: m.revision, events: [{ type: amended.type, data: amended.data }] },
    ],
    root: stream,
    answer: { id: caseId, state: caseState(next), revision: k.revision + 1n },
  };
}
