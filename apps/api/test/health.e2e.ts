import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { EVENT_STORE } from '../src/store/store.module.js';
import type { EventStore } from '@saksflyt/event-store';
import { startServer, tempDir, type Server } from './harness.js';

describe('health and docs', () => {
  let s: Server;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.close();
  });

  test('GET /api/health is public and shows the sqlite store and its head position', async () => {
    const before = await s.req('GET', '/api/health');
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({ status: 'ok', store: { kind: 'sqlite', headPosition: 0 } });
    // The projections report themselves too (their own tests cover the details).
    expect(before.json.projections.map((p: { name: string }) => p.name).sort()).toEqual(['registers']);
    expect(existsSync(join(s.dataDir, 'saksflyt.db'))).toBe(true);

    const store = s.app.get<EventStore>(EVENT_STORE);
    const r = await store.append(
      'health-probe-1',
      [1, 2, 3].map((n) => ({ type: 'Probed', data: { v: 1, n }, metadata: { actor: 'test', correlationId: 'c', at: new Date().toISOString() } })),
      { expectedRevision: 'no_stream' },
    );
    const after = await s.req('GET', '/api/health');
    expect(after.json.store.headPosition).toBe(Number(r.position));
    expect(after.json.store.headPosition).toBeGreaterThan(0);
  });

  test('OpenAPI document at /api/docs-json and the UI at /api/docs', async () => {
    const doc = await s.req('GET', '/api/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.json.paths)).toContain('/api/health');
    const ui = await s.req('GET', '/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui-bundle.js');
    const bundle = await s.req('GET', '/api/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.text).toContain('SwaggerUIBundle');
  });
});

describe('default tokens file', () => {
  test('without AUTH_TOKENS_FILE: writes <dataDir>/tokens.json with admin, NEHS secretariat and auditor, reuses it on restart', async () => {
    const dir = tempDir();
    try {
      const a = await startServer({ dataDir: dir, defaultTokens: true, env: { SAKSFLYT_DEMO: '0' } }); // the demo adds its members' tokens (demo-logins.e2e.ts)
      const file = join(dir, 'tokens.json');
      const tokens = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { name: string; roles: unknown[] }>;
      const entries = Object.entries(tokens);
      expect(entries.map(([, u]) => u.name).sort()).toEqual(['Admin', 'Revisor', 'Sekretariatet (NEHS)']);
      const admin = entries.find(([, u]) => u.name === 'Admin')!;
      const sec = entries.find(([, u]) => u.name === 'Sekretariatet (NEHS)')!;
      const auditor = entries.find(([, u]) => u.name === 'Revisor')!;
      expect(admin[1].roles).toEqual([{ role: 'admin' }]);
      expect(sec[1].roles).toEqual([{ role: 'secretariat', committee: 'NEHS' }]);
      expect(auditor[1].roles).toEqual([{ role: 'auditor' }]);
      expect(new Set(entries.map(([t]) => t)).size).toBe(3);
      expect(admin[0].length).toBeGreaterThanOrEqual(32);
      expect(admin[0]).not.toBe(sec[0]);
      await a.close();

      const b = await startServer({ dataDir: dir, defaultTokens: true, env: { SAKSFLYT_DEMO: '0' } });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(tokens);
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
