/**
 * The one access policy (API.md "Identity"): who may do what, per committee. Every role check in
 * Saksflyt asks `may` — the Nest guard for each route, `allowedCommands` for the caller, the views
 * for what a reader may see. Nothing else compares roles.
 *
 * Deny by default: no actor, an unknown action, or a committee-scoped action without a committee
 * is never allowed.
 */

export interface RoleGrant {
  role: string;
  committee?: string;
}

export interface Actor {
  /** The display name (every event's `actor`); never used to tell who someone is. */
  name: string;
  roles: readonly RoleGrant[];
  /**
   * The authenticated identity: an OIDC access token's `sub`, a tokens-file entry's `id`. A
   * committee member whose `userId` is this is the actor (`memberOf`).
   */
  id?: string;
}

/**
 * The committee seat the actor holds: the one mapping from an authenticated identity to a member
 * id. The active member (membership not ended) whose `userId` is the actor's `id`; none without an
 * id. Never by name: two people may share one, and a token's name is only what it displays.
 */
export function memberOf<M extends { userId?: string; leftAt?: string }>(actor: Actor | null | undefined, members: Iterable<M>): M | undefined {
  if (!actor?.id) return undefined;
  for (const m of members) if (!m.leftAt && m.userId === actor.id) return m;
  return undefined;
}

/**
 * - `committee.create`, `numbering.set`: admin.
 * - `member.change` (add and end members): admin, or the committee's secretariat.
 * - `meeting.plan`, `meeting.run` (notice, open, adjourn and later meeting commands),
 *   `case.create`, `case.advance` (PATCH and every case command): the committee's secretariat.
 * - `history.record`: admin, or the committee's secretariat.
 * - `portfolio.write`: the secretariat of any committee.
 * - `read.private` (planned meetings, draft cases and minutes, history, `asOf`/`atPosition`):
 *   the committee's members and secretariat, auditors, admins.
 * - `audit.read` (log, verify, export): auditors.
 * - `followup.close` (close a follow-up by hand): the secretariat of its committee.
 * - `read.exempt` (the paper, discussion and attachments of a case exempt from public access,
 *   unntatt offentlighet): the committee's members and secretariat, auditors, admins. What is
 *   hidden from everyone else is ./redact.ts (the one redaction every read path applies).
 * - `case.respond` (a written procedure's answer, with their own token): the committee's members.
 * - `member.link` (link a seat to a login, `userId`, or unlink it): as `member.change`, admin or the
 *   committee's secretariat (who a seat signs in as is who answers for that member).
 */
export const ACTIONS = [
  'committee.create',
  'member.change',
  'numbering.set',
  'meeting.plan',
  'meeting.run',
  'case.create',
  'case.advance',
  'history.record',
  'portfolio.write',
  'read.private',
  'audit.read',
  'followup.close',
  'read.exempt',
  'case.respond',
  'member.link',
] as const;
export type Action = (typeof ACTIONS)[number];

function has(actor: Actor, role: string, committee?: string): boolean {
  return actor.roles.some((g) => g.role === role && (committee === undefined || g.committee === committee));
}

export function may(actor: Actor | null | undefined, action: Action, committee?: string): boolean {
  if (!actor) return false;
  const scoped = (role: string) => committee !== undefined && has(actor, role, committee);
  switch (action) {
    case 'committee.create':
    case 'numbering.set':
      return has(actor, 'admin');
    case 'member.change':
      return has(actor, 'admin') || scoped('secretariat');
    case 'meeting.plan':
    case 'meeting.run':
    case 'case.create':
    case 'case.advance':
      return scoped('secretariat');
    case 'history.record':
      return has(actor, 'admin') || scoped('secretariat');
    case 'portfolio.write':
      return has(actor, 'secretariat');
    case 'read.private':
    case 'read.exempt':
      return scoped('member') || scoped('secretariat') || has(actor, 'auditor') || has(actor, 'admin');
    case 'audit.read':
      return has(actor, 'auditor');
    case 'followup.close':
      return scoped('secretariat');
    case 'case.respond':
      return scoped('member');
    case 'member.link':
      return has(actor, 'admin') || scoped('secretariat');
    default:
      return false;
  }
}

/**
 * Whether `may` allows the action in at least one committee (those the actor's grants name), or
 * without one. For a request whose committee is not known yet (a body that names none, or one that
 * does not exist): a caller who may do it nowhere is refused before the body is looked at. Deny by
 * default as `may`: no actor, no.
 */
export function mayInSomeCommittee(actor: Actor | null | undefined, action: Action): boolean {
  if (!actor) return false;
  return may(actor, action) || actor.roles.some((g) => g.committee !== undefined && may(actor, action, g.committee));
}
