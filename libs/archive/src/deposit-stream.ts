/**
 * The deposit streamed: the same zip as `buildDeposit` (deposit.ts), written from pages of the
 * store as the consumer reads it (an HTTP answer, a file), never the whole log or the whole zip in
 * memory.
 *
 * The committee's log is read four times, page by page (`committeeEvents`: `readAll` with the
 * `after` cursor of the page before, up to the export's position):
 * 1. `hendelser.jsonl`, line by line; the same pass selects the year's units (`UnitSelector`) and
 *    keeps the `AttachmentAdded` events (one per attachment);
 * 2. `endringslogg.json`: the fold (`ArchiveFolder`) hands each change-log entry to the file as it
 *    is made; what it keeps (the folded meetings and cases) is the archive without its change log;
 * 3. `arkivuttrekk.json`: that archive (its header counting the entries), the change log from a
 *    second fold entry by entry;
 * 4. after the documents (one at a time, each read as its source gives it), `arkivuttrekk.xml`:
 *    everything before the change log, the change log from a third fold, then the deposit section
 *    with every file's SHA-256; last the manifest.
 *
 * What stays in memory: one page of events; the units and folded records of the committee (its
 * meetings and cases: bounded by the register, not the log); the list of documents and the
 * AttachmentAdded events (one per attachment); one document's piece; the zip's output of one piece.
 * The zip's bytes go out only as they are asked for (an async iterator: the consumer's pace).
 */
import type { EventStore, RecordedEvent } from '@saksflyt/event-store';
import { upcastEvent } from '@saksflyt/workflow';
import { ArchiveFolder, UnitSelector } from './build.js';
import { withBuiltFrom } from './built-from.js';
import {
  DEPOSIT_CHANGE_LOG,
  DEPOSIT_EVENTS,
  DEPOSIT_JSON,
  archiveJsonPieces,
  documentOrder,
  endDeposit,
  eventText,
  depositEntries,
  xmlFile,
  type BuiltFrom,
  type DepositDocument,
  type DepositEntry,
} from './deposit.js';
import { DepositZipWriter, JsonArrayText } from './deposit-zip.js';
import type { Archive, ArchiveChange, ArchiveOptions } from './model.js';

/** Events per page read from the store. */
export const DEPOSIT_PAGE = 2000;

/** A document whose bytes are read when the zip reaches it (a PDF rendered then, an attachment read from its file in pieces). */
export type LazyDocument = Omit<DepositDocument, 'bytes'> & { read(): Promise<Uint8Array | AsyncIterable<Uint8Array>> };

/** What a deposit needs to know about an attachment (from its `AttachmentAdded` event). */
export interface AttachmentAddedRef {
  caseId: string;
  attachmentId: string;
  filename: string;
  contentType: string;
  sha256: string;
  at: string;
  actor: string;
}

export interface DepositStreamInput {
  options: ArchiveOptions;
  /** The committee's part of the log in position order, read anew on every call (`committeeEvents`). */
  log(): AsyncIterable<RecordedEvent>;
  /** The export's position (`header.position`): every event up to it was considered. */
  position: bigint;
  builtFrom: BuiltFrom;
  /** The notice and minutes PDFs of the archive's meetings and its cases' attachments (given the `AttachmentAdded` of the archived cases). */
  documents(archive: Archive, attachments: AttachmentAddedRef[]): Promise<LazyDocument[]>;
}

/**
 * The committee's streams (as `committeeLog` finds them), from the events that name its meetings
 * and cases (the store's `types` hint: the SQLite store reads only those rows). Bounded by the register.
 */
export async function committeeStreams(store: EventStore, code: string, upTo: bigint): Promise<Set<string>> {
  const streams = new Set<string>([`committee-${code}`]);
  for await (const e of store.readAll({ types: ['MeetingPlanned', 'CaseDrafted'] })) {
    if (e.position > upTo) break;
    if ((e.type === 'MeetingPlanned' || e.type === 'CaseDrafted') && (e.data as { committee?: string }).committee === code) streams.add(e.stream);
  }
  return streams;
}

/** The committee's part of the log up to `upTo`, in pages of `pageSize` (each page read after the last position of the one before). */
export async function* committeeEvents(store: EventStore, code: string, upTo: bigint, streams: ReadonlySet<string>, pageSize = DEPOSIT_PAGE): AsyncGenerator<RecordedEvent> {
  const numbering = `numbering-${code}-`;
  const history = `history-${code}-`;
  let cursor: bigint | undefined;
  for (;;) {
    const page: RecordedEvent[] = [];
    for await (const e of store.readAll(cursor === undefined ? { maxCount: pageSize } : { after: cursor, maxCount: pageSize })) page.push(e);
    for (const e of page) {
      if (e.position > upTo) return;
      if (streams.has(e.stream) || e.stream.startsWith(numbering) || e.stream.startsWith(history)) yield e;
    }
    if (page.length < pageSize) return;
    cursor = page[page.length - 1]!.position;
  }
}

