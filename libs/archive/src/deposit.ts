/**
 * The archive deposit (deponering): one committee's year as a Noark 5-style zip, written and read
 * back. Pure apart from hashing (no file system, no clock: the caller passes the documents' bytes).
 * `buildDeposit` writes it from memory; `DepositStream` (deposit-stream.ts) writes the same layout
 * from pages of the store, its memory bounded by the committee's register, not by its log.
 *
 * Layout of the zip, in the zip's order (every path below is listed in `sjekksummer.sha256`, and
 * every one but the XML itself in the XML's `su:deponering` as a Noark 5
 * dokumentbeskrivelse/dokumentobjekt with its sjekksum, sjekksumAlgoritme SHA-256, filstoerrelse
 * and referanseDokumentfil; the XML and the manifest come last because they list the others' hashes):
 * - `hendelser.jsonl`    the committee's events, one JSON object per line in log order, every stored
 *                        field (ids, streams, revisions, data, metadata, position and hash in the
 *                        exporting store): what `saksflyt import` appends into an empty store;
 * - `endringslogg.json`  the change log (who changed which field when, from what to what);
 * - `arkivuttrekk.json`  the same archive as JSON;
 * - `dokumenter/moeter/<nummer>/innkalling.pdf`, `referat.pdf`: the notice and minutes of each of
 *                        the year's meetings that has one;
 * - `dokumenter/vedlegg/<sha256>/<filnavn>`: every attachment any of the committee's cases carried;
 * - `arkivuttrekk.xml`   the Noark 5-style XML (`archiveToXml` with the deposit section);
 * - `sjekksummer.sha256` the manifest.
 */
import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import type { RecordedEvent } from '@saksflyt/event-store';
import type { DepositSection } from './deposit-xml.js';
import { DepositZipWriter, JsonArrayText, type WrittenFile } from './deposit-zip.js';
import type { Archive, ArchiveChange } from './model.js';
import { ArchiveXmlPieces, archiveToXml } from './xml.js';

export const DEPOSIT_FORMAT = 'saksflyt-deponering/1' as const;
export const DEPOSIT_XML = 'arkivuttrekk.xml';
export const DEPOSIT_JSON = 'arkivuttrekk.json';
export const DEPOSIT_CHANGE_LOG = 'endringslogg.json';
export const DEPOSIT_EVENTS = 'hendelser.jsonl';
export const DEPOSIT_MANIFEST = 'sjekksummer.sha256';

export type DepositDocumentKind = 'innkalling' | 'referat' | 'vedlegg' | 'uttrekk' | 'endringslogg' | 'hendelseslogg';

/** One file of the deposit as the XML lists it. */
export interface DepositDocument {
  kind: DepositDocumentKind;
  /** Path inside the zip. */
  path: string;
  title: string;
  filename: string;
  mimeType: string;
  /** The archive unit it belongs to (a meeting's or a case's id), when it belongs to one. */
  owner: { unit: 'moetemappe' | 'saksmappe'; id: string } | null;
  /** When the document was made (a meeting's notice or approval, an attachment's upload). */
  createdAt: string | null;
  createdBy: string | null;
  bytes: Uint8Array;
}

/** A document as listed (bytes replaced by their hash and size). */
export type DepositEntry = Omit<DepositDocument, 'bytes'> & { sha256: string; size: number };

/** The position and hash of the last event the deposit was built from (the exporting store's). */
export interface BuiltFrom {
  position: bigint;
  hash: string | null;
}

