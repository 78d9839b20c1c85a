/**
 * Rebuilding every projection from scratch gives exactly the views built incrementally: a random
 * (seeded) sequence of commands over HTTP against a real server, every view read as JSON, then the
 * server restarted on the same data dir (1) as it is, resuming from its checkpoints, and (2) with
 * the projections' SQLite file deleted, so every view is rebuilt from position 0, and (3) with every
 * projection's version bumped (a new generation rebuilt, then swapped in); all reads equal.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from './harness.js';
import { PROJECTIONS_DB_FILE } from '../src/projections/projections.module.js';
import { allProjections } from '@saksflyt/projections';
import { ADMIN, SEC, call, projectionsOptions, startViewsServer } from './views-driver.js';

const SEC_NUIT = 'tok-secretariat-nuit';

/** mulberry32: a small seeded PRNG, so a failing sequence can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

const COMMITTEES = [
  { code: 'NEHS', token: SEC },
  { code: 'NUIT', token: SEC_NUIT },
] as const;
const TYPES = ['approval', 'orientation', 'endorsement', 'discussion'] as const;
const PROJECTS = ['p1', 'p2', 'p3'];

interface World {
  members: Record<string, string[]>;
  meetings: { id: string; committee: string; state: string }[];
  cases: { id: string; committee: string }[];
  followUps: string[];
}

async function randomCommands(s: Server, seed: number, steps: number): Promise<{ writes: number; refused: number }> {
  const r = prng(seed);
  const w: World = { members: {}, meetings: [], cases: [], followUps: [] };
  let writes = 0;
  let refused = 0;
  const send = async (method: string, path: string, token: string, json?: unknown) => {
    const res = await s.req(method, path, { token, ...(json !== undefined ? { json } : {}) });
    if (res.status >= 500) throw new Error(`${method} ${path} → ${res.status}: ${res.text}`);
    if (res.status < 300) writes++;
    else refused++;
    if (process.env.DEBUG_RANDOM) console.log(method, path.replace(/[0-9a-f-]{36}/g, ':id'), res.status, res.status >= 300 ? res.text.slice(0, 200) : '');
    return res;
  };
  for (const c of COMMITTEES) {
    await call(s, 'POST', '/api/committees', { token: ADMIN, json: { code: c.code, name: `Utvalg ${c.code}` } });
    w.members[c.code] = [];
    for (let i = 0; i < 4; i++)
      w.members[c.code]!.push(
        (await call(s, 'POST', `/api/committees/${c.code}/members`, { token: ADMIN, json: { name: `M${i} ${c.code}`, organisation: `Org ${i}`, role: i === 3 ? 'observer' : i === 0 ? 'chair' : 'member' } })).id,
      );
  }
  for (const p of PROJECTS) await call(s, 'POST', '/api/portfolio/projects', { token: SEC, json: { id: p, name: `Prosjekt ${p}`, owner: 'Eier' } });
  let day = 0;
  for (let step = 0; step < steps; step++) {
    const roll = r.next();
    const c = r.pick(COMMITTEES);
    if (roll < 0.05 || w.meetings.length === 0) {
      day += 1 + r.int(40);
      const date = new Date(Date.UTC(2019, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
      const res = await send('POST', `/api/committees/${c.code}/meetings`, c.token, { date, place: 'Oslo', startTime: '10:00', endTime: '15:00' });
      if (res.status === 201) w.meetings.push({ id: res.json.id, committee: c.code, state: 'planned' });
    } else if (roll < 0.22) {
      const res = await send('POST', '/api/cases', c.token, {
        committee: c.code,
        title: `Sak ${step} om ${r.pick(['e-helse', 'grunnmur', 'portefølje', 'strategi'])}`,
        type: r.pick(TYPES),
        proposedResolution: `Forslag ${step}.`,
        purpose: `Formål ${step}`,
        projectIds: r.next() < 0.4 ? [r.pick(PROJECTS)] : [],
        ...(w.followUps.length && r.next() < 0.3 ? { meetsFollowUps: [r.pick(w.followUps)] } : {}),
      });
      if (res.status === 201) w.cases.push({ id: res.json.id, committee: c.code });
    } else if (roll < 0.3) {
      const m = r.pick(w.meetings);
      const tok = COMMITTEES.find((x) => x.code === m.committee)!.token;
      const meeting = (await call(s, 'GET', `/api/meetings/${m.id}`, { token: ADMIN })) as { state: string };
      let res;
      if (meeting.state === 'planned') res = await send('POST', `/api/meetings/${m.id}/notice`, tok);
      else if (meeting.state === 'noticed') {
        const ms = w.members[m.committee]!;
        res = await send('POST', `/api/meetings/${m.id}/open`, tok, { present: ms.slice(0, 2 + r.int(2)), absent: ms.slice(3), guests: ['Gjest'] });
      } else if (meeting.state === 'in_session' && r.next() < 0.25) res = await send('POST', `/api/meetings/${m.id}/adjourn`, tok);
      if (res && res.status === 200) m.state = res.json.state;
    } else if (roll < 0.65) {
      // push a case of a meeting in session forward: present, discuss, endorse or note
      const inSession = w.meetings.filter((x) => x.state === 'in_session');
      if (!inSession.length) continue;
      const m = r.pick(inSession);
      const tok = COMMITTEES.find((x) => x.code === m.committee)!.token;
      const meeting = (await call(s, 'GET', `/api/meetings/${m.id}`, { token: ADMIN })) as { state: string; agenda: { caseId: string; state: string }[] };
      const open = meeting.agenda.filter((a) => a.state === 'scheduled' || a.state === 'discussion');
      if (!open.length) continue;
      const a = r.pick(open);
      if (a.state === 'scheduled') await send('POST', `/api/cases/${a.caseId}/present`, tok, { presenter: 'Saksbehandler' });
      else if (r.next() < 0.3)
        await send('POST', `/api/cases/${a.caseId}/record-discussion`, tok, { summary: `Referat ${step}`, points: [`Innspill ${step}`], followUps: r.next() < 0.5 ? [`Oppfølging ${step}`] : [] });
      else if (r.next() < 0.5) await send('POST', `/api/cases/${a.caseId}/endorse`, tok, { resolution: `Vedtak ${step}.` });
      else await send('POST', `/api/cases/${a.caseId}/note`, tok, { resolution: `Tatt til orientering ${step}.` });
    } else if (roll < 0.68) {
      await send('POST', `/api/portfolio/projects/${r.pick(PROJECTS)}/reports`, SEC, { status: r.pick(['pågår', 'forsinket']), risk: r.pick(['lav', 'høy']), note: `Rapport ${step}` });
    } else if (w.cases.length) {
      let k = r.pick(w.cases);
      if (r.next() < 0.6) {
        // a case on a meeting's agenda (standard items included), so meetings get held
        const m = r.pick(w.meetings);
        const agenda = ((await call(s, 'GET', `/api/meetings/${m.id}`, { token: ADMIN })) as { agenda: { caseId: string }[] }).agenda;
        if (agenda.length) k = { id: r.pick(agenda).caseId, committee: m.committee };
      }
      const tok = COMMITTEES.find((x) => x.code === k.committee)!.token;
      const got = (await call(s, 'GET', `/api/cases/${k.id}`, { token: tok })) as { allowedCommands: string[] };
      // a vote needs the meeting's members (the votes e2e covers it): not part of this walk
      const allowed = got.allowedCommands.filter((x) => x !== 'vote');
      if (!allowed.length) continue;
      // progress is likelier than retreat, so meetings get held and cases decided
      const weighted = allowed.flatMap((x) => (['present', 'endorse', 'note', 'schedule', 'record-discussion'].includes(x) ? [x, x, x, x, x, x] : [x]));
      const cmd = r.pick(weighted);
      const path = `/api/cases/${k.id}/${cmd}`;
      switch (cmd) {
        case 'schedule': {
          const options = w.meetings.filter((m) => m.committee === k.committee);
          if (options.length) await send('POST', path, tok, { meetingId: r.pick(options.slice(-2)).id });
          break;
        }
        case 'present':
          await send('POST', path, tok, { presenter: 'Saksbehandler' });
          break;
        case 'record-discussion': {
          const res = await send('POST', path, tok, { summary: `Referat ${step}`, points: [`Innspill ${step}`], followUps: r.next() < 0.5 ? [`Oppfølging ${step}`] : [] });
          if (res.status === 200) {
            const fu = (await call(s, 'GET', `/api/followups?minPosition=${res.json.position}`, { token: ADMIN })) as { id: string }[];
            w.followUps = fu.map((f) => f.id);
          }
          break;
        }
        case 'endorse':
          await send('POST', path, tok, { resolution: `Vedtak ${step}.`, ...(r.next() < 0.3 ? { conditions: 'Med forbehold.' } : {}) });
          break;
        case 'note':
          await send('POST', path, tok, { resolution: `Tatt til orientering ${step}.`, input: r.next() < 0.5 ? [`Innspill ${step}`] : [] });
          break;
        case 'refer': {
          const other = COMMITTEES.find((x) => x.code !== k.committee)!;
          // a reason is needed when referred before a decision (from discussion)
          const res = await send('POST', path, tok, { toCommittee: other.code, type: r.pick(TYPES), reason: `Sendt videre ${step}` });
          if (res.status === 200 && res.json.referredCaseId) w.cases.push({ id: res.json.referredCaseId, committee: other.code });
          break;
        }
        case 'edit':
          await send('PATCH', `/api/cases/${k.id}`, tok, { title: `Endret ${step}` });
          break;
        case 'written-procedure':
          await send('POST', path, tok, { deadline: '2099-12-31' });
          break;
        case 'amend':
          await send('POST', path, tok, { reason: `Rettelse ${step}`, resolution: `Rettet vedtak ${step}.` });
          break;
        default: // unschedule, postpone, withdraw
          await send('POST', path, tok, { reason: `Grunn ${step}` });
      }
    }
  }
  return { writes, refused };
}

/** Every view as JSON (admin sees everything), at the store's head. */
async function readAll(s: Server): Promise<Record<string, unknown>> {
  const head = (await call(s, 'GET', '/api/health')).store.headPosition as number;
  const at = `minPosition=${head}`;
  const out: Record<string, unknown> = {};
  out.decisions = await call(s, 'GET', `/api/decisions?${at}`);
  out.decisionsNehs2019 = await call(s, 'GET', `/api/decisions?committee=NEHS&year=2019&${at}`);
  out.decisionsQ = await call(s, 'GET', `/api/decisions?q=e-helse&${at}`);
  out.portfolio = await call(s, 'GET', `/api/portfolio?${at}`);
  out.portfolio2019 = await call(s, 'GET', `/api/portfolio?year=2019&${at}`);
  out.followups = await call(s, 'GET', `/api/followups?${at}`, { token: ADMIN });
  out.followupsPublic = await call(s, 'GET', `/api/followups?${at}`);
  for (const c of COMMITTEES) out[`cycle-${c.code}`] = await call(s, 'GET', `/api/committees/${c.code}/annual-cycle?${at}`);
  const meetings = [
    ...((await call(s, 'GET', '/api/committees/NEHS/meetings', { token: ADMIN })) as { id: string }[]),
    ...((await call(s, 'GET', '/api/committees/NUIT/meetings', { token: ADMIN })) as { id: string }[]),
  ];
  for (const m of meetings) {
    out[`minutes-${m.id}`] = await call(s, 'GET', `/api/meetings/${m.id}/minutes?${at}`, { token: ADMIN });
    out[`notice-${m.id}`] = await call(s, 'GET', `/api/meetings/${m.id}/notice?${at}`, { token: ADMIN });
    const md = await s.req('GET', `/api/meetings/${m.id}/minutes?${at}`, { token: ADMIN, headers: { accept: 'text/markdown' } });
    out[`minutes-md-${m.id}`] = md.text;
  }
  out.head = head;
  return out;
}

