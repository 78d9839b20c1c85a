/**
 * The streamed deposit (`DepositStream` over pages of a real SQLite store of the real records) is
 * the same zip, byte for byte, as `buildDeposit` of the same log and documents in memory, whatever
 * the page size; its JSON files are what `JSON.stringify(…, 2)` gives of the whole archive; its XML
 * validates; and it hands out its first bytes before it has read the log to its end.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { strFromU8, strToU8, unzipSync } from 'fflate';
import type { EventStore, ReadAllOptions, RecordedEvent } from '@saksflyt/event-store';
import {
  DepositStream,
  archiveToXml,
  buildArchive,
  buildDeposit,
  committeeEvents,
  committeeLog,
  committeeStreams,
  meetingDocumentPath,
  readDeposit,
  withBuiltFrom,
  type DepositDocument,
  type LazyDocument,
} from '../src/index.js';
import { ArchiveXsd, realRecordsStore } from './support.js';

let world: Awaited<ReturnType<typeof realRecordsStore>>;
let xsd: ArchiveXsd;
const GENERATED_AT = '2026-12-03T12:00:00Z';

beforeAll(async () => {
  world = await realRecordsStore();
  xsd = new ArchiveXsd();
}, 60_000);

afterAll(async () => {
  xsd?.dispose();
  await world?.close();
});

const concat = (chunks: Uint8Array[]): Buffer => Buffer.concat(chunks.map((c) => Buffer.from(c)));

/** The streamed deposit of a committee-year of `store` up to `upTo`, with a PDF and an attachment for its first meeting and case. */
async function streamed(store: EventStore, committee: string, year: number, upTo: bigint, pageSize?: number) {
  const streams = await committeeStreams(store, committee, upTo);
  const builtFrom = (await store.lastEvent({ atOrBefore: upTo }))!;
  const zip = new DepositStream({
    options: { committee, year, generatedAt: GENERATED_AT },
    log: () => committeeEvents(store, committee, upTo, streams, pageSize),
    position: upTo,
    builtFrom,
    documents: async (archive) => lazyDocuments(archive),
  });
  const chunks: Uint8Array[] = [];
  for await (const c of zip) chunks.push(c);
  return { zip, bytes: concat(chunks), chunks, builtFrom };
}

function documentsOf(archive: ReturnType<typeof buildArchive> & object): DepositDocument[] {
  const m = archive.meetings[0];
  const c = archive.cases[0];
  const docs: DepositDocument[] = [];
  if (m) docs.push({ kind: 'referat', path: meetingDocumentPath(m.number, 'referat'), title: `Referat ${m.number}`, filename: 'referat.pdf', mimeType: 'application/pdf', owner: { unit: 'moetemappe', id: m.id }, createdAt: null, createdBy: null, bytes: strToU8('%PDF-1.3 minutes') });
  // larger than one slice of the writer, so it is cut and compressed in pieces
  if (c) docs.push({ kind: 'vedlegg', path: 'dokumenter/vedlegg/x/notat.txt', title: 'Vedlegg', filename: 'notat.txt', mimeType: 'text/plain', owner: { unit: 'saksmappe', id: c.id }, createdAt: null, createdBy: 'sekretariatet', bytes: strToU8('et notat, æøå\n'.repeat(12_000)) });
  return docs;
}

function lazyDocuments(archive: ReturnType<typeof buildArchive> & object): LazyDocument[] {
  return documentsOf(archive).map(({ bytes, ...d }) => ({
    ...d,
    // the attachment in uneven pieces (as a file is read): the zip must not depend on them
    read: async () =>
      d.kind === 'vedlegg'
        ? (async function* () {
            for (let i = 0; i < bytes.length; i += 10_007) yield bytes.subarray(i, i + 10_007);
          })()
        : bytes,
  }));
}

