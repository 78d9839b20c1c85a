/**
 * The platform every endpoint stands on, proved through a real server (createApp) with
 * test-only controllers: problem JSON, auth, body limits, validation, the error order, correlation ids.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Min, ValidateNested } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { CurrentUser, Public, Roles, requireRole } from '../src/auth/auth.js';
import type { User } from '../src/auth/tokens.js';
import { DeferBody } from '../src/http/body.js';
import { CorrelationId, IfMatch, setETag } from '../src/http/request-context.js';
import { Problems } from '../src/problem/problem.js';
import { ApiProblems } from '../src/problem/api-problem.js';
import { validateBody } from '../src/validation/validation.js';
import { InvalidCommand, StaleRevision } from '@saksflyt/workflow';
import { startServer, type Server } from './harness.js';

class CreateThingDto {
  @IsString() @Length(1, 200) title: string;
  @IsIn(['approval', 'orientation']) type: string;
  @IsInt() @Min(1) count: number;
}

class PlaceDto {
  @IsString() @Length(1, 100) city: string;
}

class OpenDto {
  @IsArray() @ArrayNotEmpty() @IsUUID('4', { each: true }) present: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) guests?: string[];
  @ValidateNested() @Type(() => PlaceDto) place: PlaceDto;
}

const COMMITTEES = new Set(['NEHS', 'NUIT']);
const CURRENT_REVISION = 3n;

@Controller('test-platform')
class PlatformTestController {
  @Public()
  @Get('public')
  pub(@CurrentUser() user: User | null) {
    return { user };
  }

  @Get('private')
  priv(@CurrentUser() user: User | null, @CorrelationId() correlationId: string) {
    return { user, correlationId };
  }

  @Roles('auditor')
  @Get('audit')
  audit(@CurrentUser() user: User) {
    return { name: user.name };
  }

  /** DTO-typed body: validated by the global pipe after the guard (401/403 first). */
  @Roles('secretariat', 'admin')
  @Post('things')
  create(@Body() dto: CreateThingDto, @CurrentUser() user: User) {
    return { created: dto instanceof CreateThingDto, title: dto.title, count: dto.count, actor: user.name };
  }

  /** The order of API.md, decided in the handler: 404, 403, then the body, then If-Match. */
  @Post('committees/:code/open')
  @HttpCode(200)
  @ApiProblems(400, 401, 403, 404, 412)
  @DeferBody()
  async open(
    @Param('code') code: string,
    @Body() body: unknown,
    @CurrentUser() user: User | null,
    @IfMatch() ifMatch: IfMatch,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!COMMITTEES.has(code)) throw Problems.notFound(`No committee ${code}.`);
    requireRole(user, ['secretariat', code], 'admin');
    const dto = await validateBody(OpenDto, body);
    const expected = ifMatch.revision();
    if (expected !== undefined && expected !== CURRENT_REVISION) {
      throw Problems.preconditionFailed(`Revision ${expected} is not the current one.`, CURRENT_REVISION);
    }
    setETag(reply, CURRENT_REVISION + 1n);
    return { committee: code, present: dto.present.length, city: dto.place.city };
  }

  @Public()
  @Post('boom')
  boom() {
    throw new Error('secret internals: password=hunter2');
  }

  @Public()
  @Post('workflow/:kind')
  workflowError(@Param('kind') kind: string) {
    if (kind === 'stale') throw new StaleRevision('case-1', 1n, 3n);
    throw new InvalidCommand('The agenda of meeting 8/2018 is frozen.', ['withdraw'], { meetingId: 'm-1' });
  }

  @Public()
  @Get('bigints')
  bigints() {
    return { revision: 5n, position: 123456789n, nested: [{ at: 0n }] };
  }

  @Public()
  @Post('domain')
  domain() {
    throw Object.assign(new Error('Case 47/18 is in state draft.'), {
      status: 409,
      allowedCommands: ['schedule', 'withdraw'],
    });
  }
}

const ADMIN = 'tok-admin';
const SEC = 'tok-secretariat-nehs';
const AUDITOR = 'tok-auditor';
const UUID = '3b241101-e2bb-4255-8caf-4136c566a962';
const GOOD_OPEN = { present: [UUID], place: { city: 'Oslo' } };

function expectProblem(r: { status: number; headers: Headers; json: any }, status: number) {
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.json).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
}