describe('rebuild from scratch equals incremental building (random commands over HTTP)', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close().catch(() => undefined);
  });

  for (const seed of [20181206, 4242]) {
    it(`seed ${seed}: restart resuming, with the projection tables dropped, and with versions bumped give the same views`, async () => {
      let s = await startViewsServer({ keepDir: true });
      servers.push(s);
      const dataDir = s.dataDir;
      // 500 steps: with minutes approved only by their own item (never noted) fewer random steps decide a case
      const { writes } = await randomCommands(s, seed, 500);
      expect(writes).toBeGreaterThan(100);
      console.log(`seed ${seed}: ${writes} writes`);
      const incremental = await readAll(s);
      expect((incremental.decisions as unknown[]).length).toBeGreaterThan(8);
      console.log(`seed ${seed}: ${(incremental.decisions as unknown[]).length} decisions, ${Object.keys(incremental).length} reads`);
      await s.close();

      s = await startViewsServer({ dataDir, keepDir: true });
      servers.push(s);
      expect(await readAll(s)).toEqual(incremental);
      await s.close();

      for (const f of readdirSync(dataDir)) if (f.startsWith(PROJECTIONS_DB_FILE)) rmSync(join(dataDir, f));
      expect(existsSync(join(dataDir, PROJECTIONS_DB_FILE))).toBe(false);
      s = await startViewsServer({ dataDir, keepDir: true });
      servers.push(s);
      const rebuilt = await readAll(s);
      const health = await call(s, 'GET', '/api/health');
      expect(health.projections.every((p: { status: string }) => p.status === 'running')).toBe(true);
      expect(rebuilt).toEqual(incremental);
      await s.close();

      // every projection's version bumped: rebuilt into a new generation beside the old one, then swapped in
      const bumped = allProjections.map((p) => ({ ...p, version: p.version + 1 }));
      s = await startViewsServer({ dataDir, keepDir: true, extraModules: [projectionsOptions({ projections: bumped })] });
      servers.push(s);
      expect(await readAll(s)).toEqual(incremental);
      const h2 = await call(s, 'GET', '/api/health');
      for (const p of h2.projections) expect(p).toMatchObject({ status: 'running', serving: { version: p.version } });
      expect(h2.projections.map((p: { version: number }) => p.version)).toEqual(bumped.map((p) => p.version));
      await s.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
  }
});
