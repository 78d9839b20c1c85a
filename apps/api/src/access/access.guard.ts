/**
 * The one global guard of the api. Per request:
 *
 * 1. 401: the bearer token is resolved to a user (`authenticate`): a malformed header or an
 *    unknown token is 401 everywhere; no token is 401 on every route that needs one.
 * 2. A route with `@Allow(action, { committeeOf })` (every product route that writes or reads
 *    something private): its record is resolved once, 404 for an unknown one (case id, meeting
 *    id, committee code, member, portfolio project, `?committee=`); the body's committee for
 *    `POST /api/cases`.
 * 3. 403: unless `may(actor, action, committee)` (libs/workflow/src/access/policy.ts). A route
 *    with `public: true` is not refused here: its handler asks for the record's private part.
 *    A request naming a query variant of the access matrix (`GET /api/cases/:id?atPosition=`)
 *    is decided by the variant's row instead (matrix.ts `variantOf`).
 * 4. `request.access = { action, committee, user }` for the handler (`@CurrentAccess()`).
 *
 * Routes without `@Allow` keep the platform's `@Public()` / default token / `@Roles()` policy.
 * The body's own problems (415/413/400) come after, in the handler or the body check.
 */
import { Global, Inject, Injectable, Module, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { EventStore } from '@saksflyt/event-store';
import { loadProject } from '@saksflyt/portfolio';
import type { Workflow } from '@saksflyt/workflow';
import { TOKENS, authenticate, enforceAuthPolicy } from '../auth/auth.js';
import type { TokenTable } from '../auth/tokens.js';
import { RejectedBody } from '../http/body.js';
import { Problems } from '../problem/problem.js';
import { EVENT_STORE } from '../store/store.module.js';
import { WORKFLOW } from '../workflow/workflow.module.js';
import { ACCESS_RULE, type Access, type AccessRule, type CommitteeOf } from './allow.js';
import { variantOf } from './matrix.js';
import { requireAllowed } from './require.js';

const PROJECT_ID = /^[A-Za-z0-9._-]{1,64}$/;

@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKENS) private readonly tokens: TokenTable,
    @Inject(WORKFLOW) private readonly wf: Workflow,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const user = await authenticate(request, this.tokens);
    const declared = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    const rule = withVariant(declared, request);
    if (!rule) {
      enforceAuthPolicy(this.reflector, context, user);
      return true;
    }
    if (!user && !rule.public) throw Problems.unauthorized();
    const committee = await this.committeeOf(rule.committeeOf, request);
    const access: Access = { action: rule.action, user, ...(committee !== undefined ? { committee } : {}) };
    request.access = access;
    if (!rule.public) requireAllowed(access, { anyCommittee: rule.committeeOf === 'body.committee' });
    return true;
  }

  /** The route's committee (404 for an unknown record); undefined when it has none. */
  private async committeeOf(source: CommitteeOf, request: FastifyRequest): Promise<string | undefined> {
    const params = (request.params ?? {}) as Record<string, string | undefined>;
    const catalogue = this.wf.catalogue;
    switch (source) {
      case 'none':
        return undefined;
      case 'committee':
      case 'member': {
        const code = String(params.code);
        if (!catalogue.committees.has(code)) await catalogue.catchUp(); // known: its facts never change
        if (!catalogue.committees.has(code)) throw Problems.notFound(`unknown committee ${code}`);
        if (source === 'member') {
          const id = String(params.id);
          const c = await this.wf.getCommittee(code);
          if (![...c.members, ...c.formerMembers].some((m) => m.id === id)) throw Problems.notFound(`unknown member ${id} of ${code}`);
        }
        return code;
      }
      case 'meeting': {
        const id = String(params.id);
        if (!catalogue.meetings.has(id)) await catalogue.catchUp();
        const m = catalogue.meetings.get(id);
        if (!m) throw Problems.notFound(`unknown meeting ${id}`);
        return m.committee;
      }
      case 'case': {
        const id = String(params.id);
        if (!catalogue.cases.has(id)) await catalogue.catchUp();
        const c = catalogue.cases.get(id);
        if (!c) throw Problems.notFound(`unknown case ${id}`);
        return c.committee;
      }
      case 'project': {
        const id = String(params.id);
        if (!PROJECT_ID.test(id)) throw Problems.notFound(`unknown project ${id}`);
        await loadProject(this.store, id); // 404 PortfolioError when unknown
        return undefined;
      }
      case 'body.committee': {
        const body = request.body;
        if (!body || typeof body !== 'object' || Array.isArray(body) || body instanceof RejectedBody) return undefined;
        const named = (body as Record<string, unknown>).committee;
        if (typeof named !== 'string' || named === '') return undefined;
        if (!catalogue.committees.has(named)) await catalogue.catchUp();
        return catalogue.committees.has(named) ? named : undefined;
      }
      case 'followup': {
        const id = String(params.id);
        if (!catalogue.followUps.has(id)) await catalogue.catchUp();
        const caseId = catalogue.followUps.get(id)?.caseId;
        const committee = caseId !== undefined ? catalogue.cases.get(caseId)?.committee : undefined;
        if (committee === undefined) throw Problems.notFound(`unknown follow-up ${id}`);
        return committee;
      }
      case 'query.committee': {
        const named = ((request.query ?? {}) as Record<string, unknown>).committee;
        if (typeof named !== 'string') return undefined;
        if (!catalogue.committees.has(named)) await catalogue.catchUp();
        if (!catalogue.committees.has(named)) throw Problems.notFound(`unknown committee ${named}`);
        return named;
      }
    }
  }
}

/**
 * The route's rule, or its query variant's in the access matrix (`?atPosition=`: read like the
 * history). A variant with a committee source applies on a `@Public()` route too, so a read that
 * gains `atPosition` needs one row, no check of its own.
 */
function withVariant(rule: AccessRule | undefined, request: FastifyRequest): AccessRule | undefined {
  const v = variantOf(request.method, request.routeOptions?.url, request.query);
  const committeeOf = v?.committeeOf ?? rule?.committeeOf;
  return v?.action && committeeOf ? { action: v.action, committeeOf, public: !!v.public } : rule;
}

/** Registers the AccessGuard as the app's global guard (after the auth and workflow modules, which it reads). */
@Global()
@Module({ providers: [{ provide: APP_GUARD, useClass: AccessGuard }] })
export class AccessModule {}
