/**
 * The importer on a real SQLite store (temp file): every record file in the README's order into an
 * empty store, read back through the application service (the same reads the API serves); then a
 * second import writes nothing, and a file whose dependencies are missing fails before writing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore, type EventStore, type RecordedEvent } from '@saksflyt/event-store';
import { loadProject } from '@saksflyt/portfolio';
import { Workflow, type MeetingView } from '@saksflyt/workflow';
import {
  IMPORT_MARKER_TYPE,
  ImportError,
  historyOutcome,
  importRecords,
  importStream,
  loadRecordFile,
  recordFilesInOrder,
  type ImportResult,
  type RecordFile,
  type RecordFileImportedData,
} from '../src/index.js';

const RECORDS_DIR = path.join(process.cwd(), 'fixtures', 'records');
const loadAll = (): RecordFile[] => recordFilesInOrder(RECORDS_DIR).map(loadRecordFile);

async function tempStore(): Promise<{ store: EventStore; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'saksflyt-records-'));
  const store = await openSqliteStore({ file: path.join(dir, 'saksflyt.db') });
  return {
    store,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function readStream(store: EventStore, stream: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readStream(stream)) out.push(e);
  return out;
}

describe('importRecords: the real records into an empty SQLite store', () => {
  let t: Awaited<ReturnType<typeof tempStore>>;
  let wf: Workflow;
  let files: RecordFile[];
  let first: ImportResult;
  let ids: Record<string, RecordFileImportedData>;
  /** The store right after the first import: its head position and how many events it holds. */
  let afterFirst: { head: bigint; events: number };
  const file = (id: string): RecordFile => files.find((f) => f.id === id)!;
  const meetingOf = async (key: string, fileId: string): Promise<MeetingView> => wf.getMeeting(ids[fileId]!.meetings[key]!);

  beforeAll(async () => {
    t = await tempStore();
    files = loadAll();
    first = await importRecords(t.store, files);
    afterFirst = { head: await t.store.headPosition(), events: 0 };
    for await (const _ of t.store.readAll()) afterFirst.events++;
    wf = new Workflow(t.store);
    ids = {};
    for (const f of files) ids[f.id] = (await readStream(t.store, importStream(f.id)))[0]!.data as RecordFileImportedData;
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes the files in the README order and imports each once', () => {
    expect(files.map((f) => f.id)).toEqual(['nehs-2018-2019', 'portfolio', 'annual-plan-2020-q4', 'nufa-2020', 'felles-grunnmur', 'helseomsorg21']);
    expect(first.files.map((f) => [f.fileId, f.status])).toEqual(files.map((f) => [f.id, 'imported']));
    expect(first.imported).toMatchObject({
      files: 6,
      committees: 5, // NEHS, NUFA, NUIT, OU-LM, HO21 (NUFA is in two files, created once)
      members: 18,
      meetings: 4, // NEHS 8/2018 held; NEHS 1/2019, the NUFA webinar and HO21 19/17 noticed
      meetingsHeld: 1,
      meetingsNoticed: 3,
      cases: 16 + 8 + 1,
      decisions: 11,
      history: 6,
      projects: 7,
      portfolioEndorsements: 1,
      plannedMeetings: 8,
      plannedCases: 2,
      matters: 1,
      helseOmsorg21: 1,
    });
    expect(first.skipped.existing.committees).toBe(1);
    // into an empty store: every event is the import's, and its position is the head (a position, not a count)
    expect(first.imported.events).toBe(afterFirst.events);
    expect(first.position).toBe(afterFirst.head);
  });

  it('NEHS 8/2018: held, cases 47/18–57/18 in the recorded order with every vedtak verbatim, minutes draft', async () => {
    const rec = file('nehs-2018-2019').meetings!.find((m) => m.key === 'NEHS 8/2018')!;
    const m = await meetingOf('NEHS 8/2018', 'nehs-2018-2019');
    expect(m).toMatchObject({ number: '8/2018', date: '2018-12-06', state: 'held', minutes: 'draft', place: rec.place, startTime: '10:00', endTime: '15:00' });
    expect(m.agenda.map((a) => a.number)).toEqual(['47/18', '48/18', '49/18', '50/18', '51/18', '52/18', '53/18', '54/18', '55/18', '56/18', '57/18']);
    expect(m.attendance!.present).toHaveLength(rec.attendance!.present.length + rec.attendance!.observers.length);
    expect(m.attendance!.absent).toHaveLength(2);
    expect(m.attendance!.guests).toEqual(['Erik M. Hansen', 'Marianne Braaten']);
    // the secretariat's staff present, as the minutes list them under "Direktoratet for e-helse"
    expect(m.attendance!.secretariat).toEqual(['Karl Vestli', 'Bodil Rabben', 'Siv Ingebrigtsen', 'Vidar Mikkelsen', 'Sonja T. Brugman', 'Camilla Smaadal', 'Kristin Bang']);
    expect([m.attendance!.remote, m.attendance!.standingIn]).toEqual([[], []]);
    for (const [i, c] of rec.cases.entries()) {
      const v = await wf.getCase(m.agenda[i]!.caseId);
      expect({ number: v.number, title: v.title, type: v.type, state: v.state, resolution: v.resolution }).toEqual({
        number: c.number,
        title: c.title,
        type: c.type,
        state: c.outcome,
        resolution: c.resolution,
      });
      expect(v.conditions).toBe(c.conditions);
      expect(v.proposedResolution).toBe(''); // no forslag til vedtak in the records: never the vedtak
      if (c.presenter) expect(v.presenter).toBe(c.presenter);
      expect(v.discussion.flatMap((d) => d.followUps.map((f) => f.text))).toEqual(c.followUps);
      // the recorded actor and time of the decision in the metadata; the import time kept as recordedAt
      const history = await wf.caseHistory(v.id);
      const decided = history.find((h) => h.type === 'ResolutionEndorsed' || h.type === 'CaseNoted')!;
      expect(decided.actor).toBe(c.actor);
      expect(Date.parse(decided.at)).toBe(Date.parse(c.at.decided!.at));
      expect(new Date(decided.recordedAt).getUTCFullYear()).toBeGreaterThan(2025);
    }
    expect((await wf.getCase(m.agenda[5]!.caseId)).state).toBe('endorsement'); // 52/18 portfolio 2019
  });

  it('NEHS 50/18 carries its four sub-items from the records, labels and titles as written', async () => {
    const rec = file('nehs-2018-2019').meetings!.find((m) => m.key === 'NEHS 8/2018')!.cases.find((c) => c.number === '50/18')!;
    const m = await meetingOf('NEHS 8/2018', 'nehs-2018-2019');
    const v = await wf.getCase(m.agenda.find((a) => a.number === '50/18')!.caseId);
    expect(v.items).toEqual(rec.subItems.map((it) => ({ label: it.label, title: it.title })));
    expect(v.items!.map((it) => it.label)).toEqual(['Nr. 1', 'NR. 2', 'NR. 3', 'NR. 4']);
    // the other cases have none
    for (const a of m.agenda.filter((x) => x.number !== '50/18')) expect((await wf.getCase(a.caseId)).items).toBeUndefined();
  });

  it('NEHS 1/2019: noticed and not held, 1/19–5/19 in the record order; 2/19 not endorsed, so the 8/2018 minutes stay draft', async () => {
    const rec = file('nehs-2018-2019').meetings!.find((m) => m.key === 'NEHS 1/2019')!;
    const m = await meetingOf('NEHS 1/2019', 'nehs-2018-2019');
    expect(m).toMatchObject({ number: '1/2019', state: 'noticed', minutes: 'draft', attendance: null });
    expect(m.agenda.map((a) => [a.number, a.title, a.state])).toEqual(rec.cases.map((c) => [c.number, c.title, 'scheduled']));
    expect(m.agenda[1]).toMatchObject({ number: '2/19', standardItem: 'minutes-approval' });
    const k = await wf.getCase(m.agenda[1]!.caseId);
    expect(k.proposedResolution).toBe(rec.cases[1]!.proposedResolution);
    expect(k.resolution).toBeNull();
    expect(m.previousMeetingId).toBe(ids['nehs-2018-2019']!.meetings['NEHS 8/2018']);
    expect((await meetingOf('NEHS 8/2018', 'nehs-2018-2019')).minutesApprovedBy).toBeNull();
  });

  it('the NUFA webinar: noticed with 33/20–40/20, the minutes approval folded into 33/20 and no Eventuelt', async () => {
    const rec = file('nufa-2020').meetings![0]!;
    const m = await meetingOf(rec.key, 'nufa-2020');
    expect(m.state).toBe('noticed');
    // its two days and its format (webinar) as the record gives them
    expect(m).toMatchObject({ date: '2020-10-28', endDate: '2020-10-29', format: 'webinar', kind: 'ordinary' });
    expect(m.agenda.map((a) => [a.number, a.title])).toEqual(rec.cases.map((c) => [c.number, c.title]));
    expect(m.agenda.some((a) => a.standardItem === 'any-other-business')).toBe(false);
    expect(first.imported.withdrawnStandardItems).toBe(2 + 2); // NUFA: minutes approval + Eventuelt; HO21: notice approval + Eventuelt
    const k35 = await wf.getCase(m.agenda.find((a) => a.number === '35/20')!.caseId);
    expect(k35.projectIds).toEqual(['101', '118', '163', '188', '190', '195', '196']);
  });

  it('Felles grunnmur: NUFA 36/20 (on the agenda) → NUIT → NEHS (drafts), in that order, nothing decided', async () => {
    const matter = await wf.getMatter('felles-grunnmur-2021');
    expect(matter.cases.map((c) => [c.committee, c.number, c.type, c.state])).toEqual([
      ['NUFA', '36/20', 'discussion', 'scheduled'],
      ['NUIT', null, 'endorsement', 'draft'],
      ['NEHS', null, 'endorsement', 'draft'],
    ]);
  });

  it('annual plan: planned meetings of NUFA, NUIT, NEHS and OU-LM; the NUFA 28.10 entry is the webinar, not a second meeting', async () => {
    const nufa = await wf.listMeetings('NUFA', { year: 2020 });
    expect(nufa.map((x) => [x.date, x.state])).toEqual([
      ['2020-08-26', 'planned'],
      ['2020-10-28', 'noticed'],
    ]);
    expect((await wf.listMeetings('NUIT')).map((x) => x.date)).toEqual(['2020-09-09', '2020-11-25']);
    expect((await wf.listMeetings('OU-LM')).map((x) => x.date)).toEqual(['2020-09-25', '2020-10-23', '2020-12-04']);
    expect((await wf.listMeetings('NEHS', { year: 2020 })).map((x) => [x.date, x.state])).toEqual([
      ['2020-09-16', 'planned'],
      ['2020-12-16', 'planned'],
    ]);
  });

  it('portfolio rows 101…196 with owners and recorded statuses; history and HelseOmsorg21 19/17', async () => {
    for (const p of file('portfolio').projects!) {
      const s = await loadProject(t.store, p.id);
      expect({ name: s.name, owner: s.owner, status: s.status }).toEqual({ name: p.name, owner: p.owner, status: p.status });
    }
    const nehs = ids['nehs-2018-2019']!;
    expect(nehs.history.map((h) => h.number)).toEqual(['27/18', '34/18', '29/18', '21/18', '16/18', '39/17']);
    const quoting4 = nehs.cases['NEHS 4/19'];
    expect(nehs.history.filter((h) => h.quotedInCaseIds.includes(quoting4!)).length).toBe(5);
    const ho = await wf.getCase(ids['helseomsorg21']!.cases['HO21 19/17']!);
    expect(ho).toMatchObject({ number: '19/17', state: 'scheduled', resolution: null, title: file('helseomsorg21').helseOmsorg21![0]!.title });
    expect(ho.background!.split('\n\n')).toHaveLength(4);
  });

  it('the six earlier decisions are history streams, verbatim, with only the outcomes their wording states', async () => {
    const nehsFile = file('nehs-2018-2019');
    const list = await wf.listHistory('NEHS');
    expect(list.map((h) => h.number)).toEqual(['27/18', '34/18', '29/18', '21/18', '16/18', '39/17']);
    expect(list.map((h) => h.outcome)).toEqual(['endorsement', null, null, 'endorsement', 'orientation', 'endorsement']);
    const m1 = nehsFile.meetings!.find((m) => m.key === 'NEHS 1/2019')!;
    for (const [i, h] of nehsFile.history!.entries()) {
      const v = list[i]!;
      expect(v).toMatchObject({ id: `history-NEHS-${h.number.replace('/', '-')}`, committee: 'NEHS', year: h.year, title: h.title, wording: h.wording, date: null, minutesApproved: false, actor: nehsFile.actor });
      expect(v.matterId).toBe(h.matterId);
      expect(v.source).toEqual({ citedBy: h.quotedIn, citedByCaseIds: h.quotedIn.map((q) => ids['nehs-2018-2019']!.cases[q]), seeds: h.source });
      // when the quoting paper was issued: the notice of 1/2019 (all six are quoted in 1/2019 papers)
      expect(v.at).toBe((m1.at.noticed ?? m1.at.planned).at);
      expect(v.note).toMatch(v.outcome ? /Outcome from the quoted wording/ : /does not state one outcome/);
      const events = await readStream(t.store, v.id);
      expect(events.map((e) => e.type)).toEqual(['HistoricalDecisionRecorded']);
    }
    // no number was taken: 2017 numbering untouched
    expect(await wf.getNumbering('NEHS', 2017)).toMatchObject({ revision: -1n, nextCaseNumber: 1, nextMeetingNumber: 1 });
  });

  it('historyOutcome reads only an outcome the first sentence states', () => {
    expect(historyOutcome('Nasjonalt e-helsestyre tilslutter seg anbefalingene om stegvis implementering.')).toEqual({ outcome: 'endorsement', phrase: 'tilslutter seg' });
    expect(historyOutcome('Nasjonalt e-helsestyre gir sin tilslutning til konsept 7.')?.outcome).toBe('endorsement');
    expect(historyOutcome('Nasjonalt e-helsestyre tar saken til orientering med følgende innspill:\n\n1. X')?.outcome).toBe('orientation');
    // a later sentence does not count; "er orientert om" is not "tar til orientering"
    expect(historyOutcome('Nasjonalt e-helsestyre understreker behovet.\n\nFor øvrig tar Nasjonalt e-helsestyre saken til orientering')).toBeNull();
    expect(historyOutcome('Nasjonalt e-helsestyre er orientert om rapport "X", og understreker behovet.')).toBeNull();
    expect(historyOutcome('Styret tilslutter seg forslaget og tar saken til orientering.')).toBeNull();
  });

  it('a second import of the same files writes nothing (head position unchanged)', async () => {
    const head = await t.store.headPosition();
    const again = await importRecords(t.store, loadAll());
    expect(await t.store.headPosition()).toBe(head);
    expect(again.position).toBe(head);
    expect(again.imported.files).toBe(0);
    expect(again.skipped.files.map((f) => f.fileId)).toEqual(files.map((f) => f.id));
    const one = await importRecords(t.store, loadRecordFile(path.join(RECORDS_DIR, 'nehs-2018-2019.json')));
    expect(one.files[0]!.status).toBe('skipped');
    expect(await t.store.headPosition()).toBe(head);
    const markers = await readStream(t.store, importStream('nehs-2018-2019'));
    expect(markers.map((e) => e.type)).toEqual([IMPORT_MARKER_TYPE]);
  });

  it('a changed file under an imported id is refused, nothing written', async () => {
    const head = await t.store.headPosition();
    const changed = structuredClone(file('portfolio'));
    changed.projects![0]!.status = 'Pågår';
    await expect(importRecords(t.store, changed)).rejects.toThrow(ImportError);
    expect(await t.store.headPosition()).toBe(head);
  });
});

