/**
 * The archive deposit over HTTP on the real records: `GET /api/audit/export` with
 * `Accept: application/zip` gives a zip whose XML validates against Arkivverket's Noark 5 schemas
 * and ours and lists every file with its SHA-256; its PDFs are the bytes the documents route
 * serves. The round trip: every committee-year exported, imported by the real CLI (a child
 * process) into an empty SQLite store, a server on that store answers the same decisions
 * register and the same minutes (JSON and document text) for every meeting.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { readDeposit, sha256Hex } from '@saksflyt/archive';
import { openSqliteStore } from '@saksflyt/event-store';
import { importRecords, loadRecordFile, recordFilesInOrder } from '@saksflyt/records';
import { ArchiveXsd, xmlTexts } from '../../../libs/archive/test/support.js';
import { pdfText } from '../../../libs/documents/test/pdf-text.js';
import { startServer, tempDir, type Server } from './harness.js';

const ROOT = process.cwd();
const CLI = path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');
const AUDITOR = 'tok-auditor';
const SEC = 'tok-secretariat-nehs';
const attached = { caseId: '', id: '', bytes: 'Vedlegg: notat til saken, æøå.\n' };

let a: Server;
let b: Server | null = null;
const dirA = tempDir('saksflyt-deposit-a-');
const dirB = tempDir('saksflyt-deposit-b-');
const zips = tempDir('saksflyt-deposit-zips-');
let pairs: { committee: string; year: number }[] = [];
let xsd: ArchiveXsd;

async function getZip(server: Server, committee: string, year: number, accept = 'application/zip') {
  const res = await fetch(`${server.url}/api/audit/export?committee=${committee}&year=${year}`, { headers: { authorization: `Bearer ${AUDITOR}`, accept } });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build, or npx tsc -p tsconfig.build.json && npx tsc-alias -p tsconfig.build.json)`);
  const store = await openSqliteStore({ file: path.join(dirA, 'saksflyt.db') });
  await importRecords(store, recordFilesInOrder(path.join(ROOT, 'fixtures', 'records')).map(loadRecordFile));
  const seen = new Set<string>();
  for await (const e of store.readAll()) {
    if (e.type !== 'MeetingPlanned' && e.type !== 'HistoricalDecisionRecorded') continue;
    const d = e.data as { committee: string; year: number };
    const key = `${d.committee}:${d.year}`;
    if (!seen.has(key)) pairs.push({ committee: d.committee, year: d.year });
    seen.add(key);
  }
  await store.close();
  a = await startServer({ dataDir: dirA });
  xsd = new ArchiveXsd();
  // a case with an attachment on a meeting of a year of its own (the records carry no attachments)
  const call = async (method: string, url: string, opts: Parameters<Server['req']>[2], status: number) => {
    const r = await a.req(method, url, opts);
    if (r.status !== status) throw new Error(`${method} ${url}: ${r.status} ${r.text}`);
    return r.json;
  };
  const meeting = await call('POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2027-03-01', place: 'Oslo' } }, 201);
  attached.caseId = (await call('POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title: 'Sak med vedlegg', type: 'discussion', proposedResolution: '' } }, 201)).id;
  await call('POST', `/api/cases/${attached.caseId}/schedule`, { token: SEC, json: { meetingId: meeting.id } }, 200);
  const att = await call('POST', `/api/cases/${attached.caseId}/attachments?filename=notat.txt`, { token: SEC, body: attached.bytes, headers: { 'content-type': 'text/plain' } }, 201);
  attached.id = att.id;
  await call('POST', `/api/meetings/${meeting.id}/notice`, { token: SEC }, 200);
  pairs.push({ committee: 'NEHS', year: 2027 });
}, 60_000);

afterAll(async () => {
  xsd?.dispose();
  await a?.close();
  await b?.close();
  for (const d of [dirA, dirB, zips]) rmSync(d, { recursive: true, force: true });
});

describe('GET /api/audit/export, Accept: application/zip', () => {
  it('a Noark 5-style deposit: valid XML listing every file with its SHA-256, the PDFs the documents route serves', async () => {
    const r = await getZip(a, 'NEHS', 2018);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/zip');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="saksflyt-NEHS-2018.zip"');
    const hash = r.headers.get('x-saksflyt-event-hash')!;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const deposit = readDeposit(r.bytes);
    expect(xsd.errorOf(deposit.xml)).toBeNull();
    expect(xmlTexts(deposit.xml, '//su:deponering/su:byggetFraSjekksum')).toEqual([hash]);
    expect(xmlTexts(deposit.xml, '//su:deponering/su:byggetFraPosisjon')).toEqual([r.headers.get('x-saksflyt-position')]);
    const files = unzipSync(r.bytes);
    const listed = xmlTexts(deposit.xml, '//as:dokumentobjekt/as:dokumentobjekt/as:referanseDokumentfil');
    const sums = xmlTexts(deposit.xml, '//as:dokumentobjekt/as:dokumentobjekt/as:sjekksum');
    expect(listed.length).toBe(Object.keys(files).length - 2);
    listed.forEach((p, i) => expect({ p, sum: sums[i] }).toEqual({ p, sum: sha256Hex(files[p]!) }));
    const pdfs = listed.filter((p) => p.endsWith('.pdf'));
    expect(pdfs.some((p) => p.endsWith('/referat.pdf'))).toBe(true);
    expect(pdfs.some((p) => p.endsWith('/innkalling.pdf'))).toBe(true);
    // the minutes PDF of each meeting is the one GET /api/meetings/{id}/minutes serves the auditor
    for (const m of deposit.archive.meetings) {
      const p = listed.find((x) => x === `dokumenter/moeter/${m.number.replace(/[^A-Za-z0-9._-]/g, '_')}/referat.pdf`);
      if (!p) continue;
      const res = await fetch(`${a.url}/api/meetings/${m.id}/minutes`, { headers: { authorization: `Bearer ${AUDITOR}`, accept: 'application/pdf' } });
      expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(files[p]!))).toBe(true);
    }
  });

  it('holds every attachment of the year\'s cases by its SHA-256, listed in the XML with the case it belongs to', async () => {
    const r = await getZip(a, 'NEHS', 2027);
    expect(r.status).toBe(200);
    const deposit = readDeposit(r.bytes);
    expect(xsd.errorOf(deposit.xml)).toBeNull();
    const sha = sha256Hex(Buffer.from(attached.bytes));
    const entry = deposit.listed.find((l) => l.path === `dokumenter/vedlegg/${sha}/notat.txt`)!;
    expect(entry).toMatchObject({ sha256: sha, mimeType: expect.stringMatching(/^text\/plain/) });
    expect(Buffer.from(deposit.files.get(entry.path)!).toString('utf8')).toBe(attached.bytes);
    expect(xmlTexts(deposit.xml, `//su:dokumentbeskrivelse[as:dokumentobjekt/as:dokumentobjekt/as:sjekksum='${sha}']/as:virksomhetsspesifikkeMetadata/su:tilhoerer/su:systemID`)).toEqual([attached.caseId]);
    expect(deposit.listed.some((l) => l.path.endsWith('/innkalling.pdf'))).toBe(true);
  });

  it('406 names application/zip among the formats; 404 for an unknown committee; 403 for a non-auditor', async () => {
    const r = await getZip(a, 'NEHS', 2018, 'text/csv');
    expect(r.status).toBe(406);
    expect(JSON.parse(Buffer.from(r.bytes).toString()).detail).toMatch(/application\/zip/);
    expect((await getZip(a, 'NOPE', 2018)).status).toBe(404);
    const res = await fetch(`${a.url}/api/audit/export?committee=NEHS&year=2018`, { headers: { authorization: 'Bearer tok-secretariat-nehs', accept: 'application/zip' } });
    expect(res.status).toBe(403);
  });
});

describe('the round trip: export every committee-year, import the zips into an empty store', () => {
  it('gives the same decisions register and every meeting\'s minutes (JSON and document text)', async () => {
    expect(pairs.length).toBeGreaterThan(2);
    mkdirSync(zips, { recursive: true });
    const files: string[] = [];
    for (const p of pairs) {
      const r = await getZip(a, p.committee, p.year);
      expect({ ...p, status: r.status }).toEqual({ ...p, status: 200 });
      const f = path.join(zips, `${p.committee}-${p.year}.zip`);
      writeFileSync(f, r.bytes);
      files.push(f);
    }
    const env: NodeJS.ProcessEnv = { ...process.env, SAKSFLYT_DATA_DIR: dirB };
    delete env.EVENTSTORE_CONNECTION_STRING;
    const run = spawnSync(process.execPath, [CLI, 'import', ...files, '--json'], { cwd: ROOT, env, encoding: 'utf8', timeout: 50_000 });
    expect({ code: run.status, err: run.stderr }).toEqual({ code: 0, err: '' });
    const out = JSON.parse(run.stdout);
    expect(out.ok).toBe(true);
    expect(out.deposits).toHaveLength(files.length);
    expect(out.deposits[0].events.written).toBeGreaterThan(0);
    b = await startServer({ dataDir: dirB });
    const register = async (s: Server) => (await s.req('GET', '/api/decisions')).json;
    const regA = await register(a);
    expect(regA.length).toBeGreaterThan(10);
    expect(await register(b)).toEqual(regA);
    const meetings = new Set<string>();
    for (const f of files) for (const m of readDeposit(new Uint8Array(readFileSync(f))).archive.meetings) meetings.add(m.id);
    expect(meetings.size).toBeGreaterThan(3);
    const noPosition = ({ position: _p, ...rest }: { position: number }) => rest;
    const builtLine = (t: string) => t.replace(/Bygget fra hendelsesposisjon \d+/g, 'Bygget fra hendelsesposisjon N');
    let compared = 0;
    for (const id of meetings) {
      const ja = await a.req('GET', `/api/meetings/${id}/minutes`, { token: AUDITOR });
      const jb = await b.req('GET', `/api/meetings/${id}/minutes`, { token: AUDITOR });
      expect({ id, status: jb.status }).toEqual({ id, status: ja.status });
      if (ja.status !== 200) continue;
      expect(noPosition(jb.json)).toEqual(noPosition(ja.json));
      const ta = await a.req('GET', `/api/meetings/${id}/minutes`, { token: AUDITOR, headers: { accept: 'text/markdown' } });
      const tb = await b.req('GET', `/api/meetings/${id}/minutes`, { token: AUDITOR, headers: { accept: 'text/markdown' } });
      expect(builtLine(tb.text)).toEqual(builtLine(ta.text));
      const pdf = async (s: Server) => {
        const res = await fetch(`${s.url}/api/meetings/${id}/minutes`, { headers: { authorization: `Bearer ${AUDITOR}`, accept: 'application/pdf' } });
        return builtLine((await pdfText(Buffer.from(await res.arrayBuffer()))).pages.join('\n'));
      };
      const [pa, pb] = [await pdf(a), await pdf(b)];
      expect(pa).toMatch(/Bygget fra hendelsesposisjon N/);
      expect(pb).toEqual(pa);
      compared++;
    }
    expect(compared).toBeGreaterThan(3);
    // the attachment came with its deposit: the new store's server serves the same bytes
    const att = await fetch(`${b.url}/api/cases/${attached.caseId}/attachments/${attached.id}`, { headers: { authorization: `Bearer ${AUDITOR}` } });
    expect(att.status).toBe(200);
    expect(await att.text()).toBe(attached.bytes);
  });
});
