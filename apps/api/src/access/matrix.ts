/**
 * The access matrix: EVERY route of the API, the action it asks the policy about and where its
 * committee comes from, and who each action allows (API.md "Identity"). One table, read by
 * - the matrix test (apps/api/test/access-matrix.e2e.ts): the routes of the running app's OpenAPI
 *   document must be exactly the table's rows, the controllers' `@Allow` / `@Public` must equal
 *   them, and every caller (tokens file and OIDC) on every route, on a record of their own and of
 *   another committee, private, noticed and public, gets `expectedAccess` over HTTP;
 * - the OpenAPI document (apps/api/src/docs/docs.ts): each operation's 401 and 403 answers, its
 *   `x-saksflyt-access`, `x-saksflyt-roles` and the access sentence of its description.
 *
 * A new route is one row here (a test fails until it has one); a new way to call a route with
 * access of its own (`?atPosition=` on a public read) is one row with `query`.
 *
 * Callers, for a record of committee C: no token; a member of C; the secretariat of C; a member
 * of another committee; the secretariat of another committee; an auditor; an admin.
 */
import type { Action } from '@saksflyt/workflow';
import type { CommitteeOf } from './allow.js';

export const CALLERS = ['none', 'member', 'secretariat', 'otherMember', 'otherSecretariat', 'auditor', 'admin'] as const;
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
  'member.link': ['secretariat', 'admin'],
};

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteAccess {
  method: RouteMethod;
  /** As the controllers declare it (Nest style), under the global prefix. */
  path: string;
  /**
   * The policy's action that decides who may. Absent: a public read, answered to every caller (no
   * token needed; an unknown token is still 401).
   */
  action?: Action;
  /**
   * Where the guard finds the committee: the route declares `@Allow(action, { committeeOf })`.
   * Absent (with an action): the route is `@Public()` and its handler asks the policy itself, on
   * the record it reads (the meeting's documents and feed, follow-ups, matters).
   */
  committeeOf?: CommitteeOf;
  /**
   * No token needed while the record is public (a noticed meeting, a numbered case); `action`
   * decides its private part (a planned meeting, a draft case). `'minutes-approved'`: public only
   * once the meeting's minutes are approved (draft minutes are private from notice on).
   */
  public?: true | 'minutes-approved';
  /**
   * What a caller the action does not allow gets on a private record instead of 401/403: `rows`
   * (200, a list without the rows they may not read), `unknown` (404, as if it did not exist).
   */
  denied?: 'rows' | 'unknown';
  /**
   * A variant of the route: these query parameters give it access of its own (`atPosition`: the
   * record as it stood then, read like its history). The guard applies the variant's row when a
   * request names one of them (`variantOf`), on a `@Public()` route too when the row has a
   * `committeeOf`: 401, 404, 403 in API.md's order, with no check in the handler. Values are
   * placeholders the tests fill: `:position` (a global position), `:time` (an ISO time), else literal.
   */
  query?: Readonly<Record<string, string>>;
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
  { method: 'GET', path: '/api/cases/:id', action: 'read.private', committeeOf: 'case', query: { atPosition: ':position' } },
  { method: 'GET', path: '/api/cases/:id', action: 'read.private', committeeOf: 'case', query: { asOf: ':time' } },
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
  { method: 'GET', path: '/api/cases', action: 'read.private', committeeOf: 'query.committee', public: true, denied: 'rows' },
  { method: 'POST', path: '/api/followups/:id/close', action: 'followup.close', committeeOf: 'followup' },
  // audit
  { method: 'GET', path: '/api/audit/events', action: 'audit.read', committeeOf: 'none' },
  { method: 'GET', path: '/api/audit/verify', action: 'audit.read', committeeOf: 'none' },
  { method: 'GET', path: '/api/audit/export', action: 'audit.read', committeeOf: 'query.committee' },
  // public reads (@Public): committees, their numbering, meetings list and earlier decisions, the views
  { method: 'GET', path: '/api/health' },
  { method: 'GET', path: '/api/committees' },
  { method: 'GET', path: '/api/committees/:code' },
  { method: 'GET', path: '/api/committees/:code/numbering/:year' },
  { method: 'GET', path: '/api/committees/:code/history' },
  { method: 'GET', path: '/api/committees/:code/meetings' },
  { method: 'GET', path: '/api/committees/:code/annual-cycle' },
  { method: 'GET', path: '/api/decisions' },
  { method: 'GET', path: '/api/portfolio' },
  { method: 'GET', path: '/api/live/decisions' },
  { method: 'GET', path: '/api/live/portfolio' },
  // public reads whose handler asks the policy for the private part (@Public, no committeeOf)
  { method: 'GET', path: '/api/followups', action: 'read.private', public: true, denied: 'rows' },
  { method: 'GET', path: '/api/matters/:matterId', action: 'read.private', public: true, denied: 'unknown' },
  { method: 'GET', path: '/api/meetings/:id/minutes', action: 'read.private', public: 'minutes-approved' },
  { method: 'GET', path: '/api/meetings/:id/notice', action: 'read.private', public: true },
  { method: 'GET', path: '/api/live/meetings/:id', action: 'read.private', public: 'minutes-approved' },
  // the workbench's two feeds beyond API.md's: the annual cycle (public) and the follow-ups (as GET /api/followups)
  { method: 'GET', path: '/api/live/committees/:code/annual-cycle' },
  { method: 'GET', path: '/api/live/followups', action: 'read.private', public: true, denied: 'rows' },
  // a seat's login (userId), linked and unlinked like members are added and ended
  { method: 'PATCH', path: '/api/committees/:code/members/:id', action: 'member.link', committeeOf: 'member' },
];

