/**
 * Committee commands (admin; the api's guard asks `may`): pure deciders from the loaded committee
 * to a write plan. Shape rules of the bodies are the DTOs' (HTTP) and the records schema's (import).
 */
import { committeeStream } from '../events.js';
import type { AddMemberBody, CreateCommitteeBody } from '../application/types.js';
import { DomainRuleViolation, NotFound } from '../application/errors.js';
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

export function decideAddMember(
  when: { code: string; body: AddMemberBody; ifMatch?: bigint; ids: NewId },
  committee: LoadedCommittee,
): WritePlan {
  const stream = committeeStream(when.code);
  checkIfMatch(stream, when.ifMatch, committee.revision);
  const memberId = when.ids('member');
  const { name, organisation, role } = when.body;
  return single(
    stream,
    committee.revision,
    { type: 'MemberJoined', data: { v: 1, memberId, name, organisation, role } },
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
