/**
 * The answers of the policy for the api: every role question of apps/api is one of these, and
 * each asks `may(actor, action, committee)` (libs/workflow/src/access/policy.ts). The guard uses
 * `requireAllowed`; handlers whose answer depends on the record's state (a planned meeting, a
 * draft case, draft minutes, matters and follow-ups that leave out what the caller cannot read)
 * use `mayReadPrivate` / `requirePrivateRead`.
 */
import { may, mayInSomeCommittee, type Action } from '@saksflyt/workflow';
import { ProblemError, Problems } from '../problem/problem.js';
import type { User } from '../auth/tokens.js';
import type { Access } from './allow.js';

/** The 403 detail of each action (who may). */
function deniedDetail(action: Action, committee: string | undefined): string {
  const of = committee ?? 'the committee';
  switch (action) {
    case 'committee.create':
    case 'numbering.set':
      return 'Only an admin may do this.';
    case 'member.change':
      return `Only an admin or the secretariat of ${of} may change its members.`;
    case 'meeting.plan':
    case 'meeting.run':
    case 'case.advance':
      return `Only the secretariat of ${of} may do this.`;
    case 'case.create':
      return committee ? `Only the secretariat of ${committee} may create its cases.` : 'Only the secretariat of a committee may create its cases.';
    case 'history.record':
      return `Only an admin or the secretariat of ${of} may record historical decisions.`;
    case 'portfolio.write':
      return 'Only a committee secretariat may write to the portfolio.';
    case 'read.private':
      return `Only members and the secretariat of ${of}, auditors and admins may read this.`;
    case 'audit.read':
      return 'Only auditors may read the audit log, verify it or export the archive.';
    case 'followup.close':
      return `Only the secretariat of ${of} may close its follow-ups.`;
    case 'read.exempt':
      return `The case is exempt from public access: only members and the secretariat of ${of}, auditors and admins may read this.`;
    case 'case.respond':
      return `Only a member of ${of} may answer its written procedures.`;
    case 'member.link':
      return `Only an admin or the secretariat of ${of} may link its members to logins.`;
  }
}

export function forbidden(action: Action, committee?: string): ProblemError {
  return Problems.forbidden(deniedDetail(action, committee));
}

/**
 * 401 without a token; 403 unless the policy allows the action on the resolved committee (on a
 * `body.committee` route whose body named no known committee: in some committee). The user.
 */
export function requireAllowed(access: Access, options: { anyCommittee?: boolean } = {}): User {
  const { user, action, committee } = access;
  if (!user) throw Problems.unauthorized();
  const ok = committee === undefined && options.anyCommittee ? mayInSomeCommittee(user, action) : may(user, action, committee);
  if (!ok) throw forbidden(action, committee);
  return user;
}

/** May read the committee's records that are not public yet (planned meetings, drafts, history, asOf). */
export function mayReadPrivate(user: User | null | undefined, committee: string): boolean {
  return may(user, 'read.private', committee);
}

/** 401 without a token, 403 for one that may not read the committee's private records. */
export function requirePrivateRead(user: User | null | undefined, committee: string): User {
  return requireAllowed({ action: 'read.private', committee, user: user ?? null });
}
