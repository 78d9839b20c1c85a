/**
 * HTTP hygiene over a real server: security headers on every kind of answer, CORS off unless
 * configured, the per-token write limit (429 problem JSON with Retry-After), 413 for a 5 MB body,
 * no stack trace / SQL / file path in any answer, garbage never 5xx, and the JSON log lines
 * (correlation id, actor, route; denied attempts; no token anywhere).
 */
import { PassThrough } from 'node:stream';
import { Controller, Get } from '@nestjs/common';
import { Public } from '../src/platform.js';
import { startServer, type Server } from './harness.js';

@Controller('test-faults')
class FaultsController {
  @Get('error')
  @Public()
  error(): never {
    const e = new Error('SQLITE_ERROR: near "DROP": syntax error in SELECT * FROM events WHERE stream = ? (/var/lib/saksflyt/data/events.db)');
    throw e;
  }

  @Get('status-error')
  @Public()
  statusError(): never {
    throw Object.assign(new Error('SQLITE_FULL: database or disk is full: /srv/data/saksflyt.sqlite'), { status: 503 });
  }

  @Get('type-error')
  @Public()
  typeError(): unknown {
    const x = undefined as unknown as { y: () => unknown };
    return x.y();
  }
}

const HEADERS = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'strict-transport-security', 'cross-origin-resource-policy'];

function expectSecurityHeaders(res: { headers: Headers }, what: string): void {
  for (const h of HEADERS) {
    if (!res.headers.get(h)) throw new Error(`${what}: no ${h} header`);
  }
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
  expect(res.headers.get('x-powered-by')).toBeNull();
}