describe('importRecords: files whose dependencies are missing', () => {
  it('fails before writing anything (felles-grunnmur without the NUFA file, the annual plan without NEHS)', async () => {
    const t = await tempStore();
    try {
      const all = loadAll();
      await expect(importRecords(t.store, all.find((f) => f.id === 'felles-grunnmur')!)).rejects.toThrow(/neither in this file nor in the store/);
      await expect(importRecords(t.store, all.find((f) => f.id === 'annual-plan-2020-q4')!)).rejects.toThrow(/committee NEHS/);
      expect(await t.store.headPosition()).toBe(0n);
    } finally {
      await t.close();
    }
  });

  it('the NUFA file alone numbers its webinar 33/20–40/20 too (no annual plan: no minutes approval to withdraw)', async () => {
    const t = await tempStore();
    try {
      const nufa = loadAll().find((f) => f.id === 'nufa-2020')!;
      const r = await importRecords(t.store, nufa);
      expect(r.imported).toMatchObject({ meetings: 1, cases: 8, withdrawnStandardItems: 1 });
      const wf = new Workflow(t.store);
      const [m] = await wf.listMeetings('NUFA');
      expect((await wf.getMeeting(m!.id)).agenda.map((a) => a.number)).toEqual(['33/20', '34/20', '35/20', '36/20', '37/20', '38/20', '39/20', '40/20']);
    } finally {
      await t.close();
    }
  });

  it('fails loudly where the engine cannot give the recorded numbers (NEHS 2018 numbering already past 47)', async () => {
    const t = await tempStore();
    try {
      const wf = new Workflow(t.store);
      const admin = { actor: { name: 'Admin', roles: [{ role: 'admin' }] }, correlationId: 'test' };
      await wf.createCommittee({ code: 'NEHS', name: 'Nasjonalt e-helsestyre' }, admin);
      await wf.continueNumbering('NEHS', 2018, { nextMeetingNumber: 9, nextCaseNumber: 60 }, admin);
      const nehs = loadAll().find((f) => f.id === 'nehs-2018-2019')!;
      await expect(importRecords(t.store, nehs)).rejects.toThrow(/numbering of NEHS 2018 is at meeting 9, case 60 already/);
      expect((await wf.listMeetings('NEHS')).length).toBe(0); // no meeting was planned under a wrong number
    } finally {
      await t.close();
    }
  });
});
