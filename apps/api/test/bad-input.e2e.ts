/**
 * The defects the OpenAPI fuzz (openapi-fuzz.e2e.ts) found, each pinned by its own case over a
 * real server: what it answered before the fix, what it answers now, and that nothing was written.
 * - a body nested 10 000 deep was a 500 (class-transformer's recursion overflowed the stack);
 * - an unknown member named like a member of Object.prototype (`constructor`, `toString`) was
 *   dropped without a word and the command carried out; `\u005f_proto__` passed the `__proto__` check;
 * - NUL, other control characters and lone surrogates in text were stored (and would reach the
 *   minutes, the PDFs and the Noark XML, which cannot hold them);
 * - answers the OpenAPI document did not name: 401 on public routes (an unknown token),
 *   400 on reads (a malformed or repeated query parameter, a malformed URL), 414 (a path parameter
 *   over 100 characters), 415 on writes without a body, 503 of `minPosition` outside the views,
 *   409 of planning a meeting that would re-target a frozen agenda's approval item;
 * - the document's Idempotency-Key said at most 200 characters, the server takes 255;
 * - an attachment upload took a malformed Idempotency-Key (the check skipped streamed bodies);
 * - `prototype` was deleted by Nest's ValidationPipe and the command carried out;
 * - headers over 16 KiB answered 431 as plain JSON (Fastify's default), undocumented;
 * - `items: [[]]` (a list where a record was expected) passed class-validator's ValidateNested and
 *   was a 500 in endorse and note;
 * - `HEAD` of a live feed never answered (the stream's headers wait for a body a HEAD never sends).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_JSON_DEPTH, isWellFormedText, jsonDepth } from '../src/validation/rules.js';
import type { Server } from './harness.js';
import { ADMIN, SEC, fields, head, ok, refused, startWorkflowServer } from './workflow-helpers.js';

const json = (text: string) => ({ token: SEC, body: text, headers: { 'content-type': 'application/json' } });
const CASE = '"committee":"NEHS","title":"Sak","type":"discussion","proposedResolution":"Styret tar saken til orientering."';

describe('bad input the fuzz found', () => {
  let s: Server;
  let doc: Record<string, any>;
  let meeting = '';
  let caseId = '';
  beforeAll(async () => {
    s = await startWorkflowServer();
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
    meeting = (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2019-05-02', place: 'Oslo' } }, 201)).json.id;
    caseId = (await ok(s, 'POST', '/api/cases', json(`{${CASE}}`), 201)).json.id;
    doc = (await s.req('GET', '/api/docs-json')).json;
  });
  afterAll(async () => s?.close());

  const documented = (method: string, path: string) => Object.keys(doc.paths[path][method.toLowerCase()].responses);

  it('the rules: depth counted outside strings, text without control characters or lone surrogates', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[{{{"}]}')).toBe(3);
    expect(jsonDepth('['.repeat(10_000) + ']'.repeat(10_000))).toBeGreaterThan(MAX_JSON_DEPTH);
    expect(jsonDepth('"\\"[[[["')).toBe(0);
    for (const good of ['Styret', 'e\u0301', '😀👨‍👩‍👧', '\u202Eevil', 'a\tb\nc\r', '𝕳']) expect([good, isWellFormedText(good)]).toEqual([good, true]);
    for (const bad of ['x\u0000y', '\u001b[31m', '\uD800', 'a\uDC00b', '😀'.slice(0, 1)]) expect([bad, isWellFormedText(bad)]).toEqual([bad, false]);
  });

  it('a body nested 10 000 deep is 400, not 500, and writes nothing', async () => {
    for (const deep of ['['.repeat(10_000) + ']'.repeat(10_000), `{${CASE},"purpose":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`, `{${CASE},"projectIds":${'['.repeat(10_000)}${']'.repeat(10_000)}}`]) {
      const p = await refused(s, 400, 'POST', '/api/cases', json(deep));
      expect(p.detail).toBe(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`);
    }
    // as deep as the DTOs need is fine
    await ok(s, 'POST', `/api/cases/${caseId}/written-procedure`, { token: SEC, json: { deadline: '2030-01-01' } });
  });

  it('members named like Object.prototype members are refused, not dropped (the command was carried out)', async () => {
    for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      const p = await refused(s, 400, 'POST', '/api/cases', json(`{${CASE},"${key}":{"polluted":true}}`));
      expect([key, fields(p)]).toEqual([key, [key]]);
      expect(p.detail).toBe(`The member "${key}" is refused: not allowed.`);
    }
    // nested too, and spelt with an escape
    expect(fields(await refused(s, 400, 'POST', '/api/cases', json(`{${CASE},"exemption":{"basis":"offl. § 14","constructor":1}}`)))).toEqual(['constructor']);
    expect(fields(await refused(s, 400, 'POST', '/api/cases', json(`{${CASE},"\\u005f_proto__":{"polluted":true}}`)))).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('NUL, control characters and lone surrogates in text are 400, naming the field; emoji, RTL and combining marks are stored', async () => {
    for (const bad of ['\\u0000', '\\u001b[31m', '\\ud800', 'a\\udc00b']) {
      const p = await refused(s, 400, 'POST', '/api/cases', json(`{${CASE.replace('"Sak"', `"Sak ${bad}"`)}}`));
      expect([bad, fields(p)]).toEqual([bad, ['title']]);
    }
    expect(fields(await refused(s, 400, 'POST', '/api/cases', json(`{${CASE},"projectIds":["ok","\\u0000"]}`)))).toEqual(['1']);
    const title = 'Sak \u202Bمرحبا\u202C e\u0301 😀👨‍👩‍👧 𝕳\tny linje\n';
    const created = await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title, type: 'discussion', proposedResolution: 'x' } }, 201);
    expect((await ok(s, 'GET', `/api/cases/${created.json.id}`, { token: SEC })).json.title).toBe(title);
  });

  it('an unknown token on a public route is 401, and the document says so on every route', async () => {
    for (const path of ['/api/decisions', '/api/portfolio', '/api/followups', '/api/cases', '/api/health']) {
      await refused(s, 401, 'GET', path, { token: 'nope' });
      expect([path, documented('GET', path)]).toEqual([path, expect.arrayContaining(['401'])]);
    }
    expect(documented('GET', '/api/live/decisions')).toEqual(expect.arrayContaining(['401']));
  });

  it('a malformed or repeated query parameter, or a malformed URL, is 400 on reads too, and documented', async () => {
    expect(fields(await refused(s, 400, 'GET', '/api/committees?minPosition=-1'))).toEqual(['minPosition']);
    expect(fields(await refused(s, 400, 'GET', '/api/committees/NEHS?minPosition=1&minPosition=2'))).toEqual(['minPosition']);
    await refused(s, 400, 'GET', `/api/meetings/%ZZ`);
    await refused(s, 400, 'DELETE', '/api/committees/NEHS/members/%FF%FE', { token: ADMIN });
    for (const [m, p] of [['GET', '/api/committees'], ['GET', '/api/committees/{code}'], ['GET', '/api/meetings/{id}'], ['GET', '/api/matters/{matterId}'], ['DELETE', '/api/committees/{code}/members/{id}']] as const)
      expect([p, documented(m, p)]).toEqual([p, expect.arrayContaining(['400'])]);
  });

  it('a path parameter over 100 characters is 414 problem JSON, and documented', async () => {
    await refused(s, 414, 'GET', `/api/committees/${'x'.repeat(101)}`);
    await refused(s, 414, 'POST', `/api/cases/${'x'.repeat(101)}/withdraw`, { token: SEC, json: { reason: 'r' } });
    expect(documented('GET', '/api/committees/{code}')).toEqual(expect.arrayContaining(['414']));
    expect(documented('POST', '/api/cases/{id}/withdraw')).toEqual(expect.arrayContaining(['414']));
    expect(documented('GET', '/api/committees')).not.toContain('414');
  });

  it('a body that is not JSON on a write without a body is 415, and documented', async () => {
    await refused(s, 415, 'POST', `/api/meetings/${meeting}/notice`, { token: SEC, body: 'x', headers: { 'content-type': 'text/plain' } });
    for (const p of ['/api/meetings/{id}/notice', '/api/meetings/{id}/adjourn']) expect([p, documented('POST', p)]).toEqual([p, expect.arrayContaining(['415'])]);
    expect(documented('DELETE', '/api/committees/{code}/members/{id}')).toEqual(expect.arrayContaining(['415']));
  });

  it('minPosition beyond the head is 503 on the aggregate reads too, and documented wherever minPosition is', async () => {
    const p = await refused(s, 503, 'GET', `/api/meetings/${meeting}?minPosition=9223372036854775807`, { token: SEC });
    expect(p.position).toBe(await head(s));
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>))
      for (const [method, op] of Object.entries(item))
        if ((op.parameters ?? []).some((q: any) => q.in === 'query' && q.name === 'minPosition')) expect([method, path, Object.keys(op.responses)]).toEqual([method, path, expect.arrayContaining(['503'])]);
  }, 20_000);

  it('planning a meeting that would re-target a frozen agenda is 409, and documented', async () => {
    const later = (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2019-09-12', place: 'Oslo' } }, 201)).json.id;
    await ok(s, 'POST', `/api/meetings/${later}/notice`, { token: SEC });
    const p = await refused(s, 409, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2019-06-01', place: 'Oslo' } });
    expect(p.detail).toMatch(/agenda is frozen/);
    expect(documented('POST', '/api/committees/{code}/meetings')).toEqual(expect.arrayContaining(['409']));
  });

  it('HEAD of a live feed answers its headers at once (it hung, unanswered, holding the connection)', async () => {
    for (const path of ['/api/live/decisions', '/api/live/portfolio']) {
      const res = await fetch(s.url + path, { method: 'HEAD', signal: AbortSignal.timeout(3000) });
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, 200, 'text/event-stream; charset=utf-8']);
    }
  });

  it('Idempotency-Key: the document says what the server takes (1 to 255 visible ASCII; it said at most 200)', async () => {
    const param = doc.paths['/api/cases'].post.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key');
    expect(param.schema).toEqual({ type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' });
    const body = { committee: 'NEHS', title: 'Sak med nøkkel', type: 'discussion', proposedResolution: 'x' };
    await ok(s, 'POST', '/api/cases', { token: SEC, json: body, headers: { 'idempotency-key': 'k'.repeat(255) } }, 201);
    expect(fields(await refused(s, 400, 'POST', '/api/cases', { token: SEC, json: body, headers: { 'idempotency-key': 'k'.repeat(256) } }))).toEqual(['Idempotency-Key']);
    expect(fields(await refused(s, 400, 'POST', '/api/cases', { token: SEC, json: body, headers: { 'idempotency-key': 'æ' } }))).toEqual(['Idempotency-Key']);
  });

  it('a malformed Idempotency-Key on an attachment upload is 400 and keeps nothing (the upload skipped the check and stored it)', async () => {
    const draft = (await ok(s, 'POST', '/api/cases', json(`{${CASE}}`), 201)).json.id;
    for (const key of ['æøå', 'k'.repeat(256), '']) {
      const p = await refused(s, 400, 'POST', `/api/cases/${draft}/attachments?filename=Saksfremlegg.txt`, { token: SEC, body: Buffer.from('Saksfremlegg\n'), headers: { 'content-type': 'text/plain', 'idempotency-key': key } });
      expect([key, fields(p)]).toEqual([key, ['Idempotency-Key']]);
    }
    expect((await ok(s, 'GET', `/api/cases/${draft}`, { token: SEC })).json.attachments ?? []).toEqual([]);
    await ok(s, 'POST', `/api/cases/${draft}/attachments?filename=Saksfremlegg.txt`, { token: SEC, body: Buffer.from('Saksfremlegg\n'), headers: { 'content-type': 'text/plain', 'idempotency-key': 'vedlegg-1' } }, 201);
  });

  it('a member named "prototype" is refused (Nest’s pipe deleted it and POST /api/committees answered 201)', async () => {
    const p = await refused(s, 400, 'POST', '/api/committees', { token: ADMIN, body: '{"code":"DF","name":"Nasjonalt e-helsestyre","prototype":{"polluted":true}}', headers: { 'content-type': 'application/json' } });
    expect(fields(p)).toEqual(['prototype']);
    expect(fields(await refused(s, 400, 'POST', '/api/cases', json(`{${CASE},"prototype":1}`)))).toEqual(['prototype']);
  });

  it('a request line and headers over 16 KiB answer 431 problem JSON with the security headers (was plain JSON), and documented', async () => {
    const res = await fetch(`${s.url}/api/followups?q=${'x'.repeat(20_000)}`);
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.json()).toEqual({ type: 'about:blank', title: 'Request Header Fields Too Large', status: 431, detail: 'The request line and headers are larger than the server takes (16 KiB).' });
    expect(documented('GET', '/api/followups')).toEqual(expect.arrayContaining(['431']));
    expect(documented('POST', '/api/cases')).toEqual(expect.arrayContaining(['431']));
  });

  it('a list of records whose elements are lists is 400 naming each (items: [[]] passed class-validator and was a 500)', async () => {
    const p = await refused(s, 400, 'POST', '/api/cases', json(`{${CASE},"items":[[],[{"label":"NR. 1","title":"t"}]]}`));
    expect(fields(p)).toEqual(['items.0', 'items.1']);
    const body = (list: string) => ({ token: SEC, body: `{"resolution":"Styret tar saken til orientering.",${list}}`, headers: { 'content-type': 'application/json' } });
    for (const command of ['endorse', 'note']) {
      expect(fields(await refused(s, 400, 'POST', `/api/cases/${caseId}/${command}`, body('"items":[[]]')))).toEqual(['items.0']);
      expect(fields(await refused(s, 400, 'POST', `/api/cases/${caseId}/${command}`, body('"dissent":[[]]')))).toEqual(['dissent.0']);
    }
  });
  it('an atPosition past a 64-bit integer is 400 on every read that takes it (it was a 500 from the store on matters)', async () => {
    const huge = '9223372036854775808';
    for (const path of [`/api/cases/${caseId}`, '/api/decisions', '/api/cases?committee=NEHS', '/api/followups']) {
      const p = await refused(s, 400, 'GET', `${path}${path.includes('?') ? '&' : '?'}atPosition=${huge}`, { token: SEC });
      expect([path, fields(p)]).toEqual([path, ['atPosition']]);
    }
  });
});
