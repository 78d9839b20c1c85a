/**
 * Walking the case machine as a graph (with @xstate/graph, see ../testing/case-paths.ts) and
 * turning each path into a sequence of application commands, so every reachable case state can be
 * shown reachable through the service (and through HTTP) too.
 *
 * The graph's events are the case facts with a guard input that makes them possible for the case's
 * secretariat; the meeting phases the guards need (planned, noticed, in session) are realised by
 * meeting commands the translation inserts (plan a fresh meeting for each `schedule`, notice, open).
 */
import type { CaseMachineEvent, CaseSnapshot } from './case.machine.js';
import type { CaseCommand } from './commands.js';
import type { Actor, MeetingLifecycle } from './guard-input.js';

/** The committee and actor the graph walk assumes. */
export const GRAPH_COMMITTEE = 'NEHS';
export const GRAPH_ACTOR: Actor = { name: 'graph', roles: [{ role: 'secretariat', committee: GRAPH_COMMITTEE }] };
const GRAPH_MEETING = 'graph-meeting';

/** The case facts offered in a state, each with the guard input under which a real command could cause it. */
export function caseGraphEvents(s: CaseSnapshot): CaseMachineEvent[] {
  const committee = s.context.committee;
  const meetingId = s.context.meetingId ?? GRAPH_MEETING;
  const at = (state: MeetingLifecycle) => ({ actor: GRAPH_ACTOR, meeting: { id: meetingId, committee, state } });
  return [
    { type: 'CaseScheduled', data: { v: 1, meetingId: GRAPH_MEETING }, guard: { actor: GRAPH_ACTOR, meeting: { id: GRAPH_MEETING, committee, state: 'planned' } } },
    { type: 'CasePaperEdited', data: { v: 1, changes: { title: 'edited' } }, guard: at('planned') },
    { type: 'CaseUnscheduled', data: { v: 1, meetingId, reason: 'r' }, guard: at('planned') },
    { type: 'CaseNumbered', data: { v: 1, meetingId, number: '1/18' }, guard: at('noticed') },
    { type: 'CasePresented', data: { v: 1, presenter: 'p' }, guard: at('in_session') },
    { type: 'DiscussionRecorded', data: { v: 1, points: ['p'], followUps: [] }, guard: at('in_session') },
    { type: 'ResolutionEndorsed', data: { v: 1, resolution: 'r' }, guard: at('in_session') },
    { type: 'CaseNoted', data: { v: 1, resolution: 'r', input: [] }, guard: at('in_session') },
    { type: 'CasePostponed', data: { v: 1, meetingId, reason: 'r' }, guard: at(s.value === 'discussion' ? 'in_session' : 'planned') },
    { type: 'CaseReferred', data: { v: 1, toCommittee: 'NUIT', type: 'endorsement', referredCaseId: 'x' }, guard: at('held') },
    { type: 'CaseWithdrawn', data: { v: 1, reason: 'r' }, guard: at('planned') },
    { type: 'DecisionAmended', data: { v: 1, reason: 'r', resolution: 'rettet' }, guard: { ...at('in_session'), meeting: { ...at('in_session').meeting, minutes: 'draft' } } },
  ];
}

/** Graph state identity: the state, and whether it carries a number (self-loops collapse). */
export function serializeCaseGraphState(s: CaseSnapshot): string {
  return `${JSON.stringify(s.value)}${s.context.number ? '#numbered' : ''}`;
}

export type CommandStep =
  | { on: 'meeting'; command: 'plan' | 'notice' | 'open' | 'adjourn' }
  | { on: 'case'; command: CaseCommand; body: Record<string, unknown> };

/** Placeholders the runner fills in: the current meeting, another committee. */
export const CURRENT_MEETING = '$meeting';
export const OTHER_COMMITTEE = '$otherCommittee';

/**
 * Translate a path of case facts into commands: plan a fresh meeting before each `schedule`,
 * notice and open it when a fact needs the meeting noticed or in session. (The case itself is
 * created by the runner before the first step.)
 */
export function pathToCommands(events: readonly { type: string }[]): CommandStep[] {
  const steps: CommandStep[] = [];
  let phase: MeetingLifecycle | null = null;
  const reach = (want: MeetingLifecycle) => {
    if (phase === 'planned' && (want === 'noticed' || want === 'in_session')) {
      steps.push({ on: 'meeting', command: 'notice' });
      phase = 'noticed';
    }
    if (phase === 'noticed' && want === 'in_session') {
      steps.push({ on: 'meeting', command: 'open' });
      phase = 'in_session';
    }
  };
  for (const e of events) {
    switch (e.type) {
      case 'CaseScheduled':
        steps.push({ on: 'meeting', command: 'plan' }, { on: 'case', command: 'schedule', body: { meetingId: CURRENT_MEETING } });
        phase = 'planned';
        break;
      case 'CasePaperEdited':
        steps.push({ on: 'case', command: 'edit', body: { title: 'Endret tittel' } });
        break;
      case 'CaseUnscheduled':
        steps.push({ on: 'case', command: 'unschedule', body: { reason: 'Ikke klar' } });
        phase = null;
        break;
      case 'CaseNumbered':
        reach('noticed');
        break;
      case 'CasePresented':
        reach('in_session');
        steps.push({ on: 'case', command: 'present', body: { presenter: 'Saksbehandler' } });
        break;
      case 'DiscussionRecorded':
        steps.push({ on: 'case', command: 'record-discussion', body: { points: ['Innspill'] } });
        break;
      case 'ResolutionEndorsed':
        steps.push({ on: 'case', command: 'endorse', body: { resolution: 'Tilslutning.' } });
        break;
      case 'CaseNoted':
        steps.push({ on: 'case', command: 'note', body: { resolution: 'Tatt til orientering.' } });
        break;
      case 'CasePostponed':
        steps.push({ on: 'case', command: 'postpone', body: { reason: 'Utsatt' } });
        phase = null;
        break;
      case 'CaseReferred':
        steps.push({ on: 'case', command: 'refer', body: { toCommittee: OTHER_COMMITTEE, type: 'endorsement' } });
        break;
      case 'CaseWithdrawn':
        steps.push({ on: 'case', command: 'withdraw', body: { reason: 'Trukket' } });
        break;
      case 'DecisionAmended':
        steps.push({ on: 'case', command: 'amend', body: { reason: 'Skrivefeil', resolution: 'Rettet vedtak.' } });
        break;
    }
  }
  return steps;
}
