import { Global, Module, SetMetadata, createParamDecorator, type DynamicModule, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Problems } from '../problem/problem.js';
import { OidcVerifier } from './oidc.js';
import { hasRole, type RoleName, type TokenTable, type User } from './tokens.js';

export const TOKENS = Symbol('TOKENS');

declare module 'fastify' {
  interface FastifyRequest {
    /** The bearer token's user, or null (set by the global AccessGuard). */
    user: User | null;
  }
}

export const AUTH_POLICY = 'saksflyt:auth';
type Policy = { kind: 'public' } | { kind: 'token' } | { kind: 'roles'; roles: RoleName[] };

/** No token needed (a token, if sent, must still be known: an unknown one is 401). */
export const Public = () => SetMetadata(AUTH_POLICY, { kind: 'public' } satisfies Policy);
/** Any known token (this is also the default for routes without a decorator). */
export const Authenticated = () => SetMetadata(AUTH_POLICY, { kind: 'token' } satisfies Policy);
/**
 * A known token holding at least one of these roles (for any committee): else 401 / 403.
 * A platform primitive (its tests use it): the product's routes say what they do with
 * `@Allow(action, { committeeOf })` and the policy decides who may.
 */
export const Roles = (...roles: RoleName[]) => SetMetadata(AUTH_POLICY, { kind: 'roles', roles } satisfies Policy);

/** `@CurrentUser() user: User | null` */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): User | null => ctx.switchToHttp().getRequest<FastifyRequest>().user ?? null,
);

/** Throws 401 when there is no user; returns it otherwise. */
export function requireUser(user: User | null | undefined): User {
  if (!user) throw Problems.unauthorized();
  return user;
}

/**
 * 401 without a user; 403 unless the user holds one of the grants. A grant is a role name
 * (any committee) or `[role, committee]`. Example: `requireRole(user, ['secretariat', 'NEHS'], 'admin')`.
 * A platform primitive like `@Roles`; the product asks the policy (access/require.ts).
 */
export function requireRole(user: User | null | undefined, ...grants: (RoleName | [RoleName, string])[]): User {
  const u = requireUser(user);
  const ok = grants.some((g) => (Array.isArray(g) ? hasRole(u, g[0], g[1]) : hasRole(u, g)));
  if (!ok) throw Problems.forbidden();
  return u;
}

function bearer(header: string | string[] | undefined): string | undefined | null {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value);
  return m ? m[1] : null; // null: present but not a bearer token
}

/**
 * The request's user from its bearer token (null without one), set as `request.user`. A header
 * that is not "Bearer <token>", or a token neither in the table nor a valid OIDC access token
 * (when AUTH_JWKS is configured), is 401 on every route.
 */
export async function authenticate(request: FastifyRequest, tokens: TokenTable): Promise<User | null> {
  const token = bearer(request.headers.authorization);
  let user: User | null = null;
  if (token === null) throw Problems.unauthorized('The Authorization header must be "Bearer <token>".');
  if (token !== undefined) {
    user = tokens.users.get(token) ?? null;
    if (!user && tokens.oidc && OidcVerifier.looksLikeJwt(token)) user = await tokens.oidc.verify(token);
    if (!user) throw Problems.unauthorized('Unknown token.');
  }
  request.user = user;
  return user;
}

/**
 * The route policy of `@Public()`, `@Authenticated()` (the default) and `@Roles(...)`: 401 / 403.
 * Routes of the product declare `@Allow(action, ...)` instead (access/allow.ts), which the
 * AccessGuard answers from the policy; this covers the platform's own primitives.
 */
export function enforceAuthPolicy(reflector: Reflector, context: ExecutionContext, user: User | null): void {
  const policy =
    reflector.getAllAndOverride<Policy>(AUTH_POLICY, [context.getHandler(), context.getClass()]) ?? ({ kind: 'token' } as Policy);
  if (policy.kind === 'public') return;
  if (!user) throw Problems.unauthorized();
  if (policy.kind === 'roles' && !policy.roles.some((r) => hasRole(user, r))) {
    throw Problems.forbidden(`This needs one of the roles: ${policy.roles.join(', ')}.`);
  }
}

/** The tokens table as TOKENS (global). The one global guard is the AccessGuard (access/access.guard.ts). */
@Global()
@Module({})
export class AuthModule {
  static forRoot(tokens: TokenTable): DynamicModule {
    return {
      module: AuthModule,
      providers: [{ provide: TOKENS, useValue: tokens }],
      exports: [TOKENS],
    };
  }
}
