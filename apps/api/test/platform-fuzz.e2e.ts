/**
 * Random and malformed requests against the platform (through the `platform.js` barrel):
 * never a 5xx, every error is problem JSON, and nothing is written by a refused request.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import fc from 'fast-check';
import type { EventStore } from '@saksflyt/event-store';
import {
  DeferBody,
  EVENT_STORE,
  Problems,
  Public,
  RequestCtx,
  Roles,
  requireRole,
  validateBody,
} from '../src/platform.js';
import { startServer, type Server } from './harness.js';

class FuzzDto {
  @IsString() @Length(1, 50) title: string;
  @IsIn(['approval', 'orientation']) type: string;
  @IsOptional() @IsArray() @IsUUID('4', { each: true }) present?: string[];
}

@Controller('fuzz')
class FuzzController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  private async write(ctx: RequestCtx, data: object) {
    const r = await this.store.append(
      'fuzz-log',
      [{ type: 'Fuzzed', data: { v: 1, ...data }, metadata: { actor: ctx.user!.name, correlationId: ctx.correlationId, at: new Date().toISOString() } }],
      { expectedRevision: 'any' },
    );
    return { revision: r.nextRevision, position: r.position };
  }

  @Roles('secretariat', 'admin')
  @Post('dto')
  async dto(@Body() body: FuzzDto, @RequestCtx() ctx: RequestCtx) {
    return this.write(ctx, { title: body.title });
  }

  @Post('c/:code')
  @DeferBody()
  async scoped(@Param('code') code: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx) {
    if (code !== 'NEHS' && code !== 'NUIT') throw Problems.notFound(`No committee ${code}.`);
    requireRole(ctx.user, ['secretariat', code], 'admin');
    const dto = await validateBody(FuzzDto, body);
    const expected = ctx.ifMatch.revision();
    if (expected !== undefined && expected !== 0n) throw Problems.preconditionFailed('stale', 0n);
    return this.write(ctx, { title: dto.title });
  }

  @Public()
  @Get('read/:id')
  read(@Param('id') id: string) {
    if (id !== 'known') throw Problems.notFound(`No ${id}.`);
    return { id };
  }
}

const TOKENS = ['tok-admin', 'tok-secretariat-nehs', 'tok-auditor'];

describe('platform fuzz', () => {
  let s: Server;
  beforeAll(async () => {
    s = await startServer({ extraControllers: [FuzzController] });
  });
  afterAll(async () => {
    await s.close();
  });

  test('random methods, paths, headers and bodies: no 5xx, problem JSON on errors, no write unless 2xx', async () => {
    const store = s.app.get<EventStore>(EVENT_STORE);
    const printable = fc.string({ unit: fc.constantFrom(...' !"#%&()*+,-./0123456789:;<=>?@ABCdefxyz[]^_{|}~\\'.split('')), maxLength: 40 });
    const validBody = fc.record(
      {
        title: fc.oneof(fc.string({ minLength: 1, maxLength: 60 }), fc.integer(), fc.constant(null)),
        type: fc.oneof(fc.constantFrom('approval', 'orientation', 'x'), fc.integer()),
        present: fc.oneof(fc.array(fc.uuid({ version: 4 }), { maxLength: 3 }), fc.array(fc.anything(), { maxLength: 3 }), fc.string()),
        extra: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      validBody.map((b) => JSON.stringify(b)),
      fc.json(),
      printable,
      fc.constant(''),
      fc.constant(undefined),
      fc.constant('{"title":"a","type":"approval","__proto__":{"x":1}}'),
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
      path: fc.oneof(
        fc.constantFrom('/api/fuzz/dto', '/api/fuzz/c/NEHS', '/api/fuzz/c/NUIT', '/api/fuzz/read/known', '/api/health'),
        printable.map((p) => `/api/fuzz/c/${encodeURIComponent(p)}`),
        printable.map((p) => `/api/fuzz/read/${encodeURIComponent(p)}`),
        printable.map((p) => `/api/${p.replace(/[#?\s]/g, '')}`),
      ),
      token: fc.option(fc.oneof(fc.constantFrom(...TOKENS), printable), { nil: undefined }),
      contentType: fc.option(
        fc.oneof(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', 'application/problem+json', 'multipart/form-data'), printable),
        { nil: undefined },
      ),
      ifMatch: fc.option(fc.oneof(fc.constantFrom('"0"', '"1"', '*', 'W/"0"'), printable), { nil: undefined }),
      idempotencyKey: fc.option(printable, { nil: undefined }),
      correlationId: fc.option(printable, { nil: undefined }),
      body,
    });

    // mostly right requests, with one thing at a time possibly wrong, so that writes happen too
    const nearlyValid = fc.record({
      method: fc.constant('POST'),
      path: fc.constantFrom('/api/fuzz/dto', '/api/fuzz/c/NEHS', '/api/fuzz/c/NUIT'),
      token: fc.constantFrom('tok-admin', 'tok-secretariat-nehs', 'tok-secretariat-nehs', 'tok-auditor'),
      contentType: fc.constant('application/json'),
      ifMatch: fc.option(fc.constantFrom('"0"', '"1"', 'zz'), { nil: undefined, freq: 3 }),
      idempotencyKey: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }),
      correlationId: fc.constant(undefined),
      body: fc.oneof(
        { arbitrary: fc.record({ title: fc.string({ minLength: 1, maxLength: 50 }), type: fc.constantFrom('approval', 'orientation') }).map((b) => JSON.stringify(b)), weight: 4 },
        { arbitrary: validBody.map((b) => JSON.stringify(b)), weight: 1 },
      ),
    });

    let ok = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(request, nearlyValid), async (r) => {
        const headers: Record<string, string> = {};
        if (r.token !== undefined) headers.authorization = `Bearer ${r.token}`;
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        if (r.ifMatch !== undefined) headers['if-match'] = r.ifMatch;
        if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey;
        if (r.correlationId !== undefined) headers['x-correlation-id'] = r.correlationId;
        const before = await store.headPosition();
        const withBody = r.method !== 'GET' && r.body !== undefined;
        const res = await s.req(r.method, r.path, { headers, body: withBody ? r.body : undefined });
        const after = await store.headPosition();
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect(res.json.status).toBe(res.status);
          expect(after).toBe(before);
        } else if (r.method === 'POST' && r.path.startsWith('/api/fuzz/')) {
          expect(after).toBeGreaterThanOrEqual(before); // a replayed key writes nothing
          ok++;
        }
      }),
      { numRuns: 600 },
    );
    // the generator must reach the success path too, or the property says little
    expect(ok).toBeGreaterThan(10);
  });
});
