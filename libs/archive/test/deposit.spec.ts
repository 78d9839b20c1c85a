/**
 * The zip deposit on the real records (NEHS 2018): its XML validates against the export schema
 * (which imports Arkivverket's Noark 5 schemas), lists every file with its SHA-256 and size, reads
 * back to the same events, and a changed, missing or unlisted file is refused by name.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { strToU8, unzipSync, zipSync } from 'fflate';
import type { RecordedEvent } from '@saksflyt/event-store';
import { buildArchive, buildDeposit, committeeLog, DepositInvalid, meetingDocumentPath, readDeposit, sha256Hex, type BuiltDeposit, type DepositDocument } from '../src/index.js';
import { ArchiveXsd, realRecordsStore, xmlTexts } from './support.js';

let world: Awaited<ReturnType<typeof realRecordsStore>>;
let xsd: ArchiveXsd;
let deposit: BuiltDeposit;
let log: RecordedEvent[];

beforeAll(async () => {
  world = await realRecordsStore();
  xsd = new ArchiveXsd();
  log = committeeLog(world.events, 'NEHS');
  const archive = buildArchive(log, { committee: 'NEHS', year: 2018, generatedAt: '2026-12-03T12:00:00Z' })!;
  const m = archive.meetings[0]!;
  const documents: DepositDocument[] = [
    { kind: 'referat', path: meetingDocumentPath(m.number, 'referat'), title: `Referat ${m.number}`, filename: 'referat.pdf', mimeType: 'application/pdf', owner: { unit: 'moetemappe', id: m.id }, createdAt: null, createdBy: null, bytes: strToU8('%PDF-1.3 minutes') },
    { kind: 'vedlegg', path: 'dokumenter/vedlegg/x/notat.txt', title: 'Vedlegg', filename: 'notat & "plan".txt', mimeType: 'text/plain', owner: { unit: 'saksmappe', id: archive.cases[0]!.id }, createdAt: '2018-05-01T10:00:00+02:00', createdBy: 'sekretariatet', bytes: strToU8('a note') },
  ];
  const last = log[log.length - 1]!;
  deposit = buildDeposit({ archive, events: log, documents, builtFrom: { position: last.position, hash: last.hash ?? null } });
}, 60_000);

afterAll(async () => {
  xsd?.dispose();
  await world?.close();
});

describe('the deposit zip', () => {
  it('holds only the committee\'s streams, whole', () => {
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((e) => e.stream === 'committee-NEHS' || /^(meeting|case|numbering-NEHS|history-NEHS)-/.test(e.stream))).toBe(true);
    const streams = new Set(log.map((e) => e.stream));
    for (const s of streams) expect(log.filter((e) => e.stream === s).map((e) => e.revision)).toEqual(world.events.filter((e) => e.stream === s).map((e) => e.revision));
    expect(world.events.some((e) => e.stream.startsWith('committee-') && e.stream !== 'committee-NEHS')).toBe(true);
  });

  it('has an XML valid against the Noark 5 and Saksflyt schemas, listing every file with its SHA-256', () => {
    expect(xsd.errorOf(deposit.xml)).toBeNull();
    const files = unzipSync(deposit.zip);
    const listed = xmlTexts(deposit.xml, '//su:deponering/su:dokumentbeskrivelse/as:dokumentobjekt/as:dokumentobjekt/as:referanseDokumentfil');
    const sums = xmlTexts(deposit.xml, '//su:deponering/su:dokumentbeskrivelse/as:dokumentobjekt/as:dokumentobjekt/as:sjekksum');
    expect(listed.sort()).toEqual(Object.keys(files).filter((p) => p !== 'arkivuttrekk.xml' && p !== 'sjekksummer.sha256').sort());
    const byPath = new Map(deposit.entries.map((e) => [e.path, e.sha256]));
    for (const p of listed) expect({ p, sum: byPath.get(p) }).toEqual({ p, sum: sha256Hex(files[p]!) });
    expect(sums.length).toBe(listed.length);
    expect(xmlTexts(deposit.xml, '//su:deponering/su:byggetFraPosisjon')).toEqual([String(log[log.length - 1]!.position)]);
    expect(xmlTexts(deposit.xml, '//su:deponering/su:byggetFraSjekksum')).toEqual([log[log.length - 1]!.hash!]);
    expect(xmlTexts(deposit.xml, '//as:filnavn')).toContain('notat & "plan".txt');
  });

  it('the schema refuses a deposit section that breaks its own rules', () => {
    expect(xsd.errorOf(deposit.xml.replace(/<su:byggetFraSjekksum>[0-9a-f]+</, '<su:byggetFraSjekksum>XYZ<'))).not.toBeNull();
    const dup = deposit.xml.replace('<as:referanseDokumentfil>endringslogg.json<', '<as:referanseDokumentfil>arkivuttrekk.json<');
    expect(xsd.errorOf(dup)).not.toBeNull();
  });

  it('reads back: the same events, every file', () => {
    const back = readDeposit(deposit.zip);
    expect(back.events.map((e) => [e.id, e.stream, e.revision, e.position, e.type])).toEqual(log.map((e) => [e.id, e.stream, e.revision, e.position, e.type]));
    expect(back.events.map((e) => e.data)).toEqual(log.map((e) => e.data));
    expect(back.archive.header.committee.code).toBe('NEHS');
    expect(back.listed.length).toBe(deposit.entries.length);
  });

  it('refuses a changed, a missing and an unlisted file, naming each', () => {
    const files = unzipSync(deposit.zip);
    const changed = { ...files, 'endringslogg.json': strToU8('[]\n') };
    expect(() => readDeposit(zipSync(changed))).toThrow(/endringslogg\.json: its SHA-256 differs/);
    const { ['hendelser.jsonl']: _gone, ...missing } = files;
    expect(() => readDeposit(zipSync(missing))).toThrow(/hendelser\.jsonl is listed but missing/);
    expect(() => readDeposit(zipSync({ ...files, 'extra.txt': strToU8('x') }))).toThrow(/extra\.txt is in the zip but not in the manifest/);
    expect(() => readDeposit(strToU8('not a zip'))).toThrow(DepositInvalid);
  });

  it('is the same bytes for the same input', () => {
    const again = buildDeposit({ archive: JSON.parse(JSON.stringify(readDeposit(deposit.zip).archive)), events: log, documents: [], builtFrom: deposit.builtFrom });
    const again2 = buildDeposit({ archive: JSON.parse(JSON.stringify(readDeposit(deposit.zip).archive)), events: log, documents: [], builtFrom: deposit.builtFrom });
    expect(Buffer.from(again.zip).equals(Buffer.from(again2.zip))).toBe(true);
  });
});
