import {
  Global,
  Inject,
  Injectable,
  Module,
  SetMetadata,
  createParamDecorator,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
} from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Problems } from '../problem/problem.js';
import { hasRole, type RoleName, type TokenTable, type User } from './tokens.js';

export const TOKENS = Symbol('TOKENS');

declare module 'fastify' {
  interface FastifyRequest {
    /** The bearer token's user, or null (set by the global AuthGuard). */
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
 * Committee-scoped checks (secretariat of THIS case's committee) belong in the handler, with
 * `requireRole(user, 'secretariat', code)` after the 404 check.
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

/** Global guard: resolves the user, then enforces the route's policy (default: any token). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKENS) private readonly tokens: TokenTable,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const token = bearer(request.headers.authorization);
    let user: User | null = null;
    if (token === null) throw Problems.unauthorized('The Authorization header must be "Bearer <token>".');
    if (token !== undefined) {
      user = this.tokens.users.get(token) ?? null;
      if (!user) throw Problems.unauthorized('Unknown token.');
    }
    request.user = user;
    const policy =
      this.reflector.getAllAndOverride<Policy>(AUTH_POLICY, [context.getHandler(), context.getClass()]) ??
      ({ kind: 'token' } as Policy);
    if (policy.kind === 'public') return true;
    if (!user) throw Problems.unauthorized();
    if (policy.kind === 'roles' && !policy.roles.some((r) => hasRole(user, r))) {
      throw Problems.forbidden(`This needs one of the roles: ${policy.roles.join(', ')}.`);
    }
    return true;
  }
}

@Global()
@Module({})
export class AuthModule {
  static forRoot(tokens: TokenTable): DynamicModule {
    return {
      module: AuthModule,
      providers: [{ provide: TOKENS, useValue: tokens }, { provide: APP_GUARD, useClass: AuthGuard }],
      exports: [TOKENS],
    };
  }
}
