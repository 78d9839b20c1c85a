/**
 * Linking a committee seat to a login (`PATCH /api/committees/{code}/members/{id}` `{ userId }`):
 * the identity a member signs in with (an OIDC access token's `sub`, a tokens-file entry's `id`),
 * which `memberOf` (access/policy.ts) matches to answer as that member. `userId: null` takes it off.
 * Members imported from the records have none, so without this nobody could answer as them.
 *
 * Rules (every refusal writes nothing):
 * - an unknown member is 404; a stale `If-Match` 412;
 * - a seat whose membership ended is neither linked nor unlinked (409, nothing allowed);
 * - one active seat per login in a committee: a userId another active seat holds is 409 (unlink it
 *   there first);
 * - linking the login the seat already has, or unlinking a seat without one, changes nothing: 409.
 * Linking a seat that has another login replaces it (one `MemberLoginLinked`; the log keeps both).
 */
import { committeeStream } from '../events.js';
import { InvalidCommand, NotFound } from '../application/errors.js';
import type { CommandContext, CommandResult, MemberView } from '../application/types.js';
import type { CommandHandler } from '../core/handler.js';
import type { LoadedCommittee } from '../core/load.js';
import { checkIfMatch, single, type WritePlan } from '../core/plan.js';

export interface LinkLoginBody {
  /** The login to link; null: unlink the seat's login. */
  userId: string | null;
}

/** What may be done to a seat: the member commands its state allows. */
export function seatCommands(m: Pick<MemberView, 'leftAt' | 'userId'>): string[] {
  if (m.leftAt) return [];
  return m.userId === undefined ? ['link-login', 'remove-member'] : ['link-login', 'unlink-login', 'remove-member'];
}

export function decideLinkMemberLogin(when: { code: string; memberId: string; body: LinkLoginBody; ifMatch?: bigint }, committee: LoadedCommittee): WritePlan {
  const member = committee.members.get(when.memberId);
  if (!member) throw new NotFound('member', when.memberId);
  const stream = committeeStream(when.code);
  checkIfMatch(stream, when.ifMatch, committee.revision);
  const who = `${member.name} (member ${member.id})`;
  if (member.leftAt) throw new InvalidCommand(`the membership of ${who} of ${when.code} ended ${member.leftAt}: an ended seat is not linked to a login`, []);
  const answer = { id: member.id, state: 'member', revision: committee.revision + 1n, committee: when.code };
  const { userId } = when.body;
  if (userId === null) {
    if (member.userId === undefined) throw new InvalidCommand(`${who} of ${when.code} has no login to unlink`, seatCommands(member));
    return single(stream, committee.revision, { type: 'MemberLoginUnlinked', data: { v: 1, memberId: member.id, userId: member.userId } }, answer);
  }
  if (member.userId === userId) throw new InvalidCommand(`${who} of ${when.code} signs in as ${userId} already`, seatCommands(member));
  const other = [...committee.members.values()].find((m) => !m.leftAt && m.id !== member.id && m.userId === userId);
  if (other)
    throw new InvalidCommand(`user ${userId} signs in as ${other.name} (member ${other.id}) of ${when.code} already: one seat per login; unlink it there first`, seatCommands(member));
  return single(stream, committee.revision, { type: 'MemberLoginLinked', data: { v: 1, memberId: member.id, userId } }, answer);
}

/** The command, for the Workflow facade: load the committee, decide, one append. */
export function linkMemberLogin(handler: CommandHandler, code: string, memberId: string, body: LinkLoginBody, ctx: CommandContext): Promise<CommandResult> {
  return handler.run(ctx, async (_ids, rec) => decideLinkMemberLogin({ code, memberId, body, ifMatch: ctx.ifMatch }, await rec.committee(code)));
}