export interface DepositInput {
  archive: Archive;
  /** The committee's log (`committeeLog`), in position order. */
  events: readonly RecordedEvent[];
  /** The notice and minutes PDFs and the attachments. */
  documents: readonly DepositDocument[];
  builtFrom: BuiltFrom;
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

const after = (stream: string, prefix: string): string | null => (stream.startsWith(prefix) ? stream.slice(prefix.length) : null);

/**
 * The committee's part of a log (in the log's order): its committee stream, its numbering and
 * history streams, and the whole streams of every meeting planned for it and every case drafted
 * for it (all years: a year's cases and minutes depend on earlier meetings).
 */
export function committeeLog(events: Iterable<RecordedEvent>, code: string): RecordedEvent[] {
  const all = [...events];
  const streams = new Set<string>([`committee-${code}`]);
  for (const e of all) {
    if (e.type === 'MeetingPlanned' && (e.data as { committee?: string }).committee === code) streams.add(e.stream);
    else if (e.type === 'CaseDrafted' && (e.data as { committee?: string }).committee === code) streams.add(e.stream);
    else if (after(e.stream, `numbering-${code}-`) !== null || after(e.stream, `history-${code}-`) !== null) streams.add(e.stream);
  }
  return all.filter((e) => streams.has(e.stream));
}

/** An event as a line of `hendelser.jsonl` (bigints as decimal strings). */
export interface DepositEventLine {
  id: string;
  stream: string;
  type: string;
  revision: string;
  position: string;
  recordedAt: string;
  hash: string | null;
  data: unknown;
  metadata: RecordedEvent['metadata'];
}

export function eventLine(e: RecordedEvent): DepositEventLine {
  return { id: e.id, stream: e.stream, type: e.type, revision: String(e.revision), position: String(e.position), recordedAt: e.recordedAt, hash: e.hash ?? null, data: e.data, metadata: e.metadata };
}

const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');

/** The zip path of a meeting's notice or minutes. */
export const meetingDocumentPath = (meetingNumber: string, kind: 'innkalling' | 'referat'): string => `dokumenter/moeter/${safe(meetingNumber)}/${kind}.pdf`;
/** The zip path of an attachment (by content: the same bytes once). */
export const attachmentPath = (sha256: string, filename: string): string => `dokumenter/vedlegg/${sha256}/${safe(filename)}`;

export interface BuiltDeposit {
  zip: Uint8Array;
  xml: string;
  entries: DepositEntry[];
  builtFrom: BuiltFrom;
}

const bigintAsString = (_k: string, x: unknown): unknown => (typeof x === 'bigint' ? String(x) : x);

/** An event's line of `hendelser.jsonl`. */
export const eventText = (e: RecordedEvent): string => JSON.stringify(eventLine(e)) + '\n';

/**
 * `arkivuttrekk.json` in pieces: `head` (everything before the change log's entries), each entry
 * through `entries.item`, then `tail()`. Together byte for byte `JSON.stringify(archive, …, 2)`
 * plus a newline (the archive's `changeLog`, its last member, is written entry by entry).
 */
export function archiveJsonPieces(archive: Archive): { head: string; entries: JsonArrayText; tail: () => string } {
  const keys = Object.keys(archive);
  if (keys[keys.length - 1] !== 'changeLog') throw new Error('the archive\'s changeLog must be its last member');
  const text = JSON.stringify({ ...archive, changeLog: [] }, bigintAsString, 2);
  const end = '[]\n}';
  if (!text.endsWith(end)) throw new Error('unexpected archive JSON');
  const entries = new JsonArrayText(1, bigintAsString);
  return { head: text.slice(0, text.length - end.length), entries, tail: () => `${entries.end()}\n}\n` };
}

/** The entry of one of the deposit's own files (the JSON, the change log, the event log). */
export function ownEntry(kind: DepositDocumentKind, title: string, mimeType: string, generatedAt: string, written: WrittenFile): DepositEntry {
  return { kind, path: written.path, title, filename: written.path, mimeType, owner: null, createdAt: generatedAt, createdBy: 'saksflyt', sha256: written.sha256, size: written.size };
}

/** The deposit's entry list: its own three files (the JSON, the change log, the event log), then the documents, in that order. */
export function depositEntries(generatedAt: string, json: WrittenFile, changeLog: WrittenFile, events: WrittenFile, documents: DepositEntry[]): DepositEntry[] {
  return [
    ownEntry('uttrekk', 'Arkivuttrekk (JSON)', 'application/json', generatedAt, json),
    ownEntry('endringslogg', 'Endringslogg', 'application/json', generatedAt, changeLog),
    ownEntry('hendelseslogg', 'Hendelseslogg', 'application/x-ndjson', generatedAt, events),
    ...documents,
  ];
}

/** The documents in the zip's order (by path), each path once (the same attachment on two cases: stored once). */
export function documentOrder<D extends { path: string }>(documents: readonly D[], taken: readonly string[]): D[] {
  const seen = new Set(taken);
  const out: D[] = [];
  for (const d of [...documents].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (seen.has(d.path)) continue;
    seen.add(d.path);
    out.push(d);
  }
  return out;
}

/** Starts `arkivuttrekk.xml`: `change` writes one change-log entry, `end` the rest with the deposit section. */
export function xmlFile(zip: DepositZipWriter, archive: Archive): { change(c: ArchiveChange): void; end(section: DepositSection): WrittenFile } {
  const file = zip.file(DEPOSIT_XML);
  const pieces = new ArchiveXmlPieces(archive);
  file.write(pieces.take());
  return {
    change(c) {
      pieces.change(c);
      file.write(pieces.take());
    },
    end(section) {
      pieces.finish(section);
      file.write(pieces.take());
      return file.end();
    },
  };
}

/** The last file: `sjekksummer.sha256`, every file's SHA-256 (the XML first). Then the zip's end. */
export function endDeposit(zip: DepositZipWriter, xml: WrittenFile, entries: readonly DepositEntry[]): void {
  const manifest = zip.file(DEPOSIT_MANIFEST);
  manifest.write([`${xml.sha256}  ${DEPOSIT_XML}`, ...entries.map((e) => `${e.sha256}  ${e.path}`)].join('\n') + '\n');
  manifest.end();
  zip.end();
}

/**
 * Writes the deposit zip from an archive and a log in memory (deterministic for the same input:
 * fixed file times, sorted documents), through the same writer as the streamed deposit
 * (`DepositStream`): the event log, the change log, the JSON, the documents, then the XML (which
 * lists the hashes of all of them) and last the manifest (which lists the XML's hash too).
 */
export function buildDeposit(input: DepositInput): BuiltDeposit {
  const { archive } = input;
  const generated = archive.header.generatedAt;
  const chunks: Uint8Array[] = [];
  const zip = new DepositZipWriter((c) => chunks.push(c));
  let f = zip.file(DEPOSIT_EVENTS);
  for (const e of input.events) f.write(eventText(e));
  const events = f.end();
  f = zip.file(DEPOSIT_CHANGE_LOG);
  const changes = new JsonArrayText(0, bigintAsString);
  for (const c of archive.changeLog) f.write(changes.item(c));
  f.write(changes.end() + '\n');
  const changeLog = f.end();
  f = zip.file(DEPOSIT_JSON);
  const json = archiveJsonPieces(archive);
  f.write(json.head);
  for (const c of archive.changeLog) f.write(json.entries.item(c));
  f.write(json.tail());
  const jsonFile = f.end();
  const docs: DepositEntry[] = [];
  for (const { bytes, ...d } of documentOrder(input.documents, [DEPOSIT_JSON, DEPOSIT_CHANGE_LOG, DEPOSIT_EVENTS])) {
    const w = zip.file(d.path, d.mimeType === 'application/pdf');
    w.write(bytes);
    const { sha256, size } = w.end();
    docs.push({ ...d, sha256, size });
  }
  const entries = depositEntries(generated, jsonFile, changeLog, events, docs);
  const x = xmlFile(zip, archive);
  for (const c of archive.changeLog) x.change(c);
  const xmlWritten = x.end({ builtFrom: input.builtFrom, entries });
  endDeposit(zip, xmlWritten, entries);
  const xml = archiveToXml(archive, { builtFrom: input.builtFrom, entries });
  const zipBytes = new Uint8Array(zip.bytes);
  let at = 0;
  for (const c of chunks) {
    zipBytes.set(c, at);
    at += c.length;
  }
  return { zip: zipBytes, xml, entries, builtFrom: input.builtFrom };
}

export class DepositInvalid extends Error {
  constructor(readonly problems: string[]) {
    super(`not a valid Saksflyt deposit: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
  }
}

export interface ReadDeposit {
  xml: string;
  archive: Archive;
  events: RecordedEvent[];
  /** Every file listed in the manifest, with its bytes. */
  files: Map<string, Uint8Array>;
  /** The documents the XML lists (path, sha256, size as listed). */
  listed: { path: string; sha256: string; size: number; mimeType: string }[];
}

/** True when the bytes look like a zip (its local file header). */
export const isZip = (bytes: Uint8Array): boolean => bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

const LISTED = /<as:referanseDokumentfil>([^<]*)<\/as:referanseDokumentfil>\s*<as:filnavn>[^<]*<\/as:filnavn>\s*<as:sjekksum>([0-9a-f]{64})<\/as:sjekksum>\s*<as:mimeType>([^<]*)<\/as:mimeType>\s*<as:sjekksumAlgoritme>SHA-256<\/as:sjekksumAlgoritme>\s*<as:filstoerrelse>(\d+)<\/as:filstoerrelse>/g;
const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#13;/g, '\r').replace(/&amp;/g, '&');

/**
 * Reads a deposit zip and checks it: every file of the manifest is there with its SHA-256, every
 * document the XML lists is in the manifest with the same hash and size, and the event log parses.
 * Throws `DepositInvalid` naming every problem found.
 */
export function readDeposit(zip: Uint8Array): ReadDeposit {
  let unzipped: Record<string, Uint8Array>;
  try {
    unzipped = unzipSync(zip);
  } catch (e) {
    throw new DepositInvalid([`not a zip file (${(e as Error).message})`]);
  }
  const problems: string[] = [];
  const manifestBytes = unzipped[DEPOSIT_MANIFEST];
  if (!manifestBytes) throw new DepositInvalid([`${DEPOSIT_MANIFEST} is missing`]);
  const files = new Map<string, Uint8Array>();
  const manifest = new Map<string, string>();
  for (const line of strFromU8(manifestBytes).split('\n')) {
    if (line === '') continue;
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!m) {
      problems.push(`${DEPOSIT_MANIFEST}: malformed line ${JSON.stringify(line)}`);
      continue;
    }
    const [, hash, path] = m as unknown as [string, string, string];
    manifest.set(path, hash);
    const bytes = unzipped[path];
    if (!bytes) problems.push(`${path} is listed but missing`);
    else if (sha256Hex(bytes) !== hash) problems.push(`${path}: its SHA-256 differs from the manifest's`);
    else files.set(path, bytes);
  }
  for (const path of Object.keys(unzipped)) if (path !== DEPOSIT_MANIFEST && !manifest.has(path) && !path.endsWith('/')) problems.push(`${path} is in the zip but not in the manifest`);
  const xmlBytes = files.get(DEPOSIT_XML);
  const xml = xmlBytes ? strFromU8(xmlBytes) : '';
  if (!xmlBytes) problems.push(`${DEPOSIT_XML} is missing`);
  const listed: ReadDeposit['listed'] = [];
  for (const m of xml.matchAll(LISTED)) listed.push({ path: unescape(m[1]!), sha256: m[2]!, mimeType: unescape(m[3]!), size: Number(m[4]) });
  for (const l of listed) {
    const bytes = files.get(l.path);
    if (manifest.get(l.path) !== l.sha256) problems.push(`${l.path}: the XML's sjekksum differs from the manifest's`);
    else if (bytes && bytes.length !== l.size) problems.push(`${l.path}: the XML's filstoerrelse differs from the file's`);
  }
  for (const path of manifest.keys()) if (path !== DEPOSIT_XML && !listed.some((l) => l.path === path)) problems.push(`${path} is not listed in the XML`);
  const events: RecordedEvent[] = [];
  let archive: Archive | null = null;
  try {
    const raw = files.get(DEPOSIT_JSON);
    if (!raw) problems.push(`${DEPOSIT_JSON} is missing`);
    else archive = JSON.parse(strFromU8(raw)) as Archive;
    const lines = files.get(DEPOSIT_EVENTS);
    if (!lines) problems.push(`${DEPOSIT_EVENTS} is missing`);
    else
      for (const line of strFromU8(lines).split('\n')) {
        if (line === '') continue;
        const l = JSON.parse(line) as DepositEventLine;
        events.push({ id: l.id, stream: l.stream, type: l.type, data: l.data, metadata: l.metadata, revision: BigInt(l.revision), position: BigInt(l.position), recordedAt: l.recordedAt, ...(l.hash ? { hash: l.hash } : {}) });
      }
  } catch (e) {
    problems.push(`unreadable JSON: ${(e as Error).message}`);
  }
  if (problems.length > 0) throw new DepositInvalid(problems);
  return { xml, archive: archive!, events, files, listed };
}