export const WRITE_ROUTES: readonly RouteAccess[] = ROUTES.filter((r) => r.method !== 'GET');

/**
 * The state of the record a request names: `private` (a planned meeting, a draft case), `noticed`
 * (a noticed meeting whose minutes are a draft, a numbered case on it) or `public` (a meeting
 * whose minutes are approved, a case decided in it).
 */
export const RECORD_STATES = ['private', 'noticed', 'public'] as const;
export type RecordState = (typeof RECORD_STATES)[number];

/**
 * What a caller gets on a known record: 401, 403, 404 (`denied: 'unknown'`), or 'allowed' (the
 * handler goes on: a read answers, a write meets its body's 400 and the command's rules).
 */
export function expectedAccess(route: RouteAccess, caller: Caller, record: RecordState = 'private'): 401 | 403 | 404 | 'allowed' {
  if (!route.action) return 'allowed';
  if (route.public && (record === 'public' || (record === 'noticed' && route.public === true))) return 'allowed';
  if (ALLOWED[route.action].includes(caller)) return 'allowed';
  if (route.denied === 'rows') return 'allowed';
  if (route.denied === 'unknown') return 404;
  return caller === 'none' ? 401 : 403;
}

/** `METHOD /path` with the query parameters of a variant: the row's key. */
export function routeKey(route: Pick<RouteAccess, 'method' | 'path' | 'query'>): string {
  const q = Object.keys(route.query ?? {});
  return `${route.method} ${route.path}${q.length ? `?${q.join('&')}` : ''}`;
}

/** The path as OpenAPI names it (`{id}` for `:id`). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

/** A caller as a role grant (the OIDC claim's syntax): `member:{committee}`, `secretariat:*` (any other committee). */
export const CALLER_GRANT: Readonly<Record<Caller, string>> = {
  none: 'public',
  member: 'member:{committee}',
  secretariat: 'secretariat:{committee}',
  otherMember: 'member:*',
  otherSecretariat: 'secretariat:*',
  auditor: 'auditor',
  admin: 'admin',
};

/** The callers a row lets through (everyone for a public read). */
export function allowedCallers(route: RouteAccess): readonly Caller[] {
  return route.action ? ALLOWED[route.action] : CALLERS;
}

/** Whether any caller with a token can be refused 403 by the row, and whether no token is 401. */
export function refusals(route: RouteAccess): { unauthorized: boolean; forbidden: boolean } {
  const answers = RECORD_STATES.flatMap((st) => CALLERS.map((c) => [c, expectedAccess(route, c, st)] as const));
  return {
    unauthorized: answers.some(([c, a]) => c === 'none' && a === 401),
    forbidden: answers.some(([c, a]) => c !== 'none' && a === 403),
  };
}

/**
 * The row of a request that names a query variant of its route (`GET /api/cases/:id?atPosition=`),
 * or undefined: the guard then applies the variant's access instead of the route's `@Allow`
 * (so no token is 401 before an unknown record's 404, as for the record's history).
 */
export function variantOf(method: string, path: string | undefined, query: unknown): RouteAccess | undefined {
  if (!path || !query || typeof query !== 'object') return undefined;
  const q = query as Record<string, unknown>;
  return ROUTES.find((r) => r.query && r.method === method && r.path === path && Object.keys(r.query).some((k) => q[k] !== undefined));
}
