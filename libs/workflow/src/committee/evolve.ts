/**
 * `evolveCommittee(state, event) → state`, total and pure; `foldCommittee(code, events)` = upcast +
 * evolve from the empty record of that code (a committee stream is read whatever it starts with).
 *
 * Where the earlier folds disagreed: a member who joins again under the same id (never written
 * today) is one member, moved to the end and a member again (projection, archive; the service's
 * map kept the first position). Members who left are kept with `left` set (service, archive's
 * name list); the projection's "current members" is `members.filter((m) => !m.left)`.
 */
import { upcast } from '../core/upcast.js';
import { stampOf, type Fact, type Stamped } from '../core/fact.js';
import type { CommitteeEvent } from '../events.js';
import type { CommitteeMember, CommitteeRecord } from './state.js';

export type CommitteeFact = Stamped<CommitteeEvent>;

export function emptyCommittee(code: string): CommitteeRecord {
  return { code, name: code, created: null, members: [] };
}

export function evolveCommittee(s: CommitteeRecord, e: CommitteeFact): CommitteeRecord {
  switch (e.type) {
    case 'CommitteeCreated':
      return { ...s, code: e.data.code, name: e.data.name, created: s.created ?? stampOf(e) };
    case 'MemberJoined': {
      const d = e.data;
      return {
        ...s,
        members: [...s.members.filter((m) => m.id !== d.memberId), {
          id: d.memberId,
          name: d.name,
          organisation: d.organisation,
          role: d.role,
          ...(d.deputyFor !== undefined ? { deputyFor: d.deputyFor } : {}),
          ...(d.from !== undefined ? { from: d.from } : {}),
          ...(d.to !== undefined ? { to: d.to } : {}),
          ...(d.userId !== undefined ? { userId: d.userId } : {}),
          joined: stampOf(e),
          left: null,
        }],
      };
    }
    case 'MemberLeft':
      return { ...s, members: s.members.map((m) => (m.id === e.data.memberId && !m.left ? { ...m, left: stampOf(e) } : m)) };
    case 'MemberLoginLinked':
      return { ...s, members: s.members.map((m) => (m.id === e.data.memberId ? { ...m, userId: e.data.userId } : m)) };
    case 'MemberLoginUnlinked':
      return { ...s, members: s.members.map((m) => (m.id === e.data.memberId ? withoutLogin(m) : m)) };
    default:
      return s;
  }
}

function withoutLogin({ userId: _gone, ...m }: CommitteeMember): CommitteeMember {
  return m;
}

export function foldCommittee(code: string, events: readonly Fact[]): CommitteeRecord {
  let s = emptyCommittee(code);
  for (const e of events) s = evolveCommittee(s, { type: e.type, data: upcast(e.type, e.data), metadata: e.metadata } as CommitteeFact);
  return s;
}
