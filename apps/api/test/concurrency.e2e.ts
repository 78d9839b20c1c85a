/**
 * 50 parallel conflicting commands to one case over HTTP (25 endorse + 25 note on a case in
 * discussion, half of them with If-Match): exactly one succeeds, the others get 409 or 412, and
 * the case stream has revisions 0..n with no gap. Repeated for a fresh case per round.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from './harness.js';
import { ADMIN, AUDITOR, SEC, head, ok, startWorkflowServer } from './workflow-helpers.js';

describe('50 parallel conflicting commands to one case', () => {
  let s: Server;
  let meetingId = '';
  const cases: string[] = [];
  const ROUNDS = 3;

  beforeAll(async () => {
    s = await startWorkflowServer();
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
    meetingId = (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2018-12-06', place: 'Oslo' } }, 201)).json.id;
    for (let i = 0; i < ROUNDS; i++) {
      const c = await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: `Sak ${i}`, type: 'endorsement', proposedResolution: 'Tilslutning.' } }, 201);
      await ok(s, 'POST', `/api/cases/${c.json.id}/schedule`, { token: SEC, json: { meetingId } });
      cases.push(c.json.id);
    }
    await ok(s, 'POST', `/api/meetings/${meetingId}/notice`, { token: SEC });
    await ok(s, 'POST', `/api/meetings/${meetingId}/open`, { token: SEC, json: { present: [] } });
    for (const id of cases) await ok(s, 'POST', `/api/cases/${id}/present`, { token: SEC, json: { presenter: 'Saksbehandler' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round + 1}: exactly one winner, the rest 409/412, no gap, nothing else written`, async () => {
      const id = cases[round]!;
      const current = await ok(s, 'GET', `/api/cases/${id}`, { token: SEC });
      expect(current.json.state).toBe('discussion');
      const etag = current.headers.get('etag')!;
      const before = await head(s);
      const requests = Array.from({ length: 50 }, (_, i) => {
        const command = i % 2 === 0 ? 'endorse' : 'note';
        const headers: Record<string, string> = { 'x-correlation-id': `race-${round}-${i}` };
        if (i % 4 < 2) headers['if-match'] = etag;
        return s.req('POST', `/api/cases/${id}/${command}`, { token: SEC, json: { resolution: `${command} ${i}` }, headers });
      });
      const answers = await Promise.all(requests);
      const statuses = answers.map((a) => a.status);
      const winners = answers.filter((a) => a.status === 200);
      expect(winners).toHaveLength(1);
      expect(statuses.every((st) => st === 200 || st === 409 || st === 412)).toBe(true);
      // the losers that named the revision are stale (412 comes before 409); the others are refused by state
      answers.forEach((a, i) => {
        if (a.status !== 200) expect([i, a.status]).toEqual([i, i % 4 < 2 ? 412 : 409]);
      });
      for (const a of answers.filter((x) => x.status !== 200)) {
        expect(a.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        if (a.status === 409) expect(a.json.allowedCommands).not.toContain('endorse');
      }
      const winner = winners[0]!.json;
      expect(winner.revision).toBe(Number(etag.replace(/"/g, '')) + 1);
      // exactly one event written: the winner's (positions are opaque: read what follows `before`, an event's own position)
      const log = (await ok(s, 'GET', `/api/audit/events?fromPosition=${before}`, { token: AUDITOR })).json as { events: { position: number; stream: string }[] };
      expect(log.events[0]!.position).toBe(before);
      const written = log.events.slice(1);
      expect(written).toHaveLength(1);
      expect(written[0]).toMatchObject({ position: winner.position, stream: `case-${id}` });
      expect(await head(s)).toBe(winner.position);

      const history = (await ok(s, 'GET', `/api/cases/${id}/history`, { token: SEC })).json as { revision: number; type: string; correlationId: string }[];
      expect(history.map((e) => e.revision)).toEqual(history.map((_, i) => i));
      const decisions = history.filter((e) => e.type === 'ResolutionEndorsed' || e.type === 'CaseNoted');
      expect(decisions).toHaveLength(1);
      const after = (await ok(s, 'GET', `/api/cases/${id}`, {})).json;
      expect(after.state).toBe(winner.state);
      expect(after.resolution).toBe(`${winner.state === 'endorsement' ? 'endorse' : 'note'} ${decisions[0]!.correlationId.split('-')[2]}`);
    });
  }
});
