/**
 * The projections on /api/health, a projection that fails on an event (reported with its position
 * and error, queries of it answer 503 past that position, the others go on), and shutdown with SSE
 * clients connected (the server closes promptly, the clients see the end).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventStore } from '@saksflyt/event-store';
import { EVENT_STORE } from '../src/platform.js';
import { connectSse } from '../src/live/sse-client.js';
import { ProjectionsService } from '../src/projections/projections.module.js';
import type { Server } from './harness.js';
import { SEC, call, projectionsOptions, setupNehs, startViewsServer } from './views-driver.js';

describe('projections on /api/health, failure, shutdown', () => {
  let s: Server;
  beforeAll(async () => {
    s = await startViewsServer({ extraModules: [projectionsOptions({ minPositionTimeoutMs: 300 })] });
  });
  afterAll(async () => {
    await s?.close().catch(() => undefined);
  });

  it('health lists every projection: running, at the head, serving that version', async () => {
    const { position } = await setupNehs(s);
    await call(s, 'GET', `/api/decisions?minPosition=${position}`);
    await call(s, 'GET', `/api/portfolio?minPosition=${position}`);
    const h = await call(s, 'GET', '/api/health');
    const runner = s.app.get(ProjectionsService).runner;
    expect(h.projections.map((p: any) => p.name)).toEqual(runner.names());
    expect(h.projections.length).toBeGreaterThan(0);
    for (const p of h.projections) {
      expect(p).toMatchObject({ status: 'running', version: expect.any(Number), serving: { version: p.version } });
      expect(p.position).toBeGreaterThanOrEqual(position);
    }
  });

  it('a projection that throws on an event stops there, says so on /api/health, and its queries answer 503 past it', async () => {
    const store = s.app.get<EventStore>(EVENT_STORE);
    const meta = { actor: 'test', correlationId: 'c1', causationId: null, at: '2019-01-01T10:00:00Z' };
    // a case decided without ever being on a meeting: the decisions register cannot place it
    const caseId = '00000000-0000-4000-8000-000000000001';
    const drafted = await store.append(
      `case-${caseId}`,
      [
        { type: 'CaseDrafted', data: { v: 1, caseId, committee: 'NEHS', matterId: caseId, title: 'Uten møte', type: 'endorsement', proposedResolution: 'x', projectIds: [], meetsFollowUps: [] }, metadata: meta },
      ],
      { expectedRevision: 'no_stream' },
    );
    const bad = await store.append(`case-${caseId}`, [{ type: 'ResolutionEndorsed', data: { v: 1, resolution: 'x' }, metadata: meta }], { expectedRevision: 0n });
    const after = await call(s, 'POST', '/api/committees', { token: 'tok-admin', json: { code: 'NUIT', name: 'NUIT' } });
    const runner = s.app.get(ProjectionsService).runner;
    // the projection serving the decisions register stopped before the bad event (at the one before
    // it, the drafted case: positions are the store's, not bad - 1); the others go on
    for (let i = 0; i < 100 && !runner.status().every((p) => p.status === 'failed' || p.position >= BigInt(after.position)); i++)
      await new Promise((r) => setTimeout(r, 20));
    const h = await call(s, 'GET', '/api/health');
    const failed = h.projections.filter((p: any) => p.status === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({ status: 'failed', position: Number(drafted.position), error: expect.stringContaining(`at position ${bad.position}`) }),
    ]);
    for (const p of h.projections.filter((x: any) => x.status !== 'failed')) expect(p).toMatchObject({ status: 'running', position: after.position });
    const r = await s.req('GET', `/api/decisions?minPosition=${bad.position}`);
    expect(r.status).toBe(503);
    expect(r.json.position).toBe(Number(drafted.position));
    // below the failure the register still answers
    expect((await s.req('GET', `/api/decisions?minPosition=${Number(drafted.position)}`)).status).toBe(200);
  });

  it('shutdown with SSE clients connected closes promptly and ends their streams', async () => {
    const clients = Array.from({ length: 5 }, () => connectSse(`${s.url}/api/live/portfolio`));
    await Promise.all(clients.map((c) => c.waitFor((m) => m.event === 'snapshot')));
    const t0 = Date.now();
    await s.close();
    expect(Date.now() - t0).toBeLessThan(3000);
    await Promise.all(clients.map((c) => c.closed));
  });
});
