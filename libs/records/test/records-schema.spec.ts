/**
 * The structured committee records in fixtures/records/*.json: every file is valid against the
 * schema at run time, the NEHS meetings say exactly what the records say (8/2018 decided,
 * 1/2019 only noticed), and the quoted Norwegian text is verbatim in the seeds.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCaseNumber, validateRecordFile, type CaseRecord, type MeetingRecord, type RecordFile } from '../src/schema.js';

const ROOT = process.cwd();
const RECORDS_DIR = join(ROOT, 'fixtures', 'records');
const SEEDS_DIR = resolve(ROOT, '..', 'shared', 'seeds');

const recordFiles = readdirSync(RECORDS_DIR).filter((f) => f.endsWith('.json')).sort();
const load = (f: string): unknown => JSON.parse(readFileSync(join(RECORDS_DIR, f), 'utf8'));
const file = (id: string): RecordFile => load(`${id}.json`) as RecordFile;

const seedFiles = readdirSync(SEEDS_DIR).filter((f) => /^\d{3}_.*\.txt$/.test(f));
const seedLines = (name: string): string[] => readFileSync(join(SEEDS_DIR, name), 'utf8').split('\n');
const seedFile = (prefix: string): string => {
  const f = seedFiles.find((x) => x.startsWith(`${prefix}_`));
  if (!f) throw new Error(`seed ${prefix} missing in ${SEEDS_DIR}`);
  return f;
};

/** Whitespace-and-hyphenation normalisation, applied the same way to seed and record text:
 * a hyphen after a letter at a line end, followed by a lower-case letter, joins without a space;
 * every other run of whitespace becomes one space. Nothing else is changed. */
