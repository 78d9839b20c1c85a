/**
 * Issue 13 (faults): KurrentDB configured but unreachable. EVENTSTORE_CONNECTION_STRING names a
 * closed local port. The api starts anyway; writes and reads that need the store answer 503 problem
 * JSON within 1 s; `GET /api/health` says `degraded` with the reason. Then something starts
 * listening on that port:
 *
 * There is no KurrentDB on this machine, so "the server returns" is played by a minimal HTTP/2
 * responder (node:http2) on the same port. It records every gRPC call it gets and answers
 * `ServerFeatures/GetSupportedMethods` with a server version (a hand-encoded protobuf), and every
 * other call (reads of $all) with an empty stream and grpc-status 0 (an empty store).
 *
 * What this proves: the api dials again BY ITSELF (the responder sees the client's calls without a
 * restart), health changes state when something answers, and while the responder answers like an
 * empty KurrentDB the store opens (health `ok`, head 0); when the responder goes away again, health
 * is `degraded` again and the api answers 503 within 1 s. What it does NOT prove: writes and reads
 * against a real KurrentDB after it returns (the responder implements no append); the KurrentDB
 * contract suite (libs/event-store/test/eventstoredb.contract.spec.ts) covers the adapter against a
 * real server when EVENTSTORE_CONNECTION_STRING is set.
 */
import { randomUUID } from 'node:crypto';
import http2 from 'node:http2';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startServer, type Server } from './harness.js';

const SEC = 'tok-secretariat-nehs';

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A gRPC message frame: no compression, 4-byte big-endian length, the bytes. */
function frame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** SupportedMethods { string event_store_server_version = 2; } */
function supportedMethods(version: string): Buffer {
  const v = Buffer.from(version);
  return Buffer.concat([Buffer.from([0x12, v.length]), v]);
}

interface Responder {
  calls: string[];
  close(): Promise<void>;
}

async function responder(port: number): Promise<Responder> {
  const calls: string[] = [];
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  server.on('stream', (stream, headers) => {
    const p = String(headers[':path']);
    calls.push(p);
    stream.on('data', () => undefined);
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    if (p.endsWith('/GetSupportedMethods')) stream.end(frame(supportedMethods('25.1.1')));
    else stream.end();
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    calls,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sessions) s.destroy();
        server.close(() => r());
      }),
  };
}

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; r: T }> {
  const t = Date.now();
  const r = await f();
  return { ms: Date.now() - t, r };
}

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let v = await f();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    v = await f();
  }
  return v;
}

const newCase = { committee: 'NEHS', title: 'Sak når KurrentDB er borte', type: 'approval', proposedResolution: 'Utvalget tar saken til orientering.' };

function expectUnavailable(r: { status: number; headers: Headers; json: any; text: string }, what: string) {
  expect({ what, status: r.status }).toEqual({ what, status: 503 });
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(r.json).toMatchObject({ status: 503, detail: expect.stringMatching(/KurrentDB/) });
  expect(r.text).not.toMatch(/127\.0\.0\.1|kurrentdb:\/\/|\n\s+at |Error:/);
}

describe('KurrentDB configured but unreachable', () => {
  let port: number;
  let s: Server;
  let fake: Responder | null = null;

  beforeAll(async () => {
    port = await closedPort();
    s = await startServer({ env: { EVENTSTORE_CONNECTION_STRING: `kurrentdb://127.0.0.1:${port}?tls=false` } });
  }, 30_000);

  afterAll(async () => {
    await s?.close();
    await fake?.close();
  });

  test('the api starts; writes and store reads answer 503 within 1 s; health is degraded with the reason', async () => {
    // one untimed request of each kind first: the first answer of a fresh process pays for
    // compiling its routes (seconds on a loaded 2-core machine), which is not the store's wait
    await s.req('GET', '/api/health');
    await s.req('POST', '/api/cases', { token: SEC, json: newCase });
    await s.req('GET', `/api/cases/${randomUUID()}`, { token: SEC });
    const write = await timed(() => s.req('POST', '/api/cases', { token: SEC, json: newCase }));
    expectUnavailable(write.r, 'create');
    expect(write.ms).toBeLessThan(1000);
    const read = await timed(() => s.req('GET', `/api/cases/${randomUUID()}`, { token: SEC }));
    expectUnavailable(read.r, 'read a case');
    expect(read.ms).toBeLessThan(1000);
    // the registers are the local projections file's: readable (empty here) while the store is away
    for (const p of ['/api/decisions', '/api/portfolio', '/api/followups']) {
      const view = await timed(() => s.req('GET', p, { token: SEC }));
      expect({ p, status: view.r.status, body: view.r.json }).toEqual({ p, status: 200, body: [] });
      expect(view.ms).toBeLessThan(1000);
    }
    // a list that checks the committee first needs the store: 503 at once
    const list = await timed(() => s.req('GET', '/api/cases?committee=NEHS', { token: SEC }));
    expectUnavailable(list.r, 'the worklist');
    expect(list.ms).toBeLessThan(1000);
    const h = await timed(() => s.req('GET', '/api/health'));
    expect(h.ms).toBeLessThan(1000);
    expect(h.r.status).toBe(200);
    expect(h.r.json).toMatchObject({ status: 'degraded', store: { kind: 'eventstoredb', available: false, headPosition: null, reason: expect.stringMatching(/KurrentDB/) } });
    expect(h.r.text).not.toMatch(/127\.0\.0\.1/);
  });

  test('a listener on the port: the api dials it by itself; answering like an empty KurrentDB, health turns ok; gone again, degraded and 503 within 1 s', async () => {
    fake = await responder(port);
    const healthy = await until(
      () => s.req('GET', '/api/health'),
      (r) => r.json?.status === 'ok',
      8000,
    );
    // the client came back by itself (no restart): it asked the responder for its features
    expect(fake.calls.some((c) => c.endsWith('/GetSupportedMethods'))).toBe(true);
    expect(healthy.json).toMatchObject({ status: 'ok', store: { kind: 'eventstoredb', available: true, headPosition: 0 } });

    await fake.close();
    fake = null;
    const degraded = await until(
      () => s.req('GET', '/api/health'),
      (r) => r.json?.status === 'degraded',
      5000,
    );
    expect(degraded.json).toMatchObject({ status: 'degraded', store: { available: false, reason: expect.stringMatching(/KurrentDB/) } });
    const read = await timed(() => s.req('GET', `/api/cases/${randomUUID()}`, { token: SEC }));
    expectUnavailable(read.r, 'read a case after the responder went away');
    expect(read.ms).toBeLessThan(1000);
  }, 30_000);
});
