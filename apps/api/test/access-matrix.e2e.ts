/**
 * The access matrix (apps/api/src/access/matrix.ts), whole, over HTTP on one real server seeded
 * once, with the tokens file and OIDC side by side (access-callers.ts):
 * - the table is exactly the API: the routes of the running app's OpenAPI document, the routes the
 *   controllers declare and the table's rows are the same set (a new route fails here until it has
 *   a row), and each controller's `@Allow` / `@Public` is its row's;
 * - the policy (`may`) answers each action as the table's `ALLOWED` says, for every caller;
 * - every row (query variants included) × every caller (no token; member and secretariat of the
 *   record's committee; member and secretariat of another; auditor; admin; each by the tokens file
 *   and by an OIDC token with the same roles) × a record of NEHS and of NUIT × private, noticed
 *   (draft minutes) and public records gets `expectedAccess` (writes are sent a body their DTO refuses, so an allowed write
 *   answers 400 and nothing is written); an unknown record is 404 before any 403;
 * - no request of the sweep writes anything: the store's head is the same after it, and if it is
 *   not the events written are named by their correlation id (route and caller);
 * - the OpenAPI document's 401, 403, `x-saksflyt-access` and `x-saksflyt-roles` are the table's,
 *   and agree with what the sweep saw.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { may } from '@saksflyt/workflow';
import { ACCESS_RULE, type AccessRule } from '../src/access/allow.js';
import { AUTH_POLICY } from '../src/auth/auth.js';
import {
  ALLOWED,
  CALLERS,
  CALLER_GRANT,
  RECORD_STATES,
  ROUTES,
  WRITE_ROUTES,
  allowedCallers,
  expectedAccess,
  openApiPath,
  refusals,
  routeKey,
  type Caller,
  type RecordState,
  type RouteAccess,
} from '../src/access/matrix.js';
import { FEATURE_MODULES } from '../src/features.js';
import { COMMITTEES, SOURCES, grantsOf, pool, startAccessServer, type AccessServer, type Code, type Source } from './access-callers.js';
import { ADMIN, head, ok } from './workflow-helpers.js';

const CONCURRENCY = 4;

/** Every route of the feature controllers with its @Allow rule and auth policy (if any). */
function declaredRoutes(): { method: string; path: string; rule: AccessRule | undefined; policy: { kind: string } | undefined }[] {
  const out: { method: string; path: string; rule: AccessRule | undefined; policy: { kind: string } | undefined }[] = [];
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
        out.push({
          method: RequestMethod[method],
          path,
          rule: Reflect.getMetadata(ACCESS_RULE, fn) as AccessRule | undefined,
          policy: (Reflect.getMetadata(AUTH_POLICY, fn) ?? Reflect.getMetadata(AUTH_POLICY, c)) as { kind: string } | undefined,
        });
      }
    }
  }
  return out;
}

/** The records of one committee: private (a planned meeting, a draft case), noticed (a meeting in session: draft minutes; a case on it), public (approved minutes, a decided case). */
interface Records {
  member: string;
  meeting: Record<RecordState, string>;
  case: Record<RecordState, string>;
  attachment: Record<RecordState, string>;
  matter: Record<RecordState, string>;
  followup: string;
  position: string;
  time: string;
}

const PROJECT = 'matrix-project';

interface Probe {
  row: RouteAccess;
  committee: Code;
  state: RecordState;
  caller: Caller;
  source: Source;
  unknown: boolean;
}