function normalise(text: string): string {
  return text
    .replace(/(\p{L}-)[ \t]*\r?\n\s*(?=\p{Ll})/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
const seedText = new Map<string, string>();
function seed(prefix: string): string {
  if (!seedText.has(prefix)) seedText.set(prefix, normalise(readFileSync(join(SEEDS_DIR, seedFile(prefix)), 'utf8')));
  return seedText.get(prefix)!;
}
/** Paragraphs and list lines of a record string, each normalised. */
const pieces = (s: string): string[] => s.split(/\n+/).map(normalise).filter(Boolean);
function expectVerbatim(prefix: string, text: string, what: string): void {
  for (const p of pieces(text)) {
    if (!seed(prefix).includes(p)) throw new Error(`${what}: not verbatim in seed ${prefix}: «${p}»`);
  }
}

const meeting = (f: RecordFile, key: string): MeetingRecord => {
  const m = f.meetings?.find((x) => x.key === key);
  if (!m) throw new Error(`meeting ${key} missing`);
  return m;
};
const numbers = (cs: CaseRecord[]): (string | null)[] => cs.map((c) => c.number);

describe('record files against the schema', () => {
  it('finds the record files', () => {
    expect(recordFiles).toEqual(
      expect.arrayContaining(['nehs-2018-2019.json', 'nufa-2020.json', 'annual-plan-2020-q4.json', 'portfolio.json', 'felles-grunnmur.json', 'helseomsorg21.json']),
    );
  });

  it.each(recordFiles)('%s is valid and named by its id', (f) => {
    const data = load(f);
    expect(validateRecordFile(data)).toEqual([]);
    expect((data as RecordFile).id).toBe(f.replace(/\.json$/, ''));
  });

  it.each(recordFiles)('%s cites only existing seed lines', (f) => {
    const refs: Array<{ seed: string; lines: [number, number] }> = [];
    JSON.stringify(load(f), (k, v) => {
      if (v && typeof v === 'object' && typeof v.seed === 'string' && Array.isArray(v.lines)) refs.push(v);
      return v;
    });
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) {
      expect(seedFiles).toContain(r.seed);
      expect(r.lines[1]).toBeLessThanOrEqual(seedLines(r.seed).length);
    }
  });

  it('the committed files are exactly what the build makes from the seeds (no hand edits)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'records-'));
    try {
      const r = spawnSync(process.execPath, [join(RECORDS_DIR, 'tools', 'build-records.mjs'), dir], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const built = readdirSync(dir).sort();
      expect(built).toEqual([...recordFiles, 'README.md'].sort());
      for (const f of built) expect(readFileSync(join(dir, f), 'utf8')).toBe(readFileSync(join(RECORDS_DIR, f), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the validator rejects what the records do not say', () => {
    const nehs = load('nehs-2018-2019.json') as RecordFile;
    const m8 = nehs.meetings![0]!;
    const m1 = nehs.meetings![1]!;
    const bad = structuredClone(nehs);
    bad.meetings![0]!.cases[3]!.resolution = null; // a decided 8/2018 case without vedtak
    bad.meetings![1]!.cases[1]!.resolution = 'Nasjonalt e-helsestyre godkjenner referat.'; // 2/19 decided
    bad.meetings![0]!.cases[5]!.number = '99/18'; // numbering gap
    bad.meetings![1]!.date = '2019-02-30'; // no such date
    const [a, b] = [m8.cases.length, m1.cases.length];
    bad.meetings![1]!.cases.push(bad.meetings![1]!.cases.shift()!); // notice approval after Eventuelt
    const errors = validateRecordFile(bad);
    expect(errors.some((e) => e.includes('meetings[0].cases[3].resolution'))).toBe(true);
    expect(errors.some((e) => e.includes('meetings[1].cases[0].resolution') || e.includes('meetings[1].cases[1].resolution'))).toBe(true);
    expect(errors.some((e) => e.includes('not sequential'))).toBe(true);
    expect(errors.some((e) => e.includes('meetings[1].date'))).toBe(true);
    expect(errors.some((e) => e.includes('Eventuelt must be last'))).toBe(true);
    expect([a, b]).toEqual([11, 5]);
    expect(validateRecordFile({ ...nehs, extra: 1 })).toEqual(['$.extra: unknown field']);
  });

  it('the validator takes over the shape rules the workflow no longer checks (code, year, time, number, blank text)', () => {
    const nehs = load('nehs-2018-2019.json') as RecordFile;
    const bad = structuredClone(nehs) as RecordFile & Record<string, any>;
    bad.committees![0]!.code = 'nehs';
    bad.numbering![0]!.year = 18;
    bad.meetings![0]!.startTime = '24:00';
    bad.meetings![0]!.place = '   ';
    bad.meetings![0]!.cases[0]!.title = ' ';
    bad.history![0]!.number = '0/17';
    const errors = validateRecordFile(bad);
    for (const field of ['committees[0].code', 'numbering[0].year', 'meetings[0].startTime', 'meetings[0].place', 'meetings[0].cases[0].title', 'history[0].number'])
      expect(errors.some((e) => e.includes(field))).toBe(true);
    const year = structuredClone(nehs) as RecordFile & Record<string, any>;
    year.history![0]!.year = 17;
    expect(validateRecordFile(year).some((e) => e.includes('history[0].year'))).toBe(true);
  });
});

describe('NEHS 2018/2019 as the records say', () => {
  const nehs = file('nehs-2018-2019');
  const m8 = meeting(nehs, 'NEHS 8/2018');
  const m1 = meeting(nehs, 'NEHS 1/2019');

  it('has the 17 members and the observer, and the 8/2018 attendance', () => {
    expect(nehs.members!.filter((m) => m.role === 'member')).toHaveLength(17);
    expect(nehs.members!.filter((m) => m.role === 'observer').map((m) => m.name)).toEqual(['Håkon Grimstad']);
    expect(m8.attendance!.present).toHaveLength(15);
    expect(m8.attendance!.absent.map((a) => a.asRecorded)).toEqual(['Lars Vorland (Helse Nord RHF)', 'Cathrine Lofthus (Helse Sør-Øst RHF)']);
    expect(m1.noticedMembers).toHaveLength(17);
  });

  it('Møte 8/2018: 6 Dec 2018, 10.00–15.00, held, cases 47/18–57/18 each with its vedtak, minutes draft', () => {
    expect([m8.number, m8.date, m8.startTime, m8.endTime, m8.place]).toEqual(['8/2018', '2018-12-06', '10:00', '15:00', 'Radisson Blu Gardermoen']);
    expect(m8.endState).toBe('held');
    expect(m8.minutesStatus).toBe('draft');
    expect(numbers(m8.cases)).toEqual(['47/18', '48/18', '49/18', '50/18', '51/18', '52/18', '53/18', '54/18', '55/18', '56/18', '57/18']);
    for (const c of m8.cases) {
      expect(typeof c.resolution).toBe('string');
      expect(c.outcome).toBe(c.endState);
    }
    expect(m8.cases.map((c) => c.type)).toEqual([
      'approval', 'approval', 'orientation', 'orientation', 'endorsement', 'endorsement',
      'orientation', 'orientation', 'orientation', 'orientation', 'orientation',
    ]);
    expect(m8.cases.find((c) => c.number === '50/18')!.subItems.map((s) => s.label)).toEqual(['Nr. 1', 'NR. 2', 'NR. 3', 'NR. 4']);
    expect(m8.cases.find((c) => c.number === '51/18')!.conditions).toBe('med forbehold om at innspillene fra møtet innarbeides');
  });

  it('Møte 1/2019: 15 Feb 2019, noticed and not held, 1/19–5/19 with forslag til vedtak and no vedtak', () => {
    expect([m1.number, m1.date, m1.startTime, m1.endTime]).toEqual(['1/2019', '2019-02-15', '10:00', '12:00']);
    expect(m1.endState).toBe('noticed');
    expect(m1.attendance).toBeNull();
    expect(numbers(m1.cases)).toEqual(['1/19', '2/19', '3/19', '4/19', '5/19']);
    for (const c of m1.cases) {
      expect(c.resolution).toBeNull();
      expect(c.outcome).toBeNull();
      expect(c.endState).toBe('scheduled');
    }
    const c2 = m1.cases[1]!;
    expect(c2.standardItem).toBe('minutes-approval');
    expect(c2.proposedResolution).toBe('Nasjonalt e-helsestyre godkjenner referat fra møtet 6.desember 2018.');
    expect(m8.minutesApproval).toEqual({ meeting: 'NEHS 1/2019', case: '2/19', decided: false });
    expect(m1.cases.slice(0, 4).every((c) => typeof c.proposedResolution === 'string')).toBe(true);
  });

  it('numbering continues where the records show it', () => {
    expect(nehs.numbering).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ committee: 'NEHS', year: 2018, nextMeetingNumber: 8, nextCaseNumber: 47 }),
        expect.objectContaining({ committee: 'NEHS', year: 2019, nextMeetingNumber: 1, nextCaseNumber: 1 }),
      ]),
    );
    const first = parseCaseNumber(m8.cases[0]!.number!)!;
    expect(first.n).toBe(47);
  });

  it('keeps the earlier decisions quoted in the 2019 papers as history', () => {
    expect(nehs.history!.map((h) => `${h.number}:${h.year}`).sort()).toEqual(['16/18:2018', '21/18:2018', '27/18:2018', '29/18:2018', '34/18:2018', '39/17:2017'].sort());
  });

  it('every vedtak of 8/2018 is verbatim in seed 002', () => {
    for (const c of m8.cases) expectVerbatim('002', c.resolution!, `vedtak ${c.number}`);
    // and the check can fail: a changed character is caught
    expect(() => expectVerbatim('002', m8.cases[2]!.resolution!.replace('orientering', 'orienteringen '), 'mutated')).toThrow(/not verbatim/);
  });

  it('all other quoted NEHS text is verbatim in seed 002', () => {
    for (const m of [m8, m1]) {
      for (const c of m.cases) {
        expectVerbatim('002', c.title, `title ${c.number}`);
        for (const k of ['agendaTitle', 'casePaperTitle', 'proposedResolution', 'purpose', 'background', 'furtherWork', 'discussion', 'presenter'] as const) {
          const v = c[k];
          if (typeof v === 'string') expectVerbatim('002', v, `${k} ${c.number}`);
        }
        for (const s of [...c.points, ...c.followUps, ...c.subItems.flatMap((x) => [x.title, x.summary ?? '', x.resolution ?? ''])]) expectVerbatim('002', s, `list ${c.number}`);
      }
    }
    for (const h of nehs.history!) expectVerbatim('002', `${h.title}\n${h.wording}`, `history ${h.number}`);
  });

  it('notes the known errors instead of correcting them', () => {
    const n = nehs.notes.map((x) => x.record).join('\n');
    expect(n).toContain('1. januar 2010');
    expect(meeting(nehs, 'NEHS 1/2019').cases[3]!.purpose).toContain('1. januar 2010');
  });
});

