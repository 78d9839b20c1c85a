/**
 * The access matrix (apps/api/src/access/matrix.ts) over HTTP, on one real server seeded once:
 * every route with an access rule, every caller (no token, a member of NEHS, the secretariat of
 * NEHS, the secretariat of NUIT, an auditor, an admin) gets the answer the table names; an unknown
 * record is 404 before any 403; and no refused request writes anything (the store's head is the
 * same after it). Allowed writes are sent a body the DTO refuses (400), which shows the request
 * passed the guard without changing the seeded records. The controllers' `@Allow` rules must be
 * exactly the table's.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ACCESS_RULE, type AccessRule } from '../src/access/allow.js';
import { ALLOWED, CALLERS, ROUTES, WRITE_ROUTES, expectedAccess, type Caller, type RouteAccess } from '../src/access/matrix.js';
import { FEATURE_MODULES } from '../src/features.js';
import type { Server } from './harness.js';
import { ADMIN, AUDITOR, MEMBER, SEC, SEC_NUIT, head, ok, startWorkflowServer } from './workflow-helpers.js';

const TOKEN: Record<Caller, string | undefined> = {
  none: undefined,
  member: MEMBER,
  secretariat: SEC,
  otherSecretariat: SEC_NUIT,
  auditor: AUDITOR,
  admin: ADMIN,
};

/** Every route of the feature controllers with its @Allow rule (if any). */
function declaredRoutes(): { method: string; path: string; rule: AccessRule | undefined }[] {
  const out: { method: string; path: string; rule: AccessRule | undefined }[] = [];
  for (const m of FEATURE_MODULES) {
    const module = typeof m === 'function' ? m : 'module' in (m as object) ? (m as { module: Function }).module : undefined;
    if (!module) continue;
    const controllers = [...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, module) as Function[] | undefined) ?? []), ...(((m as { controllers?: Function[] }).controllers) ?? [])];
    for (const c of controllers) {
      const base = String(Reflect.getMetadata(PATH_METADATA, c) ?? '');
      for (const name of Object.getOwnPropertyNames(c.prototype)) {
        const fn = (c.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof fn !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod | undefined;
        if (method === undefined) continue;
        const sub = String(Reflect.getMetadata(PATH_METADATA, fn) ?? '');
        const path = `/api/${base}/${sub}`.replace(/\/+/g, '/').replace(/\/$/, '');
        out.push({ method: RequestMethod[method], path, rule: Reflect.getMetadata(ACCESS_RULE, fn) as AccessRule | undefined });
      }
    }
  }
  return out;
}