describe('HTTP platform', () => {
  let s: Server;
  beforeAll(async () => {
    s = await startServer({ extraControllers: [PlatformTestController] });
  });
  afterAll(async () => {
    await s.close();
  });

  describe('problem JSON', () => {
    test('unknown route → 404 problem', async () => {
      expectProblem(await s.req('GET', '/api/no-such-thing'), 404);
      expectProblem(await s.req('POST', '/api/no-such-thing', { body: '{bad', headers: { 'content-type': 'application/json' } }), 404);
    });

    test('an unexpected error → 500 with a generic detail, nothing leaked', async () => {
      const r = await s.req('POST', '/api/test-platform/boom');
      expectProblem(r, 500);
      expect(r.text).not.toContain('hunter2');
      expect(r.text).not.toContain('secret');
      expect(r.text).not.toMatch(/\bat .*\.ts/);
    });

    test('a URL that is not valid percent-encoding → 400 problem', async () => {
      expectProblem(await s.req('GET', '/api/%E0%A4%A'), 400);
    });

    test('@ApiProblems documents problem answers in the OpenAPI document', async () => {
      const doc = (await s.req('GET', '/api/docs-json')).json;
      const op = doc.paths['/api/test-platform/committees/{code}/open'].post;
      // 413, 415, 422, 429: on every write; 431: on every route; 414: with path parameters (docs.ts withPlatform)
      expect(Object.keys(op.responses).sort()).toEqual(['400', '401', '403', '404', '412', '413', '414', '415', '422', '429', '431']);
      expect(op.responses['412'].content['application/problem+json'].schema.$ref).toBe('#/components/schemas/ProblemDoc');
      expect(doc.components.schemas.ProblemDoc.properties).toHaveProperty('allowedCommands');
    });

    test('WorkflowError of @saksflyt/workflow → its own problem (status, allowedCommands, extensions)', async () => {
      const conflict = await s.req('POST', '/api/test-platform/workflow/invalid');
      expectProblem(conflict, 409);
      expect(conflict.json).toMatchObject({
        type: 'https://saksflyt.no/problems/invalid-command',
        detail: 'The agenda of meeting 8/2018 is frozen.',
        allowedCommands: ['withdraw'],
        blocking: { meetingId: 'm-1' },
      });
      const stale = await s.req('POST', '/api/test-platform/workflow/stale');
      expectProblem(stale, 412);
      expect(stale.json).toMatchObject({ expected: 1, actual: 3 });
    });

    test('bigints in a handler result go out as JSON numbers', async () => {
      const r = await s.req('GET', '/api/test-platform/bigints');
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ revision: 5, position: 123456789, nested: [{ at: 0 }] });
    });

    test('a domain error with status and allowedCommands is rendered with them', async () => {
      const r = await s.req('POST', '/api/test-platform/domain');
      expectProblem(r, 409);
      expect(r.json.allowedCommands).toEqual(['schedule', 'withdraw']);
      expect(r.json.detail).toBe('Case 47/18 is in state draft.');
    });
  });

  describe('auth', () => {
    test('public route: no token is fine; an unknown token is 401', async () => {
      const r = await s.req('GET', '/api/test-platform/public');
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ user: null });
      expectProblem(await s.req('GET', '/api/test-platform/public', { token: 'nope' }), 401);
    });

    test('default policy needs a known token: none or unknown → 401 with WWW-Authenticate', async () => {
      const none = await s.req('GET', '/api/test-platform/private');
      expectProblem(none, 401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expectProblem(await s.req('GET', '/api/test-platform/private', { token: 'tok-unknown' }), 401);
      expectProblem(await s.req('GET', '/api/test-platform/private', { headers: { authorization: 'Basic abc' } }), 401);
      const ok = await s.req('GET', '/api/test-platform/private', { token: SEC });
      expect(ok.status).toBe(200);
      expect(ok.json.user).toEqual({ name: 'Anita Lindholt', roles: [{ role: 'secretariat', committee: 'NEHS' }] });
    });

    test('@Roles: a token without the role → 403', async () => {
      expectProblem(await s.req('GET', '/api/test-platform/audit', { token: SEC }), 403);
      expectProblem(await s.req('GET', '/api/test-platform/audit'), 401);
      const ok = await s.req('GET', '/api/test-platform/audit', { token: AUDITOR });
      expect(ok.json).toEqual({ name: 'Riksrevisjonen' });
    });

    test('401 and 403 come before a bad body on a DTO route', async () => {
      expectProblem(await s.req('POST', '/api/test-platform/things', { json: { nonsense: true } }), 401);
      expectProblem(await s.req('POST', '/api/test-platform/things', { token: AUDITOR, json: { nonsense: true } }), 403);
      expectProblem(
        await s.req('POST', '/api/test-platform/things', { token: AUDITOR, body: '{oops', headers: { 'content-type': 'application/json' } }),
        403,
      );
    });
  });

  describe('bodies', () => {
    test('malformed JSON → 400', async () => {
      const r = await s.req('POST', '/api/test-platform/things', {
        token: ADMIN,
        body: '{"title": "x",',
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(r, 400);
      expect(r.json.detail).toMatch(/Malformed JSON/);
    });

    test('a body that is not JSON → 415 (also without a content type)', async () => {
      expectProblem(
        await s.req('POST', '/api/test-platform/things', { token: ADMIN, body: 'title=x', headers: { 'content-type': 'text/plain' } }),
        415,
      );
      expectProblem(
        await s.req('POST', '/api/test-platform/things', {
          token: ADMIN,
          body: 'title=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
      );
      expectProblem(await s.req('POST', '/api/test-platform/things', { token: ADMIN, body: Buffer.from('{"title":"x"}') }), 415);
    });

    test('a body over 1 MiB → 413; application/*+json is JSON', async () => {
      const big = JSON.stringify({ title: 'x'.repeat(1024 * 1024 + 10), type: 'approval', count: 1 });
      expectProblem(await s.req('POST', '/api/test-platform/things', { token: ADMIN, body: big, headers: { 'content-type': 'application/json' } }), 413);
      const ok = await s.req('POST', '/api/test-platform/things', {
        token: ADMIN,
        json: { title: 'x', type: 'approval', count: 2 },
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      expect(ok.status).toBe(201);
    });

    test('a "__proto__" member is refused with 400, not merged into anything', async () => {
      const r = await s.req('POST', '/api/test-platform/things', {
        token: ADMIN,
        body: '{"title":"x","type":"approval","count":1,"__proto__":{"admin":true}}',
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(r, 400);
      expect(r.json.errors).toEqual([{ field: '__proto__', message: 'not allowed' }]);
    });
  });

  describe('validation', () => {
    test('a valid body is transformed into the DTO class', async () => {
      const r = await s.req('POST', '/api/test-platform/things', { token: SEC, json: { title: 'Sak', type: 'orientation', count: 3 } });
      expect(r.status).toBe(201);
      expect(r.json).toEqual({ created: true, title: 'Sak', count: 3, actor: 'Anita Lindholt' });
    });

    test('missing fields: each one named', async () => {
      const r = await s.req('POST', '/api/test-platform/things', { token: SEC, json: {} });
      expectProblem(r, 400);
      expect(r.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['count', 'title', 'type']);
      for (const e of r.json.errors) expect(e.message).toEqual(expect.any(String));
    });

    test('no body at all counts as {} (fields named, not a 500)', async () => {
      const r = await s.req('POST', '/api/test-platform/things', { token: SEC });
      expectProblem(r, 400);
      expect(r.json.errors).toHaveLength(3);
    });

    test('unknown fields → 400 naming them', async () => {
      const r = await s.req('POST', '/api/test-platform/things', {
        token: SEC,
        json: { title: 'Sak', type: 'approval', count: 1, colour: 'red', size: 2 },
      });
      expectProblem(r, 400);
      expect(r.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['colour', 'size']);
      expect(r.json.detail).toContain('colour');
    });

    test('wrong types and values are named; a JSON array or string body is 400', async () => {
      const r = await s.req('POST', '/api/test-platform/things', { token: SEC, json: { title: 7, type: 'bogus', count: 0 } });
      expectProblem(r, 400);
      expect(r.json.errors.map((e: { field: string }) => e.field).sort()).toEqual(['count', 'title', 'type']);
      expectProblem(await s.req('POST', '/api/test-platform/things', { token: SEC, json: [1, 2] }), 400);
      expectProblem(await s.req('POST', '/api/test-platform/things', { token: SEC, json: 'text' }), 400);
      expectProblem(await s.req('POST', '/api/test-platform/things', { token: SEC, json: null }), 400);
    });

    test('validateBody names nested paths (present.0, place.city, place.extra)', async () => {
      const r = await s.req('POST', '/api/test-platform/committees/NEHS/open', {
        token: SEC,
        json: { present: ['not-a-uuid', UUID], place: { extra: 1 }, guests: 'x' },
      });
      expectProblem(r, 400);
      const fields = r.json.errors.map((e: { field: string }) => e.field).sort();
      expect(fields).toEqual(['guests', 'place.city', 'place.extra', 'present.0']);
    });
  });

  describe('the order 401, 404, 403, 415/413, 400, 412 on a handler-decided route', () => {
    const url = (code: string) => `/api/test-platform/committees/${code}/open`;
    const badJson = { body: '{nope', headers: { 'content-type': 'application/json' } };

    test('401 before 404 and before a bad body', async () => {
      expectProblem(await s.req('POST', url('XXXX'), badJson), 401);
    });
    test('404 before 403 and before a bad body', async () => {
      expectProblem(await s.req('POST', url('XXXX'), { token: AUDITOR, ...badJson }), 404);
    });
    test('403 (committee-scoped) before 415/413/400', async () => {
      expectProblem(await s.req('POST', url('NUIT'), { token: SEC, ...badJson }), 403);
      expectProblem(await s.req('POST', url('NUIT'), { token: SEC, body: 'x', headers: { 'content-type': 'text/plain' } }), 403);
      const big = JSON.stringify({ a: 'x'.repeat(2 * 1024 * 1024) });
      expectProblem(await s.req('POST', url('NUIT'), { token: SEC, body: big, headers: { 'content-type': 'application/json' } }), 403);
    });
    test('415 and 413 before 400', async () => {
      expectProblem(await s.req('POST', url('NEHS'), { token: SEC, body: 'x', headers: { 'content-type': 'text/plain' } }), 415);
      const big = JSON.stringify({ a: 'x'.repeat(2 * 1024 * 1024) });
      expectProblem(await s.req('POST', url('NEHS'), { token: SEC, body: big, headers: { 'content-type': 'application/json' } }), 413);
      expectProblem(await s.req('POST', url('NEHS'), { token: SEC, ...badJson }), 400);
    });
    test('400 (body) before 412; malformed If-Match is 400; stale If-Match is 412; current one passes with ETag', async () => {
      expectProblem(await s.req('POST', url('NEHS'), { token: SEC, json: {}, headers: { 'if-match': '"1"' } }), 400);
      const malformed = await s.req('POST', url('NEHS'), { token: SEC, json: GOOD_OPEN, headers: { 'if-match': 'three' } });
      expectProblem(malformed, 400);
      expect(malformed.json.errors[0].field).toBe('If-Match');
      const stale = await s.req('POST', url('NEHS'), { token: SEC, json: GOOD_OPEN, headers: { 'if-match': '"1"' } });
      expectProblem(stale, 412);
      expect(stale.json.currentRevision).toBe(3);
      const ok = await s.req('POST', url('NEHS'), { token: SEC, json: GOOD_OPEN, headers: { 'if-match': '"3"' } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('etag')).toBe('"4"');
      expect(ok.json).toEqual({ committee: 'NEHS', present: 1, city: 'Oslo' });
      const admin = await s.req('POST', url('NUIT'), { token: ADMIN, json: GOOD_OPEN });
      expect(admin.status).toBe(200);
    });
  });

  describe('correlation id', () => {
    test('echoes X-Correlation-Id, on errors too, and hands it to the handler', async () => {
      const r = await s.req('GET', '/api/test-platform/private', { token: SEC, headers: { 'x-correlation-id': 'req-42.abc' } });
      expect(r.headers.get('x-correlation-id')).toBe('req-42.abc');
      expect(r.json.correlationId).toBe('req-42.abc');
      const e = await s.req('GET', '/api/no-such', { headers: { 'x-correlation-id': 'err-7' } });
      expect(e.headers.get('x-correlation-id')).toBe('err-7');
    });

    test('without one (or an unusable one), a new uuid per request', async () => {
      const a = await s.req('GET', '/api/health');
      const b = await s.req('GET', '/api/health', { headers: { 'x-correlation-id': 'has spaces and <html>' } });
      const re = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      expect(a.headers.get('x-correlation-id')).toMatch(re);
      expect(b.headers.get('x-correlation-id')).toMatch(re);
      expect(a.headers.get('x-correlation-id')).not.toBe(b.headers.get('x-correlation-id'));
    });
  });
});
