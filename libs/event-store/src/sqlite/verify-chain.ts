/** The audit: recomputing a file's hash chain and the place of every row. */
import Database from 'better-sqlite3';
import { firstPosition, nextPosition, type PositionMode } from './positions.js';
import { chainHash, COLUMNS, GENESIS_HASH, type Row } from './schema.js';

export type VerifyChainResult =
  | { ok: true; events: number; headHash: string }
  | { ok: false; firstBadPosition: bigint };

/**
 * Recomputes the whole hash chain on its own read snapshot: an altered, removed, inserted or
 * reordered row breaks it. Every row must also sit exactly where the offset rule puts it (the first
 * at the mode's first position, each next one at `nextPosition` of the row before it: dense 1, 2,
 * 3, …; sparse the previous position + the previous row's size), so a removed or inserted row is
 * found in both modes. `firstBadPosition` is the first position where the file and the chain
 * disagree: a row whose hash or position is wrong, or where a missing row should have been.
 *
 * What a chain kept inside the file cannot prove by itself: that the newest rows were not cut off,
 * or that someone with write access did not recompute every later hash. For that, keep the
 * `headHash` (and `events`) an earlier verification returned somewhere else (a log, a signed
 * report) and pass it back as `knownHead` (with the position of the row it is the hash of): the
 * chain must still contain exactly that hash at that position.
 */
export async function verifyChain(
  file: string,
  positions: PositionMode,
  options: { knownHead?: { position: bigint; hash: string } } = {},
): Promise<VerifyChainResult> {
  const sparse = positions === 'sparse';
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.prepare('BEGIN').run();
    const stmt = db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw();
    const known = options.knownHead;
    let knownSeen = false;
    let prev = GENESIS_HASH;
    let after = 0;
    let expectedPos = firstPosition(positions);
    let count = 0;
    for (;;) {
      const rows = stmt.all(after, 5000) as Row[];
      for (const r of rows) {
        if (r[0] !== expectedPos) return { ok: false, firstBadPosition: BigInt(Math.min(r[0], expectedPos)) };
        const h = chainHash(prev, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
        if (h !== r[8]) return { ok: false, firstBadPosition: BigInt(r[0]) };
        if (known && BigInt(r[0]) === known.position) {
          if (h !== known.hash) return { ok: false, firstBadPosition: known.position };
          knownSeen = true;
        }
        prev = h;
        after = r[0];
        expectedPos = nextPosition(sparse, r[0], r[1], r[2], r[4], r[5], r[6], r[7]);
        count += 1;
      }
      if (rows.length < 5000) break;
      await new Promise((r) => setImmediate(r));
    }
    // the kept head lies past the end of the chain (or between its rows): the rows from where the
    // next one was due are gone
    if (known && !knownSeen && known.position > 0n) return { ok: false, firstBadPosition: BigInt(Math.min(expectedPos, Number(known.position))) };
    db.prepare('COMMIT').run();
    return { ok: true, events: count, headHash: prev };
  } finally {
    db.close();
  }
}
