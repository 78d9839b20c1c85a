/**
 * Issue 9, "Done when" 1: `kill -9` of the SERVER while many clients schedule, unschedule, plan and
 * notice leaves every acknowledged write in place and every case and agenda agreeing.
 *
 * The real server (`apps/api/src/main.ts`, compiled once by child-server.ts into a private outDir
 * under `.tmp/`, as in server-crash.e2e.ts) runs as a child process on a temp SQLite data dir. HTTP
 * clients (fetch, keep-alive, 127.0.0.1 only) run a load; after a random moment (and a minimum of
 * acknowledged writes) the child gets SIGKILL, and is restarted on the same data dir. Ten kills per
 * test.
 *
 * After every restart (and once more at the end, everything re-checked) the test reads the whole
 * world back over HTTP and checks:
 * - every acknowledged write is present: each 200/201 answer is recorded (aggregate, state,
 *   revision, position, the request's X-Correlation-Id); the aggregate's history holds an event of
 *   that command (same correlation id) at the answered revision, at or below the answered position;
 *   a schedule/unschedule also left its event (naming the case) in the meeting's history;
 * - every case is `scheduled` on meeting M exactly when M's agenda (`GET /api/meetings/{id}`) lists
 *   it; a case that is not scheduled stands on no agenda; no case stands on two agendas.
 * The second test adds planning and notice (schedules go onto planned meetings only) and checks too:
 * - the meeting numbers of the year are exactly 1..n (`GET /api/committees/{code}/meetings`), and
 *   the numbering's next meeting number is n+1: no number burnt, none given twice;
 * - the case numbers of the year are exactly 1..m, none twice, next case number m+1;
 * - every case on a noticed meeting's agenda is numbered (the case itself, not only its agenda row).
 *
 * Today's core (issue 9, fault 1) writes a multi-stream command one stream after the other, so a
 * kill between the two appends leaves a case `scheduled` on a meeting whose agenda lacks it.
 */
import { expect, test } from '@jest/globals';
import { childServers, readAnswer, type Child } from './child-server.js';

const { startServer, dataDir: newDataDir } = childServers('crash-agenda');

const CLIENTS = 16;
const KILLS = 10;
/** Each round: at least this many acknowledged writes, then SIGKILL at a random moment. */
const MIN_ACKS_PER_ROUND = 12;
const MIN_LOAD_MS = 150;
const MAX_EXTRA_LOAD_MS = 1000;
/** A round that cannot reach its minimum in this time fails (the server stopped answering). */
const MAX_ROUND_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
const READ_CONCURRENCY = 6;

const ADMIN = 'tok-admin';
const SEC = 'tok-secretariat-crash';
const A = 'KRA';
const B = 'KRB';
const TOKENS = {
  [SEC]: { name: 'Kari Krasj', roles: [{ role: 'secretariat', committee: A }, { role: 'secretariat', committee: B }] },
  [ADMIN]: { name: 'Admin', roles: [{ role: 'admin' }] },
};

// ------------------------------------------------------------------ HTTP

interface Answer {
  status: number;
  body: any;
}