/** The deposit as an async iterable of the zip's bytes; `entries` and `bytes` are set once it has ended. */
export class DepositStream implements AsyncIterable<Uint8Array> {
  entries: DepositEntry[] = [];
  bytes = 0;

  constructor(private readonly input: DepositStreamInput) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    const { input } = this;
    const { options } = input;
    const generated = options.generatedAt;
    let out: Uint8Array[] = [];
    const zip = new DepositZipWriter((c) => out.push(c));
    const drain = (): Uint8Array[] => {
      const chunks = out;
      out = [];
      return chunks;
    };

    // 1. the event log; pass 1 of the fold; the attachments
    const units = new UnitSelector(options.committee, options.year);
    const added: RecordedEvent[] = [];
    let file = zip.file(DEPOSIT_EVENTS);
    for await (const e of input.log()) {
      file.write(eventText(e));
      units.add(upcastEvent(e));
      if (e.type === 'AttachmentAdded') added.push(e);
      yield* drain();
    }
    const events = file.end();
    yield* drain();
    if (!units.committeeExists) throw new Error(`unknown committee ${options.committee}`);

    // one fold over the log, each change-log entry to `write`
    const fold = async function* (write: (c: ArchiveChange) => void): AsyncGenerator<Uint8Array, Archive> {
      const folder = new ArchiveFolder(options, units, write);
      for await (const e of input.log()) {
        folder.add(upcastEvent(e));
        yield* drain();
      }
      return folder.finish();
    };

    // 2. the change log, and the archive (without its entries)
    file = zip.file(DEPOSIT_CHANGE_LOG);
    const changes = new JsonArrayText(0);
    const f1 = file;
    const archive = yield* fold((c) => f1.write(changes.item(c)));
    file.write(changes.end() + '\n');
    const changeLog = file.end();
    archive.header.position = Number(input.position);
    withBuiltFrom(archive, input.builtFrom.hash === null && input.builtFrom.position === 0n ? null : input.builtFrom);
    const counted = archive.header.counts.changes;
    const again = (a: Archive): void => {
      if (a.header.counts.changes !== counted) throw new Error(`the log changed under the deposit: ${a.header.counts.changes} change-log entries, not ${counted}`);
    };

    // 3. the archive as JSON
    file = zip.file(DEPOSIT_JSON);
    const json = archiveJsonPieces(archive);
    file.write(json.head);
    const f2 = file;
    again(yield* fold((c) => f2.write(json.entries.item(c))));
    file.write(json.tail());
    const jsonFile = file.end();
    yield* drain();

    // 4. the documents, one at a time
    const cases = new Set(archive.cases.map((c) => c.id));
    const attachments: AttachmentAddedRef[] = [];
    for (const e of added) {
      const caseId = e.stream.slice('case-'.length);
      if (!e.stream.startsWith('case-') || !cases.has(caseId)) continue;
      const d = e.data as { attachmentId: string; filename: string; contentType: string; sha256: string };
      attachments.push({ caseId, attachmentId: d.attachmentId, filename: d.filename, contentType: d.contentType, sha256: d.sha256, at: e.metadata.at, actor: e.metadata.actor });
    }
    const docs: DepositEntry[] = [];
    for (const { read, ...d } of documentOrder(await input.documents(archive, attachments), [DEPOSIT_JSON, DEPOSIT_CHANGE_LOG, DEPOSIT_EVENTS])) {
      const w = zip.file(d.path, d.mimeType === 'application/pdf');
      const content = await read();
      if (content instanceof Uint8Array) w.write(content);
      else
        for await (const piece of content) {
          w.write(piece);
          yield* drain();
        }
      const { sha256, size } = w.end();
      docs.push({ ...d, sha256, size });
      yield* drain();
    }
    const entries = depositEntries(generated, jsonFile, changeLog, events, docs);

    // 5. the XML (listing every file's hash), then the manifest (the XML's too), then the zip's end
    const x = xmlFile(zip, archive);
    again(yield* fold((c) => x.change(c)));
    const xml = x.end({ builtFrom: input.builtFrom, entries });
    endDeposit(zip, xml, entries);
    yield* drain();
    this.entries = entries;
    this.bytes = zip.bytes;
  }
}