describe('NUFA, annual plan, portfolio, matter, HelseOmsorg21', () => {
  const nufa = file('nufa-2020');
  const plan = file('annual-plan-2020-q4');
  const portfolio = file('portfolio');
  const fg = file('felles-grunnmur');
  const ho21 = file('helseomsorg21');

  it('NUFA webinar 28–29 Oct 2020: 33/20–40/20 with forslag til vedtak, noticed, verbatim in seed 003', () => {
    const m = meeting(nufa, 'NUFA 2020-10-28');
    expect([m.date, m.endDate, m.endState]).toEqual(['2020-10-28', '2020-10-29', 'noticed']);
    expect(numbers(m.cases)).toEqual(['33/20', '34/20', '35/20', '36/20', '37/20', '38/20', '39/20', '40/20']);
    for (const c of m.cases) {
      expect(typeof c.proposedResolution).toBe('string');
      expect(c.resolution).toBeNull();
      expectVerbatim('003', `${c.title}\n${c.proposedResolution}`, `NUFA ${c.number}`);
      for (const t of [c.purpose, c.background, ...(c.questions ?? [])]) if (typeof t === 'string') expectVerbatim('003', t, `NUFA ${c.number} paper`);
    }
  });

  it('annual plan Q4 2020 covers NUFA, NUIT, NEHS and the area committee, and keeps NUIT 15.11 vs 25.11', () => {
    const committees = new Set(plan.annualPlan!.map((e) => e.committee));
    for (const c of ['NUFA', 'NUIT', 'NEHS', 'OU-LM']) expect(committees.has(c)).toBe(true);
    const nuit = plan.annualPlan!.filter((e) => e.committee === 'NUIT').map((e) => e.date);
    expect(nuit).toEqual(expect.arrayContaining(['2020-11-15', '2020-11-25']));
    expect(plan.notes.some((n) => n.record.includes('15.11') && n.record.includes('25'))).toBe(true);
    for (const e of plan.annualPlan!) if (e.description) expectVerbatim('003', e.description, `plan ${e.dateAsRecorded}`);
  });

  it('portfolio rows 101–196 with owners and statuses, and the 52/18 endorsement', () => {
    const ids = portfolio.projects!.map((p) => p.id);
    expect(ids).toEqual(['101', '118', '163', '188', '190', '195', '196']);
    const p188 = portfolio.projects!.find((p) => p.id === '188')!;
    expect([p188.name, p188.owner, p188.status]).toEqual(['Neste generasjon nød- og beredskapskommunikasjon', 'Helsedirektoratet', 'Avsluttet']);
    for (const p of portfolio.projects!) expect(seed('003')).toContain(normalise(`${p.id} ${p.name} ${p.owner}`));
    const e = portfolio.portfolioEndorsements![0]!;
    expect([e.committee, e.caseNumber, e.portfolioYear, e.outcome]).toEqual(['NEHS', '52/18', 2019, 'endorsement']);
    expectVerbatim('002', e.resolution, '52/18');
  });

  it('Felles grunnmur travels NUFA 36/20 → NUIT 25.11 → NEHS 16.12, the last two only planned drafts', () => {
    const matter = fg.matters![0]!;
    expect(matter.steps.map((s) => `${s.committee}:${s.date}:${s.type}:${s.status}`)).toEqual([
      'NUFA:2020-10-28:discussion:on-agenda',
      'NUIT:2020-11-25:endorsement:planned',
      'NEHS:2020-12-16:endorsement:planned',
    ]);
    const c36 = meeting(nufa, 'NUFA 2020-10-28').cases.find((c) => c.number === '36/20')!;
    expect(c36.matterId).toBe(matter.matterId);
    expect(fg.plannedCases!.map((c) => [c.committee, c.matterId, c.endState])).toEqual([
      ['NUIT', matter.matterId, 'draft'],
      ['NEHS', matter.matterId, 'draft'],
    ]);
  });

  it('HelseOmsorg21 Sak 19/17 has four measures and only a proposal', () => {
    const c = ho21.helseOmsorg21![0]!;
    expect(c.number).toBe('19/17');
    expect(c.measures.map((m) => m.title)).toEqual(['Utarbeide rapport', 'Evaluere og endre lover og regler', 'Integrere i e-helsearbeidet', 'Organisering']);
    expect(c.resolution).toBeNull();
    for (const p of c.proposedResolution) expectVerbatim('004', p, '19/17 forslag');
    for (const m of c.measures) expectVerbatim('004', m.status, `19/17 tiltak ${m.number}`);
  });
});
