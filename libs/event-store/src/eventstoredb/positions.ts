/**
 * The one place where the port's position (one opaque bigint) meets KurrentDB's `{ commit, prepare }`.
 *
 * WHAT A KURRENTDB POSITION IS. A byte offset in the server's transaction log. Both write paths this
 * adapter uses (`appendToStream` and `multiStreamAppend`) reach the server's storage writer as one
 * `WriteEvents` of committed prepares, without an explicit transaction: every event is one prepare
 * record that is its own commit, so on `$all` it has `{ commit: L, prepare: L }` where L is that
 * record's offset. L differs for every event (also for the events of one multi-stream append, which
 * share one transaction but not one offset) and grows in log order.
 *
 * THE MAPPING. port position p ⇔ `{ commit: p, prepare: p }`:
 * - `toPortPosition` keeps the commit part (equal to the prepare part for our events);
 * - `0n` is "before every event" and reads from `START`;
 * - any other p is sent as `{ commit: p, prepare: p }`, which the server accepts only when p is a
 *   record boundary: a position it handed out (an event's, or the head it reported).
 * (Events written by the legacy TCP API inside an explicit transaction share one commit position;
 * such data is outside what this adapter maps: the gRPC API never writes it.)
 *
 * NOT A BOUNDARY. The port lets callers pass an `after` that is not an event's position (a position
 * that lay between two events, another store's position). The server refuses to read from it
 * (InvalidPosition). So a read "after p" first tries p itself and, when the server refuses it before
 * handing over any record, reads from the nearest boundary before p that this process has seen
 * (`BoundaryCache`), else from `START`, and drops everything at or before p. The answer is the same;
 * only the cost differs. Nobody ever computes a position (`p + 1n` is not an event).
 */
import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  type Position,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';

/** How the server spells "no position" (uint64 max), e.g. on stream reads of events it cannot place. */
export const NO_POSITION = 0xffff_ffff_ffff_ffffn;

/** `{ commit, prepare }` → the port's position (the commit part; see the header). */
export function toPortPosition(position: Position): bigint {
  return position.commit;
}

/** The port's position → `{ commit: p, prepare: p }` (see the header). */
export function toKurrentPosition(position: bigint): Position {
  if (typeof position !== 'bigint' || position < 0n) throw new RangeError(`Invalid position: ${String(position)}`);
  return { commit: position, prepare: position };
}

/** Where a read or subscription starts for a port position: none or 0n → START, else that position. */
export function toReadPosition(position: bigint | undefined): ReadPosition {
  if (position === undefined || position === 0n) return START;
  return toKurrentPosition(position);
}

/** The same record (both parts equal). */
export function samePosition(a: Position | undefined, b: Position | undefined): boolean {
  return !!a && !!b && a.commit === b.commit && a.prepare === b.prepare;
}

/**
 * Whether an error from a read or subscription that started at a position (and had handed over no
 * record yet) means "the server will not start there": anything that is not a transport, leader,
 * permission or stream error. The client reports the server's InvalidPosition as an unknown error
 * (the native reader) or as a gRPC error without a type of its own (subscriptions), so it is
 * recognised by what it is not. Taking a wrong error for a refusal costs one read from an earlier
 * boundary, where the same error comes again and is thrown then.
 */
export function isPositionRefused(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (/invalid ?position|out of range|outofrange/i.test(`${error.name} ${error.message}`)) return true;
  return !(
    error instanceof UnavailableError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError ||
    error instanceof NotLeaderError ||
    error instanceof AccessDeniedError ||
    error instanceof StreamNotFoundError ||
    error instanceof StreamDeletedError
  );
}

/**
 * Record boundaries (port positions of events) this process has seen, to restart a refused read
 * near where it was asked to start instead of at the beginning of the log. Bounded: past `capacity`
 * every other entry is dropped (the first and the last stay), so old regions keep a coarser cover.
 */
export class BoundaryCache {
  private readonly sorted: bigint[] = [];

  constructor(private readonly capacity = 4096) {}

  get size(): number {
    return this.sorted.length;
  }

  remember(position: bigint): void {
    if (position <= 0n || position === NO_POSITION) return;
    const s = this.sorted;
    const last = s[s.length - 1];
    if (last === undefined || position > last) s.push(position);
    else {
      const i = this.lowerIndex(position);
      if (s[i] === position) return;
      s.splice(i, 0, position);
    }
    if (s.length > this.capacity) {
      const keep = s.filter((_, i) => i % 2 === 0 || i === s.length - 1);
      s.length = 0;
      s.push(...keep);
    }
  }

  /** The greatest remembered boundary strictly before `position`, or undefined. */
  before(position: bigint): bigint | undefined {
    const i = this.lowerIndex(position);
    return i > 0 ? this.sorted[i - 1] : undefined;
  }

  has(position: bigint): boolean {
    return this.sorted[this.lowerIndex(position)] === position;
  }

  /** Index of the first entry >= position. */
  private lowerIndex(position: bigint): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Where to start reading for a lower bound, and the next start after a refusal: the position itself
 * first, then the nearest remembered boundary before it, then the beginning (0n). Undefined when there
 * is nothing earlier to try (already at the beginning).
 */
export function fallbackStart(tried: bigint, cache: BoundaryCache): bigint | undefined {
  if (tried <= 0n) return undefined;
  return cache.before(tried) ?? 0n;
}