describe('the access matrix over HTTP', () => {
  let s: Server;
  const id = { member: '', meeting: '', case: '', project: 'matrix-project', attachment: '' };

  beforeAll(async () => {
    s = await startWorkflowServer();
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' } }, 201);
    id.member = (await ok(s, 'POST', '/api/committees/NEHS/members', { token: ADMIN, json: { name: 'M', organisation: 'O', role: 'member' } }, 201)).json.id;
    // private records: a planned meeting, a draft case
    id.meeting = (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2019-03-01', place: 'Oslo' } }, 201)).json.id;
    id.case = (await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: 'T', type: 'discussion', proposedResolution: '' } }, 201)).json.id;
    await ok(s, 'POST', '/api/portfolio/projects', { token: SEC, json: { id: id.project, name: 'P', owner: 'O' } }, 201);
    id.attachment = (await ok(s, 'POST', `/api/cases/${id.case}/attachments?filename=a.txt`, { token: SEC, body: 'vedlegg', headers: { 'content-type': 'text/plain' } }, 201)).json.id;
  });

  /**
   * What an allowed caller meets past the guard where it is not the DTO's 400: the upload's JSON
   * probe is not an attachment type (415); a DELETE names an attachment that does not exist (404,
   * looked up after the guard), so that nothing is written.
   */
  const PAST_THE_GUARD: Record<string, number> = { 'POST /api/cases/:id/attachments': 415, 'DELETE /api/cases/:id/attachments/:attId': 404 };
  afterAll(async () => {
    await s?.close();
  });

  /** The route's path with the seeded records (or `unknown` for the one that names the record). */
  function url(route: RouteAccess, unknown = false): string {
    const u = (known: string, missing: string) => (unknown ? missing : known);
    let path = route.path.replace(':year', '2030');
    switch (route.committeeOf) {
      case 'committee':
        path = path.replace(':code', u('NEHS', 'NOPE'));
        break;
      case 'member':
        path = path.replace(':code', 'NEHS').replace(':id', u(id.member, 'no-such-member'));
        break;
      case 'meeting':
        path = path.replace(':id', u(id.meeting, 'no-such-meeting'));
        break;
      case 'case':
        path = path.replace(':id', u(id.case, 'no-such-case')).replace(':attId', route.method === 'GET' ? id.attachment : 'no-such-attachment');
        break;
      case 'project':
        path = path.replace(':id', u(id.project, 'no-such-project'));
        break;
      case 'query.committee':
        path += `?committee=${u('NEHS', 'NOPE')}&year=2019`;
        break;
    }
    return path;
  }

  /** A body every write's DTO refuses (so an allowed caller gets 400 and nothing is written). */
  function probe(route: RouteAccess, committee = 'NEHS'): unknown {
    if (route.method === 'GET') return undefined;
    return route.committeeOf === 'body.committee' ? { committee, notAField: true } : { notAField: true };
  }

  async function answer(route: RouteAccess, caller: Caller, path = url(route), body = probe(route)): Promise<number> {
    const before = await head(s);
    const token = TOKEN[caller];
    const r = await s.req(route.method, path, { ...(token ? { token } : {}), ...(body !== undefined ? { json: body } : {}) });
    if (r.status >= 400) {
      expect([route.method, path, caller, r.headers.get('content-type')]).toEqual([route.method, path, caller, expect.stringMatching(/^application\/problem\+json/)]);
      expect(r.json).toMatchObject({ status: r.status, title: expect.any(String), detail: expect.any(String) });
    }
    // nothing written: refused, or passed the guard into a DTO that refused the body
    expect([route.method, path, caller, await head(s)]).toEqual([route.method, path, caller, before]);
    return r.status;
  }

  it('the controllers declare exactly the table: every write route has @Allow, every @Allow is in the table', () => {
    const declared = declaredRoutes();
    const ruled = declared
      .filter((d) => d.rule)
      .map((d) => ({ method: d.method, path: d.path, action: d.rule!.action, committeeOf: d.rule!.committeeOf, ...(d.rule!.public ? { public: true } : {}) }));
    const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
    expect([...ruled].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...ROUTES].sort((a, b) => key(a).localeCompare(key(b))));
    const writesWithoutRule = declared.filter((d) => d.method !== 'GET' && !d.rule).map(key);
    expect(writesWithoutRule).toEqual([]);
  });

  it(`every caller on every route (${ROUTES.length} routes × ${CALLERS.length} callers) gets the table's answer, and no refusal writes`, async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const route of ROUTES) {
      for (const caller of CALLERS) {
        const status = await answer(route, caller);
        const expected = expectedAccess(route, caller);
        // allowed: a write meets its DTO (400), a read answers 200
        const allowed = PAST_THE_GUARD[`${route.method} ${route.path}`] ?? (route.method === 'GET' ? 200 : 400);
        got.push(`${route.method} ${route.path} ${caller} → ${status}`);
        want.push(`${route.method} ${route.path} ${caller} → ${expected === 'allowed' ? allowed : expected}`);
      }
    }
    expect(got).toEqual(want);
  });

  it('an unknown record is 404 for every caller with a token (before 403), 401 without one on a route that needs it', async () => {
    const got: string[] = [];
    const want: string[] = [];
    for (const route of ROUTES.filter((r) => !['none', 'body.committee'].includes(r.committeeOf))) {
      for (const caller of CALLERS) {
        const status = await answer(route, caller, url(route, true));
        got.push(`${route.method} ${route.path} ${caller} → ${status}`);
        want.push(`${route.method} ${route.path} ${caller} → ${caller === 'none' && !route.public ? 401 : 404}`);
      }
    }
    expect(got).toEqual(want);
  });

  it('POST /api/cases naming no known committee: 403 for a caller who may create cases nowhere, else the body answers (400)', async () => {
    const route = WRITE_ROUTES.find((r) => r.committeeOf === 'body.committee')!;
    for (const body of [{ committee: 'NOPE', notAField: true }, { notAField: true }, { committee: 7 }, []]) {
      const got = [];
      for (const caller of CALLERS) got.push([caller, await answer(route, caller, route.path, body)]);
      expect({ body, got }).toEqual({
        body,
        got: [
          ['none', 401],
          ['member', 403],
          ['secretariat', 400],
          ['otherSecretariat', 400],
          ['auditor', 403],
          ['admin', 403],
        ],
      });
    }
    // the secretariat of NUIT naming NEHS: 403 (decided on the named committee, before the body)
    expect(await answer(route, 'otherSecretariat', route.path, { committee: 'NEHS', title: 'T', type: 'discussion', proposedResolution: '' })).toBe(403);
  });

  it('the OpenAPI document names the access of each route from the same table', async () => {
    const doc = (await ok(s, 'GET', '/api/docs-json', {})).json;
    const got = ROUTES.map((r) => [r.method, r.path, doc.paths[r.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase()]?.['x-saksflyt-access']]);
    expect(got).toEqual(ROUTES.map((r) => [r.method, r.path, { action: r.action, committeeOf: r.committeeOf, allowed: [...ALLOWED[r.action]], ...(r.public ? { public: true } : {}) }]));
  });
});
