/**
 * Audit over HTTP on the real records: a temp data dir whose SQLite store the importer filled, a real
 * server on it. Who may call; the global log page by page (exactly the store's rows); verification of
 * the hash chain, and that it catches a row altered in the file, and a cut-off log against a head
 * kept elsewhere; the export of a committee's year as JSON and as Noark 5 XML valid against the schema.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';
import { xmlRegisterFsInputProviders } from 'libxml2-wasm/lib/nodejs.mjs';
import { buildArchive } from '@saksflyt/archive';
import { openSqliteStore, type RecordedEvent } from '@saksflyt/event-store';
import { importRecords, loadRecordFile, recordFilesInOrder } from '@saksflyt/records';
import { startServer, tempDir, type Server } from './harness.js';

const RECORDS_DIR = path.join(process.cwd(), 'fixtures', 'records');
const SCHEMA = path.join(process.cwd(), 'libs', 'archive', 'schema', 'saksflyt-arkivuttrekk.xsd');
const AUDITOR = 'tok-auditor';

describe('audit endpoints on the real records', () => {
  let dataDir: string;
  let server: Server;
  let head: bigint;
  let stored: RecordedEvent[];

  beforeAll(async () => {
    dataDir = tempDir('saksflyt-audit-');
    const store = await openSqliteStore({ file: path.join(dataDir, 'saksflyt.db') });
    try {
      head = (await importRecords(store, recordFilesInOrder(RECORDS_DIR).map(loadRecordFile))).position;
      stored = [];
      for await (const e of store.readAll()) stored.push(e);
    } finally {
      await store.close();
    }
    server = await startServer({ dataDir });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is for auditors only: 401 without a token, 403 for the secretariat and for admins', async () => {
    for (const p of ['/api/audit/events', '/api/audit/verify', '/api/audit/export?committee=NEHS&year=2018']) {
      expect((await server.req('GET', p)).status).toBe(401);
      expect((await server.req('GET', p, { token: 'tok-secretariat-nehs' })).status).toBe(403);
      expect((await server.req('GET', p, { token: 'tok-admin' })).status).toBe(403);
      const ok = await server.req('GET', p, { token: AUDITOR });
      expect(ok.status).toBe(200);
    }
  });

  it('GET /api/audit/events pages through exactly the stored log, every field, hashes included', async () => {
    // positions are the store's, not 1, 2, 3, …: page from the start, then from each nextPosition
    const got: any[] = [];
    let from: number | null | undefined;
    let pages = 0;
    while (from !== null) {
      const r = await server.req('GET', `/api/audit/events?${from === undefined ? '' : `fromPosition=${from}&`}limit=37`, { token: AUDITOR });
      expect(r.status).toBe(200);
      expect(r.json.headPosition).toBe(Number(head));
      expect(r.json.events.length).toBeLessThanOrEqual(37);
      got.push(...r.json.events);
      from = r.json.nextPosition;
      pages++;
    }
    expect(pages).toBe(Math.ceil(stored.length / 37));
    expect(got).toEqual(JSON.parse(JSON.stringify(stored, (_, v) => (typeof v === 'bigint' ? Number(v) : v))));
    expect(got.every((e) => /^[0-9a-f]{64}$/.test(e.hash) && typeof e.metadata.actor === 'string')).toBe(true);
    // past the head: an empty last page
    const past = await server.req('GET', `/api/audit/events?fromPosition=${Number(head) + 5}`, { token: AUDITOR });
    expect(past.json).toEqual({ events: [], headPosition: Number(head), nextPosition: null });
    // default page: the first 100 events, from the beginning; fromPosition is inclusive
    const first = await server.req('GET', '/api/audit/events', { token: AUDITOR });
    expect(first.json.events.map((e: { position: number }) => e.position)).toEqual(stored.slice(0, 100).map((e) => Number(e.position)));
    expect(first.json.nextPosition).toBe(Number(stored[100].position));
    const second = await server.req('GET', `/api/audit/events?fromPosition=${first.json.nextPosition}&limit=2`, { token: AUDITOR });
    expect(second.json.events.map((e: { position: number }) => e.position)).toEqual([stored[100], stored[101]].map((e) => Number(e.position)));
    expect(second.json.nextPosition).toBe(Number(stored[102].position));
    const fromOne = await server.req('GET', '/api/audit/events?fromPosition=1', { token: AUDITOR });
    expect(fromOne.json).toEqual(first.json);
  });

  it('rejects bad paging parameters with 400 naming the field', async () => {
    for (const [q, field] of [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=ten', 'limit'],
      ['fromPosition=0', 'fromPosition'],
      ['fromPosition=-3', 'fromPosition'],
      ['fromPosition=1&fromPosition=2', 'fromPosition'],
    ] as const) {
      const r = await server.req('GET', `/api/audit/events?${q}`, { token: AUDITOR });
      expect({ q, status: r.status, field: r.json.errors?.[0]?.field }).toEqual({ q, status: 400, field });
    }
  });

  it('GET /api/audit/verify: the untouched chain verifies; a head kept elsewhere is checked', async () => {
    const r = await server.req('GET', '/api/audit/verify', { token: AUDITOR });
    expect(r.json).toEqual({ ok: true, events: stored.length, headHash: stored.at(-1)!.hash });
    const mid = stored[Math.floor(stored.length / 2)];
    const known = await server.req('GET', `/api/audit/verify?knownPosition=${mid.position}&knownHash=${mid.hash}`, { token: AUDITOR });
    expect(known.json).toEqual({ ok: true, events: stored.length, headHash: stored.at(-1)!.hash });
    const wrong = await server.req('GET', `/api/audit/verify?knownPosition=${mid.position}&knownHash=${'0'.repeat(64)}`, { token: AUDITOR });
    expect(wrong.json).toEqual({ ok: false, firstBadPosition: Number(mid.position), kind: 'rewritten' });
    for (const q of ['knownPosition=3', `knownHash=${mid.hash}`, 'knownPosition=3&knownHash=xyz']) {
      expect((await server.req('GET', `/api/audit/verify?${q}`, { token: AUDITOR })).status).toBe(400);
    }
  });

  it('GET /api/audit/export answers in API.md order: 401, 404 (unknown committee), 403 (not an auditor), 400, 406', async () => {
    expect((await server.req('GET', '/api/audit/export?committee=NOPE&year=20x')).status).toBe(401);
    expect((await server.req('GET', '/api/audit/export?committee=NOPE&year=20x', { token: 'tok-secretariat-nehs' })).status).toBe(404);
    expect((await server.req('GET', '/api/audit/export?committee=NEHS&year=20x', { token: 'tok-secretariat-nehs' })).status).toBe(403);
    expect((await server.req('GET', '/api/audit/export?year=2018', { token: 'tok-admin' })).status).toBe(403);
    expect((await server.req('GET', '/api/audit/export?year=2018', { token: AUDITOR })).status).toBe(400);
    expect((await server.req('GET', '/api/audit/export?committee=NEHS', { token: AUDITOR })).status).toBe(400);
    expect((await server.req('GET', '/api/audit/export?committee=NEHS&year=18', { token: AUDITOR })).status).toBe(400);
    expect((await server.req('GET', '/api/audit/export?committee=NOPE&year=2018', { token: AUDITOR })).status).toBe(404);
    const r = await server.req('GET', '/api/audit/export?committee=NEHS&year=2018', { token: AUDITOR, headers: { accept: 'text/csv' } });
    expect(r.status).toBe(406);
  });

  it('GET /api/audit/export: NEHS 2018 as JSON has one decision row per decided case of the register, vedtak verbatim', async () => {
    const register = await server.req('GET', '/api/decisions?committee=NEHS&year=2018', { token: AUDITOR });
    expect(register.status).toBe(200);
    const decided = (register.json as Array<{ number: string | null; resolution: string; history?: boolean }>).filter((d) => !d.history);
    expect(decided.length).toBeGreaterThanOrEqual(10);
    const r = await server.req('GET', '/api/audit/export?committee=NEHS&year=2018', { token: AUDITOR });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('x-saksflyt-position')).toBe(String(head));
    expect(r.json.header).toMatchObject({ committee: { code: 'NEHS' }, year: 2018, position: Number(head) });
    const rows = (r.json.decisions as Array<{ history: boolean; caseNumber: string | null; resolution: string }>).filter((d) => !d.history);
    const key = (n: string | null, text: string) => `${n} ${text}`;
    expect(rows.map((d) => key(d.caseNumber, d.resolution)).sort()).toEqual(decided.map((d) => key(d.number, d.resolution)).sort());
    // the meeting 8/2018 with its agenda in order, and a change log naming who did what
    const m8 = (r.json.meetings as Array<{ number: string; agenda: Array<{ number: string }> }>).find((m) => m.number === '8/2018')!;
    expect(m8.agenda.map((a) => a.number)).toEqual(Array.from({ length: 11 }, (_, i) => `${47 + i}/18`));
    const actors = new Set(stored.map((e) => e.metadata.actor));
    expect(r.json.changeLog.length).toBeGreaterThan(50);
    expect((r.json.changeLog as Array<{ actor: string }>).every((c) => actors.has(c.actor))).toBe(true);
  });

  it('the export read from the committee\'s streams equals the archive folded from the whole log', async () => {
    for (const [committee, year] of [['NEHS', 2018], ['NEHS', 2019], ['NUFA', 2020], ['NUIT', 2020]] as const) {
      const r = await server.req('GET', `/api/audit/export?committee=${committee}&year=${year}`, { token: AUDITOR });
      expect(r.status).toBe(200);
      const whole = JSON.parse(JSON.stringify(buildArchive(stored, { committee, year, generatedAt: r.json.header.generatedAt })));
      whole.header.position = Number(head);
      // printed proof: the last event it was built from, with its hash in the chain
      const last = stored.at(-1)!;
      whole.header.builtFrom = { position: Number(last.position), hash: last.hash, provenance: `Bygget fra hendelse ${last.position}, sjekksum ${last.hash}` };
      expect(r.json).toEqual(whole);
    }
  });

  it('GET /api/audit/export with Accept: application/xml is Noark 5 XML valid against the schema, vedtak included', async () => {
    const r = await server.req('GET', '/api/audit/export?committee=NEHS&year=2018', { token: AUDITOR, headers: { accept: 'application/xml' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="saksflyt-NEHS-2018.xml"');
    xmlRegisterFsInputProviders();
    const schema = XmlDocument.fromBuffer(readFileSync(SCHEMA), { url: SCHEMA });
    const validator = XsdValidator.fromDoc(schema);
    const doc = XmlDocument.fromString(r.text);
    expect(() => validator.validate(doc)).not.toThrow();
    // the vedtak rows (su:vedtak/su:vedtakstekst) are exactly the JSON export's decisions
    const json = (await server.req('GET', '/api/audit/export?committee=NEHS&year=2018', { token: AUDITOR })).json;
    const texts = doc.find('//su:vedtak/su:vedtakstekst', { su: 'https://saksflyt.no/xmlns/arkivuttrekk/1' }).map((n) => n.content);
    expect(texts).toEqual((json.decisions as Array<{ resolution: string }>).map((d) => d.resolution));
    expect(texts.some((t) => t.includes('Nasjonalt e-helsestyre'))).toBe(true);
    const last = stored.at(-1)!;
    expect(doc.get('//su:hode/su:byggetFraHendelse', { su: 'https://saksflyt.no/xmlns/arkivuttrekk/1' })?.content).toBe(String(last.position));
    expect(doc.get('//su:hode/su:sjekksum', { su: 'https://saksflyt.no/xmlns/arkivuttrekk/1' })?.content).toBe(last.hash);
    doc.dispose();
    validator.dispose();
    schema.dispose();
  });

  // Last: these damage the store file.
  it('verify finds a row altered in the file, at its position', async () => {
    const db = new Database(path.join(dataDir, 'saksflyt.db'));
    const victim = stored[Math.floor(stored.length / 3)];
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify({ ...(victim.data as object), tampered: true }), Number(victim.position));
    db.close();
    const r = await server.req('GET', '/api/audit/verify', { token: AUDITOR });
    expect(r.json).toEqual({ ok: false, firstBadPosition: Number(victim.position), kind: 'altered' });
  });

  it('a log cut off after the head an auditor kept is caught with knownPosition/knownHash', async () => {
    const db = new Database(path.join(dataDir, 'saksflyt.db'));
    // restore the altered row first, so only the cut is wrong
    const victim = stored[Math.floor(stored.length / 3)];
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(victim.data), Number(victim.position));
    expect((await server.req('GET', '/api/audit/verify', { token: AUDITOR })).json.ok).toBe(true);
    // cut off the newest three events
    db.prepare('DELETE FROM events WHERE position > ?').run(Number(stored.at(-4)!.position));
    db.close();
    const plain = await server.req('GET', '/api/audit/verify', { token: AUDITOR });
    expect(plain.json).toEqual({ ok: true, events: stored.length - 3, headHash: stored.at(-4)!.hash });
    const kept = stored.at(-1)!;
    const r = await server.req('GET', `/api/audit/verify?knownPosition=${kept.position}&knownHash=${kept.hash}`, { token: AUDITOR });
    // where the first missing event should have been
    expect(r.json).toEqual({ ok: false, firstBadPosition: Number(stored.at(-3)!.position), kind: 'cut-off' });
  });
});
