/** The NEHS meetings 7/2018 (shortened), 8/2018 and 1/2019 as domain events; 8/2018's titles, types and
 * vedtak from the records (fixtures/records/nehs-2018-2019.json, after ../shared/seeds/002_*.txt). */
import path from 'node:path';
import { loadRecordFile, type CaseType } from '@saksflyt/records';
import { World } from '../src/testing/world.js';

const RECORD_8_2018 = loadRecordFile(path.join(process.cwd(), 'fixtures', 'records', 'nehs-2018-2019.json')).meetings!.find((m) => m.key === 'NEHS 8/2018')!;

/** The vedtak of 47/18–57/18 by case number, verbatim from the records. */
export const VEDTAK: Record<string, string> = Object.fromEntries(RECORD_8_2018.cases.map((c) => [c.number!, c.resolution!]));

/** The cases of 8/2018 that are no standard item, 49/18–56/18, as [number, title, type] (the engine
 * adds 47/18, 48/18 — the approval of 7/2018's minutes — and 57/18 itself). */
export const CASES_8_2018: [string, string, CaseType][] = RECORD_8_2018.cases.filter((c) => c.standardItem === null).map((c) => [c.number!, c.title, c.type]);

export interface Nehs {
  world: World;
  m7: string;
  m8: string;
  m1: string;
  /** Case ids of 8/2018 by number. */
  byNumber: Map<string, string>;
  followUp: string;
  members: Record<string, string>;
  /** Index into world.events where 1/2019 starts (for asOf checks). */
  before2019: number;
}

export function nehs(): Nehs {
  const w = new World('2018-09-01T08:00:00Z');
  w.createCommittee('NEHS', 'Nasjonalt e-helsestyre');
  const members: Record<string, string> = {
    chair: w.join('NEHS', 'Christine Bergland', 'Direktoratet for e-helse', 'chair'),
    hso: w.join('NEHS', 'Thomas Bagley', 'Helse Sør-Øst RHF'),
    fhi: w.join('NEHS', 'Camilla Stoltenberg', 'Folkehelseinstituttet'),
    nhn: w.join('NEHS', 'Tor Arne Viksjø', 'Norsk Helsenett SF', 'observer'),
  };
  w.registerProject('196', 'Oppruste og modernisere SYSVAK', 'FHI', 'gjennomføring', 'pågår');
  w.registerProject('101', 'Robust Mobilt Helsenett', 'Helse Nord RHF');
  w.continueNumbering('NEHS', 2018, 7, 44);
  const m7 = w.planMeeting('NEHS', '2018-09-12', 'Oslo', '10:00', '15:00');
  const strat0 = w.draftCase('NEHS', { title: 'Strategi', type: 'discussion', proposedResolution: 'Drøftes.' });
  w.schedule(strat0, m7);
  w.notice(m7);
  w.open(m7);
  for (const a of w.meetings.get(m7)!.agenda) {
    w.present(a.caseId, 'Sekretariatet');
    w.note(a.caseId, 'Tatt til orientering.');
  }
  w.adjourn(m7);

  w.advance(80 * 86_400_000);
  const m8 = w.planMeeting('NEHS', '2018-12-06', 'Radisson Blu Gardermoen', '10:00', '15:00');
  const ids = CASES_8_2018.map(([number, title, type]) =>
    w.draftCase('NEHS', {
      title,
      type,
      proposedResolution: `Forslag: ${title}`,
      projectIds: number === '52/18' ? ['196', '101'] : [],
    }),
  );
  for (const id of ids) w.schedule(id, m8);
  w.notice(m8);
  w.open(m8, [members.chair, members.hso, members.nhn], [members.fhi], ['Sonja T. Brugman']);
  const byNumber = new Map<string, string>();
  let followUp = '';
  const agenda = w.meetings.get(m8)!.agenda.map((a) => a.caseId);
  agenda.forEach((caseId, i) => byNumber.set(`${47 + i}/18`, caseId));
  for (const [number, caseId] of byNumber) {
    const c = w.cases.get(caseId)!;
    w.present(caseId, 'Sonja Turøy Brugman, Direktoratet for e-helse');
    if (number === '49/18') {
      [followUp] = w.discuss(caseId, 'Informert om endring i mandatet.', ['DIFI er medlem og kommer ikke frem i mandatet.'], [
        'Direktoratet for e-helse vil oppdatere mandatet.',
      ]);
    }
    const text = VEDTAK[number]!;
    if (c.type === 'endorsement' || c.type === 'approval') w.endorse(caseId, text);
    else w.note(caseId, text, number === '50/18' ? ['Dokumentene er i utvikling.'] : []);
  }
  w.adjourn(m8);
  w.reportStatus('196', { risk: 'høy', note: 'Rapporteres med høy risiko' });
  const before2019 = w.events.length;

  w.advance(60 * 86_400_000);
  const m1 = w.planMeeting('NEHS', '2019-02-15', 'Radisson Blu Gardermoen', '10:00', '12:00');
  const mandate = w.draftCase('NEHS', { title: 'Oppdatert mandat', type: 'orientation', proposedResolution: 'Tas til orientering.', meetsFollowUps: [followUp] });
  w.schedule(mandate, m1);
  w.notice(m1);
  w.open(m1);
  for (const a of w.meetings.get(m1)!.agenda) {
    w.present(a.caseId, 'Sekretariatet');
    if (a.standardItem === 'minutes-approval') w.endorse(a.caseId, 'Nasjonalt e-helsestyre godkjenner referat fra møtet 06.12.2018.');
    else if (a.standardItem === 'notice-approval') w.endorse(a.caseId, 'Nasjonalt e-helsestyre godkjenner innkalling og dagsorden.');
    else w.note(a.caseId, 'Tatt til orientering.');
  }
  w.adjourn(m1);
  return { world: w, m7, m8, m1, byNumber, followUp, members, before2019 };
}
