/** Shared helpers of the workflow e2e tests (committees, meetings, cases over real HTTP). */
import { expect } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, tempDir, TEST_TOKENS, type Server } from './harness.js';

/** API.md's tokens plus a NEHS member, a NUIT secretariat and a NUIT member ("others with a token" for NEHS). */
export const TOKENS = {
  ...TEST_TOKENS,
  'tok-member-nehs': { id: 'u-member-nehs', name: 'Bjørn Guldvog', roles: [{ role: 'member', committee: 'NEHS' }] },
  'tok-secretariat-nuit': { name: 'Sekretariat NUIT', roles: [{ role: 'secretariat', committee: 'NUIT' }] },
  'tok-member-nuit': { name: 'Medlem NUIT', roles: [{ role: 'member', committee: 'NUIT' }] },
};
export const ADMIN = 'tok-admin';
export const SEC = 'tok-secretariat-nehs';
export const SEC_NUIT = 'tok-secretariat-nuit';
export const AUDITOR = 'tok-auditor';
export const MEMBER = 'tok-member-nehs';
export const OTHER = 'tok-member-nuit';

export async function startWorkflowServer(): Promise<Server> {
  const dataDir = tempDir('saksflyt-wf-');
  const file = join(dataDir, 'tokens.json');
  writeFileSync(file, JSON.stringify(TOKENS));
  const s = await startServer({ dataDir, env: { AUTH_TOKENS_FILE: file } });
  return s;
}

type Opts = Parameters<Server['req']>[2];
export type Res = Awaited<ReturnType<Server['req']>>;

/** The store's head position as GET /api/health reports it. */
export async function head(s: Server): Promise<number> {
  const r = await s.req('GET', '/api/health');
  return r.json.store.headPosition as number;
}

/** A request that must succeed with `status`; fails the test with the answer otherwise. */
export async function ok(s: Server, method: string, path: string, opts: Opts, status = method === 'POST' ? 200 : 200): Promise<Res> {
  const r = await s.req(method, path, opts);
  if (r.status !== status) throw new Error(`${method} ${path} → ${r.status}, expected ${status}: ${r.text}`);
  return r;
}

/** A request that must be refused with `status` as problem JSON and write nothing. */
export async function refused(s: Server, status: number, method: string, path: string, opts: Opts = {}): Promise<any> {
  const before = await head(s);
  const r = await s.req(method, path, opts);
  if (r.status !== status) throw new Error(`${method} ${path} → ${r.status}, expected ${status}: ${r.text}`);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.json).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  expect(await head(s)).toBe(before);
  return r.json;
}

/** The field names of a 400 problem. */
export function fields(problem: { errors?: { field: string }[] }): string[] {
  return (problem.errors ?? []).map((e) => e.field);
}