/** One request; throws on a network error (refused, reset: expected only around a kill). */
async function call(url: string, method: string, p: string, opts: { token?: string; json?: unknown; correlationId?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  if (opts.correlationId) headers['x-correlation-id'] = opts.correlationId;
  const res = await fetch(url + p, {
    method,
    headers,
    body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return readAnswer(res);
}

async function must(url: string, method: string, p: string, opts: { token?: string; json?: unknown } = {}, want = [200, 201]): Promise<any> {
  const r = await call(url, method, p, opts);
  if (!want.includes(r.status)) throw new Error(`${method} ${p} → ${r.status}: ${JSON.stringify(r.body).slice(0, 400)}`);
  return r.body;
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rnd = (n: number) => Math.floor(Math.random() * n);
const pick = <T>(xs: T[]): T => xs[rnd(xs.length)]!;
const big = (x: unknown) => BigInt(x as number | string);

// ------------------------------------------------------------------ what the clients know

type AckKind = 'create' | 'schedule' | 'unschedule' | 'plan' | 'notice';

/** One acknowledged write (a 200/201 whose whole body arrived). */
interface Ack {
  kind: AckKind;
  /** the aggregate the answer is about: a case (create, schedule, unschedule) or a meeting (plan, notice) */
  id: string;
  committee: string;
  meetingId?: string;
  state: string;
  revision: bigint;
  position: bigint;
  correlationId: string;
  round: number;
  /** plan: the meeting number; notice: the numbers given */
  number?: string;
  agenda?: { caseId: string; number: string }[];
}

interface LocalCase {
  id: string;
  committee: string;
  state: 'draft' | 'scheduled' | 'other';
  meetingId: string | null;
  /** numbered onto a noticed meeting, or otherwise out of the game */
  retired: boolean;
}

interface LocalMeeting {
  id: string;
  committee: string;
  state: string; // planned | noticed | … as last known
  /** a notice is on the wire or unanswered: schedule nothing onto it */
  noticing: boolean;
}

interface World {
  committees: string[];
  year: number;
  cases: Map<string, LocalCase>;
  meetings: Map<string, LocalMeeting>;
  acks: Ack[];
  /** answers a correct server does not give, or a network error before the kill */
  unexpected: string[];
  /** 409 answers we can explain (a notice raced the schedule); counted, not failures */
  expected409: number;
  refused: string[];
  /** test 2: cases per client to keep in play; 0: no creates */
  activePerClient: number;
  /** test 2: secretaries plan and notice */
  planning: boolean;
  maxMeetingsPerCommittee: number;
  nextDay: Map<string, number>;
}

function openMeetings(w: World, committee: string): LocalMeeting[] {
  return [...w.meetings.values()].filter((m) => m.committee === committee && m.state === 'planned' && !m.noticing);
}

// ------------------------------------------------------------------ the load

interface Load {
  /** No new requests from here on (call it just before the kill); resolves when every client has stopped. */
  stop: () => Promise<void>;
  acksThisRound: () => number;
}

function startLoad(w: World, url: string, round: number): Load {
  let stopped = false;
  let acks = 0;
  let seq = 0;
  const cid = (who: string) => `crash-r${round}-${who}-${seq++}`;
  const ack = (a: Ack) => {
    w.acks.push(a);
    acks++;
  };
  const netError = (who: string, e: unknown) => {
    if (!stopped) w.unexpected.push(`${who}: ${e instanceof Error ? `${e.message} ${String((e as any).cause ?? '')}` : String(e)}`);
  };
  const bad = (who: string, what: string, r: Answer) => {
    if (!stopped) w.unexpected.push(`${who} ${what} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  };

  /** After a 409: read the case back and carry on from what the server says. */
  const resync = async (c: LocalCase) => {
    const r = await call(url, 'GET', `/api/cases/${c.id}`, { token: SEC });
    if (r.status !== 200) return bad('resync', `GET case ${c.id}`, r);
    c.state = r.body.state === 'draft' || r.body.state === 'scheduled' ? r.body.state : 'other';
    c.meetingId = r.body.meetingId ?? null;
    const m = c.meetingId ? w.meetings.get(c.meetingId) : undefined;
    if (c.state === 'other' || (c.state === 'scheduled' && (!m || m.state !== 'planned'))) c.retired = true;
  };

  const client = async (k: number) => {
    const who = `c${k}`;
    const committee = w.committees[k % w.committees.length]!;
    const mine = () => [...w.cases.values()].filter((c) => owner.get(c.id) === k && !c.retired);
    while (!stopped) {
      try {
        const active = mine();
        if (active.length < w.activePerClient) {
          const correlationId = cid(who);
          const title = `Krasjprøve ${correlationId}`;
          const r = await call(url, 'POST', '/api/cases', {
            token: SEC,
            correlationId,
            json: { committee, title, type: 'discussion', proposedResolution: 'Utvalget drøfter saken.' },
          });
          if (r.status === 201) {
            w.cases.set(r.body.id, { id: r.body.id, committee, state: 'draft', meetingId: null, retired: false });
            owner.set(r.body.id, k);
            ack({ kind: 'create', id: r.body.id, committee, state: r.body.state, revision: big(r.body.revision), position: big(r.body.position), correlationId, round });
          } else bad(who, 'create', r);
          continue;
        }
        const c = active.length ? pick(active) : undefined;
        if (!c) {
          await sleep(20);
          continue;
        }
        const correlationId = cid(who);
        if (c.state === 'draft') {
          const targets = openMeetings(w, c.committee);
          if (!targets.length) {
            await sleep(20);
            continue;
          }
          const m = pick(targets);
          const r = await call(url, 'POST', `/api/cases/${c.id}/schedule`, { token: SEC, correlationId, json: { meetingId: m.id } });
          if (r.status === 200) {
            c.state = 'scheduled';
            c.meetingId = m.id;
            ack({ kind: 'schedule', id: c.id, committee: c.committee, meetingId: m.id, state: r.body.state, revision: big(r.body.revision), position: big(r.body.position), correlationId, round });
          } else if (r.status === 409) {
            if (m.noticing || m.state !== 'planned') w.expected409++;
            else w.refused.push(`schedule ${c.id} onto ${m.id}: ${r.body?.detail ?? JSON.stringify(r.body).slice(0, 200)}`);
            await resync(c);
          } else bad(who, `schedule ${c.id}`, r);
        } else if (c.state === 'scheduled') {
          const m = c.meetingId ? w.meetings.get(c.meetingId) : undefined;
          if (!m || m.state !== 'planned') {
            c.retired = true; // numbered on a noticed agenda: it stays there
            continue;
          }
          if (m.noticing) {
            await sleep(5);
            continue;
          }
          const r = await call(url, 'POST', `/api/cases/${c.id}/unschedule`, { token: SEC, correlationId, json: { reason: 'Krasjprøve: tatt av dagsorden.' } });
          if (r.status === 200) {
            c.state = 'draft';
            ack({ kind: 'unschedule', id: c.id, committee: c.committee, meetingId: m.id, state: r.body.state, revision: big(r.body.revision), position: big(r.body.position), correlationId, round });
            c.meetingId = null;
          } else if (r.status === 409) {
            if (m.noticing || m.state !== 'planned') w.expected409++;
            else w.refused.push(`unschedule ${c.id} from ${m.id}: ${r.body?.detail ?? JSON.stringify(r.body).slice(0, 200)}`);
            await resync(c);
          } else bad(who, `unschedule ${c.id}`, r);
        } else c.retired = true;
      } catch (e) {
        netError(who, e);
        return;
      }
    }
  };

  /** Test 2: per committee, plan a meeting while fewer than three are open, else notice the oldest open one. */
  const secretary = async (committee: string) => {
    const who = `s-${committee}`;
    while (!stopped) {
      try {
        await sleep(20 + rnd(80));
        if (stopped) return;
        const open = openMeetings(w, committee);
        const total = [...w.meetings.values()].filter((m) => m.committee === committee).length;
        const correlationId = cid(who);
        if (open.length < 3 && total < w.maxMeetingsPerCommittee) {
          const day = w.nextDay.get(committee)!;
          w.nextDay.set(committee, day + 1);
          const date = new Date(Date.UTC(w.year, 0, 1 + day)).toISOString().slice(0, 10);
          const r = await call(url, 'POST', `/api/committees/${committee}/meetings`, { token: SEC, correlationId, json: { date, place: 'Oslo' } });
          if (r.status === 201) {
            w.meetings.set(r.body.id, { id: r.body.id, committee, state: r.body.state, noticing: false });
            ack({ kind: 'plan', id: r.body.id, committee, state: r.body.state, revision: big(r.body.revision), position: big(r.body.position), correlationId, round, number: r.body.number });
          } else bad(who, 'plan', r);
        } else if (open.length > 0) {
          const m = open[0]!;
          // nothing new is scheduled onto it from here on; commands already on the wire race the notice
          // (either lands first: scheduled and numbered, or 409 on the frozen agenda)
          m.noticing = true;
          const r = await call(url, 'POST', `/api/meetings/${m.id}/notice`, { token: SEC, correlationId });
          if (r.status === 200) {
            m.state = r.body.state;
            m.noticing = false;
            ack({ kind: 'notice', id: m.id, committee, state: r.body.state, revision: big(r.body.revision), position: big(r.body.position), correlationId, round, agenda: r.body.agenda });
          } else bad(who, `notice ${m.id}`, r);
        }
      } catch (e) {
        netError(who, e);
        return;
      }
    }
  };

  const running = [
    ...Array.from({ length: w.planning ? CLIENTS - w.committees.length : CLIENTS }, (_, k) => client(k)),
    ...(w.planning ? w.committees.map((c) => secretary(c)) : []),
  ];
  return {
    acksThisRound: () => acks,
    stop: () => {
      stopped = true;
      return Promise.all(running).then(() => undefined);
    },
  };
}

/** case id → the client that owns it */
const owner = new Map<string, number>();

// ------------------------------------------------------------------ reading the world back

interface CaseRead {
  id: string;
  committee: string;
  state: string;
  meetingId: string | null;
  number: string | null;
  revision: bigint;
  title: string;
}

interface MeetingRead {
  id: string;
  committee: string;
  number: string;
  state: string;
  revision: bigint;
  agenda: { caseId: string; number: string | null; state: string }[];
}

interface Seen {
  cases: Map<string, CaseRead>;
  meetings: Map<string, MeetingRead>;
  violations: string[];
}

const seqOf = (n: string | null | undefined) => (n ? Number(n.split('/')[0]) : NaN);

/** Checks that the numbers are exactly 1..n, each once; returns violations. */
function oneToN(what: string, numbers: string[], next: number | undefined): string[] {
  const out: string[] = [];
  const seen = new Map<number, number>();
  for (const n of numbers) seen.set(seqOf(n), (seen.get(seqOf(n)) ?? 0) + 1);
  for (const [n, times] of seen) if (times > 1) out.push(`${what} number ${n} given ${times} times`);
  const max = Math.max(0, ...seen.keys());
  for (let i = 1; i <= max; i++) if (!seen.has(i)) out.push(`${what} number ${i} burnt: missing although ${max} was given`);
  if (next !== undefined && next !== max + 1) out.push(`${what} numbering continues at ${next}, but ${max} is the highest given: ${next - max - 1} burnt`);
  return out;
}

async function readWorld(w: World, url: string, opts: { checkAcks: (a: Ack) => boolean }): Promise<Seen> {
  const violations: string[] = [];
  const meetings = new Map<string, MeetingRead>();
  const cases = new Map<string, CaseRead>();
  const listed = new Map<string, string[]>();
  const listedNumbers = new Map<string, string[]>();
  for (const code of w.committees) {
    const r = await call(url, 'GET', `/api/committees/${code}/meetings`, { token: SEC });
    if (r.status !== 200) {
      violations.push(`GET /api/committees/${code}/meetings → ${r.status}`);
      continue;
    }
    listed.set(code, r.body.map((m: any) => m.id));
    listedNumbers.set(code, r.body.filter((m: any) => m.year === w.year).map((m: any) => String(m.number)));
    for (const m of r.body) if (!w.meetings.has(m.id)) w.meetings.set(m.id, { id: m.id, committee: code, state: m.state, noticing: false });
  }
  const meetingIds = [...w.meetings.keys()];
  await pool(meetingIds, READ_CONCURRENCY, async (id) => {
    const r = await call(url, 'GET', `/api/meetings/${id}`, { token: SEC });
    if (r.status !== 200) {
      violations.push(`meeting ${id}: GET → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      return;
    }
    const b = r.body;
    meetings.set(id, {
      id,
      committee: b.committee,
      number: b.number,
      state: b.state,
      revision: big(b.revision),
      agenda: b.agenda.map((a: any) => ({ caseId: a.caseId, number: a.number ?? null, state: a.state })),
    });
  });
  for (const [code, ids] of listed) for (const m of w.meetings.values()) if (m.committee === code && !ids.includes(m.id)) violations.push(`meeting ${m.id} of ${code} is not in the committee's meetings list`);

  const caseIds = new Set<string>(w.cases.keys());
  for (const m of meetings.values()) for (const a of m.agenda) caseIds.add(a.caseId);
  await pool([...caseIds], READ_CONCURRENCY, async (id) => {
    const r = await call(url, 'GET', `/api/cases/${id}`, { token: SEC });
    if (r.status !== 200) {
      violations.push(`case ${id}: GET → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      return;
    }
    const b = r.body;
    cases.set(id, { id, committee: b.committee, state: b.state, meetingId: b.meetingId ?? null, number: b.number ?? null, revision: big(b.revision), title: b.title });
  });

  // --- scheduled on M exactly when M's agenda lists it
  const agendasOf = new Map<string, string[]>();
  for (const m of meetings.values()) for (const a of m.agenda) agendasOf.set(a.caseId, [...(agendasOf.get(a.caseId) ?? []), m.id]);
  const mName = (id: string | null) => (id && meetings.get(id) ? `${meetings.get(id)!.number} (${meetings.get(id)!.state}, ${id})` : String(id));
  for (const c of cases.values()) {
    const on = agendasOf.get(c.id) ?? [];
    if (c.state === 'scheduled') {
      if (!c.meetingId) violations.push(`case ${c.id} "${c.title}" is scheduled on no meeting`);
      else if (!on.includes(c.meetingId)) violations.push(`case ${c.id} "${c.title}" is scheduled on meeting ${mName(c.meetingId)} whose agenda does not list it`);
      for (const other of on.filter((m) => m !== c.meetingId)) violations.push(`case ${c.id} "${c.title}" (scheduled on ${mName(c.meetingId)}) also stands on the agenda of ${mName(other)}`);
    } else {
      for (const m of on) violations.push(`case ${c.id} "${c.title}" is ${c.state}, yet the agenda of meeting ${mName(m)} lists it`);
    }
  }

  // --- numbering (planning and notice in the mix)
  if (w.planning) {
    for (const code of w.committees) {
      const ms = [...meetings.values()].filter((m) => m.committee === code);
      const numbering = await call(url, 'GET', `/api/committees/${code}/numbering/${w.year}`, { token: SEC });
      if (numbering.status !== 200) violations.push(`GET numbering ${code}/${w.year} → ${numbering.status}`);
      violations.push(...oneToN(`${code} meeting`, listedNumbers.get(code) ?? [], numbering.body?.nextMeetingNumber));
      const numbered = [...cases.values()].filter((c) => c.committee === code && c.number !== null).map((c) => c.number!);
      violations.push(...oneToN(`${code} case`, numbered, numbering.body?.nextCaseNumber));
      for (const m of ms) {
        for (const a of m.agenda) {
          const c = cases.get(a.caseId);
          if (!c) continue;
          if (m.state === 'noticed' && (c.number === null || c.number !== a.number))
            violations.push(`noticed meeting ${mName(m.id)} has case ${c.id} "${c.title}" on its agenda numbered ${JSON.stringify(c.number)} (agenda row: ${JSON.stringify(a.number)})`);
          if (m.state === 'planned' && c.number !== null) violations.push(`planned meeting ${mName(m.id)} has case ${c.id} numbered ${c.number} already`);
        }
      }
    }
  }

  // --- every acknowledged write present
  const toCheck = w.acks.filter(opts.checkAcks);
  const histories = new Map<string, any[] | null>();
  const history = async (kind: 'cases' | 'meetings', id: string) => {
    const key = `${kind}/${id}`;
    if (!histories.has(key)) {
      const r = await call(url, 'GET', `/api/${key}/history`, { token: SEC });
      histories.set(key, r.status === 200 && Array.isArray(r.body) ? r.body : null);
    }
    return histories.get(key)!;
  };
  const streams = new Set<string>();
  for (const a of toCheck) {
    streams.add(`${a.kind === 'plan' || a.kind === 'notice' ? 'meetings' : 'cases'}/${a.id}`);
    if (a.meetingId) streams.add(`meetings/${a.meetingId}`);
  }
  await pool([...streams], READ_CONCURRENCY, async (key) => {
    const [kind, id] = key.split('/') as ['cases' | 'meetings', string];
    await history(kind, id);
  });
  const wantType: Record<AckKind, string | undefined> = { create: 'CaseDrafted', schedule: 'CaseScheduled', unschedule: 'CaseUnscheduled', plan: undefined, notice: undefined };
  for (const a of toCheck) {
    const own = a.kind === 'plan' || a.kind === 'notice' ? 'meetings' : 'cases';
    const h = histories.get(`${own}/${a.id}`);
    const label = `acknowledged ${a.kind} of ${a.id} (round ${a.round}, revision ${a.revision}, position ${a.position}, ${a.correlationId})`;
    if (!h) {
      violations.push(`${label}: history unreadable`);
      continue;
    }
    const e = h.find((x) => big(x.revision) === a.revision);
    if (!e || e.correlationId !== a.correlationId) {
      violations.push(`${label}: the history holds ${e ? `${e.type} of ${e.correlationId}` : 'nothing'} at that revision`);
      continue;
    }
    if (wantType[a.kind] && e.type !== wantType[a.kind]) violations.push(`${label}: the event at that revision is ${e.type}`);
    if (big(e.position) > a.position) violations.push(`${label}: its event stands at position ${e.position}, after the answered position`);
    if (a.meetingId) {
      const mh = histories.get(`meetings/${a.meetingId}`);
      const me = mh?.find((x) => x.correlationId === a.correlationId && x.data?.caseId === a.id);
      if (!me) violations.push(`${label}: meeting ${mName(a.meetingId)} has no event of that command naming the case`);
      else if (big(me.position) > a.position) violations.push(`${label}: the meeting's event stands at position ${me.position}, after the answered position`);
    }
    if (a.kind === 'plan') {
      const m = meetings.get(a.id);
      if (m && m.number !== a.number) violations.push(`${label}: answered number ${a.number}, the meeting has ${m.number}`);
    }
    if (a.kind === 'notice' && a.agenda) {
      for (const n of a.agenda) {
        const c = cases.get(n.caseId);
        if (c && c.number !== n.number) violations.push(`${label}: case ${n.caseId} was given ${n.number}, it has ${JSON.stringify(c.number)}`);
      }
    }
    // the last acknowledged state stands when nothing was written after it
    const cur = own === 'cases' ? cases.get(a.id) : meetings.get(a.id);
    if (cur && cur.revision === a.revision && cur.state !== a.state) violations.push(`${label}: answered state ${a.state}, it is ${cur.state} at the same revision`);
    if (cur && cur.revision < a.revision) violations.push(`${label}: the record is back at revision ${cur.revision}`);
  }
  return { cases, meetings, violations };
}

/** After a restart: the clients carry on from what the server holds. */
function adopt(w: World, seen: Seen): void {
  for (const m of seen.meetings.values()) w.meetings.set(m.id, { id: m.id, committee: m.committee, state: m.state, noticing: false });
  for (const c of w.cases.values()) {
    const s = seen.cases.get(c.id);
    if (!s) {
      c.retired = true;
      continue;
    }
    c.state = s.state === 'draft' || s.state === 'scheduled' ? s.state : 'other';
    c.meetingId = s.meetingId;
    const m = s.meetingId ? w.meetings.get(s.meetingId) : undefined;
    c.retired = c.state === 'other' || (c.state === 'scheduled' && (!m || m.state !== 'planned'));
  }
}

// ------------------------------------------------------------------ the rounds

async function crashRounds(name: string, w: World, dataDir: string, tokensFile: string, first: Child): Promise<string[]> {
  let server = first;
  const report: string[] = [];
  const started = Date.now();
  for (let round = 1; round <= KILLS; round++) {
    const load = startLoad(w, server.url, round);
    const t0 = Date.now();
    const wait = MIN_LOAD_MS + rnd(MAX_EXTRA_LOAD_MS);
    while ((Date.now() - t0 < wait || load.acksThisRound() < MIN_ACKS_PER_ROUND) && Date.now() - t0 < MAX_ROUND_MS) {
      if (w.unexpected.length > 0) break;
      await sleep(5 + rnd(20));
    }
    const loadMs = Date.now() - t0;
    const stopped = load.stop(); // in-flight requests stay in flight: the kill lands mid-command
    server.proc.kill('SIGKILL');
    const exit = await server.exited;
    await stopped;
    const acks = load.acksThisRound();
    expect(exit.signal).toBe('SIGKILL');

    server = await startServer(dataDir, tokensFile);
    // the writes of this round all, and a sample of earlier ones (every one again at the end)
    const seen = await readWorld(w, server.url, { checkAcks: (a) => a.round === round || Math.random() < 0.1 });
    report.push(
      `round ${round}: SIGKILL after ${loadMs} ms and ${acks} acks; ${seen.cases.size} cases, ${seen.meetings.size} meetings, ${seen.violations.length} violations`,
    );
    if (seen.violations.length) console.log(`${name}, after kill ${round}:\n  ${seen.violations.slice(0, 30).join('\n  ')}`);
    expect({ round, violations: seen.violations }).toEqual({ round, violations: [] });
    expect(w.unexpected).toEqual([]);
    if (acks < MIN_ACKS_PER_ROUND) throw new Error(`${name} round ${round}: only ${acks} acknowledged writes in ${loadMs} ms`);
    adopt(w, seen);
  }
  const seen = await readWorld(w, server.url, { checkAcks: () => true });
  expect({ final: true, violations: seen.violations }).toEqual({ final: true, violations: [] });
  expect(w.unexpected).toEqual([]);
  server.proc.kill('SIGTERM');
  await server.exited;
  const count = (k: AckKind) => w.acks.filter((a) => a.kind === k).length;
  report.push(
    `${w.acks.length} acknowledged writes, all checked after the last restart: ` +
      `${count('create')} create, ${count('schedule')} schedule, ${count('unschedule')} unschedule, ${count('plan')} plan, ${count('notice')} notice; ` +
      `${w.expected409} 409s from a notice racing a schedule; ${w.refused.length} other 409s; ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (w.refused.length) report.push(`other 409s (first 5): ${w.refused.slice(0, 5).join(' | ')}`);
  return report;
}

function newWorld(year: number, planning: boolean): World {
  return {
    committees: [A, B],
    year,
    cases: new Map(),
    meetings: new Map(),
    acks: [],
    unexpected: [],
    expected409: 0,
    refused: [],
    activePerClient: planning ? 3 : 0,
    planning,
    maxMeetingsPerCommittee: 40,
    nextDay: new Map([
      [A, 0],
      [B, 0],
    ]),
  };
}

async function freshServer(prefix: string) {
  const { dataDir, tokensFile } = newDataDir(prefix, TOKENS);
  const server = await startServer(dataDir, tokensFile);
  const h = await must(server.url, 'GET', '/api/health');
  expect(h.store.kind).toBe('sqlite');
  await must(server.url, 'POST', '/api/committees', { token: ADMIN, json: { code: A, name: 'Krasjutvalget' } });
  await must(server.url, 'POST', '/api/committees', { token: ADMIN, json: { code: B, name: 'Blandingsutvalget' } });
  return { dataDir, tokensFile, server };
}

test('kill -9 ten times while 16 clients schedule and unschedule: every acknowledged write stays, every case is scheduled on M exactly when M lists it', async () => {
  const { dataDir, tokensFile, server } = await freshServer('saksflyt-crash-agenda-');
  const w = newWorld(2027, false);
  // three meetings of KRA, two of KRB (the mix)
  const plan = async (code: string, date: string) => {
    const m = await must(server.url, 'POST', `/api/committees/${code}/meetings`, { token: SEC, json: { date, place: 'Oslo' } });
    w.meetings.set(m.id, { id: m.id, committee: code, state: m.state, noticing: false });
  };
  for (const d of ['2027-02-01', '2027-03-01', '2027-04-01']) await plan(A, d);
  for (const d of ['2027-02-15', '2027-03-15']) await plan(B, d);
  // four cases per client: three of KRA, one of KRB
  await pool(
    Array.from({ length: CLIENTS * 4 }, (_, i) => i),
    4,
    async (i) => {
      const k = Math.floor(i / 4);
      const committee = i % 4 === 3 ? B : A;
      const c = await must(server.url, 'POST', '/api/cases', {
        token: SEC,
        json: { committee, title: `Krasjsak ${k}.${i % 4}`, type: 'discussion', proposedResolution: 'Utvalget drøfter saken.' },
      });
      w.cases.set(c.id, { id: c.id, committee, state: 'draft', meetingId: null, retired: false });
      owner.set(c.id, k);
    },
  );
  const report = await crashRounds('crash-agenda (schedule/unschedule)', w, dataDir, tokensFile, server);
  console.log(`crash-agenda.e2e, schedule and unschedule:\n  ${report.join('\n  ')}`);
  expect(w.acks.filter((a) => a.kind === 'schedule').length).toBeGreaterThan(KILLS * 3);
  expect(w.acks.filter((a) => a.kind === 'unschedule').length).toBeGreaterThan(KILLS * 3);
}, 150_000);

test('kill -9 ten times with planning and notice in the mix: no meeting or case number burnt or given twice, no noticed meeting with an unnumbered case', async () => {
  const { dataDir, tokensFile, server } = await freshServer('saksflyt-crash-notice-');
  const w = newWorld(2028, true);
  const report = await crashRounds('crash-agenda (planning and notice)', w, dataDir, tokensFile, server);
  console.log(`crash-agenda.e2e, planning and notice:\n  ${report.join('\n  ')}`);
  expect(w.acks.filter((a) => a.kind === 'plan').length).toBeGreaterThan(KILLS);
  expect(w.acks.filter((a) => a.kind === 'notice').length).toBeGreaterThan(KILLS / 2);
  expect(w.acks.filter((a) => a.kind === 'schedule').length).toBeGreaterThan(KILLS * 3);
}, 150_000);
