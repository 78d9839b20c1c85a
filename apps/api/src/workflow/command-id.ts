/**
 * The command id of a request (CommandContext.commandId, issue 9 point 4): the workflow derives
 * its event ids from it, so a retried command writes nothing twice.
 * - With `Idempotency-Key`: a UUID v5 (RFC 9562, SHA-1) of the acting user's name and the key,
 *   the same scope as the idempotency store (per user): the same key from the same user is the
 *   same command, two users' keys never collide.
 * - Without: a fresh uuid per request.
 */
import { createHash, randomUUID } from 'node:crypto';

/** Saksflyt's namespace for command ids (a random v4, fixed forever: changing it changes every derived id). */
export const COMMAND_ID_NAMESPACE = '0f3c1c5e-7a7e-4d2b-9a59-5b1a3d2f6c41';

/** UUID version 5 of `name` in `namespace` (RFC 9562 §5.5). */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`not a uuid: ${namespace}`);
  const b = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function commandIdFor(actorName: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  // JSON of the pair: no name/key split can give another pair the same input
  return uuidV5(JSON.stringify([actorName, idempotencyKey]), COMMAND_ID_NAMESPACE);
}
