/**
 * Exemption from public access (unntatt offentlighet, API.md "Attachments (vedlegg) and exemption
 * from public access"): the ONE redaction every read path applies to what it answers (JSON reads
 * through the api's global interceptor, the meeting documents before rendering, the live feeds
 * per kind of reader, the attachment bytes by `mayReadExempt`).
 *
 * The rule: an object that carries `exemption: { basis }` (a case read, a minutes or notice row, a
 * follow-up, a history event's data) keeps its number, title and *vedtak* (`resolution`,
 * `conditions`, `input`), its ids, state and `exemption`; the paper, the discussion and the
 * attachments (`EXEMPT_FIELDS`, in that object and in everything nested in it) are emptied unless
 * the reader may `read.exempt` in the object's committee (the nearest `committee` field, itself or
 * above; none: only auditors and admins). Who may is the policy's (policy.ts); nothing else decides.
 *
 * Because it goes by the shape (`exemption` on the object) rather than by route, a new view that
 * carries a case's `exemption` beside its fields is covered without a check of its own.
 */
import type { Exemption } from '../events.js';
import { may, type Actor } from './policy.js';

/**
 * What an exemption hides: the paper (proposed resolution, background, purpose, officer,
 * responsible, sub-items' texts), the discussion (presenter, summary, points, follow-ups and their
 * texts), the attachments, and the members' comments in a written procedure (who answered what is
 * part of the decision and stays).
 */
export const EXEMPT_FIELDS = [
  'proposedResolution',
  'background',
  'purpose',
  'caseOfficer',
  'responsible',
  'presenter',
  'summary',
  'points',
  'discussion',
  'followUps',
  'text',
  'attachments',
  'comment',
] as const;
const HIDDEN: ReadonlySet<string> = new Set(EXEMPT_FIELDS);

/** One kind of reader: whether it may read exempt content of a committee, and a key shared by every reader the policy treats alike. */
export interface ExemptReader {
  /** Equal for two readers exactly when the policy answers them alike (their role grants). */
  readonly key: string;
  mayRead(committee: string | undefined): boolean;
}

/** The public (no token). */
export const PUBLIC_READER: ExemptReader = { key: 'public', mayRead: () => false };

/** The reader for an actor (null/undefined: the public). */
export function exemptReader(actor: Actor | null | undefined): ExemptReader {
  if (!actor) return PUBLIC_READER;
  const grants = actor.roles.map((g) => `${g.role}@${g.committee ?? ''}`).sort();
  return { key: grants.join(','), mayRead: (committee) => may(actor, 'read.exempt', committee) };
}

/** Whether the actor may read the exempt part of a case of `committee`. */
export function mayReadExempt(actor: Actor | null | undefined, committee: string): boolean {
  return may(actor, 'read.exempt', committee);
}

/** A value an exemption holds: `{ basis }` with a basis. */
export function isExempt(exemption: unknown): exemption is Exemption {
  return !!exemption && typeof exemption === 'object' && typeof (exemption as Exemption).basis === 'string';
}

function emptied(v: unknown): unknown {
  return Array.isArray(v) ? [] : null;
}

function walk(v: unknown, reader: ExemptReader, committee: string | undefined, hidden: boolean): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x = walk(v[i], reader, committee, hidden);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    return out ?? v;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v; // not JSON data (a stream, a buffer, a date)
  const o = v as Record<string, unknown>;
  const own = typeof o.committee === 'string' ? o.committee : committee;
  const hide = hidden || (isExempt(o.exemption) && !reader.mayRead(own));
  let out: Record<string, unknown> | null = null;
  for (const k of Object.keys(o)) {
    const x = hide && HIDDEN.has(k) ? emptied(o[k]) : walk(o[k], reader, own, hide);
    if (x !== o[k]) (out ??= { ...o })[k] = x;
  }
  return out ?? o;
}

/**
 * `value` as `reader` may see it: the same object when nothing is hidden from them, else a copy
 * with the exempt fields emptied (strings and objects null, arrays empty). Never mutates `value`.
 */
export function redactExempt<T>(value: T, reader: ExemptReader): T {
  return walk(value, reader, undefined, false) as T;
}
