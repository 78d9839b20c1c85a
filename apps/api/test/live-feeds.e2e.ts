/**
 * Live feeds (SSE) on a real server: snapshot = the query's JSON, 200 concurrent clients all receive
 * an endorsement, Last-Event-ID resume gets exactly what was missed, heartbeats, a meeting's feed,
 * and a client that stops reading is dropped (bounded server memory) and can resume.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectSse, type SseClient } from '../src/live/sse-client.js';
import { LiveService } from '../src/live/live.service.js';
import type { Server } from './harness.js';
import { MEMBER, OTHER, SEC, call, meetingInSession, projectionsOptions, setupNehs, startViewsServer } from './views-driver.js';

const snapshotOf = (c: SseClient) => c.waitFor((m) => m.event === 'snapshot', 10_000);

describe('live feeds over SSE', () => {
  let s: Server;
  let members: string[];
  let meeting: { meetingId: string; cases: string[] };
  let next = 0;
  const open: SseClient[] = [];
  const sse = (path: string, headers: Record<string, string> = {}) => {
    const c = connectSse(s.url + path, headers);
    open.push(c);
    return c;
  };
  const endorse = async (i = next++) =>
    call(s, 'POST', `/api/cases/${meeting.cases[i]}/endorse`, { token: SEC, json: { resolution: `Vedtak ${i + 1}.` } });

  beforeAll(async () => {
    s = await startViewsServer({ extraModules: [projectionsOptions({ heartbeatMs: 200, sseMaxBufferedBytes: 64 * 1024 })] });
    members = (await setupNehs(s)).members;
    meeting = await meetingInSession(s, members, 24);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await s?.close();
  });

  it('the first message is the snapshot: id the position, data the same JSON as the query', async () => {
    const head = (await call(s, 'GET', '/api/health')).store.headPosition;
    for (const [feed, query] of [
      ['/api/live/decisions', `/api/decisions?minPosition=${head}`],
      ['/api/live/portfolio', `/api/portfolio?minPosition=${head}`],
    ]) {
      const q = await s.req('GET', query!);
      const c = sse(feed!);
      expect(await c.status).toBe(200);
      const snap = await snapshotOf(c);
      expect(snap.id).toBe(q.headers.get('x-saksflyt-position'));
      expect(JSON.parse(snap.data)).toEqual(q.json);
      c.close();
    }
  });

  it('200 concurrent clients all receive an endorsement (id: its position, data: the changed row)', async () => {
    const clients = Array.from({ length: 200 }, () => sse('/api/live/decisions'));
    await Promise.all(clients.map(snapshotOf));
    const r = await endorse();
    const answered = performance.now();
    const got = await Promise.all(clients.map((c) => c.waitFor((m) => m.event === 'change' && m.id === String(r.position), 5000)));
    const delays = got.map((m) => Math.max(0, m.at - answered)).sort((a, b) => a - b);
    const p50 = delays[Math.floor(delays.length / 2)]!;
    const max = delays[delays.length - 1]!;
    console.log(`SSE delivery to 200 clients after the command's answer: p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
    for (const m of got) {
      const rows = JSON.parse(m.data);
      expect(rows).toEqual([expect.objectContaining({ caseId: meeting.cases[0], outcome: 'endorsement', resolution: 'Vedtak 1.' })]);
    }
    expect(max).toBeLessThan(1000); // a generous bound; speed is the bench's business (sse_delivery_1000)
    for (const c of clients) c.close();
  });

  it('Last-Event-ID: a client that disconnects and resumes gets exactly the messages it missed, no snapshot', async () => {
    const witness = sse('/api/live/decisions');
    const leaver = sse('/api/live/decisions');
    await Promise.all([snapshotOf(witness), snapshotOf(leaver)]);
    const first = await endorse();
    await leaver.waitFor((m) => m.id === String(first.position));
    const lastSeen = leaver.messages[leaver.messages.length - 1]!.id!;
    leaver.close();
    await leaver.closed;
    const missed: number[] = [];
    for (let i = 0; i < 3; i++) missed.push((await endorse()).position);
    // a note on a follow-up-free case changes no register row except its own: also a change
    await witness.waitFor((m) => m.id === String(missed[2]));
    const resumed = sse('/api/live/decisions', { 'last-event-id': lastSeen });
    expect(await resumed.status).toBe(200);
    await resumed.waitFor((m) => m.id === String(missed[2]));
    const after = (c: SseClient) => c.messages.filter((m) => m.event === 'change' && BigInt(m.id!) > BigInt(lastSeen)).map((m) => [m.id, m.event, m.data]);
    expect(resumed.messages.some((m) => m.event === 'snapshot')).toBe(false);
    expect(after(resumed)).toEqual(after(witness));
    expect(after(resumed).map((m) => Number(m[0]))).toEqual(missed);
    // and it goes on live: the next change arrives once
    const live = await endorse();
    await resumed.waitFor((m) => m.id === String(live.position));
    await witness.waitFor((m) => m.id === String(live.position));
    expect(resumed.messages.filter((m) => m.id === String(live.position))).toHaveLength(1);
    expect(after(resumed)).toEqual(after(witness));
    // the same works with ?lastEventId= (an EventSource's first connect)
    const q = sse(`/api/live/decisions?lastEventId=${lastSeen}`);
    await q.waitFor((m) => m.id === String(live.position));
    expect(after(q)).toEqual(after(witness));
    expect((await s.req('GET', '/api/live/decisions', { headers: { 'last-event-id': 'abc' } })).status).toBe(400);
    for (const c of [witness, resumed, q]) c.close();
  });

  it('clients connecting while commands run: snapshot plus changes rebuild exactly the register, ids increasing', async () => {
    const clients: SseClient[] = [];
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 8; i++) {
      clients.push(sse('/api/live/decisions'), sse('/api/live/decisions', { 'last-event-id': '1' }));
      writes.push(endorse());
      await new Promise((r) => setTimeout(r, i % 3));
    }
    const last = (await Promise.all(writes)) as { position: number }[];
    const head = Math.max(...last.map((w) => w.position));
    const register = await call(s, 'GET', `/api/decisions?minPosition=${head}`);
    const byCase = (rows: { caseId: string }[]) => Object.fromEntries(rows.map((r) => [r.caseId, r]));
    for (const c of clients) {
      await c.waitFor((m) => Number(m.id) >= head, 5000);
      const ids = c.messages.filter((m) => m.event !== 'message').map((m) => BigInt(m.id!));
      expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
      let rows: Record<string, unknown> = {};
      for (const m of c.messages) {
        if (m.event === 'snapshot') rows = byCase(JSON.parse(m.data));
        else if (m.event === 'change') rows = { ...rows, ...byCase(JSON.parse(m.data)) };
      }
      // a fresh client: snapshot + changes; one resumed from position 1 (the log reaches back to the
      // start here, so no snapshot): the changes alone hold every row
      expect(c.messages.some((m) => m.event === 'snapshot')).toBe(c.messages[0]?.event === 'snapshot');
      expect(rows).toEqual(byCase(register));
      c.close();
    }
  });

  it('heartbeat comment lines keep the connection alive', async () => {
    const c = sse('/api/live/portfolio');
    await snapshotOf(c);
    await new Promise((r) => setTimeout(r, 700));
    expect(c.comments).toBeGreaterThanOrEqual(2);
    c.close();
  });

  it("a meeting's feed: the minutes JSON as snapshot and on every change; read rules of the minutes", async () => {
    expect((await s.req('GET', `/api/live/meetings/${meeting.meetingId}`)).status).toBe(401);
    expect((await s.req('GET', `/api/live/meetings/${meeting.meetingId}`, { token: OTHER })).status).toBe(403);
    expect((await s.req('GET', '/api/live/meetings/nope')).status).toBe(404);
    const c = sse(`/api/live/meetings/${meeting.meetingId}`, { authorization: `Bearer ${MEMBER}` });
    const snap = JSON.parse((await snapshotOf(c)).data);
    const q = await call(s, 'GET', `/api/meetings/${meeting.meetingId}/minutes`, { token: MEMBER });
    expect(snap).toEqual(q);
    const r = await endorse();
    const m = await c.waitFor((x) => x.event === 'change' && x.id === String(r.position));
    const minutes = JSON.parse(m.data);
    expect(minutes.meetingId).toBe(meeting.meetingId);
    expect(minutes.cases.find((x: any) => x.resolution === `Vedtak ${next}.`)).toBeTruthy();
    c.close();
  });

  it("a written procedure concluded: the feed of the committee's next meeting (whose minutes list it) gets the change", async () => {
    const year = Number(new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo', year: 'numeric' }).format(new Date()));
    const nextMeeting = (await call(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: `${year + 1}-01-14`, place: 'Oslo' } }, 201)).id;
    const c = sse(`/api/live/meetings/${nextMeeting}`, { authorization: `Bearer ${MEMBER}` });
    expect(JSON.parse((await snapshotOf(c)).data).writtenProcedures).toBeUndefined();
    const w = (await call(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: 'Høring mellom møtene', type: 'endorsement', proposedResolution: 'Forslag.' } }, 201)).id;
    await call(s, 'POST', `/api/cases/${w}/written-procedure`, { token: SEC, json: { deadline: `${year + 1}-01-10` } }, 200);
    const r = await call(s, 'POST', `/api/cases/${w}/endorse`, { token: SEC, json: { resolution: 'Vedtatt ved skriftlig behandling.' } });
    const m = await c.waitFor((x) => x.event === 'change' && x.id === String(r.position), 5000);
    const minutes = JSON.parse(m.data);
    expect(minutes.meetingId).toBe(nextMeeting);
    expect(minutes.writtenProcedures).toMatchObject([{ caseId: w, resolution: 'Vedtatt ved skriftlig behandling.' }]);
    expect(minutes).toEqual(await call(s, 'GET', `/api/meetings/${nextMeeting}/minutes?minPosition=${r.position}`, { token: MEMBER }));
    c.close();
  });

  it('a client that stops reading is dropped once its socket holds more than the bound, and can resume', async () => {
    const live = s.app.get(LiveService);
    const slow = sse(`/api/live/meetings/${meeting.meetingId}`, { authorization: `Bearer ${MEMBER}` });
    const witness = sse(`/api/live/meetings/${meeting.meetingId}`, { authorization: `Bearer ${MEMBER}` });
    await Promise.all([snapshotOf(slow), snapshotOf(witness)]);
    slow.pause();
    // every other client of the earlier tests has been closed: wait until the server has let go of them
    for (let i = 0; i < 100 && live.clientCount !== 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(live.clientCount).toBe(2);
    const before = 2;
    const big = 'x'.repeat(512 * 1024);
    const caseId = meeting.cases[next]!;
    let last = 0;
    // every change re-sends the whole minutes, which grow by 512 KiB a time: megabytes pile up
    for (let i = 0; i < 24 && live.clientCount === before; i++)
      last = (await call(s, 'POST', `/api/cases/${caseId}/record-discussion`, { token: SEC, json: { points: [big] } })).position;
    expect(live.clientCount).toBe(before - 1);
    await witness.waitFor((m) => m.id === String(last), 20_000);
    slow.resume();
    await slow.closed;
    const lastComplete = slow.messages[slow.messages.length - 1]!.id!;
    expect(BigInt(lastComplete)).toBeLessThan(BigInt(last));
    const again = sse(`/api/live/meetings/${meeting.meetingId}`, { authorization: `Bearer ${MEMBER}`, 'last-event-id': lastComplete });
    await again.waitFor((m) => m.id === String(last), 20_000);
    const ids = (c: SseClient) => c.messages.filter((m) => m.event === 'change').map((m) => m.id);
    expect([...ids(slow), ...ids(again)]).toEqual(ids(witness));
    again.close();
    witness.close();
  });
});
