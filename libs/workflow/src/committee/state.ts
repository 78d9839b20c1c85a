/** The committee record (utvalg / styre / råd): its name and everyone who ever joined it. */
import type { MemberRole } from '../events.js';
import type { Stamp } from '../core/fact.js';

export interface CommitteeMember {
  id: string;
  name: string;
  organisation: string;
  role: MemberRole;
  /** A deputy (vara): the member they stand in for. */
  deputyFor?: string;
  /** The term (YYYY-MM-DD), when given. */
  from?: string;
  to?: string;
  /** The identity they sign in with (OIDC `sub`, a tokens-file `id`): how a token is linked to this seat (access/policy.ts `memberOf`). */
  userId?: string;
  joined: Stamp;
  /** Null while a member; set when they left (kept: attendance and history name them). */
  left: Stamp | null;
}

export interface CommitteeRecord {
  code: string;
  name: string;
  /** Null until `CommitteeCreated` has been folded. */
  created: Stamp | null;
  /** Everyone who ever joined, in the order they (last) joined; current members have `left: null`. */
  members: CommitteeMember[];
}
