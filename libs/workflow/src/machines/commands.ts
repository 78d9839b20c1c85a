/**
 * The case command catalogue and `allowedCommands`, derived from the case machine itself
 * (`snapshot.can` on a candidate event per command), so the API and the machine never disagree,
 * intersected with the access policy when an actor is given (`may(actor, 'case.advance' /
 * 'meeting.run', committee)`); without an actor the answer is by state alone.
 */
import { may } from '../access/policy.js';
import type { CaseEvent } from '../events.js';
import { caseState, type CaseMachineEvent, type CaseSnapshot } from './case.machine.js';
import type { Actor, CaseState, MeetingFacts } from './guard-input.js';
import type { MeetingMachineEvent, MeetingSnapshot } from './meeting.machine.js';

export const CASE_COMMANDS = [
  'schedule',
  'unschedule',
  'present',
  'record-discussion',
  'endorse',
  'note',
  'postpone',
  'refer',
  'withdraw',
  /** PATCH of the case paper. */
  'edit',
  /** Correct the recorded vedtak or discussion before the minutes are approved. */
  'amend',
  /** Votering in session (case/vote.ts). */
  'vote',
  /** Skriftlig behandling: open it on a draft case (case/written-procedure.ts). */
  'written-procedure',
] as const;
export type CaseCommand = (typeof CASE_COMMANDS)[number];

export function isCaseCommand(s: string): s is CaseCommand {
  return (CASE_COMMANDS as readonly string[]).includes(s);
}

/** The fact each command records on the case stream. */
export const COMMAND_EVENT: Record<CaseCommand, CaseEvent['type']> = {
  schedule: 'CaseScheduled',
  unschedule: 'CaseUnscheduled',
  present: 'CasePresented',
  'record-discussion': 'DiscussionRecorded',
  endorse: 'ResolutionEndorsed',
  note: 'CaseNoted',
  postpone: 'CasePostponed',
  refer: 'CaseReferred',
  withdraw: 'CaseWithdrawn',
  edit: 'CasePaperEdited',
  amend: 'DecisionAmended',
  vote: 'VoteRecorded',
  'written-procedure': 'WrittenProcedureOpened',
};

export interface AllowedCommandsContext {
  /** The caller; omit to answer by state alone (roles not checked). */
  actor?: Actor;
  /** The case's current meeting, as it stands now (needed for everything but draft-state commands). */
  meeting?: MeetingFacts;
  /**
   * The meeting `schedule` would target. Omitted: a hypothetical planned meeting of the case's
   * committee (i.e. "schedule is possible onto some planned meeting").
   */
  targetMeeting?: MeetingFacts;
  /** For a minutes-approval case: the meeting whose minutes it approves. */
  previousMeeting?: MeetingFacts & { minutes: 'draft' | 'approved' };
}

