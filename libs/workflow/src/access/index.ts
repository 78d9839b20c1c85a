/** The access policy, for the api's guard and views (`Actor`/`RoleGrant` are the machines' own, structurally the same). */
export { ACTIONS, may, mayInSomeCommittee, type Action } from './policy.js';
export { EXEMPT_FIELDS, PUBLIC_READER, exemptReader, isExempt, mayReadExempt, redactExempt, type ExemptReader } from './redact.js';
