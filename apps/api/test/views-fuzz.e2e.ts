/**
 * Fuzz of the view, document and live-feed endpoints (fast-check): random query strings, Accept,
 * Last-Event-ID and Authorization headers, ids. Never a 5xx; errors are problem JSON; reads write
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { connectSse } from '../src/live/sse-client.js';
import type { Server } from './harness.js';
import { AUDITOR, MEMBER, OTHER, SEC, driveNehs8, projectionsOptions, setupNehs, startViewsServer } from './views-driver.js';

describe('views fuzz', () => {
  let s: Server;
  let meetingId = '';
  beforeAll(async () => {
    s = await startViewsServer({ extraModules: [projectionsOptions({ minPositionTimeoutMs: 50 })] });
    const { members } = await setupNehs(s);
    meetingId = (await driveNehs8(s, members)).meeting8;
  });
  afterAll(async () => {
    await s?.close();
  });

  const value = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom('2018', '2019', '-1', '0', '99999999999999999999', '9223372036854775808', '1e3', 'true', 'false', '2019-01-01T00:00:00Z', 'NEHS', '%', '%ZZ', '[]'),
    fc.integer().map(String),
  );
  const param = fc.constantFrom('committee', 'year', 'q', 'asOf', 'minPosition', 'open', 'lastEventId', 'x', 'year[]', '__proto__');
  const query = fc.array(fc.tuple(param, value), { maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));
  const token = fc.constantFrom(undefined, SEC, MEMBER, OTHER, AUDITOR, 'tok-admin', 'nope');
  const accept = fc.oneof(fc.constant(undefined), fc.string({ maxLength: 40 }), fc.constantFrom('*/*', 'text/markdown', 'application/pdf;q=0', 'text/html;q=abc', 'image/*'));
  const id = fc.oneof(fc.constant('MEETING'), fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent), fc.uuid());

  it('GET endpoints: no 5xx, problem JSON on errors, nothing written', async () => {
    const head = async () => (await s.req('GET', '/api/health')).json.store.headPosition as number;
    const before = await head();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/decisions', '/api/portfolio', '/api/followups', '/api/committees/{code}/annual-cycle', '/api/meetings/{id}/minutes', '/api/meetings/{id}/notice'),
        query,
        token,
        accept,
        id,
        fc.constantFrom('NEHS', 'NUIT', 'x%20y'),
        async (path, q, tok, acc, mid, code) => {
          const url = path.replace('{id}', mid === 'MEETING' ? meetingId : mid).replace('{code}', code) + (q ? `?${q}` : '');
          const headers: Record<string, string> = {};
          if (acc !== undefined) headers.accept = acc;
          let r;
          try {
            r = await s.req('GET', url, { ...(tok ? { token: tok } : {}), headers });
          } catch (e) {
            // fetch refuses some header values client-side (not sent): nothing to check
            if (e instanceof TypeError) return;
            throw e;
          }
          expect([url, r.status < 500 || (r.status === 503 && url.includes('minPosition'))]).toEqual([url, true]);
          if (r.status >= 400) expect([url, r.headers.get('content-type')]).toEqual([url, expect.stringMatching(/^application\/problem\+json/)]);
        },
      ),
      { numRuns: 400 },
    );
    expect(await head()).toBe(before);
  });

  it('live feeds: bad Last-Event-ID is 400, anything else streams or is refused, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/api/live/decisions', '/api/live/portfolio', '/api/live/meetings/{id}'),
        fc.oneof(fc.constant(undefined), value),
        token,
        id,
        async (path, last, tok, mid) => {
          const headers: Record<string, string> = {};
          if (last !== undefined && /^[\x20-\x7e]*$/.test(last)) headers['last-event-id'] = last;
          if (tok) headers.authorization = `Bearer ${tok}`;
          const c = connectSse(s.url + path.replace('{id}', mid === 'MEETING' ? meetingId : mid), headers);
          const status = await c.status;
          c.close();
          expect([path, status > 0 && status < 500]).toEqual([path, true]);
          const v = headers['last-event-id']?.trim();
          if (v && !/^(0|[1-9][0-9]{0,18})$/.test(v)) expect(status === 400 || status === 404 || status === 401 || status === 403).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