describe('the access matrix, whole, over HTTP', () => {
  let s: AccessServer;
  const rec = {} as Record<Code, Records>;
  /** What the sweep saw: operation → the statuses answered per caller. */
  const seen = new Map<string, Map<Caller, Set<number>>>();

  async function seed(code: Code): Promise<Records> {
    const sec = s.token('secretariat', code, 'file');
    const member = (await ok(s, 'POST', `/api/committees/${code}/members`, { token: ADMIN, json: { name: `Medlem ${code}`, organisation: 'O', role: 'member' } }, 201)).json.id;
    const plan = async (date: string) => (await ok(s, 'POST', `/api/committees/${code}/meetings`, { token: sec, json: { date, place: 'Oslo' } }, 201)).json.id as string;
    const newCase = async (title: string) => (await ok(s, 'POST', '/api/cases', { token: sec, json: { committee: code, title, type: 'endorsement', proposedResolution: 'Forslag.' } }, 201)).json.id as string;
    const attach = async (caseId: string) =>
      (await ok(s, 'POST', `/api/cases/${caseId}/attachments?filename=vedlegg.txt`, { token: sec, body: `vedlegg ${caseId}`, headers: { 'content-type': 'text/plain' } }, 201)).json.id as string;
    const post = (path: string, json?: unknown) => ok(s, 'POST', path, { token: sec, ...(json !== undefined ? { json } : {}) });
    const agenda = async (meetingId: string) => (await ok(s, 'GET', `/api/meetings/${meetingId}`, { token: sec })).json.agenda as { caseId: string; type: string; standardItem?: string }[];

    // public: a case decided in meeting 1, whose minutes meeting 2 approves
    const m1 = await plan('2019-01-10');
    const decided = await newCase(`Vedtatt sak ${code}`);
    const decidedAtt = await attach(decided);
    await post(`/api/cases/${decided}/schedule`, { meetingId: m1 });
    await post(`/api/meetings/${m1}/notice`);
    await post(`/api/meetings/${m1}/open`, { present: [member] });
    for (const c of await agenda(m1)) {
      await post(`/api/cases/${c.caseId}/present`, { presenter: 'Sekretariatet' });
      if (c.caseId === decided) await post(`/api/cases/${c.caseId}/record-discussion`, { followUps: ['Oppfølging'] });
      if (c.type === 'orientation') await post(`/api/cases/${c.caseId}/note`, { resolution: 'Tatt til orientering.' });
      else await post(`/api/cases/${c.caseId}/endorse`, { resolution: 'Vedtatt.' });
    }
    await post(`/api/meetings/${m1}/adjourn`);
    const m2 = await plan('2019-02-10');
    const onAgenda = await newCase(`Sak på dagsorden ${code}`);
    const onAgendaAtt = await attach(onAgenda);
    await post(`/api/cases/${onAgenda}/schedule`, { meetingId: m2 });
    await post(`/api/meetings/${m2}/notice`);
    await post(`/api/meetings/${m2}/open`, { present: [member] });
    const approval = (await agenda(m2)).find((c) => c.standardItem === 'minutes-approval')!.caseId;
    await post(`/api/cases/${approval}/present`, { presenter: 'Leder' });
    const approved = String((await post(`/api/cases/${approval}/endorse`, { resolution: 'Godkjent.' })).json.position);
    expect((await ok(s, 'GET', `/api/meetings/${m1}/minutes?minPosition=${approved}`, {})).json.status).toBe('approved');
    // private: a planned meeting, a draft case with an attachment
    const planned = await plan('2019-03-10');
    const draft = await newCase(`Utkast ${code}`);
    const draftAtt = await attach(draft);
    const view = async (id: string) => (await ok(s, 'GET', `/api/cases/${id}`, { token: sec })).json;
    const [d, n, x] = [await view(draft), await view(onAgenda), await view(decided)];
    return {
      member,
      meeting: { private: planned, noticed: m2, public: m1 },
      case: { private: draft, noticed: onAgenda, public: decided },
      attachment: { private: draftAtt, noticed: onAgendaAtt, public: decidedAtt },
      matter: { private: d.matterId, noticed: n.matterId, public: x.matterId },
      followup: x.discussion[0].followUps[0].id,
      // a position at which every record above exists (the store's head as the server reports it)
      position: String(await head(s)),
      time: new Date().toISOString(),
    };
  }

  beforeAll(async () => {
    s = await startAccessServer();
    for (const code of COMMITTEES) await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code, name: `Utvalg ${code}` } }, 201);
    await ok(s, 'POST', '/api/portfolio/projects', { token: s.token('secretariat', 'NEHS', 'file'), json: { id: PROJECT, name: 'P', owner: 'O' } }, 201);
    for (const code of COMMITTEES) rec[code] = await seed(code);
  });
  afterAll(async () => {
    await s?.close();
  });

  /** The request of a probe: the row's path with the committee's records of that state (or an unknown one). */
  function url(p: Probe): string | undefined {
    const r = rec[p.committee];
    const { row, state, unknown } = p;
    const u = (known: string, missing: string) => (unknown ? missing : known);
    let subject = false;
    const path = row.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      switch (name) {
        case 'code':
          if (row.path.startsWith('/api/committees/:code/members/:id')) return p.committee;
          subject = true;
          return u(p.committee, 'NOPE');
        case 'year':
          return '2030';
        case 'attId':
          return row.method === 'GET' ? r.attachment[state] : 'no-such-attachment';
        case 'matterId':
          subject = true;
          return u(r.matter[state], 'no-such-matter');
        case 'id':
          subject = true;
          if (row.path.startsWith('/api/committees/')) return u(r.member, 'no-such-member');
          if (row.path.startsWith('/api/meetings/') || row.path.startsWith('/api/live/meetings/')) return u(r.meeting[state], 'no-such-meeting');
          if (row.path.startsWith('/api/cases/')) return u(r.case[state], 'no-such-case');
          if (row.path.startsWith('/api/portfolio/projects/')) return u(PROJECT, 'no-such-project');
          if (row.path.startsWith('/api/followups/')) return u(r.followup, 'no-such-follow-up');
      }
      throw new Error(`access-matrix: give the path parameter :${name} of ${row.path} a record (so the row is tested)`);
    });
    const query = new URLSearchParams();
    if (row.committeeOf === 'query.committee') {
      subject = true;
      query.set('committee', u(p.committee, 'NOPE'));
      query.set('year', '2019');
    }
    for (const [k, v] of Object.entries(row.query ?? {})) query.set(k, v === ':position' ? r.position : v === ':time' ? r.time : v);
    if (unknown && !subject) return undefined;
    return query.size ? `${path}?${query}` : path;
  }

  /** A body every write's DTO refuses (so an allowed caller gets 400 and nothing is written). */
  function probeBody(p: Probe): string | undefined {
    if (p.row.method === 'GET') return undefined;
    return JSON.stringify(p.row.committeeOf === 'body.committee' ? { committee: p.committee, notAField: true } : { notAField: true });
  }

  /** What an allowed caller meets past the guard where it is not the DTO's 400 (nothing is written either way). */
  const PAST_THE_GUARD: Record<string, number> = {
    // the upload's JSON probe is not an attachment type
    'POST /api/cases/:id/attachments': 415,
    // the DELETE names an attachment that does not exist (looked up after the guard)
    'DELETE /api/cases/:id/attachments/:attId': 404,
  };

  function want(p: Probe): number {
    if (p.unknown) return p.caller === 'none' && p.row.action && !p.row.public ? 401 : 404;
    const e = expectedAccess(p.row, p.caller, p.state);
    if (e !== 'allowed') return e;
    return PAST_THE_GUARD[`${p.row.method} ${p.row.path}`] ?? (p.row.method === 'GET' ? 200 : 400);
  }

  /** Sends a probe; a live feed's stream is closed as soon as its status is known. */
  async function send(p: Probe, path: string): Promise<{ status: number; problem: boolean; detail: unknown }> {
    const token = s.token(p.caller, p.committee, p.source);
    const body = probeBody(p);
    const headers: Record<string, string> = { 'x-correlation-id': `matrix ${routeKey(p.row)} ${p.committee} ${p.state} ${p.caller} ${p.source}`.replace(/[^A-Za-z0-9 ._:/?&=-]/g, '_') };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const ac = new AbortController();
    const res = await fetch(s.url + path, { method: p.row.method, headers, body, signal: ac.signal });
    const type = res.headers.get('content-type') ?? '';
    if (type.startsWith('text/event-stream')) {
      ac.abort();
      return { status: res.status, problem: false, detail: undefined };
    }
    const text = await res.text();
    let detail: unknown;
    try {
      detail = JSON.parse(text)?.detail;
    } catch {
      detail = undefined;
    }
    return { status: res.status, problem: type.startsWith('application/problem+json'), detail };
  }

  /** Runs the probes (a few at a time); every answer as `route [committee state] caller/source → status`; no probe may write. */
  async function sweep(probes: Probe[]): Promise<{ got: string[]; want: string[] }> {
    const before = await head(s);
    const label = (p: Probe, status: number | string) => `${routeKey(p.row)} [${p.committee}${p.unknown ? ' unknown' : ` ${p.state}`}] ${p.caller}/${p.source} → ${status}`;
    const runnable = probes.flatMap((p) => {
      const path = url(p);
      return path === undefined ? [] : [{ p, path }];
    });
    const answers = await pool(runnable, CONCURRENCY, async ({ p, path }) => {
      const a = await send(p, path);
      // every refusal is problem JSON with a detail
      const shape = a.status >= 400 && (!a.problem || typeof a.detail !== 'string') ? ' (not problem JSON with a detail)' : '';
      if (!p.unknown) {
        const op = `${p.row.method} ${p.row.path}`;
        const byCaller = seen.get(op) ?? new Map<Caller, Set<number>>();
        seen.set(op, byCaller);
        const set = byCaller.get(p.caller) ?? new Set<number>();
        byCaller.set(p.caller, set);
        set.add(a.status);
      }
      return { got: label(p, `${a.status}${shape}`), want: label(p, want(p)) };
    });
    const after = await head(s);
    if (after !== before) {
      const log = (await ok(s, 'GET', '/api/audit/events?limit=1000', { token: s.token('auditor', 'NEHS', 'file') })).json;
      const written = (log.events ?? log).filter((e: { position: number }) => e.position > before).map((e: { type: string; correlationId: string }) => `${e.type} by ${e.correlationId}`);
      expect({ written }).toEqual({ written: [] });
    }
    expect(after).toBe(before);
    return { got: answers.map((a) => a.got), want: answers.map((a) => a.want) };
  }

  /** Whether a row's answer can depend on the record's committee (else NEHS alone stands for both). */
  const perCommittee = (row: RouteAccess) => /:(code|id|matterId)\b/.test(row.path) || row.committeeOf === 'query.committee' || row.committeeOf === 'body.committee';
  /**
   * Every caller (both sources) on the row, for a record of each committee (when its committee can
   * matter) in each state (noticed and public only when the row has a public part: else it answers alike).
   */
  const probes = (rows: readonly RouteAccess[], states: readonly RecordState[], unknown = false): Probe[] =>
    rows.flatMap((row) =>
      COMMITTEES.filter((c) => c === 'NEHS' || perCommittee(row)).flatMap((committee) =>
        states
          .filter((st) => st === 'private' || row.public)
          .flatMap((state) => CALLERS.flatMap((caller) => (caller === 'none' ? (['file'] as const) : SOURCES).map((source) => ({ row, committee, state, caller, source, unknown })))),
      ),
    );

  it('the table is the API: the OpenAPI document, the controllers and the table name the same routes, with the same rules', async () => {
    const doc = (await ok(s, 'GET', '/api/docs-json', {})).json as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/') && !path.startsWith('/api/docs'))
      .flatMap(([path, item]) => Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
    const tabled = [...new Set(ROUTES.map((r) => `${r.method} ${openApiPath(r.path)}`))];
    const sort = (xs: string[]) => [...xs].sort();
    expect({ missingFromTable: sort(documented.filter((k) => !tabled.includes(k))), notInApi: sort(tabled.filter((k) => !documented.includes(k))) }).toEqual({ missingFromTable: [], notInApi: [] });

    const declared = declaredRoutes().filter((d) => d.path.startsWith('/api/'));
    expect(sort(declared.map((d) => `${d.method} ${openApiPath(d.path)}`))).toEqual(sort(tabled));
    // each route's decorator is its row's: @Allow(action, { committeeOf, public }) when the guard resolves the committee, else @Public()
    const got = declared.map((d) => [`${d.method} ${d.path}`, d.rule ? { action: d.rule.action, committeeOf: d.rule.committeeOf, public: d.rule.public } : d.policy?.kind === 'public' ? 'public' : 'token']);
    const wanted = declared.map((d) => {
      const row = ROUTES.find((r) => r.method === d.method && r.path === d.path && !r.query)!;
      return [`${d.method} ${d.path}`, row.committeeOf ? { action: row.action, committeeOf: row.committeeOf, public: !!row.public } : 'public'];
    });
    expect(got).toEqual(wanted);
    // one base row per route; a variant has a query and a base beside it; keys are unique
    const keys = ROUTES.map(routeKey);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect(ROUTES.filter((r) => r.query && !ROUTES.some((b) => !b.query && b.method === r.method && b.path === r.path)).map(routeKey)).toEqual([]);
  });

  it('the policy answers every action for every caller as the table says, in both committees', () => {
    const got: string[] = [];
    const wanted: string[] = [];
    for (const action of Object.keys(ALLOWED) as (keyof typeof ALLOWED)[]) {
      for (const committee of COMMITTEES) {
        for (const caller of CALLERS) {
          const actor = caller === 'none' ? null : { name: caller, roles: grantsOf(caller, committee).map((g) => (g.includes(':') ? { role: g.split(':')[0]!, committee: g.split(':')[1]! } : { role: g })) };
          got.push(`${action} ${committee} ${caller} ${may(actor, action, committee)}`);
          wanted.push(`${action} ${committee} ${caller} ${ALLOWED[action].includes(caller)}`);
        }
      }
    }
    expect(got).toEqual(wanted);
  });

  it(`every read row × every caller (file and OIDC) × NEHS and NUIT records × private, noticed and public ones answers as the table says`, async () => {
    const { got, want: wanted } = await sweep(probes(ROUTES.filter((r) => r.method === 'GET'), RECORD_STATES));
    expect(got.length).toBeGreaterThan(700);
    expect(got).toEqual(wanted);
  });

  it(`every write row × every caller (file and OIDC) × NEHS and NUIT answers as the table says, and nothing is written`, async () => {
    const { got, want: wanted } = await sweep(probes(WRITE_ROUTES, ['private']));
    expect(got.length).toBeGreaterThan(700);
    expect(got).toEqual(wanted);
  });

  it('an unknown record is 404 for every caller (before 403); without a token 401 first where the route needs one', async () => {
    // the record is resolved before the token's roles are asked: one source stands for both here
    const { got, want: wanted } = await sweep(probes(ROUTES, ['private'], true).filter((p) => p.committee === 'NEHS' && p.source === 'file'));
    expect(got.length).toBeGreaterThan(200);
    expect(got).toEqual(wanted);
  });

  it('an unknown token, and an OIDC token signed by a key the server does not know, are 401 on every row (as each operation documents)', async () => {
    const { SignJWT, generateKeyPair } = await import('jose');
    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ name: 'Eve', saksflyt_roles: ['admin'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'matrix-1' })
      .setIssuer('https://idp.example.test/realms/saksflyt')
      .setAudience('saksflyt-api')
      .setExpirationTime('1h')
      .sign(privateKey);
    const before = await head(s);
    const rows = ROUTES.map((row) => ({ row, path: url({ row, committee: 'NEHS', state: 'private', caller: 'admin', source: 'file', unknown: false })! }));
    const got = await pool(
      rows.flatMap((r) => ['tok-no-such-token', foreign].map((token) => ({ ...r, token }))),
      CONCURRENCY,
      async ({ row, path, token }) => {
        const body = row.method === 'GET' ? undefined : '{}';
        const res = await fetch(s.url + path, { method: row.method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body });
        await res.arrayBuffer().catch(() => undefined);
        return `${routeKey(row)} ${token === foreign ? 'foreign JWT' : 'unknown token'} → ${res.status}`;
      },
    );
    expect(got).toEqual(rows.flatMap(({ row }) => [`${routeKey(row)} unknown token → 401`, `${routeKey(row)} foreign JWT → 401`]));
    expect(await head(s)).toBe(before);
  });

  it('POST /api/cases naming no known committee: 403 for a caller who may create cases nowhere, else the body answers (400)', async () => {
    const row = WRITE_ROUTES.find((r) => r.committeeOf === 'body.committee')!;
    for (const body of [{ committee: 'NOPE', notAField: true }, { notAField: true }, { committee: 7 }, []]) {
      const before = await head(s);
      const got = [];
      for (const caller of CALLERS) {
        for (const source of caller === 'none' ? (['file'] as const) : SOURCES) {
          const token = s.token(caller, 'NEHS', source);
          const r = await s.req('POST', row.path, { ...(token ? { token } : {}), json: body });
          got.push(`${caller}/${source} ${r.status}`);
        }
      }
      expect({ body, got }).toEqual({
        body,
        got: ['none/file 401', 'member/file 403', 'member/oidc 403', 'secretariat/file 400', 'secretariat/oidc 400', 'otherMember/file 403', 'otherMember/oidc 403', 'otherSecretariat/file 400', 'otherSecretariat/oidc 400', 'auditor/file 403', 'auditor/oidc 403', 'admin/file 403', 'admin/oidc 403'],
      });
      expect(await head(s)).toBe(before);
    }
    // another committee's secretariat naming NEHS with a valid body: 403 (decided on the named committee, before the body), nothing written
    const before = await head(s);
    for (const source of SOURCES) {
      const r = await s.req('POST', row.path, { token: s.token('otherSecretariat', 'NEHS', source)!, json: { committee: 'NEHS', title: 'T', type: 'discussion', proposedResolution: '' } });
      expect([source, r.status]).toEqual([source, 403]);
    }
    expect(await head(s)).toBe(before);
  });

  it("the OpenAPI document's access of each operation is the table's (401, 403, x-saksflyt-access, x-saksflyt-roles, description)", async () => {
    const doc = (await ok(s, 'GET', '/api/docs-json', {})).json as { paths: Record<string, Record<string, any>> };
    const got: unknown[] = [];
    const wanted: unknown[] = [];
    for (const base of ROUTES.filter((r) => !r.query)) {
      const op = doc.paths[openApiPath(base.path)]![base.method.toLowerCase()]!;
      const rows = ROUTES.filter((r) => r.method === base.method && r.path === base.path);
      const forbidden = rows.some((r) => refusals(r).forbidden);
      const unauthorized = rows.some((r) => refusals(r).unauthorized);
      const key = `${base.method} ${base.path}`;
      got.push([key, op['x-saksflyt-access'], op['x-saksflyt-roles'], !!op.responses['401'], /no token, or/.test(op.responses['401']?.description ?? ''), !!op.responses['403'], (op.description ?? '').includes('**Access**')]);
      wanted.push([
        key,
        { action: base.action ?? null, committeeOf: base.committeeOf ?? null, allowed: [...allowedCallers(base)], ...(base.public ? { public: base.public } : {}), ...(base.denied ? { denied: base.denied } : {}) },
        base.action ? [...(base.public ? ['public'] : []), ...ALLOWED[base.action].map((c) => CALLER_GRANT[c])] : ['public'],
        true,
        unauthorized,
        forbidden,
        true,
      ]);
    }
    expect(got).toEqual(wanted);
  });

  it('the OpenAPI document agrees with what the sweeps above saw: a documented 403 exactly where some token got 403', async () => {
    expect({ 'operations swept (run this file whole)': seen.size }).toEqual({ 'operations swept (run this file whole)': new Set(ROUTES.map((r) => `${r.method} ${r.path}`)).size });
    const doc = (await ok(s, 'GET', '/api/docs-json', {})).json as { paths: Record<string, Record<string, any>> };
    const observed = ROUTES.filter((r) => !r.query).map((r) => {
      const byCaller = seen.get(`${r.method} ${r.path}`)!;
      const op = doc.paths[openApiPath(r.path)]![r.method.toLowerCase()]!;
      const saw403 = [...byCaller].some(([c, st]) => c !== 'none' && st.has(403));
      return [`${r.method} ${r.path}`, !!op.responses['403'], saw403];
    });
    expect(observed.filter(([, doc403, saw403]) => doc403 !== saw403)).toEqual([]);
  });
});
