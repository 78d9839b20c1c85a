/**
 * Property: for any rule-following event sequence, building the views incrementally (appends in
 * chunks, the runner restarted or left running in between, small flush batches) gives exactly the
 * same documents and query answers as one rebuild from scratch.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { openSqliteStore } from '@saksflyt/event-store';
import { allProjections, ProjectionRunner } from '@saksflyt/projections';
import { World } from '../src/testing/world.js';
import { tempStore } from './helpers.js';

type Action = [kind: number, a: number, b: number];

const TITLES = ['Nasjonal e-helseportefølje 2020', 'Helsedataprogrammet', 'Felles grunnmur', 'Kjernejournal', 'E-resept'];
const COLLECTIONS = ['committee', 'meeting', 'case', 'minutes', 'decision', 'project', 'year', 'followup'];

function script(actions: Action[]): World {
  const w = new World('2019-11-01T08:00:00Z');
  const committees = ['NEHS', 'NUIT'];
  const members: Record<string, string[]> = { NEHS: [], NUIT: [] };
  const day: Record<string, number> = { NEHS: 0, NUIT: 0 };
  for (const c of committees) {
    w.createCommittee(c, c === 'NEHS' ? 'Nasjonalt e-helsestyre' : 'Prioriteringsutvalget');
    members[c].push(w.join(c, `Leder ${c}`, 'Direktoratet for e-helse', 'chair'));
  }
  const pick = <T>(xs: T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined);
  const cases = () => Array.from(w.cases.values());
  const meetings = () => Array.from(w.meetings.values());
  for (const [kind, a, b] of actions) {
    const committee = committees[a % 2];
    switch (kind) {
      case 0: {
        day[committee] += 20 + (b % 60);
        const date = new Date(Date.UTC(2019, 10, 1) + day[committee] * 86_400_000).toISOString().slice(0, 10);
        w.planMeeting(committee, date, 'Oslo', '10:00', b % 2 ? '15:00' : undefined);
        break;
      }
      case 1: {
        const projectIds = w.projects.filter((_, i) => (b >> i) & 1);
        const meets = w.followUps.filter((_, i) => (a >> (i + 1)) & 1);
        const types = ['endorsement', 'orientation', 'discussion', 'approval'] as const;
        w.draftCase(committee, { title: TITLES[b % TITLES.length], type: types[a % 4], proposedResolution: `Forslag ${b}`, projectIds, meetsFollowUps: meets });
        break;
      }
      case 2: {
        const c = pick(cases().filter((x) => x.state === 'draft' && !x.standardItem), a);
        const m = c && pick(meetings().filter((x) => x.state === 'planned' && x.committee === c.committee), b);
        if (c && m) w.schedule(c.id, m.id);
        break;
      }
      case 3:
      case 4:
      case 5:
      case 7:
      case 10: {
        // advance one meeting one step along its lifecycle
        const m = pick(meetings().filter((x) => x.state !== 'held'), a);
        if (!m) break;
        if (m.state === 'planned') w.notice(m.id);
        else if (m.state === 'noticed') w.open(m.id, members[m.committee].filter((_, i) => (b >> i) & 1), [], b % 3 ? [] : ['Gjest']);
        else {
          const open = m.agenda.map((x) => w.cases.get(x.caseId)!).find((c) => c.state === 'scheduled' || c.state === 'discussion');
          if (!open) w.adjourn(m.id);
          else if (open.state === 'scheduled') w.present(open.id, `Presenter ${b % 3}`);
          else if (b % 4 === 0) w.discuss(open.id, b % 8 ? `Oppsummering ${b}` : undefined, [`Innspill ${a}`], b % 3 === 0 ? [`Oppfølging ${b}`] : []);
          else if (b % 2 || open.standardItem === 'minutes-approval') w.endorse(open.id, `Vedtak ${b}`, b % 5 === 1 ? 'med forbehold' : undefined);
          else w.note(open.id, `Tatt til orientering ${b}`, [`Punkt ${a}`]);
        }
        break;
      }
      case 6: {
        const c = pick(cases().filter((x) => x.state === 'discussion'), a);
        if (c) w.discuss(c.id, b % 2 ? `Oppsummering ${b}` : undefined, [`Innspill ${a}`], b % 3 === 0 ? [`Oppfølging ${b}`] : []);
        break;
      }
      case 8: {
        const c = pick(cases().filter((x) => (x.state === 'scheduled' || x.state === 'discussion') && !x.standardItem), a);
        if (c && w.meetings.get(c.meetingId!)!.state !== 'held') w.postpone(c.id);
        break;
      }
      case 9: {
        const c = pick(cases().filter((x) => !x.standardItem && (x.state === 'draft' || (x.state === 'scheduled' && w.meetings.get(x.meetingId!)!.state === 'planned'))), a);
        if (c) w.withdraw(c.id);
        break;
      }
      case 10: {
        const m = pick(meetings().filter((x) => x.state === 'in_session'), a);
        if (m && m.agenda.every((x) => ['endorsement', 'orientation'].includes(w.cases.get(x.caseId)!.state))) w.adjourn(m.id);
        break;
      }
      case 11: {
        if (b % 2 || w.projects.length === 0) w.registerProject(String(100 + w.projects.length), `Prosjekt ${b}`, 'KS', b % 3 ? 'konsept' : undefined);
        else w.reportStatus(pick(w.projects, a)!, { risk: b % 3 ? 'høy' : 'lav', ...(b % 5 ? { phase: 'gjennomføring' } : {}), note: `Rapport ${b}` });
        break;
      }
      case 12: {
        if (b % 3 || members[committee].length < 2) members[committee].push(w.join(committee, `Medlem ${b}`, 'Helse Vest RHF', b % 4 ? 'member' : 'observer'));
        else {
          const id = members[committee].splice(1 + (a % (members[committee].length - 1)), 1)[0];
          w.leave(committee, id);
        }
        break;
      }
      case 13: {
        const c = pick(cases().filter((x) => x.state === 'scheduled' && !x.standardItem && w.meetings.get(x.meetingId!)!.state === 'planned'), a);
        if (c) w.unschedule(c.id);
        break;
      }
      case 14: {
        const c = pick(cases().filter((x) => x.state === 'draft'), a);
        if (c) w.editTitle(c.id, TITLES[b % TITLES.length]);
        break;
      }
    }
  }
  return w;
}

function dump(runner: ProjectionRunner): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const name of runner.names()) {
    const r = runner.reader(name);
    out[name] = {};
    for (const c of COLLECTIONS) out[name][c] = r.list(c).map((d) => JSON.stringify(d)).sort();
  }
  return out;
}

function answers(runner: ProjectionRunner, w: World): unknown {
  return {
    minutes: Array.from(w.meetings.keys()).map((meetingId) => runner.query('minutes', { meetingId }).view),
    decisions: [runner.query('decisions', {}).view, runner.query('decisions', { committee: 'NUIT', year: 2020 }).view, runner.query('decisions', { q: 'vedtak 1' }).view],
    portfolio: [runner.query('portfolio', {}).view, runner.query('portfolio', { year: 2020 }).view],
    cycle: [runner.query('annual-cycle', { committee: 'NEHS', year: 2020 }).view, runner.query('annual-cycle', {}).view],
    followups: [runner.query('followups', {}).view, runner.query('followups', { open: true }).view],
  };
}

describe('rebuild from scratch equals incremental building (property)', () => {
  it('holds for random event sequences with restarts in between', async () => {
    let withDecisions = 0;
    let withApprovedMinutes = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(14), fc.nat(1023), fc.nat(1023)), { minLength: 80, maxLength: 300 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { maxLength: 4 }),
        fc.integer({ min: 1, max: 40 }),
        async (actions, cuts, batchSize) => {
          const w = script(actions as Action[]);
          const t = await tempStore();
          try {
            const n = w.events.length;
            const points = [...new Set(cuts.map(([f]) => Math.floor(f * n)))].sort((a, b) => a - b);
            let runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: allProjections, batchSize });
            let from = 0;
            const bounds = [...points.filter((p) => p > 0 && p < n), n];
            for (const [i, to] of bounds.entries()) {
              const head = await w.appendTo(t.store, from, 32, to);
              from = to;
              if (head > 0n) expect((await runner.waitFor(head, 10_000)).reached).toBe(true);
              if (cuts[i]?.[1] ?? true) {
                await runner.stop();
                runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: allProjections, batchSize });
              }
            }
            await runner.whenCaughtUp();
            expect(runner.status().every((s) => s.status === 'running')).toBe(true);
            const incremental = { docs: dump(runner), answers: answers(runner, w) };
            await runner.stop();
            // the rebuild reads the log as a long catch-up does: pages read on the catch-up reader thread
            const reading = await openSqliteStore({ file: t.file, catchUpThreadMin: 0, pageSize: 13 });
            const rebuilt = await ProjectionRunner.start({ store: reading, file: `${t.dir}/rebuild.db`, projections: allProjections });
            await rebuilt.whenCaughtUp();
            expect(reading.stats.threadPages).toBeGreaterThanOrEqual(Math.floor(n / 13));
            expect({ docs: dump(rebuilt), answers: answers(rebuilt, w) }).toEqual(incremental);
            if (incremental.docs.registers.decision.length > 0) withDecisions++;
            if (Array.from(w.meetings.values()).some((m) => m.minutesApproved)) withApprovedMinutes++;
            await rebuilt.stop();
            await reading.close();
          } finally {
            await t.cleanup();
          }
        },
      ),
      { numRuns: 12 },
    );
    // the sequences reach the interesting states (not only plans and drafts)
    expect(withDecisions).toBeGreaterThan(3);
    expect(withApprovedMinutes).toBeGreaterThan(0);
  });
});
