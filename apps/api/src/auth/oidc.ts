/**
 * OIDC access tokens (API.md "Extensions: identity in production"), beside the tokens file.
 *
 * `AUTH_JWKS` names a JWKS file or an `http(s)://` URL. A bearer token that is not in the tokens
 * file and looks like a JWT is verified here: signature (RS256 or ES256 only: `none`, HS256 and the
 * rest are refused before any key is looked at), `exp`/`nbf`, `iss` = `AUTH_ISSUER`, `aud` contains
 * `AUTH_AUDIENCE`. The keys are cached; a token whose `kid` the cache does not know makes one
 * refresh (the URL is fetched again, at most every `AUTH_JWKS_COOLDOWN_SECONDS`, default 30; the
 * file is read again when it changed), so the identity provider can rotate its keys.
 *
 * The user: `name` claim, else `sub`; their identity (`id`, which links a committee member's seat
 * by its `userId`) is `sub`; roles from the claim named by `AUTH_ROLES_CLAIM` (default
 * `saksflyt_roles`), an array of "admin", "auditor", "secretariat:NEHS", "member:NUIT". Unknown
 * entries are ignored (and logged once each).
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { Problems } from '../problem/problem.js';
import type { RoleGrant, User } from './tokens.js';

export const JWT_ALGORITHMS = ['RS256', 'ES256'];
export const DEFAULT_ROLES_CLAIM = 'saksflyt_roles';

export interface OidcConfig {
  /** A file path (absolute) or an http(s) URL. */
  jwks: string;
  issuer: string;
  audience: string;
  rolesClaim: string;
  /** Least time between two fetches of a JWKS URL (a refresh on an unknown kid included). */
  cooldownMs: number;
  /** Leeway for exp/nbf, in seconds. */
  clockToleranceSeconds: number;
}

type Env = Record<string, string | undefined>;

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** undefined when `AUTH_JWKS` is not set; throws at start when it is set without issuer or audience. */
export function loadOidcConfig(env: Env): OidcConfig | undefined {
  const jwks = nonEmpty(env.AUTH_JWKS);
  if (!jwks) return undefined;
  const issuer = nonEmpty(env.AUTH_ISSUER);
  const audience = nonEmpty(env.AUTH_AUDIENCE);
  if (!issuer || !audience) throw new Error('AUTH_JWKS needs AUTH_ISSUER and AUTH_AUDIENCE (tokens of other issuers or audiences must be refused)');
  const num = (name: string, dflt: number): number => {
    const raw = nonEmpty(env[name]);
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
    return n;
  };
  return {
    jwks: isUrl(jwks) ? jwks : resolve(jwks),
    issuer,
    audience,
    rolesClaim: nonEmpty(env.AUTH_ROLES_CLAIM) ?? DEFAULT_ROLES_CLAIM,
    cooldownMs: num('AUTH_JWKS_COOLDOWN_SECONDS', 30) * 1000,
    clockToleranceSeconds: num('AUTH_CLOCK_TOLERANCE_SECONDS', 5),
  };
}

/** A JWKS file as a key resolver: read at start, read again on an unknown kid when the file changed. */
function fileKeySet(file: string): JWTVerifyGetKey {
  const read = (): { mtimeMs: number; get: JWTVerifyGetKey } => {
    const mtimeMs = statSync(file).mtimeMs;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`AUTH_JWKS ${file} is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof json !== 'object' || json === null || !Array.isArray((json as { keys?: unknown }).keys)) {
      throw new Error(`AUTH_JWKS ${file} must be a JWKS: { "keys": [...] }`);
    }
    return { mtimeMs, get: createLocalJWKSet(json as JSONWebKeySet) };
  };
  let current = read();
  return async (header, token) => {
    try {
      return await current.get(header, token);
    } catch (e) {
      if (!(e instanceof joseErrors.JWKSNoMatchingKey)) throw e;
      let mtimeMs: number;
      try {
        mtimeMs = statSync(file).mtimeMs;
      } catch {
        throw e;
      }
      if (mtimeMs === current.mtimeMs) throw e;
      current = read();
      return current.get(header, token);
    }
  };
}

/** Why a token was refused, for the 401's detail (no token content is echoed). */
function reason(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf') return 'the token is not yet valid';
    if (e.claim === 'iss') return 'the token is from another issuer';
    if (e.claim === 'aud') return 'the token is for another audience';
    return `the token's "${e.claim}" claim is invalid`;
  }
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return `only ${JWT_ALGORITHMS.join(' and ')} tokens are accepted`;
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'the token is not signed by a known key';
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  return 'the token is not a valid JWT';
}

