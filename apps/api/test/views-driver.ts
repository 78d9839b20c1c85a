/**
 * Drives committees, meetings and cases over real HTTP for the views, documents, live and rebuild
 * e2e tests: NEHS Møte 8/2018 (cases 47/18–57/18, titles, types and vedtak from the records,
 * fixtures/records/nehs-2018-2019.json) and 1/2019 whose case 2/19 approves those minutes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRecordFile, type CaseRecord, type MeetingRecord, type StandardItem } from '@saksflyt/records';
import { startServer, tempDir, TEST_TOKENS, type Server } from './harness.js';
import { Global, Module } from '@nestjs/common';
import type { CreateAppOptions } from '../src/bootstrap.js';
import { PROJECTIONS_OPTIONS, type ProjectionsOptions } from '../src/projections/projections.module.js';

export const TOKENS = {
  ...TEST_TOKENS,
  'tok-member-nehs': { name: 'Bjørn Guldvog', roles: [{ role: 'member', committee: 'NEHS' }] },
  'tok-member-nuit': { name: 'Medlem NUIT', roles: [{ role: 'member', committee: 'NUIT' }] },
  'tok-secretariat-nuit': { name: 'Sekretariat NUIT', roles: [{ role: 'secretariat', committee: 'NUIT' }] },
};
export const ADMIN = 'tok-admin';
export const SEC = 'tok-secretariat-nehs';
export const MEMBER = 'tok-member-nehs';
export const OTHER = 'tok-member-nuit';
export const AUDITOR = 'tok-auditor';

/** A server with TOKENS; `dataDir` to restart on the same files. */
export async function startViewsServer(opts: CreateAppOptions & { dataDir?: string; keepDir?: boolean } = {}): Promise<Server> {
  const dataDir = opts.dataDir ?? tempDir('saksflyt-views-');
  const file = join(dataDir, 'tokens.json');
  writeFileSync(file, JSON.stringify(TOKENS));
  return startServer({ ...opts, dataDir, env: { ...(opts.env ?? {}), AUTH_TOKENS_FILE: file } });
}

type Opts = Parameters<Server['req']>[2];

/** A request that must answer `status` (2xx); throws with the answer otherwise. */
export async function call(s: Server, method: string, path: string, opts: Opts = {}, status?: number): Promise<any> {
  const r = await s.req(method, path, opts);
  const expected = status ?? (method === 'POST' && !/\/(schedule|present|record-discussion|endorse|note|notice|open|adjourn|postpone|withdraw|unschedule|refer)$/.test(path) ? 201 : 200);
  if (r.status !== expected) throw new Error(`${method} ${path} → ${r.status}, expected ${expected}: ${r.text}`);
  return r.json;
}

export interface CaseSpec {
  title: string;
  type: 'approval' | 'orientation' | 'endorsement' | 'discussion';
  outcome: 'endorse' | 'note';
  vedtak: string;
  projectIds?: string[];
}

/** NEHS Møte 8/2018 as the records hold it (fixtures/records/nehs-2018-2019.json): the one source of
 * its titles, types and vedtak. */
const RECORD_8_2018: MeetingRecord = loadRecordFile(join(process.cwd(), 'fixtures', 'records', 'nehs-2018-2019.json')).meetings!.find(
  (m) => m.key === 'NEHS 8/2018',
)!;
const recordCase = (item: StandardItem): CaseRecord => RECORD_8_2018.cases.find((c) => c.standardItem === item)!;
/** Driver-only extras by case number. */
const PROJECT_IDS: Record<string, string[]> = { '52/18': ['helsedata'], '56/18': ['helsedata'] };

/** The 9 cases between the standard items (48/18–56/18; 48/18 an ordinary approval case here, as
 * 8/2018 is the committee's first meeting in Saksflyt). */
