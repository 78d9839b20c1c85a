/**
 * Walk every simple path of the case machine with @xstate/graph, and check each reachable state
 * is reached by the same path run as commands through the application service (real SQLite).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CASE_STATES } from '../src/index.js';
import { caseCommandPaths, caseCommandTransitions, reachableCaseStates, runCommandPath } from '../src/testing/case-paths.js';
import { admin, ctx, harness, secNEHS, type Harness } from './helpers.js';

describe('case machine paths (@xstate/graph) are reachable through the service', () => {
  const paths = caseCommandPaths();
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await h.wf.createCommittee({ code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, ctx(admin));
    await h.wf.createCommittee({ code: 'NUIT', name: 'Prioriteringsutvalget' }, ctx(admin));
  });
  afterAll(async () => {
    await h.close();
  });

  it('reaches every case state of the API, and no other', () => {
    expect([...reachableCaseStates()].sort()).toEqual([...CASE_STATES].sort());
    // numbered and unnumbered variants of the meeting-bound states
    const nodes = new Set(paths.map((p) => `${p.state}${p.numbered ? '#' : ''}`));
    for (const n of ['draft', 'scheduled', 'scheduled#', 'discussion', 'discussion#', 'endorsement#', 'orientation#', 'withdrawn']) expect(nodes).toContain(n);
  });

  const transitions = caseCommandTransitions();
  it('lists every transition of the machine, self-loops and returns to draft included', () => {
    const facts = new Set(transitions.map((t) => t.facts[t.facts.length - 1]));
    expect([...facts].sort()).toEqual(
      ['CaseNoted', 'CaseNumbered', 'CasePaperEdited', 'CasePostponed', 'CasePresented', 'CaseReferred', 'CaseScheduled', 'CaseUnscheduled', 'CaseWithdrawn', 'DecisionAmended', 'DiscussionRecorded', 'ResolutionEndorsed'].sort(),
    );
  });

  it.each([
    ['simple path', () => paths],
    ['transition', () => transitions],
  ])('runs every %s as commands and ends in its state', async (_kind, list) => {
    let day = Date.parse(_kind === 'transition' ? '2030-01-01T00:00:00Z' : '2018-01-01T00:00:00Z');
    for (const p of list()) {
      const startDate = new Date(day).toISOString().slice(0, 10);
      day += 5 * 86_400_000;
      const id = await runCommandPath(h.wf, p.commands, { committee: 'NEHS', otherCommittee: 'NUIT', actor: secNEHS, startDate });
      const view = await h.wf.getCase(id);
      expect({ facts: p.facts, state: view.state }).toEqual({ facts: p.facts, state: p.state });
      // a case in discussion or decided has been through a notice, so it carries a number
      if (['discussion', 'endorsement', 'orientation'].includes(p.state)) expect(view.number).not.toBeNull();
    }
  });
});
