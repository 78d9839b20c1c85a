/**
 * fast-check throws random and malformed requests at every committee, meeting, case and matter
 * endpoint of a real server with real records in it: bodies (near-valid, arbitrary JSON, broken
 * JSON, not JSON, over 1 MiB, __proto__), headers (Authorization, If-Match, Content-Type,
 * Idempotency-Key) and ids (right kind, wrong kind, random, encoded junk). Properties: never a
 * 5xx; every error is problem JSON with its status; a refused request (status ≥ 400) writes no
 * event (the store's head, GET /api/health, is unchanged). Requests run one at a time, so the
 * head comparison is exact.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Server } from './harness.js';
import { ADMIN, AUDITOR, MEMBER, OTHER, SEC, SEC_NUIT, head, ok, startWorkflowServer } from './workflow-helpers.js';

const RUNS = Number(process.env.WORKFLOW_FUZZ_RUNS ?? 2000);

interface Ids {
  committee: string[];
  meeting: string[];
  case: string[];
  member: string[];
  matter: string[];
}

type Slot = keyof Ids;
interface Endpoint {
  method: string;
  path: string; // with {committee} {meeting} {case} {member} {matter} {year} {command}
  template?: Record<string, unknown>;
  query?: string[];
}

const COMMANDS = ['schedule', 'unschedule', 'present', 'record-discussion', 'endorse', 'note', 'postpone', 'refer', 'withdraw'];

function endpoints(ids: Ids): Endpoint[] {
  const caseBody = (command: string): Record<string, unknown> =>
    ({
      schedule: { meetingId: ids.meeting[0] },
      unschedule: { reason: 'r' },
      present: { presenter: 'p' },
      'record-discussion': { summary: 's', points: ['a'], followUps: ['f'] },
      endorse: { resolution: 'r', conditions: 'c' },
      note: { resolution: 'r', input: ['i'] },
      postpone: { reason: 'r' },
      refer: { toCommittee: 'NUIT', type: 'endorsement' },
      withdraw: { reason: 'r' },
    })[command]!;
  return [
    { method: 'POST', path: '/api/committees', template: { code: 'FUZZ', name: 'Fuzz' } },
    { method: 'GET', path: '/api/committees', query: ['minPosition'] },
    { method: 'GET', path: '/api/committees/{committee}' },
    { method: 'POST', path: '/api/committees/{committee}/members', template: { name: 'n', organisation: 'o', role: 'member' } },
    { method: 'DELETE', path: '/api/committees/{committee}/members/{member}' },
    { method: 'GET', path: '/api/committees/{committee}/numbering/{year}' },
    { method: 'PUT', path: '/api/committees/{committee}/numbering/{year}', template: { nextMeetingNumber: 50, nextCaseNumber: 500 } },
    { method: 'POST', path: '/api/committees/{committee}/meetings', template: { date: '2019-03-01', startTime: '10:00', endTime: '12:00', place: 'Oslo' } },
    { method: 'GET', path: '/api/committees/{committee}/meetings', query: ['year'] },
    { method: 'GET', path: '/api/meetings/{meeting}', query: ['minPosition'] },
    { method: 'GET', path: '/api/meetings/{meeting}/history' },
    { method: 'POST', path: '/api/meetings/{meeting}/notice' },
    { method: 'POST', path: '/api/meetings/{meeting}/open', template: { present: ids.member.slice(0, 2), absent: [], guests: ['g'] } },
    { method: 'POST', path: '/api/meetings/{meeting}/adjourn' },
    { method: 'POST', path: '/api/cases', template: { committee: 'NEHS', title: 't', type: 'discussion', proposedResolution: '', projectIds: ['p'] } },
    { method: 'GET', path: '/api/cases/{case}', query: ['asOf', 'atPosition', 'minPosition'] },
    { method: 'PATCH', path: '/api/cases/{case}', template: { title: 'Ny tittel', background: 'b' } },
    ...COMMANDS.map((c) => ({ method: 'POST', path: `/api/cases/{case}/${c}`, template: caseBody(c) })),
    { method: 'POST', path: '/api/cases/{case}/{command}', template: {} },
    { method: 'GET', path: '/api/cases/{case}/history' },
    { method: 'GET', path: '/api/matters/{matter}' },
  ];
}

const ascii = (max: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max });
const junkId = fc.oneof(
  ascii(40),
  fc.uuid(),
  fc.constantFrom('', ' ', '..', '%2e%2e', '%00', '%ZZ', 'null', 'undefined', '0', '-1', 'NEHS', 'x'.repeat(500), '__proto__', 'constructor'),
);

describe('fuzzing the workflow endpoints', () => {
  let s: Server;
  const ids: Ids = { committee: ['NEHS', 'NUIT'], meeting: [], case: [], member: [], matter: [] };

  beforeAll(async () => {
    s = await startWorkflowServer();
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NUIT', name: 'NUIT' } }, 201);
    for (const name of ['A', 'B', 'C']) ids.member.push((await ok(s, 'POST', '/api/committees/NEHS/members', { token: ADMIN, json: { name, organisation: 'O', role: 'member' } }, 201)).json.id);
    // a held meeting, a meeting in session, a planned one; cases in every state
    for (const date of ['2018-10-01', '2018-11-01', '2018-12-01']) {
      ids.meeting.push((await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date, place: 'Oslo' } }, 201)).json.id);
    }
    const newCase = async (title: string) => {
      const r = await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title, type: 'endorsement', proposedResolution: 'x' } }, 201);
      ids.case.push(r.json.id);
      ids.matter.push(r.json.matterId);
      return r.json.id as string;
    };
    for (const [i, m] of ids.meeting.slice(0, 2).entries()) {
      const a = await newCase(`a${i}`);
      const b = await newCase(`b${i}`);
      await ok(s, 'POST', `/api/cases/${a}/schedule`, { token: SEC, json: { meetingId: m } });
      await ok(s, 'POST', `/api/cases/${b}/schedule`, { token: SEC, json: { meetingId: m } });
      await ok(s, 'POST', `/api/meetings/${m}/notice`, { token: SEC });
      await ok(s, 'POST', `/api/meetings/${m}/open`, { token: SEC, json: { present: ids.member } });
      await ok(s, 'POST', `/api/cases/${a}/present`, { token: SEC, json: { presenter: 'p' } });
      if (i === 0) {
        const agenda = (await ok(s, 'GET', `/api/meetings/${m}`, { token: SEC })).json.agenda as { caseId: string }[];
        for (const item of agenda) {
          const c = (await ok(s, 'GET', `/api/cases/${item.caseId}`, { token: SEC })).json;
          if (c.state === 'scheduled') await ok(s, 'POST', `/api/cases/${item.caseId}/present`, { token: SEC, json: { presenter: 'p' } });
          await ok(s, 'POST', `/api/cases/${item.caseId}/note`, { token: SEC, json: { resolution: 'r' } });
        }
        await ok(s, 'POST', `/api/meetings/${m}/adjourn`, { token: SEC });
      }
    }
    await newCase('draft');
    const planned = await newCase('scheduled');
    await ok(s, 'POST', `/api/cases/${planned}/schedule`, { token: SEC, json: { meetingId: ids.meeting[2] } });
  }, 60_000);

  afterAll(async () => {
    await s?.close();
  });

  it(`${RUNS} random and malformed requests: no 5xx, problem JSON on every error, no write on refusal`, async () => {
    const eps = endpoints(ids);
    const anyId = fc.constantFrom(...ids.committee, ...ids.meeting, ...ids.case, ...ids.member, ...ids.matter);
    const idFor = (slot: Slot) => fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ids[slot]) }, { weight: 2, arbitrary: anyId }, { weight: 2, arbitrary: junkId });
    const mutate = (template: Record<string, unknown>) =>
      fc.oneof(
        { weight: 4, arbitrary: fc.constant(template) },
        {
          weight: 3,
          arbitrary: fc
            .tuple(fc.constantFrom('x', ...Object.keys(template)), fc.jsonValue({ maxDepth: 2 }))
            .map(([k, v]) => ({ ...template, [k]: v })),
        },
        { weight: 1, arbitrary: fc.tuple(ascii(12), fc.jsonValue({ maxDepth: 1 })).map(([k, v]) => ({ ...template, [k]: v })) },
        { weight: 1, arbitrary: fc.constantFrom('', ...Object.keys(template)).map((k) => Object.fromEntries(Object.entries(template).filter(([x]) => x !== k))) },
      );
    const body = (template?: Record<string, unknown>) =>
      fc.oneof(
        { weight: 6, arbitrary: mutate(template ?? {}).map((j) => ({ kind: 'json' as const, text: JSON.stringify(j) })) },
        { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((j) => ({ kind: 'json' as const, text: JSON.stringify(j) })) },
        { weight: 2, arbitrary: fc.constant({ kind: 'none' as const, text: '' }) },
        { weight: 1, arbitrary: ascii(60).map((t) => ({ kind: 'raw' as const, text: t })) },
        { weight: 1, arbitrary: fc.constantFrom('{"a":', '{"__proto__":{"x":1}}', '[]', 'null', '"x"', '{"constructor":{"prototype":{"x":1}}}').map((t) => ({ kind: 'raw' as const, text: t })) },
        { weight: 1, arbitrary: fc.constant({ kind: 'huge' as const, text: '' }) },
      );
    const headers = fc.record({
      authorization: fc.option(
        fc.oneof(
          { weight: 12, arbitrary: fc.constantFrom(SEC, SEC, SEC, SEC, SEC, SEC, ADMIN, AUDITOR, MEMBER, OTHER, SEC_NUIT).map((t) => `Bearer ${t}`) },
          { weight: 1, arbitrary: fc.constantFrom('Bearer nope', 'Basic YWRtaW46YWRtaW4=', 'Bearer', '', 'bearer tok-admin', `Bearer ${SEC} x`) },
          { weight: 1, arbitrary: ascii(30) },
        ),
        { freq: 12, nil: undefined },
      ),
      'if-match': fc.option(fc.oneof(fc.constantFrom('"0"', '"1"', '"2"', '"3"', '"4"', '"5"', '"999"', '*', 'W/"1"', '"-1"', '1', '"01"', '""'), ascii(20)), { freq: 2, nil: undefined }),
      'content-type': fc.option(
        fc.oneof(
          { weight: 10, arbitrary: fc.constant('application/json') },
          { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/merge-patch+json', 'application/xml', 'multipart/form-data', 'application/json; charset=latin1') },
          { weight: 1, arbitrary: ascii(20) },
        ),
        { freq: 12, nil: undefined },
      ),
      'idempotency-key': fc.option(fc.oneof({ weight: 1, arbitrary: fc.constantFrom('k1', 'k2', 'k3') }, { weight: 4, arbitrary: fc.uuid() }, { weight: 1, arbitrary: ascii(40) }), {
        freq: 3,
        nil: undefined,
      }),
      'x-correlation-id': fc.option(ascii(140), { freq: 2, nil: undefined }),
    });
    const query = (names?: string[]) =>
      names
        ? fc.option(
            fc
              .tuple(fc.constantFrom(...names), fc.oneof(fc.constantFrom('0', '1', '5', '-1', '2018', '2018-12-06T10:00:00Z', 'x', '1e3', '99999999999999999999'), ascii(20)))
              // a minPosition beyond the head waits 5 s for its 503 (tested in nehs-8-2018.e2e.ts): keep those out of the fuzz
              .map(([k, v]) => [k, k === 'minPosition' && /^\d+$/.test(v) && Number(v) > 5 ? `x${v}` : v] as [string, string]),
            { nil: undefined },
          )
        : fc.constant(undefined);

    const request = fc
      .constantFrom(...eps)
      .chain((ep) =>
        fc.record({
          ep: fc.constant(ep),
          committee: idFor('committee'),
          meeting: idFor('meeting'),
          case: idFor('case'),
          member: idFor('member'),
          matter: idFor('matter'),
          year: fc.oneof(fc.constantFrom('2018', '2019', '2020'), junkId),
          command: fc.oneof(fc.constantFrom(...COMMANDS, 'edit', 'delete'), junkId),
          body: body(ep.template),
          headers,
          query: query(ep.query),
        }),
      );

    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const enc = (v: string) => encodeURIComponent(v);
        let path = r.ep.path.replace(/\{(committee|meeting|case|member|matter|year|command)\}/g, (_, k: keyof typeof r) => enc(String(r[k])));
        if (r.query) path += `?${r.query[0]}=${enc(r.query[1])}`;
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) h[k] = v;
        let payload: string | Buffer | undefined;
        if (r.ep.method !== 'GET') {
          if (r.body.kind === 'huge') payload = Buffer.alloc(1024 * 1024 + 10, 0x20);
          else if (r.body.kind !== 'none') payload = r.body.text;
        }
        if (payload === undefined) delete h['content-type'];
        const before = await head(s);
        const res = await s.req(r.ep.method, path, { body: payload, headers: h });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) throw new Error(`${r.ep.method} ${path} → ${res.status}: ${res.text}`);
        if (res.status >= 400) {
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect(res.json).toMatchObject({ status: res.status, title: expect.any(String), type: expect.any(String) });
          if (res.status === 400 && res.json.errors) expect(Array.isArray(res.json.errors)).toBe(true);
          if (res.status === 409 && res.json.allowedCommands) expect(Array.isArray(res.json.allowedCommands)).toBe(true);
          const after = await head(s);
          if (after !== before) throw new Error(`${r.ep.method} ${path} → ${res.status} but the head moved ${before} → ${after}`);
        }
      }),
      { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
    );
    // the run reached the interesting answers, not only one kind of refusal
    for (const status of [200, 400, 401, 403, 404, 409, 412, 415]) expect([status, (statuses.get(status) ?? 0) > 0]).toEqual([status, true]);
    console.log(`workflow fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
  }, 180_000);
});