export const CASES_8_2018: CaseSpec[] = RECORD_8_2018.cases
  .filter((c) => c.standardItem !== 'notice-approval' && c.standardItem !== 'any-other-business')
  .map((c) => ({
    title: c.title,
    type: c.type,
    outcome: c.outcome === 'endorsement' ? 'endorse' : 'note',
    vedtak: c.resolution!,
    ...(PROJECT_IDS[c.number!] ? { projectIds: PROJECT_IDS[c.number!] } : {}),
  }));

export const NOTICE_APPROVAL_VEDTAK = recordCase('notice-approval').resolution!;
export const EVENTUELT_VEDTAK = recordCase('any-other-business').resolution!;

export interface Nehs {
  meeting8: string;
  members: string[];
  /** case ids of 47/18..57/18 in agenda order */
  agenda: string[];
  /** the vedtak of each agenda case, in agenda order */
  vedtak: string[];
  titles: string[];
  /** position of the last write */
  position: number;
}

/** Committee NEHS with members and numbering continued at 8/2018 and 47/18; project "helsedata". */
export async function setupNehs(s: Server): Promise<{ members: string[]; position: number }> {
  await call(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } });
  const members: string[] = [];
  for (const [name, organisation, role] of [
    ['Bjørn Guldvog', 'Helsedirektoratet', 'chair'],
    ['Steffen Sutorius', 'DIFI', 'member'],
    ['Lars Vorland', 'Helse Nord RHF', 'member'],
    ['Håkon Grimstad', 'Norsk Helsenett SF', 'observer'],
  ])
    members.push((await call(s, 'POST', '/api/committees/NEHS/members', { token: ADMIN, json: { name, organisation, role } })).id);
  await call(s, 'PUT', '/api/committees/NEHS/numbering/2018', { token: ADMIN, json: { nextMeetingNumber: 8, nextCaseNumber: 47 } });
  const p = await call(s, 'POST', '/api/portfolio/projects', {
    token: SEC,
    json: { id: 'helsedata', name: 'Helsedataprogrammet', owner: 'Direktoratet for e-helse', phase: 'gjennomføring', status: 'pågår' },
  });
  return { members, position: p.position };
}

/** Plans, notices, holds and adjourns NEHS Møte 8/2018 (9 cases between the standard items). */
export async function driveNehs8(s: Server, members: string[]): Promise<Nehs> {
  const planned = await call(s, 'POST', '/api/committees/NEHS/meetings', {
    token: SEC,
    json: { date: '2018-12-06', startTime: '10:00', endTime: '15:00', place: 'Radisson Blu Gardermoen' },
  });
  const meeting8 = planned.id as string;
  for (const c of CASES_8_2018) {
    const created = await call(s, 'POST', '/api/cases', {
      token: SEC,
      json: {
        committee: 'NEHS',
        title: c.title,
        type: c.type,
        proposedResolution: c.vedtak,
        purpose: `Formål: ${c.title}`,
        caseOfficer: 'Sonja T. Brugman',
        ...(c.projectIds ? { projectIds: c.projectIds } : {}),
      },
    });
    await call(s, 'POST', `/api/cases/${created.id}/schedule`, { token: SEC, json: { meetingId: meeting8 } });
  }
  await call(s, 'POST', `/api/meetings/${meeting8}/notice`, { token: SEC });
  const m = await call(s, 'GET', `/api/meetings/${meeting8}`, { token: SEC });
  const agenda = (m.agenda as { caseId: string }[]).map((a) => a.caseId);
  await call(s, 'POST', `/api/meetings/${meeting8}/open`, {
    token: SEC,
    json: { present: [members[0], members[1], members[3]], absent: [members[2]], guests: ['Karl Vestli'] },
  });
  const vedtak = [NOTICE_APPROVAL_VEDTAK, ...CASES_8_2018.map((c) => c.vedtak), EVENTUELT_VEDTAK];
  const outcomes = ['endorse', ...CASES_8_2018.map((c) => c.outcome), 'note'];
  let position = 0;
  for (let i = 0; i < agenda.length; i++) {
    const id = agenda[i]!;
    await call(s, 'POST', `/api/cases/${id}/present`, { token: SEC, json: { presenter: 'Karl Vestli' } });
    if (i === 4)
      await call(s, 'POST', `/api/cases/${id}/record-discussion`, {
        token: SEC,
        json: { summary: 'Styret diskuterte strategien.', points: ['Tydeligere mål', 'Bedre forankring'], followUps: ['Ny sak om forankring'] },
      });
    position = (await call(s, 'POST', `/api/cases/${id}/${outcomes[i]}`, { token: SEC, json: { resolution: vedtak[i] } })).position;
  }
  position = (await call(s, 'POST', `/api/meetings/${meeting8}/adjourn`, { token: SEC })).position;
  const titles = (m.agenda as { title: string }[]).map((a) => a.title);
  return { meeting8, members, agenda, vedtak, titles, position };
}