/** buildDeposit of the same log, archive and documents in memory. */
function inMemory(events: RecordedEvent[], committee: string, year: number, upTo: bigint, builtFrom: { position: bigint; hash: string | null }) {
  const log = committeeLog(
    events.filter((e) => e.position <= upTo),
    committee,
  );
  const archive = buildArchive(log, { committee, year, generatedAt: GENERATED_AT })!;
  archive.header.position = Number(upTo);
  withBuiltFrom(archive, builtFrom);
  return { archive, built: buildDeposit({ archive, events: log, documents: documentsOf(archive), builtFrom }) };
}

describe('the streamed deposit', () => {
  it('is byte for byte the in-memory deposit of the same log (NEHS 2018, the whole store), for any page size', async () => {
    const head = await world.store.headPosition();
    const s = await streamed(world.store, 'NEHS', 2018, head);
    const { archive, built } = inMemory(world.events, 'NEHS', 2018, head, s.builtFrom);
    expect(archive.changeLog.length).toBeGreaterThan(100);
    expect(s.bytes.equals(Buffer.from(built.zip))).toBe(true);
    expect(s.zip.bytes).toBe(s.bytes.length);
    expect(s.zip.entries).toEqual(built.entries);
    for (const pageSize of [1, 7, 333]) expect((await streamed(world.store, 'NEHS', 2018, head, pageSize)).bytes.equals(s.bytes)).toBe(true);
    const files = unzipSync(s.bytes);
    // the JSON files as the whole archive would stringify, the XML as archiveToXml writes it and valid
    expect(strFromU8(files['arkivuttrekk.json']!)).toBe(JSON.stringify(archive, null, 2) + '\n');
    expect(strFromU8(files['endringslogg.json']!)).toBe(JSON.stringify(archive.changeLog, null, 2) + '\n');
    const xml = strFromU8(files['arkivuttrekk.xml']!);
    expect(xml).toBe(archiveToXml(archive, { builtFrom: s.builtFrom, entries: s.zip.entries }));
    expect(xsd.errorOf(xml)).toBeNull();
    expect(readDeposit(s.bytes).events.map((e) => e.id)).toEqual(built.entries.length ? readDeposit(built.zip).events.map((e) => e.id) : []);
    // the XML and the manifest last: they list the others' hashes
    expect(Object.keys(files).slice(-2)).toEqual(['arkivuttrekk.xml', 'sjekksummer.sha256']);
  }, 60_000);

  it('the same up to an earlier position, and for every other committee-year (a year with no meetings: empty lists)', async () => {
    const mid = world.events[Math.floor(world.events.length / 2)]!.position;
    for (const [code, year, upTo] of [
      ['NEHS', 2019, mid],
      ['NUIT', 2019, await world.store.headPosition()],
      ['NEHS', 2005, await world.store.headPosition()],
    ] as const) {
      const s = await streamed(world.store, code, year, upTo);
      const { built } = inMemory(world.events, code, year, upTo, s.builtFrom);
      expect({ code, year, same: s.bytes.equals(Buffer.from(built.zip)) }).toEqual({ code, year, same: true });
    }
  }, 60_000);

  it('gives its first bytes while it reads the log for the first time (after its first 64 KiB), not after reading it all', async () => {
    const head = await world.store.headPosition();
    const streams = await committeeStreams(world.store, 'NEHS', head);
    let pages = 0;
    const counting: EventStore = Object.create(world.store, {
      readAll: { value: (o?: ReadAllOptions) => (pages++, world.store.readAll(o)) },
    });
    const zip = new DepositStream({
      options: { committee: 'NEHS', year: 2018, generatedAt: GENERATED_AT },
      log: () => committeeEvents(counting, 'NEHS', head, streams, 10),
      position: head,
      builtFrom: (await world.store.lastEvent())!,
      documents: async () => [],
    });
    const it = zip[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    const before = pages;
    // a whole pass over the log is ceil(events / 10) + 1 pages
    expect(before).toBeLessThan(Math.ceil(world.events.length / 10) / 2);
    await it.return(undefined);
  });
});
