/**
 * Deterministic ids per command (issue 9 point 4). A command has one id: the api's (a UUID v5 of
 * the user and the request's `Idempotency-Key`), else one minted by the handler per command (not
 * per attempt). Every id the command creates is a UUID v5 of that command id and a stable name:
 *
 * - a new record: `record:<name>`, e.g. `record:case`, `record:meeting`,
 *   `record:case:standard:notice-approval`, `record:matter`, `record:member`, `record:follow-up:0`;
 * - an event: `event:<stream>/<index in the command's write to that stream>`.
 *
 * So the same command decided again (after a conflict) or appended again (after a lost answer or
 * a transient error) gives the same ids, and the store's idempotent re-append writes nothing twice.
 */
import { createHash } from 'node:crypto';

/** The workflow's namespace for derived ids (a random v4, fixed forever: changing it changes every derived id). */
export const DERIVED_ID_NAMESPACE = '6b7f0e2a-4c1d-4f0e-9a3b-2d8e5c7a1f90';

/** The namespaces' bytes, parsed once (there are a few, fixed). */
const NAMESPACES = new Map<string, Buffer>();
function namespaceBytes(namespace: string): Buffer {
  let ns = NAMESPACES.get(namespace);
  if (ns === undefined) {
    ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
    if (ns.length !== 16) throw new Error(`not a uuid: ${namespace}`);
    if (NAMESPACES.size < 16) NAMESPACES.set(namespace, ns);
  }
  return ns;
}

/** UUID version 5 of `name` in `namespace` (RFC 9562 §5.5). */
export function uuidV5(name: string, namespace: string = DERIVED_ID_NAMESPACE): string {
  const ns = namespaceBytes(namespace);
  const b = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The id of a record a command creates, by a name stable within the command. */
export type NewId = (name: string) => string;

export function recordIds(commandId: string): NewId {
  return (name) => uuidV5(`${commandId}\u0000record:${name}`);
}

export function eventId(commandId: string, stream: string, index: number): string {
  return uuidV5(`${commandId}\u0000event:${stream}/${index}`);
}
