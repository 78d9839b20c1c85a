/** Test support: the real records in a temp SQLite store, and the XSD validator of the export. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XmlDocument, XsdValidator } from 'libxml2-wasm';
import { xmlRegisterFsInputProviders } from 'libxml2-wasm/lib/nodejs.mjs';
import { openSqliteStore, type EventStore, type RecordedEvent } from '@saksflyt/event-store';
import { importRecords, loadRecordFile, recordFilesInOrder } from '@saksflyt/records';

export const ARCHIVE_DIR = path.join(process.cwd(), 'libs', 'archive');
export const SCHEMA_PATH = path.join(ARCHIVE_DIR, 'schema', 'saksflyt-arkivuttrekk.xsd');
export const RECORDS_DIR = path.join(process.cwd(), 'fixtures', 'records');

/** Every record file imported into an empty temp SQLite store; the store stays open until `close`. */
export async function realRecordsStore(): Promise<{ store: EventStore; events: RecordedEvent[]; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'saksflyt-archive-'));
  const store = await openSqliteStore({ file: path.join(dir, 'saksflyt.db') });
  await importRecords(store, recordFilesInOrder(RECORDS_DIR).map(loadRecordFile));
  const events: RecordedEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  return {
    store,
    events,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let registered = false;

/** Validates XML against the export's XSD (which imports the Noark 5 schemas from disk); throws when invalid. */
export class ArchiveXsd {
  private readonly schemaDoc: XmlDocument;
  private readonly validator: XsdValidator;

  constructor(schemaPath: string = SCHEMA_PATH) {
    if (!registered) {
      xmlRegisterFsInputProviders();
      registered = true;
    }
    this.schemaDoc = XmlDocument.fromBuffer(readFileSync(schemaPath), { url: schemaPath });
    this.validator = XsdValidator.fromDoc(this.schemaDoc);
  }

  validate(xml: string): void {
    const doc = XmlDocument.fromBuffer(Buffer.from(xml, 'utf8'));
    try {
      this.validator.validate(doc);
    } finally {
      doc.dispose();
    }
  }

  /** null when valid, else the validator's message. */
  errorOf(xml: string): string | null {
    try {
      this.validate(xml);
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  dispose(): void {
    this.validator.dispose();
    this.schemaDoc.dispose();
  }
}

export const XML_NS = {
  su: 'https://saksflyt.no/xmlns/arkivuttrekk/1',
  as: 'http://www.arkivverket.no/standarder/noark5/tj/arkivstruktur',
  sa: 'http://www.arkivverket.no/standarder/noark5/tj/sakarkiv',
  ls: 'http://www.arkivverket.no/standarder/noark5/tj/loggingogsporing',
  n5mdk: 'http://www.arkivverket.no/standarder/noark5/tj/metadata',
};

/** The text content of every node the XPath (with the prefixes of XML_NS) selects, read back by libxml2. */
export function xmlTexts(xml: string, xpath: string): string[] {
  const doc = XmlDocument.fromBuffer(Buffer.from(xml, 'utf8'));
  try {
    return doc.find(xpath, XML_NS).map((n) => n.content);
  } finally {
    doc.dispose();
  }
}

/** A row of a synthetic log: `[stream, type, data, actor?, at?]`. */
export type LogRow = [string, string, Record<string, unknown>, string?, string?];

/** A synthetic log from rows, positions 1.. in order; event ids start with `idPrefix` (one hex digit). */
export function syntheticLog(rows: LogRow[], idPrefix = 'e'): RecordedEvent[] {
  const revisions = new Map<string, bigint>();
  return rows.map(([stream, type, data, actor = 'sekretariatet', at = '2024-03-01T09:00:00+01:00'], i) => {
    const revision = revisions.get(stream) ?? 0n;
    revisions.set(stream, revision + 1n);
    return {
      id: `${idPrefix}${String(i + 1).padStart(7, '0')}-0000-4000-8000-000000000000`,
      stream,
      type,
      data: { v: 1, ...data },
      metadata: { actor, at, correlationId: 'c' },
      revision,
      position: BigInt(i + 1),
      recordedAt: '2026-01-01T00:00:00Z',
    };
  });
}
