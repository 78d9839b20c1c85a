/**
 * Tamper evidence on KurrentDB, where no global chain can be computed at append time (concurrent
 * writers reach the server in any order; the position is known only after the write):
 *
 * - THE STREAM CHAIN. Every event this adapter writes carries, beside our metadata
 *   (`saksflyt.metadata`), two more metadata properties: `saksflyt.prev`, the hash of the previous
 *   event of the SAME stream (GENESIS_HASH for revision 0), and `saksflyt.hash`, its own hash:
 *   sha256 of `prev` followed by the JSON array [stream, revision, id, type, data text, metadata
 *   text] (revision as a decimal string; data as JSON text, our metadata exactly as stored). Both
 *   are computed inside `appendMany`/`append` before the write, against the revision the write
 *   expects (an `any` write first reads the stream's head and expects it).
 * - THE SEALS. A sealer appends `LogSealed` events to a stream of its own (`SEAL_STREAM`, hidden
 *   from readAll, subscriptions and the head like system records): each seal covers the user events
 *   of a range of the global log (after the previous seal's `to`, up to its own `to`) by one hash,
 *   sha256 of the previous seal's hash followed by one JSON line [position, stream, revision, hash]
 *   per event in position order. So the global order, and events removed or put in between, are
 *   evidenced too, up to the last seal.
 * - `verifyLog` checks both, in one pass over $all.
 *
 * Events written before the chain existed (no `saksflyt.hash`) do not verify (`altered`).
 */
import { createHash } from 'node:crypto';
import type { BuiltFrom, TamperKind, VerifyOptions, VerifyResult } from '../port.js';

export const GENESIS_HASH = '0'.repeat(64);
export const PREV_KEY = 'saksflyt.prev';
export const HASH_KEY = 'saksflyt.hash';
/** The sealer's stream (not a `$` stream: writing those needs admin rights). */
export const SEAL_STREAM = 'saksflyt-seals';
export const SEAL_TYPE = 'LogSealed';

/** An event's own hash in its stream's chain (see the header). */
export function streamEventHash(prev: string, stream: string, revision: bigint, id: string, type: string, dataText: string, metadataText: string): string {
  const canonical = JSON.stringify([stream, revision.toString(), id, type, dataText, metadataText]);
  return createHash('sha256').update(prev).update(canonical).digest('hex');
}

/** What one event read back carries of the chain, and what its hash is computed over. */
export interface ChainedEvent {
  stream: string;
  revision: bigint;
  position: bigint;
  id: string;
  type: string;
  dataText: string;
  metadataText: string | undefined;
  prev: string | undefined;
  hash: string | undefined;
}

/** The chain's properties of a metadata object as read back (undefined where absent). */
export function chainOf(metadata: unknown): { metadataText?: string; prev?: string; hash?: string } {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return {};
  const m = metadata as Record<string, unknown>;
  const text = (k: string) => (typeof m[k] === 'string' ? (m[k] as string) : undefined);
  return { metadataText: text('saksflyt.metadata'), prev: text(PREV_KEY), hash: text(HASH_KEY) };
}

/** A seal as stored (positions as decimal strings). */
export interface SealData {
  v: 1;
  /** Exclusive: the previous seal's `to` ('0' for the first). */
  from: string;
  /** Inclusive: the position of the last event covered. */
  to: string;
  count: number;
  prev: string;
  hash: string;
}

/** The running hash of a seal: one step per covered event. */
export function sealStep(running: string, e: { position: bigint; stream: string; revision: bigint; hash: string | undefined }): string {
  return createHash('sha256')
    .update(running)
    .update(JSON.stringify([e.position.toString(), e.stream, e.revision.toString(), e.hash ?? '']))
    .digest('hex');
}

/**
 * One pass over the global log (user events in position order) and the seals: each event's own hash,
 * its place in its stream's chain (revision and predecessor), each seal's count and hash over its
 * range, a kept head. The same answer as the SQLite store's `verifyChain`.
 */
export async function verifyLog(events: AsyncIterable<ChainedEvent>, seals: SealData[], options: VerifyOptions = {}): Promise<VerifyResult> {
  const fail = (firstBadPosition: bigint, kind: TamperKind): VerifyResult => ({ ok: false, firstBadPosition, kind });
  const streams = new Map<string, { revision: bigint; hash: string; position: bigint }>();
  const known = options.knownHead;
  let knownSeen = false;
  let count = 0;
  let headHash = GENESIS_HASH;
  let last = 0n;
  // the seal being filled: its index, running hash, events so far and the first position in it
  let s = 0;
  let sealPrev = GENESIS_HASH;
  for (const seal of seals) {
    if (seal.prev !== sealPrev) return fail(BigInt(seal.from), 'rewritten');
    sealPrev = seal.hash;
  }
  let running = GENESIS_HASH;
  let inSeal = 0;
  let rangeStart: bigint | undefined;
  const closeSeal = (seal: SealData): VerifyResult | undefined => {
    const at = rangeStart ?? BigInt(seal.to);
    if (inSeal < seal.count) return fail(at, 'deleted');
    if (inSeal > seal.count) return fail(at, 'inserted');
    if (running !== seal.hash) return fail(at, 'reordered');
    s += 1;
    inSeal = 0;
    rangeStart = undefined;
    return undefined;
  };
  for await (const e of events) {
    if (options.upTo !== undefined && e.position > options.upTo) break;
    // the stream chain
    if (e.hash === undefined || e.prev === undefined || e.metadataText === undefined) return fail(e.position, 'altered');
    if (streamEventHash(e.prev, e.stream, e.revision, e.id, e.type, e.dataText, e.metadataText) !== e.hash) return fail(e.position, 'altered');
    const before = streams.get(e.stream);
    const due = before ? before.revision + 1n : 0n;
    if (e.revision > due) return fail(e.position, 'deleted');
    if (e.revision < due) return fail(e.position, 'inserted');
    if (e.prev !== (before ? before.hash : GENESIS_HASH)) return fail(before ? before.position : e.position, 'altered');
    streams.set(e.stream, { revision: e.revision, hash: e.hash, position: e.position });
    // the seals: close every seal that ends before this event
    while (s < seals.length && BigInt(seals[s].to) < e.position) {
      const bad = closeSeal(seals[s]);
      if (bad) return bad;
    }
    if (s < seals.length) {
      running = inSeal === 0 ? (s === 0 ? GENESIS_HASH : seals[s - 1].hash) : running;
      running = sealStep(running, e);
      inSeal += 1;
      rangeStart ??= e.position;
      if (BigInt(seals[s].to) === e.position) {
        const bad = closeSeal(seals[s]);
        if (bad) return bad;
      }
    }
    if (known && e.position === known.position) {
      if (e.hash !== known.hash) return fail(e.position, 'rewritten');
      knownSeen = true;
    }
    headHash = e.hash;
    last = e.position;
    count += 1;
  }
  // seals past the last event: what they cover is gone (unless the check stopped early on purpose)
  if (options.upTo === undefined && s < seals.length) {
    const bad = closeSeal(seals[s]);
    if (bad) return bad.ok ? bad : { ...bad, kind: 'cut-off' };
    if (s < seals.length) return fail(BigInt(seals[s].from), 'cut-off');
  }
  if (known && !knownSeen && known.position > 0n) return fail(known.position, known.position > last ? 'cut-off' : 'rewritten');
  return { ok: true, events: count, headHash };
}

/** The event a document names, from its chain properties. */
export function builtFrom(position: bigint, metadata: unknown): BuiltFrom {
  return { position, hash: chainOf(metadata).hash ?? null };
}
