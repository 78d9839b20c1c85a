/** storeFault: which errors are store faults (503), in words without a path, SQL or host. */
import { describe, expect, test } from '@jest/globals';
import { StoreUnavailable, WrongExpectedRevision, StreamNotFound, storeFault } from '../src/index.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('storeFault', () => {
  test.each([
    [coded('SQLITE_FULL', 'database or disk is full'), 'the disk is full'],
    [coded('SQLITE_READONLY', 'attempt to write a readonly database'), 'the database file is read-only'],
    [coded('SQLITE_READONLY_DBMOVED'), 'the database file is read-only'],
    [coded('SQLITE_IOERR_WRITE', 'disk I/O error'), 'the database file cannot be written (I/O error)'],
    [coded('SQLITE_CANTOPEN'), 'the database file cannot be opened'],
    [coded('ENOSPC', "ENOSPC: no space left on device, write '/data/blobs/tmp/x'"), 'the disk is full'],
    [coded('EROFS', "EROFS: read-only file system, open '/data/blobs/tmp/x'"), 'the file system is read-only'],
    [coded('EFBIG'), 'the file size limit is reached'],
    [coded('EACCES'), 'the data files may not be written (permission denied)'],
    [new Error('fsync of /data/saksflyt.db-wal failed: EIO'), 'the write-ahead log could not be synced to disk (restart the server)'],
    [Object.assign(new Error('14 UNAVAILABLE: No connection established'), { type: 'unavailable' }), 'KurrentDB is unreachable'],
    [new StoreUnavailable('KurrentDB did not answer within 900 ms'), 'KurrentDB did not answer within 900 ms'],
    [new Error('wrapped', { cause: coded('SQLITE_FULL') }), 'the disk is full'],
  ])('%s → %s', (error, words) => {
    expect(storeFault(error)).toBe(words);
    expect(words).not.toMatch(/\/[a-z]|SQLITE|INSERT/);
  });

  test('refusals and bugs are not faults', () => {
    expect(storeFault(new WrongExpectedRevision('case-1', 0n, 1n))).toBeNull();
    expect(storeFault(new StreamNotFound('case-1'))).toBeNull();
    expect(storeFault(coded('SQLITE_CONSTRAINT_UNIQUE'))).toBeNull();
    expect(storeFault(new TypeError('x is undefined'))).toBeNull();
    expect(storeFault('a string')).toBeNull();
  });
});
