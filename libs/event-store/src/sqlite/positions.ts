/**
 * The position modes and the offset rule (the only position arithmetic there is), and how a file's
 * mode is asked for and fixed when the file is created.
 */
import Database from 'better-sqlite3';

export type PositionMode = 'dense' | 'sparse';

/** Sparse mode: where the log starts (as if after a 4 KiB header). */
export const SPARSE_FIRST_POSITION = 4096;
/** Sparse mode: the fixed part of a row's size (as if the row's header). */
export const SPARSE_ROW_HEADER = 32;

/**
 * Sparse mode: the size of a stored row, the distance from its position to the next row's: the
 * header plus the lengths (UTF-16 code units) of its stored texts. Deterministic, so `verifyChain`
 * recomputes where each row must be.
 */
export function sparseRowSize(id: string, stream: string, type: string, data: string, metadata: string, recordedAt: string): number {
  return SPARSE_ROW_HEADER + id.length + stream.length + type.length + data.length + metadata.length + recordedAt.length;
}

/** The position of the first row of a file in this mode. */
export function firstPosition(mode: PositionMode): number {
  return mode === 'sparse' ? SPARSE_FIRST_POSITION : 1;
}

/**
 * The offset rule: the position of the row after the row at `position` with these stored texts.
 * Dense: position + 1. Sparse: like a log offset, position + the row's size (SPARSE_ROW_HEADER + the
 * lengths of its stored texts), so always > position + 1.
 */
export function nextPosition(
  sparse: boolean,
  position: number,
  id: string,
  stream: string,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
): number {
  return sparse ? position + sparseRowSize(id, stream, type, data, metadata, recordedAt) : position + 1;
}

/**
 * The position mode asked for: the `positions` option, else `SAKSFLYT_SPARSE_POSITIONS=1` in the
 * environment (so the api and every test pick it up without code changes), else 'dense'.
 */
export function requestedPositionMode(options: { positions?: PositionMode }, env: NodeJS.ProcessEnv = process.env): PositionMode {
  if (options.positions !== undefined) {
    if (options.positions !== 'dense' && options.positions !== 'sparse') throw new Error(`Invalid positions option: ${String(options.positions)}`);
    return options.positions;
  }
  return env.SAKSFLYT_SPARSE_POSITIONS === '1' ? 'sparse' : 'dense';
}

/**
 * The file's position mode, fixed when it is first opened (a file written before the mode existed,
 * with events and no mode recorded, is dense). Asking for the other mode throws: its positions could
 * not be verified.
 */
export function fileMode(writer: Database.Database, requested: PositionMode, file: string): PositionMode {
  writer.prepare('BEGIN IMMEDIATE').run();
  try {
    let mode = writer.prepare("SELECT value FROM store_meta WHERE key = 'positions'").pluck().get() as string | undefined;
    if (mode === undefined) {
      const empty = writer.prepare('SELECT 1 FROM events LIMIT 1').pluck().get() === undefined;
      mode = empty ? requested : 'dense';
      writer.prepare("INSERT INTO store_meta (key, value) VALUES ('positions', ?)").run(mode);
    }
    writer.prepare('COMMIT').run();
    if (mode !== 'dense' && mode !== 'sparse') throw new Error(`${file}: unknown position mode ${mode}`);
    if (mode !== requested) {
      throw new Error(
        `${file} keeps ${mode} positions, but ${requested} positions were asked for (positions option or SAKSFLYT_SPARSE_POSITIONS): a file's position mode is fixed when it is created`,
      );
    }
    return mode;
  } finally {
    if (writer.inTransaction) writer.prepare('ROLLBACK').run();
  }
}

/**
 * The position mode an existing file keeps, read without writing (for tools that open a file they did
 * not create, e.g. `saksflyt verify`); undefined when the file records none (then it is dense, or new).
 */
export function storedPositionMode(file: string): PositionMode | undefined {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_meta'").pluck().get() !== undefined;
    const mode = hasMeta ? (db.prepare("SELECT value FROM store_meta WHERE key = 'positions'").pluck().get() as string | undefined) : undefined;
    return mode === 'dense' || mode === 'sparse' ? mode : undefined;
  } finally {
    db.close();
  }
}
