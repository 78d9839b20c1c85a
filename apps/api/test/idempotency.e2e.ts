/** Idempotency-Key on writes, proved with a test-only controller that really appends to the store. */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import { IsString, Length } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { EventStore } from '@saksflyt/event-store';
import { CurrentUser } from '../src/auth/auth.js';
import type { User } from '../src/auth/tokens.js';
import { CorrelationId, setETag } from '../src/http/request-context.js';
import { Problems } from '../src/problem/problem.js';
import { EVENT_STORE } from '../src/store/store.module.js';
import { startServer, tempDir, type Server } from './harness.js';

class NoteDto {
  @IsString() @Length(1, 100) text: string;
}

@Controller('test-idem')
class IdemTestController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Post('notes')
  async create(
    @Body() dto: NoteDto,
    @CurrentUser() user: User,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (dto.text === 'fail') throw Problems.conflict('refused', ['other']);
    await new Promise((r) => setTimeout(r, 30)); // widen the window for concurrent duplicates
    const id = randomUUID();
    const r = await this.store.append(
      `note-${id}`,
      [{ type: 'NoteWritten', data: { v: 1, text: dto.text }, metadata: { actor: user.name, correlationId, at: new Date().toISOString() } }],
      { expectedRevision: 'no_stream' },
    );
    setETag(reply, r.nextRevision);
    return { id, text: dto.text, revision: Number(r.nextRevision), position: Number(r.position) };
  }

  @Post('notes/:id/touch')
  async touch(@Param('id') id: string, @CurrentUser() user: User, @CorrelationId() correlationId: string) {
    const r = await this.store.append(
      `note-${id}`,
      [{ type: 'NoteTouched', data: { v: 1 }, metadata: { actor: user.name, correlationId, at: new Date().toISOString() } }],
      { expectedRevision: 'any' },
    );
    return { id, position: Number(r.position) };
  }
}

const SEC = 'tok-secretariat-nehs';
const ADMIN = 'tok-admin';

describe('Idempotency-Key', () => {
  const dir = tempDir();
  let s: Server;
  const head = async () => Number(await s.app.get<EventStore>(EVENT_STORE).headPosition());
  const events = async () => {
    let n = 0;
    for await (const _ of s.app.get<EventStore>(EVENT_STORE).readAll()) n++;
    return n;
  };

  beforeAll(async () => {
    s = await startServer({ dataDir: dir, extraControllers: [IdemTestController] });
  });
  afterAll(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('without a key every write executes', async () => {
    const n0 = await events();
    const a = await s.req('POST', '/api/test-idem/notes', { token: SEC, json: { text: 'a' } });
    const b = await s.req('POST', '/api/test-idem/notes', { token: SEC, json: { text: 'a' } });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json.id).not.toBe(b.json.id);
    expect(await events()).toBe(n0 + 2);
  });

  test('same key, same body: the first answer again (status, body, ETag), nothing written', async () => {
    const n0 = await events();
    const first = await s.req('POST', '/api/test-idem/notes', { token: SEC, json: { text: 'hei' }, headers: { 'idempotency-key': 'k-1' } });
    expect(first.status).toBe(201);
    expect(first.headers.get('etag')).toBe('"0"');
    expect(await events()).toBe(n0 + 1);
    // same body with other member order is the same body
    const again = await s.req('POST', '/api/test-idem/notes', {
      token: SEC,
      body: '{ "text" : "hei" }',
      headers: { 'idempotency-key': 'k-1', 'content-type': 'application/json' },
    });
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('etag')).toBe('"0"');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await events()).toBe(n0 + 1);
  });

  test('same key, another body → 422 problem, nothing written', async () => {
    await s.req('POST', '/api/test-idem/notes', { token: SEC, json: { text: 'one' }, headers: { 'idempotency-key': 'k-2' } });
    const n0 = await events();
    const r = await s.req('POST', '/api/test-idem/notes', { token: SEC, json: { text: 'two' }, headers: { 'idempotency-key': 'k-2' } });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await events()).toBe(n0);
    // another path with the same key is another request too
    const other = await s.req('POST', '/api/test-idem/notes/x/touch', { token: SEC, json: { text: 'one' }, headers: { 'idempotency-key': 'k-2' } });
    expect(other.status).toBe(422);
    expect(await events()).toBe(n0);
  });

  test('keys are per user: another token with the same key executes', async () => {
    const a = await s.req('POST', '/api/test-idem/notes', { token: SEC, json: { text: 'u' }, headers: { 'idempotency-key': 'k-3' } });
    const n0 = await events();
    const b = await s.req('POST', '/api/test-idem/notes', { token: ADMIN, json: { text: 'u' }, headers: { 'idempotency-key': 'k-3' } });
    expect(b.status).toBe(201);
    expect(b.json.id).not.toBe(a.json.id);
    expect(await events()).toBe(n0 + 1);
  });

  test('a failed write is not remembered (it wrote nothing); a bad key is 400', async () => {
    const n0 = await events();
    const f1 = await s.req('POST', '/api/test-idem/notes', { token: SEC, json: { text: 'fail' }, headers: { 'idempotency-key': 'k-4' } });
    expect(f1.status).toBe(409);
    const bad = await s.req('POST', '/api/test-idem/notes', { token: SEC, json: {}, headers: { 'idempotency-key': 'k-4' } });
    expect(bad.status).toBe(400);
    expect(await events()).toBe(n0);
    const longKey = await s.req('POST', '/api/test-idem/notes', { token: SEC, json: { text: 'x' }, headers: { 'idempotency-key': 'x'.repeat(300) } });
    expect(longKey.status).toBe(400);
    expect(await events()).toBe(n0);
  });

  test('20 concurrent requests with one key: one execution, all get the same answer', async () => {
    const n0 = await events();
    const rs = await Promise.all(
      Array.from({ length: 20 }, () =>
        s.req('POST', '/api/test-idem/notes', { token: SEC, json: { text: 'race' }, headers: { 'idempotency-key': 'k-race' } }),
      ),
    );
    expect(rs.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(rs.map((r) => r.json.id)).size).toBe(1);
    expect(await events()).toBe(n0 + 1);
  });

  test('keys survive a restart on the same data dir', async () => {
    const first = await s.req('POST', '/api/test-idem/notes', { token: SEC, json: { text: 'durable' }, headers: { 'idempotency-key': 'k-restart' } });
    expect(first.status).toBe(201);
    await s.app.close();
    s = await startServer({ dataDir: dir, extraControllers: [IdemTestController] });
    const h0 = await head();
    const n0 = await events();
    const again = await s.req('POST', '/api/test-idem/notes', { token: SEC, json: { text: 'durable' }, headers: { 'idempotency-key': 'k-restart' } });
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(await events()).toBe(n0);
    expect(await head()).toBe(h0);
    const other = await s.req('POST', '/api/test-idem/notes', { token: SEC, json: { text: 'changed' }, headers: { 'idempotency-key': 'k-restart' } });
    expect(other.status).toBe(422);
  });
});
