/**
 * `@Allow(action, { committeeOf })`: the access rule of a route, read by the one AccessGuard
 * (access.guard.ts). The guard resolves the record's committee once (404 for an unknown record,
 * after the 401 and before the 403 of API.md's order), asks the policy `may(actor, action,
 * committee)` and hands what it resolved to the handler as `request.access` (`@CurrentAccess()`),
 * so no handler looks the committee up again or compares roles itself.
 *
 * `public: true`: no token needed, nothing refused by the guard; the record is still resolved
 * (404) and the handler, which knows the record's state, asks `requireAllowed(access)` for its
 * private part (a planned meeting, a draft case, `asOf`), 401 without a token, else 403.
 */
import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Action } from '@saksflyt/workflow';
import type { User } from '../auth/tokens.js';

/**
 * Where a route's committee comes from (path parameters as the controllers name them):
 * - `none`: the action is not about one committee (committee.create, portfolio.write, audit.read).
 * - `committee`: `:code`, 404 when no such committee.
 * - `member`: `:code` and the member `:id` (current or former), 404 for either.
 * - `meeting` / `case`: `:id`, the record's committee (404 when unknown).
 * - `project`: the portfolio project `:id` must exist (404); not a committee's.
 * - `body.committee`: the body's `committee` when it names a known committee. When it names none
 *   or an unknown one (or the body is not JSON) the body's own 400/415/413 answers, after a 403 for
 *   a caller who may do the action in no committee at all (`mayInSomeCommittee`).
 * - `query.committee`: `?committee=` when given once: 404 when unknown.
 * - `followup`: the follow-up `:id`, its case's committee (404 when unknown).
 */
export const COMMITTEE_SOURCES = ['none', 'committee', 'member', 'meeting', 'case', 'project', 'body.committee', 'query.committee', 'followup'] as const;
export type CommitteeOf = (typeof COMMITTEE_SOURCES)[number];

export interface AccessRule {
  action: Action;
  committeeOf: CommitteeOf;
  /** No token needed; the handler asks `requireAllowed` for the record's private part. */
  public: boolean;
}

export const ACCESS_RULE = 'saksflyt:access';

export function Allow(action: Action, options: { committeeOf?: CommitteeOf; public?: boolean } = {}) {
  return SetMetadata(ACCESS_RULE, { action, committeeOf: options.committeeOf ?? 'none', public: options.public ?? false } satisfies AccessRule);
}

/** What the guard resolved for the request. */
export interface Access {
  action: Action;
  /** The record's committee (undefined: the route has none, or the body named no known one). */
  committee?: string;
  user: User | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the AccessGuard on routes with `@Allow`. */
    access?: Access;
  }
}

/** `@CurrentAccess() access: Access` on a route with `@Allow`. */
export const CurrentAccess = createParamDecorator((_: unknown, ctx: ExecutionContext): Access => {
  const access = ctx.switchToHttp().getRequest<FastifyRequest>().access;
  if (!access) throw new Error('@CurrentAccess() on a route without @Allow');
  return access;
});
