/**
 * Committee commands (admin; the api's guard asks `may`): pure deciders from the loaded committee
 * to a write plan. Shape rules of the bodies are the DTOs' (HTTP) and the records schema's (import).
 */
import { committeeStream } from '../events.js';
import type { AddMemberBody, CreateCommitteeBody } from '../application/types.js';
import { DomainRuleViolation, InvalidCommand, NotFound, ValidationFailed } from '../application/errors.js';
import type { NewId } from '../core/ids.js';
import type { LoadedCommittee } from '../core/load.js';
import { checkIfMatch, single, type WritePlan } from '../core/plan.js';

/** Given whether the code is taken (the catalogue), create the committee. */
export function decideCreateCommittee(body: CreateCommitteeBody, given: { exists: boolean }): WritePlan {
  if (given.exists) throw new DomainRuleViolation('committee-exists', `committee ${body.code} exists already`);
  return single(
    committeeStream(body.code),
    'no_stream',
    { type: 'CommitteeCreated', data: { v: 1, code: body.code, name: body.name } },
    { id: body.code, state: 'active', revision: 0n },
  );
}

/** Names compare as people read them: case, surrounding and repeated white space aside. */
const sameText = (a: string, b: string): boolean => a.trim().replace(/\s+/g, ' ').toLocaleLowerCase('nb') === b.trim().replace(/\s+/g, ' ').toLocaleLowerCase('nb');

/**
 * Add a member (chair, member, observer or deputy). A deputy's `deputyFor` must be an active
 * member of this committee who is not a deputy (400); the same name and organisation twice among
 * the active members is 409 (end the first membership to add them again).
 */
export function decideAddMember(
  when: { code: string; body: AddMemberBody; ifMatch?: bigint; ids: NewId },
  committee: LoadedCommittee,
): WritePlan {
  const { name, organisation, role, deputyFor, from, to } = when.body;
  if (deputyFor !== undefined) {
    const of = committee.members.get(deputyFor);
    const why = !of || of.leftAt ? `unknown member ${deputyFor} of ${when.code}` : of.role === 'deputy' ? `member ${deputyFor} is a deputy, not a member a deputy stands in for` : null;
    if (why) throw new ValidationFailed([{ field: 'deputyFor', message: why }]);
  }
  const stream = committeeStream(when.code);
  checkIfMatch(stream, when.ifMatch, committee.revision);
  const twin = [...committee.members.values()].find((m) => !m.leftAt && sameText(m.name, name) && sameText(m.organisation, organisation));
  if (twin)
    throw new InvalidCommand(`${twin.name} (${twin.organisation}) is a member of ${when.code} already (member ${twin.id}): end that membership before adding them again`, ['remove-member']);
  const { userId } = when.body;
  const linked = userId === undefined ? undefined : [...committee.members.values()].find((m) => !m.leftAt && m.userId === userId);
  if (linked)
    throw new InvalidCommand(`user ${userId} signs in as ${linked.name} (member ${linked.id}) of ${when.code} already: one seat per user; end that membership first`, ['remove-member']);
  const memberId = when.ids('member');
  return single(
    stream,
    committee.revision,
    {
      type: 'MemberJoined',
      data: {
        v: 2,
        memberId,
        name,
        organisation,
        role,
        ...(deputyFor !== undefined ? { deputyFor } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(userId !== undefined ? { userId } : {}),
      },
    },
    { id: memberId, state: 'member', revision: committee.revision + 1n, committee: when.code },
  );
}

export function decideRemoveMember(when: { code: string; memberId: string; ifMatch?: bigint }, committee: LoadedCommittee): WritePlan {
  const member = committee.members.get(when.memberId);
  if (!member) throw new NotFound('member', when.memberId);
  const stream = committeeStream(when.code);
  checkIfMatch(stream, when.ifMatch, committee.revision);
  if (member.leftAt) throw new DomainRuleViolation('member-left', `member ${when.memberId} left ${when.code} already`);
  return single(
    stream,
    committee.revision,
    { type: 'MemberLeft', data: { v: 1, memberId: when.memberId } },
    { id: when.memberId, state: 'left', revision: committee.revision + 1n, committee: when.code },
  );
}
