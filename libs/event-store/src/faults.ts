/**
 * Store faults: errors that say the store cannot serve now (a full disk, a read-only file or file
 * system, an I/O error, an fsync that failed, KurrentDB unreachable or too slow), as opposed to a
 * refusal of the call itself (WrongExpectedRevision, StreamNotFound, a bad argument).
 *
 * `storeFault(error)` names the fault in a few words without a file path, SQL text or host (the
 * words reach `GET /api/health` and the logs; the API answers 503 with its own detail), or null
 * when the error is not a fault. `GuardedStore` (guarded-store.ts) throws `StoreUnavailable`.
 */

/** The store cannot serve the call now; nothing of a refused write was written. */
export class StoreUnavailable extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(
    /** A few words, no path or host (see `storeFault`). */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The event store is unavailable: ${reason}`, options);
    this.name = 'StoreUnavailable';
  }
}

const ERRNO: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file size limit is reached',
  EROFS: 'the file system is read-only',
  EACCES: 'the data files may not be written (permission denied)',
  EPERM: 'the data files may not be written (permission denied)',
  EIO: 'an I/O error on the data files',
};

const SQLITE: Array<[RegExp, string]> = [
  [/^SQLITE_FULL/, 'the disk is full'],
  [/^SQLITE_READONLY/, 'the database file is read-only'],
  [/^SQLITE_IOERR/, 'the database file cannot be written (I/O error)'],
  [/^SQLITE_CANTOPEN/, 'the database file cannot be opened'],
  [/^SQLITE_CORRUPT/, 'the database file is damaged'],
  [/^SQLITE_NOTADB/, 'the database file is damaged'],
  [/^SQLITE_PERM/, 'the database file may not be written (permission denied)'],
];

/** The KurrentDB client's error types (`CommandError.type`) that mean "not now". */
const KURRENT: Record<string, string> = {
  unavailable: 'KurrentDB is unreachable',
  'deadline-exceeded': 'KurrentDB did not answer in time',
  'not-leader': 'KurrentDB has no leader to write to',
  'unknown-error': 'KurrentDB failed',
};

/** A few words naming the fault, or null when `error` is not a store fault (see the top of the file). */
export function storeFault(error: unknown, depth = 0): string | null {
  if (typeof error !== 'object' || error === null || depth > 4) return null;
  const e = error as { code?: unknown; type?: unknown; reason?: unknown; message?: unknown; cause?: unknown; name?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === 'STORE_UNAVAILABLE' && typeof e.reason === 'string') return e.reason;
  if (code in ERRNO) return ERRNO[code];
  for (const [re, words] of SQLITE) if (re.test(code)) return words;
  if (typeof e.type === 'string' && e.type in KURRENT) return KURRENT[e.type];
  const message = typeof e.message === 'string' ? e.message : '';
  if (/^fsync of .* failed/.test(message)) return 'the write-ahead log could not be synced to disk (restart the server)';
  if (message === 'Event store is closed') return 'the store is closed (the server is stopping)';
  if (message.startsWith('Cannot reach KurrentDB')) return 'KurrentDB is unreachable';
  return e.cause !== undefined ? storeFault(e.cause, depth + 1) : null;
}