/** A candidate event for a command, with placeholder data, to ask the machine whether it is allowed. */
export function candidateEvent(s: CaseSnapshot, command: CaseCommand, ctx: AllowedCommandsContext): CaseMachineEvent {
  const c = s.context;
  const meetingId = c.meetingId ?? '';
  switch (command) {
    case 'schedule': {
      const target = ctx.targetMeeting ?? { id: '(a planned meeting)', committee: c.committee, state: 'planned' as const };
      return { type: 'CaseScheduled', data: { v: 1, meetingId: target.id }, guard: { actor: ctx.actor, meeting: target } };
    }
    case 'unschedule':
      return { type: 'CaseUnscheduled', data: { v: 1, meetingId, reason: '' }, guard: { actor: ctx.actor, meeting: ctx.meeting } };
    case 'present':
      return { type: 'CasePresented', data: { v: 1, presenter: '' }, guard: { actor: ctx.actor, meeting: ctx.meeting } };
    case 'record-discussion':
      return { type: 'DiscussionRecorded', data: { v: 2, points: [], followUps: [] }, guard: { actor: ctx.actor, meeting: ctx.meeting } };
    case 'endorse':
      return {
        type: 'ResolutionEndorsed',
        data: { v: 1, resolution: '' },
        guard: { actor: ctx.actor, meeting: ctx.meeting, previousMeeting: ctx.previousMeeting },
      };
    case 'note':
      return { type: 'CaseNoted', data: { v: 1, resolution: '', input: [] }, guard: { actor: ctx.actor, meeting: ctx.meeting } };
    case 'postpone':
      return { type: 'CasePostponed', data: { v: 1, meetingId, reason: '' }, guard: { actor: ctx.actor, meeting: ctx.meeting } };
    case 'refer':
      return {
        type: 'CaseReferred',
        data: { v: 1, toCommittee: '', type: c.paper.type, referredCaseId: '' },
        guard: { actor: ctx.actor, meeting: ctx.meeting },
      };
    case 'withdraw':
      return { type: 'CaseWithdrawn', data: { v: 1, reason: '' }, guard: { actor: ctx.actor, meeting: ctx.meeting } };
    case 'edit':
      return { type: 'CasePaperEdited', data: { v: 1, changes: {} }, guard: { actor: ctx.actor, meeting: ctx.meeting } };
    case 'amend':
      return { type: 'DecisionAmended', data: { v: 1, reason: '' }, guard: { actor: ctx.actor, meeting: ctx.meeting } };
    case 'vote':
      return { type: 'VoteRecorded', data: { v: 1, meetingId, for: [], against: [], abstained: [] }, guard: { actor: ctx.actor, meeting: ctx.meeting } };
    case 'written-procedure':
      return { type: 'WrittenProcedureOpened', data: { v: 1, deadline: '', number: '' }, guard: { actor: ctx.actor } };
  }
}

/** Every command the machine accepts now, in catalogue order. */
export function allowedCommands(s: CaseSnapshot, ctx: AllowedCommandsContext = {}): CaseCommand[] {
  if (ctx.actor !== undefined && !may(ctx.actor, 'case.advance', s.context.committee)) return [];
  return CASE_COMMANDS.filter((cmd) => s.can(candidateEvent(s, cmd, ctx)));
}

/** `edit`: PATCH of the meeting (date, days, times, place, format). */
export const MEETING_COMMANDS = ['notice', 'open', 'adjourn', 'reorder-agenda', 'edit', 'cancel'] as const;
export type MeetingCommand = (typeof MEETING_COMMANDS)[number];

export function meetingCandidateEvent(
  command: MeetingCommand,
  ctx: { actor?: Actor; agendaCases?: Record<string, CaseState> },
): MeetingMachineEvent {
  switch (command) {
    case 'notice':
      return { type: 'MeetingNoticed', data: { v: 1, agenda: [] }, guard: { actor: ctx.actor } };
    case 'open':
      return { type: 'MeetingOpened', data: { v: 2, present: [], absent: [], guests: [], secretariat: [], remote: [], standingIn: [] }, guard: { actor: ctx.actor } };
    case 'adjourn':
      return { type: 'MeetingAdjourned', data: { v: 1 }, guard: { actor: ctx.actor, agendaCases: ctx.agendaCases } };
    case 'reorder-agenda':
      return { type: 'AgendaReordered', data: { v: 1, order: [] }, guard: { actor: ctx.actor } };
    case 'edit':
      return { type: 'MeetingChanged', data: { v: 1, changes: {}, previous: {}, afterNotice: false }, guard: { actor: ctx.actor } };
    case 'cancel':
      return { type: 'MeetingCancelled', data: { v: 1, reason: '' }, guard: { actor: ctx.actor } };
  }
}

/** Meeting commands the machine accepts now (`agendaCases`: current states of the agenda's cases). */
export function allowedMeetingCommands(
  s: MeetingSnapshot,
  ctx: { actor?: Actor; agendaCases?: Record<string, CaseState> } = {},
): MeetingCommand[] {
  if (ctx.actor !== undefined && !may(ctx.actor, 'meeting.run', s.context.committee)) return [];
  return MEETING_COMMANDS.filter((c) => s.can(meetingCandidateEvent(c, ctx)));
}

export { caseState };
