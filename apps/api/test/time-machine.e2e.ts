/**
 * The auditor's time machine (issue 14, first "Done when"): while a committee year is driven over
 * HTTP (NEHS 8/2018 from the real records, then 1/2019 approving its minutes: views-driver.ts), after
 * EVERY command we record what each read answered (JSON bodies and document bytes) with the position
 * and the time. Then, on a restarted server (nothing cached in memory, the time machine's index and
 * snapshots read back from its tables), every read is asked again with `?atPosition=` and `?asOf=` of
 * each moment and must answer byte for byte the same, naming the same position.
 * Then the refusals: both parameters, a malformed time, a position the server never gave, a read
 * that cannot answer for a moment (400, never ignored), and the rights of history (401/403).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import type { Server } from './harness.js';
import { AUDITOR, MEMBER, OTHER, approveMinutesOf8, driveNehs8, projectionsOptions, setupNehs, startViewsServer } from './views-driver.js';

interface Answer {
  status: number;
  type: string | null;
  position: string | null;
  etag: string | null;
  body: Buffer;
}

async function read(s: Server, path: string, accept?: string, token = AUDITOR): Promise<Answer> {
  const res = await fetch(s.url + path, { headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) } });
  return { status: res.status, type: res.headers.get('content-type')?.split(';')[0] ?? null, position: res.headers.get('x-saksflyt-position'), etag: res.headers.get('etag'), body: Buffer.from(await res.arrayBuffer()) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const withParam = (path: string, param: string) => `${path}${path.includes('?') ? '&' : '?'}${param}`;

interface Moment {
  position: string;
  time: string;
  reads: Array<{ path: string; accept?: string; answer: Answer }>;
}

describe('every read at every moment of a committee year (atPosition and asOf)', () => {
  let s: Server;
  let dataDir: string;
  const moments: Moment[] = [];
  const meetings: string[] = [];
  const cases: string[] = [];
  let matterId: string | null = null;
  let n = 0;

  /** The reads recorded after each command (PDFs at every 8th moment: rendering them is the slow part). */
  const reads = (withPdf: boolean): Array<{ path: string; accept?: string }> => {
    const out: Array<{ path: string; accept?: string }> = [
      { path: '/api/cases?committee=NEHS' },
      { path: '/api/decisions' },
      { path: '/api/portfolio' },
      { path: '/api/committees/NEHS/annual-cycle' },
      { path: '/api/followups' },
    ];
    if (matterId) out.push({ path: `/api/matters/${matterId}` });
    for (const id of cases.slice(0, 2)) out.push({ path: `/api/cases/${id}` });
    for (const id of meetings) {
      out.push({ path: `/api/meetings/${id}` });
      for (const doc of ['minutes', 'notice']) {
        out.push({ path: `/api/meetings/${id}/${doc}` }, { path: `/api/meetings/${id}/${doc}`, accept: 'text/markdown' }, { path: `/api/meetings/${id}/${doc}`, accept: 'text/html' });
        if (withPdf) out.push({ path: `/api/meetings/${id}/${doc}`, accept: 'application/pdf' });
      }
    }
    return out;
  };

  beforeAll(async () => {
    s = await startViewsServer({ keepDir: true, extraModules: [projectionsOptions({ snapshotEvery: 9 })] });
    dataDir = s.dataDir;
    // after every successful command: what each read answers now, at which position and time
    const plain = s.req.bind(s);
    s.req = async (method, path, opts) => {
      const r = await plain(method, path, opts);
      if (method === 'GET' || r.status >= 300) return r;
      if (path === '/api/cases') cases.push(r.json.id);
      if (/^\/api\/committees\/[A-Z]+\/meetings$/.test(path)) meetings.push(r.json.id);
      if (!matterId && cases.length) matterId = (await plain('GET', `/api/cases/${cases[0]}`, { token: AUDITOR })).json.matterId ?? null;
      const position = String(r.json.position);
      const answers: Moment['reads'] = [];
      for (const q of reads(n++ % 8 === 0)) {
        const answer = await read(s, withParam(q.path, `minPosition=${position}`), q.accept);
        if (answer.status === 404) continue; // a meeting's notice or minutes not yet answered is not a moment's answer
        expect({ path: q.path, status: answer.status, position: answer.position }).toEqual({ path: q.path, status: 200, position });
        answers.push({ ...q, answer });
      }
      const time = new Date().toISOString();
      moments.push({ position, time, reads: answers });
      await sleep(3); // the next command's events are recorded after `time`
      return r;
    };
    const { members } = await setupNehs(s);
    await driveNehs8(s, members);
    await approveMinutesOf8(s, members);
    s.req = plain;
    await s.close();
    // a fresh process state: every answer below is computed again from the store and the time machine's tables
    s = await startViewsServer({ dataDir, keepDir: true, extraModules: [projectionsOptions({ snapshotEvery: 9 })] });
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('recorded a year of commands, with documents', () => {
    expect(moments.length).toBeGreaterThan(50);
    const docs = moments.flatMap((m) => m.reads).filter((r) => r.accept !== undefined);
    expect(docs.filter((r) => r.accept === 'application/pdf' && r.answer.body.subarray(0, 5).toString() === '%PDF-').length).toBeGreaterThan(10);
    expect(docs.filter((r) => r.path.endsWith('/minutes') && r.answer.body.toString().includes('Vedtak')).length).toBeGreaterThan(10);
    expect(new Set(moments.map((m) => m.position)).size).toBe(moments.length);
  });

  it('answers every read at every moment byte for byte by atPosition and by asOf', async () => {
    let compared = 0;
    for (const m of moments) {
      for (const q of m.reads) {
        for (const param of [`atPosition=${m.position}`, `asOf=${encodeURIComponent(m.time)}`]) {
          const then = await read(s, withParam(q.path, param), q.accept);
          const label = `${q.path} ${q.accept ?? 'json'} ${param}`;
          expect({ label, status: then.status, position: then.position }).toEqual({ label, status: 200, position: m.position });
          if (!then.body.equals(q.answer.body)) expect({ label, body: then.body.toString('utf8').slice(0, 4000) }).toEqual({ label, body: q.answer.body.toString('utf8').slice(0, 4000) });
          expect(then.body.equals(q.answer.body)).toBe(true);
          if (/^\/api\/(meetings|cases)\/[^/?]+$/.test(q.path)) expect({ label, etag: then.etag }).toEqual({ label, etag: q.answer.etag });
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(1500);
  }, 120_000);

  it('answers a moment before a meeting existed with 404, and before everything with empty views', async () => {
    const first = moments[0]!;
    const m8 = meetings[0]!;
    expect((await read(s, `/api/meetings/${m8}?atPosition=${first.position}`)).status).toBe(404);
    expect((await read(s, `/api/meetings/${m8}/minutes?atPosition=${first.position}`)).status).toBe(404);
    const before = await read(s, '/api/decisions?asOf=2000-01-01T00:00:00Z');
    expect(before.status).toBe(200);
    expect(JSON.parse(before.body.toString())).toEqual([]);
    expect(before.position).toBe('0');
  });

  it('refuses what it cannot honour with 400 problem JSON, never ignoring it', async () => {
    const last = moments.at(-1)!;
    const head = (await read(s, '/api/decisions')).position;
    expect(head).toBe(last.position);
    const m8 = meetings[0]!;
    const cases400: Array<[string, string]> = [
      [`/api/decisions?asOf=${encodeURIComponent(last.time)}&atPosition=${last.position}`, 'asOf'],
      ['/api/portfolio?asOf=yesterday', 'asOf'],
      ['/api/followups?asOf=2019-02-30T10:00:00Z&asOf=2019-02-01T10:00:00Z', 'asOf'],
      ['/api/decisions?atPosition=-1', 'atPosition'],
      ['/api/decisions?atPosition=abc', 'atPosition'],
      [`/api/decisions?atPosition=${BigInt(last.position) * 1000n}`, 'atPosition'],
      [`/api/meetings/${m8}/minutes?atPosition=${BigInt(last.position) * 1000n}`, 'atPosition'],
      [`/api/meetings/${m8}/history?atPosition=${last.position}`, 'atPosition'],
      [`/api/committees/NEHS/meetings?asOf=${encodeURIComponent(last.time)}`, 'asOf'],
      [`/api/committees?atPosition=${last.position}`, 'atPosition'],
    ];
    for (const [path, field] of cases400) {
      const r = await read(s, path);
      const body = JSON.parse(r.body.toString());
      expect({ path, status: r.status, type: r.type, field: body.errors?.[0]?.field, detail: typeof body.detail }).toEqual({
        path,
        status: 400,
        type: 'application/problem+json',
        field,
        detail: 'string',
      });
    }
    expect((await read(s, `/api/cases/${cases[0]}?atPosition=${BigInt(last.position) * 1000n}`)).status).toBe(400);
    // a read writes nothing
    expect((await read(s, '/api/decisions')).position).toBe(head);
  });

  it('keeps the rights: public views stay public, a meeting at a moment has the rights of its history', async () => {
    const last = moments.at(-1)!;
    const m8 = meetings[0]!;
    const pub = await fetch(`${s.url}/api/decisions?atPosition=${last.position}`);
    expect(pub.status).toBe(200);
    expect((await fetch(`${s.url}/api/meetings/${m8}?atPosition=${last.position}`)).status).toBe(401);
    expect((await fetch(`${s.url}/api/meetings/${m8}/minutes?atPosition=${last.position}`)).status).toBe(401);
    expect((await read(s, `/api/meetings/${m8}/notice?atPosition=${last.position}`, undefined, OTHER)).status).toBe(403);
    expect((await read(s, `/api/meetings/${m8}?atPosition=${last.position}`, undefined, MEMBER)).status).toBe(200);
  });
});