function expectNoLeak(text: string): void {
  expect(text).not.toMatch(/SELECT|SQLITE|DROP|\/var\/lib|\/srv\/|\/work\/|\.ts:\d|\.js:\d|\n\s+at |undefined \(reading/);
}

describe('hygiene', () => {
  let server: Server;
  const logStream = new PassThrough();
  let logText = '';
  logStream.on('data', (d: Buffer) => (logText += String(d)));
  const logLines = (): Record<string, any>[] =>
    logText
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));

  beforeAll(async () => {
    server = await startServer({ logger: true, logStream, extraControllers: [FaultsController], env: { RATE_LIMIT_WRITES: '8', RATE_LIMIT_WINDOW_SECONDS: '60' } });
  });
  afterAll(async () => server?.close());

  it('every kind of answer carries the security headers', async () => {
    const ok = await server.req('GET', '/api/committees');
    expect(ok.status).toBe(200);
    expectSecurityHeaders(ok, 'API JSON');
    const problem = await server.req('GET', '/api/meetings/nope');
    expect(problem.status).toBe(404);
    expectSecurityHeaders(problem, 'a problem');
    expectSecurityHeaders(await server.req('GET', '/api/no/such/route'), 'an unknown route');
    expectSecurityHeaders(await server.req('POST', '/api/committees', { json: {} }), 'a 401');
    expectSecurityHeaders(await server.req('GET', '/api/docs-json'), 'the OpenAPI document');
    const docsUi = await server.req('GET', '/api/docs');
    expectSecurityHeaders(docsUi, 'the docs page');
    expect(docsUi.text).not.toMatch(/<script>(?!<\/script>)/); // no inline script
    const page = await server.req('GET', '/');
    expect(page.status).toBe(200);
    expectSecurityHeaders(page, 'the dashboard');
    expect(page.headers.get('content-security-policy')).toMatch(/style-src 'self' 'sha256-/);
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
    expectSecurityHeaders(await server.req('GET', '/app/app.js'), 'a static file');
    const badUrl = await fetch(`${server.url}/api/cases/%E0%A4%A`);
    expect(badUrl.status).toBe(400);
    expectSecurityHeaders(badUrl, 'a URL Fastify refuses before routing');

    // A document: a meeting's notice as HTML.
    await server.req('POST', '/api/committees', { token: 'tok-admin', json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } });
    const meeting = await server.req('POST', '/api/committees/NEHS/meetings', {
      token: 'tok-secretariat-nehs',
      json: { date: '2030-05-02', place: 'Oslo' },
    });
    expect(meeting.status).toBe(201);
    const notice = await server.req('GET', `/api/meetings/${meeting.json.id}/notice`, { token: 'tok-secretariat-nehs', headers: { accept: 'text/html' } });
    expect(notice.status).toBe(200);
    expectSecurityHeaders(notice, 'a document');

    // A live feed: the headers of the event stream.
    const ac = new AbortController();
    const sse = await fetch(`${server.url}/api/live/decisions`, { signal: ac.signal });
    expect(sse.headers.get('content-type')).toMatch(/text\/event-stream/);
    expectSecurityHeaders(sse, 'a live feed');
    ac.abort();
  });

  it('CORS is off without CORS_ORIGINS: no Access-Control headers, a preflight is not granted', async () => {
    const res = await server.req('GET', '/api/committees', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await server.req('OPTIONS', '/api/committees', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.status).toBeLessThan(500);
  });

  it('a 5 MB JSON body answers 413 problem JSON and writes nothing', async () => {
    const huge = JSON.stringify({ code: 'BIG', name: 'x'.repeat(5 * 1024 * 1024) });
    const res = await server.req('POST', '/api/committees', { token: 'tok-admin', body: huge, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.json).toMatchObject({ status: 413 });
    expect((await server.req('GET', '/api/committees/BIG')).status).toBe(404);
  });

  it('internal errors answer 500/503 problem JSON without stack, SQL or file path', async () => {
    for (const [path, status] of [
      ['/api/test-faults/error', 500],
      ['/api/test-faults/status-error', 503],
      ['/api/test-faults/type-error', 500],
    ] as const) {
      const res = await server.req('GET', path);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.json).toMatchObject({ status, detail: 'An unexpected error occurred on the server.' });
      expectNoLeak(res.text);
      expectSecurityHeaders(res, path);
    }
  });

  it('garbage paths, parameters and headers never answer 5xx', async () => {
    const garbage = [
      '/api/cases/%00',
      '/api/cases/..%2F..%2Fetc%2Fpasswd',
      `/api/meetings/${'x'.repeat(4000)}`,
      '/api/decisions?year=abc&year=2018&committee[]=x',
      '/api/decisions?minPosition=-1',
      '/api/decisions?minPosition=99999999999999999999999',
      '/api/decisions?asOf=not-a-time',
      '/api/portfolio?year=%F0%9F%92%A9',
      '/api/followups?open=maybe',
      '/api/committees/%E2%80%AE/annual-cycle?year=1e309',
      '/api/live/meetings/%2e%2e',
      '/api/audit/events?fromPosition=-5&limit=NaN',
      '/api/cases/__proto__/history',
      '/api/committees/constructor',
      '/api//committees',
      '/app/../package.json',
      '/%2e%2e/%2e%2e/etc/passwd',
    ];
    for (const path of garbage) {
      for (const token of [undefined, 'tok-auditor']) {
        const res = await server.req('GET', path, { token });
        if (res.status >= 500) throw new Error(`${path.slice(0, 80)} answered ${res.status}: ${res.text.slice(0, 300)}`);
        expectNoLeak(res.text);
        expectSecurityHeaders(res, `${path.slice(0, 80)} (${res.status})`);
      }
    }
    const headers: Record<string, string>[] = [{ 'if-match': '"-1"' }, { 'idempotency-key': 'k'.repeat(5000) }, { 'last-event-id': 'abc' }, { authorization: 'Bearer ' }, { authorization: 'Basic Zm9vOmJhcg==' }];
    for (const h of headers) {
      const res = await server.req('POST', '/api/cases', { token: h.authorization !== undefined ? undefined : 'tok-secretariat-nehs', headers: h, json: { committee: 'NEHS' } });
      expect(res.status).toBeLessThan(500);
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
  });

  it('writes are limited per token: over the limit 429 problem JSON with Retry-After; other tokens and reads go on', async () => {
    // Each server starts its count from zero; earlier tests of this file wrote with tok-admin and tok-secretariat-nehs.
    const write = (token: string) => server.req('POST', '/api/portfolio/projects', { token, json: { id: `p-${Math.random().toString(36).slice(2)}`, name: 'P', owner: 'O' } });
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await write('tok-auditor')).status);
    expect(statuses.slice(0, 8).every((s) => s !== 429)).toBe(true);
    const limited = await write('tok-auditor');
    expect(statuses[8]).toBe(429);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(limited.json).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expectSecurityHeaders(limited, 'a 429');
    // reads are not counted; another token has its own bucket
    for (let i = 0; i < 8; i++) expect((await server.req('GET', '/api/committees', { token: 'tok-auditor' })).status).toBe(200);
    const other = await server.req('POST', '/api/committees', { token: 'tok-admin', json: { code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' } });
    expect(other.status).toBe(201);
  });

  it('logs JSON lines with the correlation id, actor and route; denied attempts with who and what; never a token', async () => {
    const ok = await server.req('GET', '/api/committees/NEHS?access_token=s3cr3t-query-token', { token: 'tok-admin', headers: { 'x-correlation-id': 'corr-ok-1' } });
    expect(ok.status).toBe(200);
    const denied = await server.req('POST', '/api/committees', { token: 'tok-secretariat-nehs', json: { code: 'NOPE', name: 'x' }, headers: { 'x-correlation-id': 'corr-denied-1' } });
    expect(denied.status).toBe(403);
    const unknown = await server.req('GET', '/api/audit/verify', { token: 'tok-not-a-real-one', headers: { 'x-correlation-id': 'corr-401-1' } });
    expect(unknown.status).toBe(401);
    const weird = await server.req('GET', '/api/committees', { headers: { 'x-correlation-id': 'bad id with spaces' } });
    await new Promise((r) => setTimeout(r, 100));
    const lines = logLines();
    expect(lines.length).toBeGreaterThan(10);
    const line = lines.find((l) => l.correlationId === 'corr-ok-1' && l.msg === 'answered')!;
    expect(line).toMatchObject({ level: 30, method: 'GET', route: '/api/committees/:code', status: 200, actor: 'Admin' });
    expect(line.url).toBe('/api/committees/NEHS?access_token=[redacted]');
    expect(lines.find((l) => l.correlationId === 'corr-denied-1' && l.msg === 'denied')).toMatchObject({
      level: 40,
      denied: 403,
      actor: 'Anita Lindholt',
      method: 'POST',
      route: '/api/committees',
      detail: expect.any(String),
    });
    expect(lines.find((l) => l.correlationId === 'corr-401-1' && l.msg === 'denied')).toMatchObject({ denied: 401, actor: null, bearer: 'sent', route: '/api/audit/verify' });
    const weirdId = weird.headers.get('x-correlation-id')!;
    expect(weirdId).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.some((l) => l.correlationId === weirdId && l.msg === 'answered')).toBe(true);
    // The unexpected errors above were logged with their stack (in the log, never in the answer).
    expect(lines.some((l) => l.level === 50 && /SQLITE_ERROR/.test(l.msg) && typeof l.stack === 'string')).toBe(true);
    for (const secret of ['tok-admin', 'tok-secretariat-nehs', 'tok-auditor', 'tok-not-a-real-one', 's3cr3t-query-token']) expect(logText).not.toContain(secret);
  });
});

describe('CORS when configured', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer({ env: { CORS_ORIGINS: 'https://dashboard.example, https://other.example/' } });
  });
  afterAll(async () => server?.close());

  it('an allowed origin gets Access-Control-Allow-Origin and its preflight; another origin nothing', async () => {
    const res = await server.req('GET', '/api/committees', { headers: { origin: 'https://other.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://other.example');
    expect(res.headers.get('vary')).toMatch(/Origin/);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/etag/);
    const pre = await server.req('OPTIONS', '/api/cases/x/endorse', {
      headers: { origin: 'https://dashboard.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, if-match' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://dashboard.example');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/if-match/);
    expect(pre.headers.get('x-content-type-options')).toBe('nosniff');
    const evil = await server.req('GET', '/api/committees', { headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('hygiene settings', () => {
  it('defaults and refusals of the write limit and log level', async () => {
    const { loadRateLimitConfig } = await import('../src/security/rate-limit.js');
    const { loggerOptions, redactUrl } = await import('../src/security/logging.js');
    expect(loadRateLimitConfig({})).toEqual({ max: 1200, windowMs: 60_000 });
    expect(loadRateLimitConfig({ RATE_LIMIT_WRITES: '0' }).max).toBe(0);
    expect(() => loadRateLimitConfig({ RATE_LIMIT_WRITES: 'lots' })).toThrow(/RATE_LIMIT_WRITES/);
    expect(() => loggerOptions(true, { LOG_LEVEL: 'chatty' })).toThrow(/LOG_LEVEL/);
    expect(loggerOptions(false, { LOG_LEVEL: 'chatty' })).toBe(false);
    expect(redactUrl('/api/live/decisions?token=abc&x=1&access%5Ftoken=def&code')).toBe('/api/live/decisions?token=[redacted]&x=1&access%5Ftoken=[redacted]&code');
  });
});
