/** The audit: recomputing a file's hash chain and the place of every row. */
import Database from 'better-sqlite3';
import type { BuiltFrom, TamperKind, VerifyOptions, VerifyResult } from '../port.js';
import { firstPosition, nextPosition, type PositionMode } from './positions.js';
import { chainHash, COLUMNS, GENESIS_HASH, type Row } from './schema.js';

export type VerifyChainResult = VerifyResult;

/** How far past the first bad row the classifier looks for the row that belongs there. */
const LOOK_AHEAD = 10_000;

/**
 * Recomputes the whole hash chain on its own read snapshot: an altered, removed, inserted or
 * reordered row breaks it. Every row must also sit exactly where the offset rule puts it (the first
 * at the mode's first position, each next one at `nextPosition` of the row before it: dense 1, 2,
 * 3, …; sparse the previous position + the previous row's size), so a removed or inserted row is
 * found in both modes. `firstBadPosition` is the first position where the file and the chain
 * disagree: a row whose hash or position is wrong, or where a missing row should have been; `kind`
 * says what the rows around it show (see `classify`).
 *
 * What a chain kept inside the file cannot prove by itself: that the newest rows were not cut off,
 * or that someone with write access did not recompute every later hash. For that, keep the
 * `headHash` (and `events`) an earlier verification returned, or the position and hash a printed
 * document names, somewhere else and pass it back as `knownHead`: the chain must still contain
 * exactly that hash at that position. `upTo` stops after that position (a printed copy's check).
 */
export async function verifyChain(file: string, positions: PositionMode, options: VerifyOptions = {}): Promise<VerifyChainResult> {
  const sparse = positions === 'sparse';
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.prepare('BEGIN').run();
    const stmt = db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw();
    const known = options.knownHead;
    const upTo = options.upTo !== undefined ? Number(options.upTo) : Number.POSITIVE_INFINITY;
    let knownSeen = false;
    let prev = GENESIS_HASH;
    // the hash before the last good row, and that row's position (for a row inserted with a hash
    // that chains, the rest shifted one place on)
    let before: { prev: string; position: number } | undefined;
    let after = 0;
    let expectedPos = firstPosition(positions);
    let count = 0;
    const fail = (firstBadPosition: number | bigint, kind: TamperKind): VerifyChainResult => ({ ok: false, firstBadPosition: BigInt(firstBadPosition), kind });
    scan: for (;;) {
      const rows = stmt.all(after, 5000) as Row[];
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        if (r[0] > upTo) break scan;
        const h = chainHash(prev, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
        if (r[0] !== expectedPos || h !== r[8]) {
          const ahead = [...rows.slice(i), ...(stmt.all(rows.at(-1)![0], LOOK_AHEAD) as Row[])].slice(0, LOOK_AHEAD);
          const found = classify(sparse, prev, expectedPos, ahead, before);
          return fail(found.position, found.kind);
        }
        if (known && BigInt(r[0]) === known.position) {
          if (h !== known.hash) return fail(known.position, 'rewritten');
          knownSeen = true;
        }
        before = { prev, position: r[0] };
        prev = h;
        after = r[0];
        expectedPos = nextPosition(sparse, r[0], r[1], r[2], r[4], r[5], r[6], r[7]);
        count += 1;
      }
      if (rows.length < 5000) break;
      await new Promise((r) => setImmediate(r));
    }
    if (known && !knownSeen && known.position > 0n) {
      // the kept head lies past the end of the chain: the rows from where the next one was due are
      // gone; between two of its rows: the chain was rebuilt with other positions
      if (known.position >= BigInt(expectedPos)) return fail(expectedPos, 'cut-off');
      return fail(known.position, 'rewritten');
    }
    db.prepare('COMMIT').run();
    return { ok: true, events: count, headHash: prev };
  } finally {
    db.close();
  }
}

/** Whether the row is the one the chain wants after `prev` at position `at`. */
function chains(prev: string, at: number, r: Row): boolean {
  return chainHash(prev, at, r[1], r[2], r[3], r[4], r[5], r[6], r[7]) === r[8];
}

/**
 * What went wrong at the first row that does not fit (`rows[0]`), given the hash and the position
 * the chain wanted there. The stored hashes are the witnesses: every intact row still carries the
 * hash it was written with, which names its predecessor and its position.
 * - a gap before it (its position past the one due): `deleted` there, unless the row chains to the
 *   last good one at its own place (then it was `inserted` where the offset rule puts no row);
 * - a row before the one due (sparse): `inserted`;
 * - at the position due but not chaining: the row that does chain there is further on: `inserted`
 *   when the rest then follows from it as if the bad row were not there, else `reordered`; no row
 *   chains there: `inserted` at the last good row when this row chains where that one stands (a
 *   row put in with a hash that chains, the later rows moved on), `deleted` when the next row
 *   follows from this one's hash one place later (the later rows moved up over the gap, dense),
 *   else `altered`.
 */
export function classify(
  sparse: boolean,
  prev: string,
  expected: number,
  rows: Row[],
  before?: { prev: string; position: number },
): { position: number; kind: TamperKind } {
  const [r, next] = rows;
  if (r[0] > expected) return chains(prev, r[0], r) ? { position: r[0], kind: 'inserted' } : { position: expected, kind: 'deleted' };
  if (r[0] < expected) return { position: r[0], kind: 'inserted' };
  const j = rows.findIndex((x, k) => k > 0 && chains(prev, expected, x));
  if (j > 0) {
    const belongs = rows[j];
    const afterIt = nextPosition(sparse, expected, belongs[1], belongs[2], belongs[4], belongs[5], belongs[6], belongs[7]);
    const restFollows = rows[j + 1] === undefined || chains(belongs[8], afterIt, rows[j + 1]);
    if (j === 1 && restFollows && !chains(belongs[8], afterIt, r)) return { position: r[0], kind: 'inserted' };
    return { position: expected, kind: 'reordered' };
  }
  // the last good row was put in with a hash that chains, and this one was moved on from its place
  if (before && chains(before.prev, before.position, r)) return { position: before.position, kind: 'inserted' };
  if (!sparse && next && next[0] === r[0] + 1 && chains(r[8], next[0] + 1, next)) return { position: expected, kind: 'deleted' };
  return { position: expected, kind: 'altered' };
}

/** The last row at or before `atOrBefore` (default: the head): its position and chain hash. */
export function lastRow(db: Database.Database, atOrBefore?: bigint): BuiltFrom | null {
  const row = (
    atOrBefore === undefined
      ? db.prepare('SELECT position, hash FROM events ORDER BY position DESC LIMIT 1').raw().get()
      : db.prepare('SELECT position, hash FROM events WHERE position <= ? ORDER BY position DESC LIMIT 1').raw().get(atOrBefore)
  ) as [number, string] | undefined;
  return row ? { position: BigInt(row[0]), hash: row[1] } : null;
}
