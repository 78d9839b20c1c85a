/**
 * The access matrix: every route with an access rule, the action it asks the policy about and
 * where its committee comes from, and who each action allows (API.md "Identity"). One table,
 * read by the guard's test (apps/api/test/access-matrix.e2e.ts: the controllers' `@Allow` must
 * equal `ROUTES`, and every caller gets `expectedAccess` on every route over HTTP) and, later, by
 * the OpenAPI document.
 *
 * Callers, for a record of committee C: no token; a member of C; the secretariat of C; the
 * secretariat of another committee; an auditor; an admin.
 */
import type { Action } from '@saksflyt/workflow';
import type { CommitteeOf } from './allow.js';

export const CALLERS = ['none', 'member', 'secretariat', 'otherSecretariat', 'auditor', 'admin'] as const;
export type Caller = (typeof CALLERS)[number];

/** Who each action allows (besides: no token is 401 everywhere). */
export const ALLOWED: Readonly<Record<Action, readonly Caller[]>> = {
  'committee.create': ['admin'],
  'member.change': ['secretariat', 'admin'],
  'numbering.set': ['admin'],
  'meeting.plan': ['secretariat'],
  'meeting.run': ['secretariat'],
  'case.create': ['secretariat'],
  'case.advance': ['secretariat'],
  'history.record': ['secretariat', 'admin'],
  'portfolio.write': ['secretariat', 'otherSecretariat'],
  'read.private': ['member', 'secretariat', 'auditor', 'admin'],
  'audit.read': ['auditor'],
  'followup.close': ['secretariat'],
  'read.exempt': ['member', 'secretariat', 'auditor', 'admin'],
  'case.respond': ['member'],
};

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteAccess {
  method: RouteMethod;
  /** As the controllers declare it (Nest style), under the global prefix. */
  path: string;
  action: Action;
  committeeOf: CommitteeOf;
  /**
   * No token needed: the record is public in some states (a noticed meeting, a numbered case);
   * the rule applies to its private part (the guard still answers 404).
   */
  public?: true;
  /**
   * A list: answers every caller (200); what differs is which rows, since rows the caller may not
   * read (under `action`) are left out.
   */
  list?: true;
}

const CASE_COMMANDS = ['schedule', 'unschedule', 'present', 'record-discussion', 'endorse', 'note', 'postpone', 'refer', 'withdraw', 'amend', 'vote', 'written-procedure'] as const;

export const ROUTES: readonly RouteAccess[] = [
  // committees (admin), their meetings and earlier decisions (secretariat)
  { method: 'POST', path: '/api/committees', action: 'committee.create', committeeOf: 'none' },
  { method: 'POST', path: '/api/committees/:code/members', action: 'member.change', committeeOf: 'committee' },
  { method: 'DELETE', path: '/api/committees/:code/members/:id', action: 'member.change', committeeOf: 'member' },
  { method: 'PUT', path: '/api/committees/:code/numbering/:year', action: 'numbering.set', committeeOf: 'committee' },
  { method: 'POST', path: '/api/committees/:code/meetings', action: 'meeting.plan', committeeOf: 'committee' },
  { method: 'POST', path: '/api/committees/:code/history', action: 'history.record', committeeOf: 'committee' },
  // meetings
  { method: 'POST', path: '/api/meetings/:id/notice', action: 'meeting.run', committeeOf: 'meeting' },
  { method: 'POST', path: '/api/meetings/:id/open', action: 'meeting.run', committeeOf: 'meeting' },
  { method: 'POST', path: '/api/meetings/:id/adjourn', action: 'meeting.run', committeeOf: 'meeting' },
  { method: 'GET', path: '/api/meetings/:id', action: 'read.private', committeeOf: 'meeting', public: true },
  { method: 'GET', path: '/api/meetings/:id/history', action: 'read.private', committeeOf: 'meeting' },
  { method: 'PUT', path: '/api/meetings/:id/agenda', action: 'meeting.run', committeeOf: 'meeting' },
  { method: 'PATCH', path: '/api/meetings/:id', action: 'meeting.run', committeeOf: 'meeting' },
  { method: 'POST', path: '/api/meetings/:id/cancel', action: 'meeting.run', committeeOf: 'meeting' },
  // cases
  { method: 'POST', path: '/api/cases', action: 'case.create', committeeOf: 'body.committee' },
  { method: 'PATCH', path: '/api/cases/:id', action: 'case.advance', committeeOf: 'case' },
  ...CASE_COMMANDS.map((c): RouteAccess => ({ method: 'POST', path: `/api/cases/:id/${c}`, action: 'case.advance', committeeOf: 'case' })),
  { method: 'GET', path: '/api/cases/:id', action: 'read.private', committeeOf: 'case', public: true },
  { method: 'GET', path: '/api/cases/:id/history', action: 'read.private', committeeOf: 'case' },
  // attachments (vedlegg): written like the paper; read like the case, and an exempt case's only by read.exempt
  { method: 'POST', path: '/api/cases/:id/attachments', action: 'case.advance', committeeOf: 'case' },
  { method: 'DELETE', path: '/api/cases/:id/attachments/:attId', action: 'case.advance', committeeOf: 'case' },
  { method: 'GET', path: '/api/cases/:id/attachments/:attId', action: 'read.private', committeeOf: 'case', public: true },
  { method: 'POST', path: '/api/cases/:id/written-procedure/responses', action: 'case.respond', committeeOf: 'case' },
  // portfolio (the secretariat of any committee)
  { method: 'POST', path: '/api/portfolio/projects', action: 'portfolio.write', committeeOf: 'none' },
  { method: 'POST', path: '/api/portfolio/projects/:id/reports', action: 'portfolio.write', committeeOf: 'project' },
  // worklist (rows the caller may not read left out) and follow-ups
  { method: 'GET', path: '/api/cases', action: 'read.private', committeeOf: 'query.committee', public: true, list: true },
  { method: 'POST', path: '/api/followups/:id/close', action: 'followup.close', committeeOf: 'followup' },
  // audit
  { method: 'GET', path: '/api/audit/events', action: 'audit.read', committeeOf: 'none' },
  { method: 'GET', path: '/api/audit/verify', action: 'audit.read', committeeOf: 'none' },
  { method: 'GET', path: '/api/audit/export', action: 'audit.read', committeeOf: 'query.committee' },
];

export const WRITE_ROUTES: readonly RouteAccess[] = ROUTES.filter((r) => r.method !== 'GET');

/**
 * What the guard (and, for a `public` route, the handler on a private record) answers a caller
 * on a known record: 401, 403, or 'allowed' (the handler goes on: the body's 400, the command).
 */
export function expectedAccess(route: RouteAccess, caller: Caller): 401 | 403 | 'allowed' {
  if (route.list) return 'allowed';
  if (caller === 'none') return 401;
  return ALLOWED[route.action].includes(caller) ? 'allowed' : 403;
}
