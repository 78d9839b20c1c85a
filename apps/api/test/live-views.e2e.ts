/**
 * The two feeds beyond API.md's three, over a real server: `/api/live/committees/{code}/annual-cycle`
 * (the Årshjul) and `/api/live/followups` (the Oppfølging). The snapshot is the query's JSON; a
 * change carries the changed rows (a meeting's cycle row with its counts; a follow-up row), which
 * are what the query then answers for them; follow-ups of draft minutes reach only those who may
 * read them; a resumed client gets what it missed.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectSse, type SseClient } from '../src/live/sse-client.js';
import type { Server } from './harness.js';
import { MEMBER, OTHER, SEC, call, meetingInSession, setupNehs, startViewsServer } from './views-driver.js';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe('live feeds of the annual cycle and the follow-ups', () => {
  let s: Server;
  let members: string[];
  const open: SseClient[] = [];
  const sse = (path: string, headers: Record<string, string> = {}) => {
    const c = connectSse(s.url + path, headers);
    open.push(c);
    return c;
  };
  const snapshotOf = (c: SseClient) => c.waitFor((m) => m.event === 'snapshot', 10_000);
  const changeAt = (c: SseClient, position: number) => c.waitFor((m) => m.event === 'change' && m.id === String(position), 5000);
  /** A change message whose rows hold exactly `row` (the query's answer for it): one event of a command may not be the one that shows it. */
  const carrying = (c: SseClient, row: { meetingId?: string; id?: string }) =>
    c.waitFor((m) => m.event === 'change' && (JSON.parse(m.data) as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(row)), 5000);

  beforeAll(async () => {
    s = await startViewsServer();
    members = (await setupNehs(s)).members;
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await s?.close();
  });

  it('annual cycle: the snapshot is the query; planning a meeting and deciding a case send its row with the counts', async () => {
    const q = await s.req('GET', '/api/committees/NEHS/annual-cycle?year=2019');
    const c = sse('/api/live/committees/NEHS/annual-cycle?year=2019');
    expect(await c.status).toBe(200);
    const snap = await snapshotOf(c);
    expect(snap.id).toBe(q.headers.get('x-saksflyt-position'));
    expect(JSON.parse(snap.data)).toEqual(q.json);
    // another year's meeting is not this feed's
    const other = await call(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2020-02-03', place: 'Oslo' } });
    const planned = await call(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2019-09-12', place: 'Bergen' } });
    const now = (await s.req('GET', `/api/committees/NEHS/annual-cycle?year=2019&minPosition=${planned.position}`)).json;
    const row = now.find((r: { meetingId: string }) => r.meetingId === planned.id);
    expect(row).toMatchObject({ state: 'planned', place: 'Bergen', number: expect.stringMatching(/\/2019$/) });
    await carrying(c, row);
    expect(c.messages.some((x) => x.data.includes(other.id))).toBe(false);

    const session = await meetingInSession(s, members, 1, '2019-10-01');
    const endorsed = await call(s, 'POST', `/api/cases/${session.cases[0]}/endorse`, { token: SEC, json: { resolution: 'Vedtatt.' } });
    const decided = (await s.req('GET', `/api/committees/NEHS/annual-cycle?year=2019&minPosition=${endorsed.position}`)).json.find((r: { meetingId: string }) => r.meetingId === session.meetingId);
    expect(decided).toMatchObject({ state: 'in_session', decided: 1 });
    await carrying(c, decided);
  });

  it('annual cycle: an unknown committee is 404; Last-Event-ID resumes with exactly the missed changes', async () => {
    expect((await s.req('GET', '/api/live/committees/NOPE/annual-cycle')).status).toBe(404);
    const c = sse('/api/live/committees/NEHS/annual-cycle');
    const snap = await snapshotOf(c);
    c.close();
    await c.closed;
    const moved = await call(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2019-11-20', place: 'Tromsø' } });
    const resumed = sse('/api/live/committees/NEHS/annual-cycle', { 'last-event-id': snap.id! });
    const row = (await s.req('GET', `/api/committees/NEHS/annual-cycle?minPosition=${moved.position}`)).json.find((r: { meetingId: string }) => r.meetingId === moved.id);
    expect(row).toMatchObject({ place: 'Tromsø' });
    await carrying(resumed, row);
    expect(resumed.messages.filter((x) => x.event === 'snapshot')).toEqual([]);
    for (const x of resumed.messages) if (x.id) expect(BigInt(x.id) > BigInt(snap.id!)).toBe(true);
  });

  it('follow-ups: promised in draft minutes, they reach the committee and not the public; closed, the row says so', async () => {
    const session = await meetingInSession(s, members, 1, '2019-12-02');
    const publicFeed = sse('/api/live/followups');
    const memberFeed = sse('/api/live/followups', auth(MEMBER));
    const otherFeed = sse('/api/live/followups', auth(OTHER));
    const [pub, mem] = await Promise.all([snapshotOf(publicFeed), snapshotOf(memberFeed), snapshotOf(otherFeed)]);
    expect(JSON.parse(mem.data)).toEqual((await s.req('GET', '/api/followups', { token: MEMBER })).json);
    expect(JSON.parse(pub.data)).toEqual((await s.req('GET', '/api/followups')).json);
    const rec = await call(s, 'POST', `/api/cases/${session.cases[0]}/record-discussion`, {
      token: SEC,
      json: { summary: 'Drøftet.', followUps: [{ text: 'Sekretariatet utreder kostnadene.', owner: 'Direktoratet for e-helse', due: '2019-01-15' }] },
    });
    const rows = JSON.parse((await changeAt(memberFeed, rec.position)).data);
    expect(rows).toEqual([expect.objectContaining({ text: 'Sekretariatet utreder kostnadene.', owner: 'Direktoratet for e-helse', due: '2019-01-15', open: true, overdue: true, caseId: session.cases[0] })]);
    expect(rows).toEqual((await s.req('GET', `/api/followups?minPosition=${rec.position}`, { token: MEMBER })).json.filter((f: { id: string }) => f.id === rows[0].id));
    const closed = await call(s, 'POST', `/api/followups/${rows[0].id}/close`, { token: SEC, json: { reason: 'Utredet i annen sak.' } }, 200);
    const after = JSON.parse((await changeAt(memberFeed, closed.position)).data);
    expect(after).toEqual([expect.objectContaining({ id: rows[0].id, open: false, overdue: false, closed: expect.objectContaining({ reason: 'Utredet i annen sak.' }) })]);
    // the public and another committee's member heard of neither (the minutes are a draft)
    await new Promise((r) => setTimeout(r, 300));
    for (const f of [publicFeed, otherFeed]) expect(f.messages.filter((x) => x.event === 'change' && (x.id === String(rec.position) || x.id === String(closed.position)))).toEqual([]);
  });
});
