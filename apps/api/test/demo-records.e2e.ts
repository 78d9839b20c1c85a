/**
 * The real committee records as the API shows them: a temp data dir whose SQLite store is filled by
 * the importer (through the application commands), then a real server on it (createApp, which itself
 * imports nothing), queried over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { openSqliteStore } from '@saksflyt/event-store';
import { importRecords, loadRecordFile, recordFilesInOrder, type MeetingRecord, type RecordFile } from '@saksflyt/records';
import { startServer, tempDir, type Server } from './harness.js';

const RECORDS_DIR = path.join(process.cwd(), 'fixtures', 'records');
const ADMIN = 'tok-admin';

describe('the real committee records over HTTP', () => {
  let dataDir: string;
  let server: Server;
  let head: bigint;
  let files: RecordFile[];
  const meetingIds = new Map<string, string>();
  const nehs = (): RecordFile => files.find((f) => f.id === 'nehs-2018-2019')!;
  const rec = (key: string): MeetingRecord => nehs().meetings!.find((m) => m.key === key)!;

  beforeAll(async () => {
    dataDir = tempDir('saksflyt-demo-');
    files = recordFilesInOrder(RECORDS_DIR).map(loadRecordFile);
    const store = await openSqliteStore({ file: path.join(dataDir, 'saksflyt.db') });
    try {
      head = (await importRecords(store, files)).position;
    } finally {
      await store.close();
    }
    server = await startServer({ dataDir });
    const list = await server.req('GET', '/api/committees/NEHS/meetings', { token: ADMIN });
    expect(list.status).toBe(200);
    for (const m of list.json as { id: string; number: string }[]) meetingIds.set(`NEHS ${m.number}`, m.id);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts on the imported store (health shows its head)', async () => {
    const h = await server.req('GET', '/api/health');
    expect(h.json.store).toMatchObject({ kind: 'sqlite', headPosition: Number(head) });
  });

  it('NEHS 8/2018 is held, cases 47/18–57/18 carry every vedtak exactly as in the records (public, no token)', async () => {
    const r = rec('NEHS 8/2018');
    const m = await server.req('GET', `/api/meetings/${meetingIds.get('NEHS 8/2018')}`);
    expect(m.status).toBe(200);
    expect(m.json).toMatchObject({ number: '8/2018', date: '2018-12-06', state: 'held', minutes: 'draft', minutesApprovedBy: null });
    expect(m.json.agenda.map((a: { number: string }) => a.number)).toEqual(r.cases.map((c) => c.number));
    for (const [i, c] of r.cases.entries()) {
      const k = await server.req('GET', `/api/cases/${m.json.agenda[i].caseId}`);
      expect(k.status).toBe(200);
      expect({ number: k.json.number, title: k.json.title, state: k.json.state, resolution: k.json.resolution }).toEqual({
        number: c.number,
        title: c.title,
        state: c.outcome,
        resolution: c.resolution,
      });
    }
  });

  it('the 8/2018 minutes are a draft with every vedtak, awaiting 2/19', async () => {
    const r = rec('NEHS 8/2018');
    const minutes = await server.req('GET', `/api/meetings/${meetingIds.get('NEHS 8/2018')}/minutes?minPosition=${head}`, { token: ADMIN });
    expect(minutes.status).toBe(200);
    expect(minutes.json.status).toBe('draft');
    expect(minutes.json.cases.map((c: { number: string; resolution: string; conditions: string | null }) => [c.number, c.resolution, c.conditions])).toEqual(
      r.cases.map((c) => [c.number, c.resolution, c.conditions]),
    );
    // the secretariat's staff present have their place (Sekretariat), in the JSON and the document
    expect(minutes.json.attendance.secretariat).toEqual(r.attendance!.secretariatStaff);
    const md = await fetch(`${server.url}/api/meetings/${meetingIds.get('NEHS 8/2018')}/minutes?minPosition=${head}`, { headers: { accept: 'text/markdown', authorization: `Bearer ${ADMIN}` } });
    expect((await md.text()).replace(/\\(.)/g, '$1')).toContain('| **Fra sekretariatet** | Karl Vestli<br>Bodil Rabben<br>Siv Ingebrigtsen<br>Vidar Mikkelsen<br>Sonja T. Brugman<br>Camilla Smaadal<br>Kristin Bang |');
  });

  it('NEHS 1/2019 is noticed and not held: 1/19–5/19 in the record order, 2/19 (approval of the 8/2018 minutes) not endorsed', async () => {
    const r = rec('NEHS 1/2019');
    const m = await server.req('GET', `/api/meetings/${meetingIds.get('NEHS 1/2019')}`);
    expect(m.status).toBe(200);
    expect(m.json).toMatchObject({ number: '1/2019', state: 'noticed', attendance: null, previousMeetingId: meetingIds.get('NEHS 8/2018') });
    expect(m.json.agenda.map((a: { number: string; title: string; state: string }) => [a.number, a.title, a.state])).toEqual(
      r.cases.map((c) => [c.number, c.title, 'scheduled']),
    );
    const k = await server.req('GET', `/api/cases/${m.json.agenda[1].caseId}`);
    expect(k.json).toMatchObject({ number: '2/19', state: 'scheduled', resolution: null, proposedResolution: r.cases[1]!.proposedResolution });
  });

  it('the Felles grunnmur matter: NUFA 36/20 → NUIT → NEHS, in that order', async () => {
    const m = await server.req('GET', '/api/matters/felles-grunnmur-2021', { token: ADMIN });
    expect(m.status).toBe(200);
    expect(m.json.cases.map((c: { committee: string; number: string | null; state: string }) => [c.committee, c.number, c.state])).toEqual([
      ['NUFA', '36/20', 'scheduled'],
      ['NUIT', null, 'draft'],
      ['NEHS', null, 'draft'],
    ]);
  });

  it('the decisions register has the rows of 47/18–57/18 with their vedtak, minutes not approved, then the six earlier decisions as history', async () => {
    const r = rec('NEHS 8/2018');
    const d = await server.req('GET', `/api/decisions?committee=NEHS&minPosition=${head}`);
    expect(d.status).toBe(200);
    type Row = { number: string; title: string; resolution: string; outcome: string | null; meetingId: string | null; meetingNumber: string | null; date: string | null; minutesApproved: boolean; history?: boolean };
    const rows = d.json as Row[];
    expect(rows.filter((x) => !x.history).map((x) => [x.number, x.outcome, x.resolution, x.meetingNumber, x.minutesApproved])).toEqual(
      r.cases.map((c) => [c.number, c.outcome, c.resolution, '8/2018', false]),
    );
    // history rows: after the 2018 meetings, highest number first within a year, then 2017; wording verbatim
    const hist = rows.filter((x) => x.history);
    expect(rows.slice(r.cases.length)).toEqual(hist);
    expect(hist.map((x) => x.number)).toEqual(['34/18', '29/18', '27/18', '21/18', '16/18', '39/17']);
    const byNumber = new Map(nehs().history!.map((h) => [h.number, h]));
    const outcomes: Record<string, string | null> = { '27/18': 'endorsement', '34/18': null, '29/18': null, '21/18': 'endorsement', '16/18': 'orientation', '39/17': 'endorsement' };
    for (const x of hist) {
      const h = byNumber.get(x.number)!;
      expect(x).toMatchObject({ title: h.title, resolution: h.wording, outcome: outcomes[x.number], meetingId: null, meetingNumber: null, date: null, minutesApproved: false });
    }
    const y2017 = await server.req('GET', `/api/decisions?committee=NEHS&year=2017&minPosition=${head}`);
    expect(y2017.json.map((x: Row) => x.number)).toEqual(['39/17']);
    const q = await server.req('GET', `/api/decisions?q=${encodeURIComponent('stegvis implementering')}&minPosition=${head}`);
    expect(q.json.map((x: Row) => x.number)).toEqual(['21/18']);
  });

  it('GET /api/committees/NEHS/history lists the six earlier decisions verbatim, quoted by 3/19 and 4/19 (public)', async () => {
    const res = await server.req('GET', '/api/committees/NEHS/history');
    expect(res.status).toBe(200);
    const want = nehs().history!;
    expect(res.json.map((h: { number: string }) => h.number)).toEqual(want.map((h) => h.number));
    for (const [i, h] of want.entries())
      expect(res.json[i]).toMatchObject({ id: `history-NEHS-${h.number.replace('/', '-')}`, year: h.year, title: h.title, wording: h.wording, date: null, minutesApproved: false, source: { citedBy: h.quotedIn, seeds: h.source } });
    const casePaper = res.json[0].source.citedByCaseIds[0];
    const quoting = await server.req('GET', `/api/cases/${casePaper}`);
    expect(quoting.json.number).toBe('3/19');
  });

  it('the portfolio has the rows 101…196 with owners and recorded statuses', async () => {
    const p = await server.req('GET', `/api/portfolio?minPosition=${head}`);
    expect(p.status).toBe(200);
    const want = files.find((f) => f.id === 'portfolio')!.projects!;
    expect(p.json.map((x: { id: string; name: string; owner: string; status: string | null }) => [x.id, x.name, x.owner, x.status])).toEqual(
      want.map((x) => [x.id, x.name, x.owner, x.status]),
    );
  });
});