export class OidcVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly logger = new Logger('Auth');
  private readonly warned = new Set<string>();

  constructor(readonly config: OidcConfig) {
    this.keys = isUrl(config.jwks)
      ? createRemoteJWKSet(new URL(config.jwks), { cooldownDuration: config.cooldownMs, cacheMaxAge: 10 * 60_000, timeoutDuration: 5000 })
      : fileKeySet(config.jwks);
  }

  /** True when the string has the shape of a compact JWS (three base64url parts). */
  static looksLikeJwt(token: string): boolean {
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
  }

  /** The token's user; 401 when it does not verify; 503 when the keys cannot be fetched. */
  async verify(token: string): Promise<User> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: JWT_ALGORITHMS,
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: this.config.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (e) {
      if (e instanceof joseErrors.JWKSTimeout || (e instanceof joseErrors.JOSEError && e.code === 'ERR_JWKS_INVALID')) {
        this.logger.error(`the JWKS at ${this.config.jwks} could not be read: ${e.code}`);
        throw Problems.unavailable('The identity provider\'s keys cannot be fetched now; try again shortly.');
      }
      if (!(e instanceof joseErrors.JOSEError) && isUrl(this.config.jwks)) {
        // fetch failed (connection refused, DNS): the server's problem, not the client's.
        this.logger.error(`the JWKS at ${this.config.jwks} could not be fetched: ${(e as Error)?.message ?? String(e)}`);
        throw Problems.unavailable('The identity provider\'s keys cannot be fetched now; try again shortly.');
      }
      throw Problems.unauthorized(`The access token was refused: ${reason(e)}.`);
    }
    const name = typeof payload.name === 'string' && payload.name.trim() ? payload.name : typeof payload.sub === 'string' && payload.sub ? payload.sub : undefined;
    if (!name) throw Problems.unauthorized('The access token was refused: it has neither a "name" nor a "sub" claim.');
    const sub = typeof payload.sub === 'string' && payload.sub ? { id: payload.sub } : {};
    return { name, roles: this.roles(payload[this.config.rolesClaim], name), ...sub };
  }

  private roles(claim: unknown, who: string): RoleGrant[] {
    if (claim === undefined) return [];
    const entries = Array.isArray(claim) ? claim : [claim];
    const roles: RoleGrant[] = [];
    for (const entry of entries) {
      const grant = typeof entry === 'string' ? parseRole(entry) : undefined;
      if (grant) roles.push(grant);
      else {
        const key = JSON.stringify(entry) ?? String(entry);
        if (!this.warned.has(key) && this.warned.size < 1000) {
          this.warned.add(key);
          this.logger.warn(`ignored an unknown role ${key.slice(0, 80)} in the "${this.config.rolesClaim}" claim of ${who}`);
        }
      }
    }
    return roles;
  }
}

const COMMITTEE_CODE = /^[A-Za-z0-9_-]{1,32}$/;

/** "admin", "auditor", "secretariat:NEHS", "member:NUIT" → a grant; anything else undefined. */
export function parseRole(entry: string): RoleGrant | undefined {
  if (entry === 'admin' || entry === 'auditor') return { role: entry };
  const m = /^(secretariat|member):(.+)$/.exec(entry);
  if (m && COMMITTEE_CODE.test(m[2]!)) return { role: m[1] as 'secretariat' | 'member', committee: m[2]! };
  return undefined;
}
