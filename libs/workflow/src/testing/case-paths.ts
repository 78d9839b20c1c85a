/**
 * Every path of the case machine (via @xstate/graph) as a command sequence, and a runner that
 * drives one through the application service. Not exported from the package index (it needs the
 * dev dependency @xstate/graph); tests import it by path, e.g. the HTTP test:
 * `import { caseCommandPaths } from '../../libs/workflow/src/testing/case-paths.js'`.
 */
import { getShortestPaths, getSimplePaths } from '@xstate/graph';
import { transition } from 'xstate';
import type { Workflow } from '../application/workflow.js';
import type { CommandContext } from '../application/types.js';
import { caseMachine, caseState, type CaseMachineInput, type CaseSnapshot } from '../machines/case.machine.js';
import type { Actor, CaseState } from '../machines/guard-input.js';
import {
  caseGraphEvents,
  CURRENT_MEETING,
  GRAPH_COMMITTEE,
  OTHER_COMMITTEE,
  pathToCommands,
  serializeCaseGraphState,
  type CommandStep,
} from '../machines/paths.js';

export interface CommandPath {
  /** The case state the path ends in, and whether the case then carries a number. */
  state: CaseState;
  numbered: boolean;
  /** The machine facts along the path. */
  facts: string[];
  /** The same path as commands (meeting commands inserted where a fact needs the meeting's phase). */
  commands: CommandStep[];
}

export const GRAPH_INPUT: CaseMachineInput = {
  v: 1,
  caseId: 'graph-case',
  committee: GRAPH_COMMITTEE,
  matterId: 'graph-matter',
  title: 'Graf',
  type: 'endorsement',
  proposedResolution: 'Tilslutning.',
  projectIds: [],
  meetsFollowUps: [],
};

/** Every simple path from a new draft case to every reachable (state, numbered) node. */
export function caseCommandPaths(): CommandPath[] {
  const paths = getSimplePaths(caseMachine, {
    input: GRAPH_INPUT,
    events: (s: CaseSnapshot) => caseGraphEvents(s),
    serializeState: (s: CaseSnapshot) => serializeCaseGraphState(s),
  });
  return paths.map((p) => {
    const facts = p.steps.map((st) => st.event.type).filter((t) => !t.startsWith('xstate.'));
    return { state: caseState(p.state), numbered: p.state.context.number !== null, facts, commands: pathToCommands(facts.map((type) => ({ type }))) };
  });
}

/**
 * Every transition (edge) of the case machine, self-loops and returns to draft included: the
 * shortest path to each node, plus each fact the machine accepts there.
 */
export function caseCommandTransitions(): CommandPath[] {
  const shortest = getShortestPaths(caseMachine, {
    input: GRAPH_INPUT,
    events: (s: CaseSnapshot) => caseGraphEvents(s),
    serializeState: (s: CaseSnapshot) => serializeCaseGraphState(s),
  });
  const out: CommandPath[] = [];
  for (const p of shortest) {
    const prefix = p.steps.map((st) => st.event.type).filter((t) => !t.startsWith('xstate.'));
    for (const ev of caseGraphEvents(p.state)) {
      if (!p.state.can(ev)) continue;
      const next = transition(caseMachine, p.state, ev)[0];
      const facts = [...prefix, ev.type];
      out.push({ state: caseState(next), numbered: next.context.number !== null, facts, commands: pathToCommands(facts.map((type) => ({ type }))) });
    }
  }
  return out;
}

/** The distinct reachable case states found by the walk. */
export function reachableCaseStates(): CaseState[] {
  return [...new Set(caseCommandPaths().map((p) => p.state))];
}

export interface RunOptions {
  committee: string;
  otherCommittee: string;
  actor: Actor;
  /** First meeting date; each planned meeting takes the next day. */
  startDate?: string;
  correlationId?: string;
}

/** Drive one path through the service: create the case, then each step. Returns the case id. */
export async function runCommandPath(wf: Workflow, steps: readonly CommandStep[], o: RunOptions): Promise<string> {
  const ctx = (): CommandContext => ({ actor: o.actor, correlationId: o.correlationId ?? 'graph-path' });
  const c = await wf.createCase({ committee: o.committee, title: 'Sak fra grafen', type: 'endorsement', proposedResolution: 'Tilslutning.' }, ctx());
  let meetingId = '';
  let day = Date.parse(`${o.startDate ?? '2018-01-01'}T00:00:00Z`);
  for (const step of steps) {
    if (step.on === 'meeting') {
      if (step.command === 'plan') {
        const date = new Date(day).toISOString().slice(0, 10);
        day += 86_400_000;
        meetingId = (await wf.planMeeting(o.committee, { date, place: 'Oslo' }, ctx())).id;
      } else if (step.command === 'notice') await wf.noticeMeeting(meetingId, ctx());
      else if (step.command === 'open') await wf.openMeeting(meetingId, { present: [] }, ctx());
      else await wf.adjournMeeting(meetingId, ctx());
    } else {
      const body = Object.fromEntries(
        Object.entries(step.body).map(([k, v]) => [k, v === CURRENT_MEETING ? meetingId : v === OTHER_COMMITTEE ? o.otherCommittee : v]),
      );
      if (step.command === 'edit') await wf.editCase(c.id, body, ctx());
      else await wf.caseCommand(c.id, step.command, body, ctx());
    }
  }
  return c.id;
}
