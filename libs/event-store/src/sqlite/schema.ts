/**
 * What every connection to the file agrees on: the schema, the write pragmas, the stored row and how
 * it decodes into a `RecordedEvent`, and the tamper-evidence hash chaining each row to the previous.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { EventMetadata, RecordedEvent } from '../port.js';

export const GENESIS_HASH = '0'.repeat(64);

/** The schema, shared by every process opening the file. */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  stream      TEXT NOT NULL,
  revision    INTEGER NOT NULL,
  type        TEXT NOT NULL,
  data        TEXT NOT NULL,
  metadata    TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events (stream, revision);
CREATE TABLE IF NOT EXISTS store_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** Pragmas applied to every connection that writes (benchmarks use the same). */
export function applyWritePragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.pragma('cache_size = -65536'); // 64 MiB: random uuid index inserts stay in cache
}

/**
 * The chain hash of one row: sha256 hex of the previous row's hash followed by the canonical
 * serialisation of the row (a JSON array of position, id, stream, revision, type, data text,
 * metadata text, recorded_at; integers as decimal strings; data and metadata exactly as stored).
 */
export function chainHash(
  previousHash: string,
  position: bigint | number,
  id: string,
  stream: string,
  revision: bigint | number,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
): string {
  const canonical = JSON.stringify([String(position), id, stream, String(revision), type, data, metadata, recordedAt]);
  return createHash('sha256').update(previousHash).update(canonical).digest('hex');
}

/** A stored row as a raw statement returns it (columns in `COLUMNS` order). */
export type Row = [
  position: number,
  id: string,
  stream: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
  hash: string,
];

export const COLUMNS = 'position, id, stream, revision, type, data, metadata, recorded_at, hash';

export function toEvent(r: Row): RecordedEvent {
  return {
    id: r[1],
    stream: r[2],
    type: r[4],
    data: JSON.parse(r[5]),
    metadata: JSON.parse(r[6]) as EventMetadata,
    revision: BigInt(r[3]),
    position: BigInt(r[0]),
    recordedAt: r[7],
    hash: r[8],
  };
}
