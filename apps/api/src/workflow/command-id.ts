/**
 * The command id of a request (CommandContext.commandId, issue 9 point 4): the workflow derives
 * its event ids from it, so a retried command writes nothing twice.
 * - With `Idempotency-Key`: a UUID v5 (RFC 9562, SHA-1) of the acting user's name and the key,
 *   the same scope as the idempotency store (per user): the same key from the same user is the
 *   same command, two users' keys never collide.
 * - Without: a fresh uuid per request.
 */
import { randomUUID } from 'node:crypto';
import { uuidV5 } from '@saksflyt/workflow';

/** Saksflyt's namespace for command ids (a random v4, fixed forever: changing it changes every derived id). */
export const COMMAND_ID_NAMESPACE = '0f3c1c5e-7a7e-4d2b-9a59-5b1a3d2f6c41';

/** UUID version 5 (RFC 9562 §5.5): the workflow's, one implementation. */
export { uuidV5 } from '@saksflyt/workflow';

/**
 * Whose keys an Idempotency-Key belongs to: the user's identity (OIDC `sub`, a tokens-file `id`)
 * when they have one, else their name (tokens-file entries without an id, as before). Two people
 * who share a display name never share keys.
 */
export function idempotencyScope(user: { name: string; id?: string } | null | undefined): string {
  if (!user) return '';
  return user.id !== undefined ? `id:${JSON.stringify(user.id)}` : user.name;
}

export function commandIdFor(actorName: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  // JSON of the pair: no name/key split can give another pair the same input
  return uuidV5(JSON.stringify([actorName, idempotencyKey]), COMMAND_ID_NAMESPACE);
}