/** Plans NEHS 1/2019, notices and opens it, endorses 2/19 (approval of the minutes of 8/2018). */
export async function approveMinutesOf8(s: Server, members: string[]): Promise<{ meeting1: string; position: number }> {
  const planned = await call(s, 'POST', '/api/committees/NEHS/meetings', {
    token: SEC,
    json: { date: '2019-02-15', startTime: '10:00', endTime: '15:00', place: 'Helsedirektoratet' },
  });
  const meeting1 = planned.id as string;
  await call(s, 'POST', `/api/meetings/${meeting1}/notice`, { token: SEC });
  const m = await call(s, 'GET', `/api/meetings/${meeting1}`, { token: SEC });
  await call(s, 'POST', `/api/meetings/${meeting1}/open`, { token: SEC, json: { present: [members[0], members[1]] } });
  const approval = (m.agenda as { caseId: string; title: string }[]).find((a) => a.title.startsWith('Godkjenning av referat'))!;
  await call(s, 'POST', `/api/cases/${approval.caseId}/present`, { token: SEC, json: { presenter: 'Bjørn Guldvog' } });
  const r = await call(s, 'POST', `/api/cases/${approval.caseId}/endorse`, {
    token: SEC,
    json: { resolution: 'Nasjonalt e-helsestyre godkjenner referat fra møtet 06.12.2018.' },
  });
  return { meeting1, position: r.position };
}

/** A global module overriding the projections options (short waits and heartbeats in tests). */
export function projectionsOptions(options: ProjectionsOptions) {
  @Global()
  @Module({ providers: [{ provide: PROJECTIONS_OPTIONS, useValue: options }], exports: [PROJECTIONS_OPTIONS] })
  class TestProjectionsOptionsModule {}
  return TestProjectionsOptionsModule;
}

/** Plans, notices and opens a NEHS meeting with `count` cases presented (ready to be endorsed or noted). */
export async function meetingInSession(s: Server, members: string[], count: number, date = '2019-05-02'): Promise<{ meetingId: string; cases: string[] }> {
  const planned = await call(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date, place: 'Oslo' } });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const c = await call(s, 'POST', '/api/cases', {
      token: SEC,
      json: { committee: 'NEHS', title: `Sak ${i + 1} ${date}`, type: 'endorsement', proposedResolution: `Styret gir sin tilslutning til sak ${i + 1}.`, projectIds: ['helsedata'] },
    });
    await call(s, 'POST', `/api/cases/${c.id}/schedule`, { token: SEC, json: { meetingId: planned.id } });
    ids.push(c.id);
  }
  await call(s, 'POST', `/api/meetings/${planned.id}/notice`, { token: SEC });
  await call(s, 'POST', `/api/meetings/${planned.id}/open`, { token: SEC, json: { present: [members[0], members[1]] } });
  for (const id of ids) await call(s, 'POST', `/api/cases/${id}/present`, { token: SEC, json: { presenter: 'Karl Vestli' } });
  return { meetingId: planned.id, cases: ids };
}
