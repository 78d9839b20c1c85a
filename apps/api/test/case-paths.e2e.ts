/**
 * Every path of the case machine, enumerated with @xstate/graph (libs/workflow's
 * caseCommandPaths: simple paths to every (state, numbered) node; caseCommandTransitions: every
 * edge), driven through HTTP on a fresh committee per path. After every step the case read over
 * HTTP is in the state the machine gives for its own history (folded from GET /history), with the
 * machine's allowedCommands for the caller; at the end of each path it is in the path's state,
 * and every command the machine does not allow there is refused (409) without writing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASE_STATES, CURRENT_MEETING, OTHER_COMMITTEE, allowedCommands, foldCase, type Actor, type CaseCommand } from '@saksflyt/workflow';
import {
  caseCommandPaths,
  caseCommandTransitions,
  type CommandPath,
} from '../../../libs/workflow/src/testing/case-paths.js';
import { startServer, tempDir, TEST_TOKENS, type Server } from './harness.js';
import { head, ok, refused } from './workflow-helpers.js';

const paths = caseCommandPaths();
const transitions = caseCommandTransitions();
const ALL = [...paths.map((p) => ['path', p] as const), ...transitions.map((p) => ['transition', p] as const)];
const GRAPH: Actor = {
  name: 'Graf-sekretariat',
  roles: [...ALL.map((_, i) => ({ role: 'secretariat', committee: `P${i}` })), { role: 'secretariat', committee: 'NUIT' }],
};
const VALID_BODY: Record<Exclude<CaseCommand, 'edit'>, Record<string, unknown>> = {
  schedule: {},
  unschedule: { reason: 'Ikke klar' },
  present: { presenter: 'Saksbehandler' },
  'record-discussion': { points: ['Innspill'] },
  endorse: { resolution: 'Tilslutning.' },
  note: { resolution: 'Tatt til orientering.' },
  postpone: { reason: 'Utsatt' },
  refer: { toCommittee: 'NUIT', type: 'endorsement' },
  withdraw: { reason: 'Trukket' },
  amend: { reason: 'Skrivefeil', resolution: 'Rettet vedtak.' },
  vote: { for: ['ingen'], against: [] },
  'written-procedure': { deadline: '2099-12-31' },
};

describe('every path of the case machine is reachable through the HTTP API', () => {
  let s: Server;
  const T = 'tok-graph';
  beforeAll(async () => {
    const dataDir = tempDir('saksflyt-paths-');
    const file = join(dataDir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ ...TEST_TOKENS, [T]: GRAPH }));
    s = await startServer({ dataDir, env: { AUTH_TOKENS_FILE: file } });
    await ok(s, 'POST', '/api/committees', { token: 'tok-admin', json: { code: 'NUIT', name: 'Prioriteringsutvalget' } }, 201);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the walk covers every case state of API.md', () => {
    expect([...new Set(paths.map((p) => p.state))].sort()).toEqual([...CASE_STATES].sort());
    expect(paths.length).toBeGreaterThan(5);
    expect(transitions.length).toBeGreaterThan(paths.length);
  });

  /** GET the case; check it against the machine folded from its own history. */
  async function checkAgainstMachine(caseId: string): Promise<{ state: string; number: string | null; allowed: CaseCommand[]; meetingId: string | null }> {
    const view = (await ok(s, 'GET', `/api/cases/${caseId}`, { token: T })).json;
    const history = (await ok(s, 'GET', `/api/cases/${caseId}/history`, { token: T })).json as { type: string; data: unknown }[];
    const snapshot = foldCase(history);
    let meeting;
    if (view.meetingId) {
      const m = (await ok(s, 'GET', `/api/meetings/${view.meetingId}`, { token: T })).json;
      meeting = { id: m.id, committee: m.committee, state: m.state, minutes: m.minutes };
    }
    expect(view.state).toBe(snapshot.value);
    expect(view.allowedCommands).toEqual(allowedCommands(snapshot, { actor: GRAPH, meeting }));
    return { state: view.state, number: view.number, allowed: view.allowedCommands, meetingId: view.meetingId };
  }

  it.each(ALL.map(([kind, p], i) => [i, kind, p.facts.join(' → ') || '(created)', p] as const))(
    '#%i %s: %s',
    async (i: number, _kind: string, _facts: string, p: CommandPath) => {
      const committee = `P${i}`;
      await ok(s, 'POST', '/api/committees', { token: 'tok-admin', json: { code: committee, name: `Graf ${i}` } }, 201);
      const created = await ok(s, 'POST', '/api/cases', { token: T, json: { committee, title: 'Sak fra grafen', type: 'endorsement', proposedResolution: 'Tilslutning.' } }, 201);
      const caseId = created.json.id as string;
      await checkAgainstMachine(caseId);
      let meetingId = '';
      let day = Date.UTC(2018, 0, 1);
      for (const step of p.commands) {
        if (step.on === 'meeting') {
          if (step.command === 'plan') {
            const date = new Date(day).toISOString().slice(0, 10);
            day += 86_400_000;
            meetingId = (await ok(s, 'POST', `/api/committees/${committee}/meetings`, { token: T, json: { date, place: 'Oslo' } }, 201)).json.id;
          } else await ok(s, 'POST', `/api/meetings/${meetingId}/${step.command}`, { token: T, ...(step.command === 'open' ? { json: { present: [] } } : {}) });
        } else {
          const body = Object.fromEntries(Object.entries(step.body).map(([k, v]) => [k, v === CURRENT_MEETING ? meetingId : v === OTHER_COMMITTEE ? 'NUIT' : v]));
          const before = (await ok(s, 'GET', `/api/cases/${caseId}`, { token: T })).json;
          expect(before.allowedCommands).toContain(step.command);
          const r =
            step.command === 'edit'
              ? await ok(s, 'PATCH', `/api/cases/${caseId}`, { token: T, json: body, headers: { 'if-match': `"${before.revision}"` } })
              : await ok(s, 'POST', `/api/cases/${caseId}/${step.command}`, { token: T, json: body, headers: { 'if-match': `"${before.revision}"` } });
          expect(r.json).toMatchObject({ id: caseId, revision: before.revision + 1 });
          if (step.command === 'refer') expect(r.json.referredCaseId).toEqual(expect.any(String));
        }
        await checkAgainstMachine(caseId);
      }
      const end = await checkAgainstMachine(caseId);
      expect(end.state).toBe(p.state);
      if (p.numbered || ['discussion', 'endorsement', 'orientation'].includes(p.state)) expect(end.number).not.toBeNull();
      if (p.state === 'draft' && !p.numbered) expect(end.number).toBeNull();

      // every command the machine does not allow here is refused by the API, writing nothing
      for (const command of Object.keys(VALID_BODY) as Exclude<CaseCommand, 'edit'>[]) {
        if (end.allowed.includes(command)) continue;
        if (command === 'schedule' && !meetingId) continue; // needs a meeting to name
        const body = command === 'schedule' ? { meetingId } : VALID_BODY[command];
        const problem = await refused(s, 409, 'POST', `/api/cases/${caseId}/${command}`, { token: T, json: body });
        expect(problem.allowedCommands).not.toContain(command);
      }
      if (!end.allowed.includes('edit')) await refused(s, 409, 'PATCH', `/api/cases/${caseId}`, { token: T, json: { title: 'Endret' } });
      expect(await head(s)).toBeGreaterThan(0);
    },
  );
});
