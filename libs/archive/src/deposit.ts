/**
 * The archive deposit (deponering): one committee's year as a Noark 5-style zip, written and read
 * back. Pure apart from hashing (no file system, no clock: the caller passes the documents' bytes).
 *
 * Layout of the zip (every path below is listed in `sjekksummer.sha256`, and every one but the XML
 * itself in the XML's `su:deponering` as a Noark 5 dokumentbeskrivelse/dokumentobjekt with its
 * sjekksum, sjekksumAlgoritme SHA-256, filstoerrelse and referanseDokumentfil):
 * - `arkivuttrekk.xml`   the Noark 5-style XML (`archiveToXml` with the deposit section);
 * - `arkivuttrekk.json`  the same archive as JSON;
 * - `endringslogg.json`  the change log (who changed which field when, from what to what);
 * - `hendelser.jsonl`    the committee's events, one JSON object per line in log order, every stored
 *                        field (ids, streams, revisions, data, metadata, position and hash in the
 *                        exporting store): what `saksflyt import` appends into an empty store;
 * - `dokumenter/moeter/<nummer>/innkalling.pdf`, `referat.pdf`: the notice and minutes of each of
 *                        the year's meetings that has one;
 * - `dokumenter/vedlegg/<sha256>/<filnavn>`: every attachment any of the committee's cases carried.
 */
import { createHash } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import type { RecordedEvent } from '@saksflyt/event-store';
import type { Archive } from './model.js';
import { archiveToXml } from './xml.js';

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

/** Writes the deposit zip (deterministic for the same input: fixed file times, sorted documents). */
export function buildDeposit(input: DepositInput): BuiltDeposit {
  const { archive } = input;
  const json = (v: unknown) => strToU8(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x), 2) + '\n');
  const generated = archive.header.generatedAt;
  const own = (kind: DepositDocumentKind, path: string, title: string, mimeType: string, bytes: Uint8Array): DepositDocument => ({
    kind,
    path,
    title,
    filename: path,
    mimeType,
    owner: null,
    createdAt: generated,
    createdBy: 'saksflyt',
    bytes,
  });
  const files: DepositDocument[] = [
    own('uttrekk', DEPOSIT_JSON, 'Arkivuttrekk (JSON)', 'application/json', json(archive)),
    own('endringslogg', DEPOSIT_CHANGE_LOG, 'Endringslogg', 'application/json', json(archive.changeLog)),
    own('hendelseslogg', DEPOSIT_EVENTS, 'Hendelseslogg', 'application/x-ndjson', strToU8(input.events.map((e) => JSON.stringify(eventLine(e)) + '\n').join(''))),
  ];
  const seen = new Set(files.map((f) => f.path));
  for (const d of [...input.documents].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (seen.has(d.path)) continue; // the same attachment on two cases: stored once
    seen.add(d.path);
    files.push(d);
  }
  const entries: DepositEntry[] = files.map(({ bytes, ...rest }) => ({ ...rest, sha256: sha256Hex(bytes), size: bytes.length }));
  const xml = archiveToXml(archive, { builtFrom: input.builtFrom, entries });
  const xmlBytes = strToU8(xml);
  const manifest = [`${sha256Hex(xmlBytes)}  ${DEPOSIT_XML}`, ...entries.map((e) => `${e.sha256}  ${e.path}`)].join('\n') + '\n';
  const mtime = new Date(Date.UTC(2000, 0, 1));
  const zippable: Zippable = {};
  zippable[DEPOSIT_XML] = [xmlBytes, { mtime }];
  zippable[DEPOSIT_MANIFEST] = [strToU8(manifest), { mtime }];
  for (const f of files) zippable[f.path] = [f.bytes, { mtime, level: f.mimeType === 'application/pdf' ? 0 : 6 }];
  return { zip: zipSync(zippable), xml, entries, builtFrom: input.builtFrom };
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
