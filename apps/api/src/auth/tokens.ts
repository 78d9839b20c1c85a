import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OidcVerifier } from './oidc.js';
import { demoTokenEntries } from '../demo/logins.js';

export type RoleName = 'admin' | 'secretariat' | 'member' | 'auditor';
export const ROLE_NAMES: readonly RoleName[] = ['admin', 'secretariat', 'member', 'auditor'];

export interface RoleGrant {
  role: RoleName;
  /** For `secretariat` and `member`: the committee code (e.g. "NEHS"). */
  committee?: string;
}

/** The acting user of a request, from its bearer token. `name` goes into every event's metadata `actor`. */
export interface User {
  name: string;
  roles: RoleGrant[];
  /** Who they are: an OIDC token's `sub`, a tokens-file entry's `id` (a committee member's `userId` links their seat). */
  id?: string;
}

export interface TokenTable {
  /** Absolute path of the file the tokens came from. */
  file: string;
  /** True when the file was written at this start (no AUTH_TOKENS_FILE and none in the data dir). */
  created: boolean;
  users: Map<string, User>;
  /** OIDC access tokens (AUTH_JWKS), checked for a bearer token that is not in `users`. */
  oidc?: OidcVerifier;
}

function parseTokens(file: string, text: string): Map<string, User> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`Tokens file ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error(`Tokens file ${file} must be a JSON object { "<token>": { name, roles } }`);
  }
  const users = new Map<string, User>();
  for (const [token, entry] of Object.entries(json as Record<string, unknown>)) {
    const e = entry as { name?: unknown; roles?: unknown; id?: unknown };
    if (!token || typeof e !== 'object' || e === null || typeof e.name !== 'string' || !Array.isArray(e.roles)) {
      throw new Error(`Tokens file ${file}: entry for a token must be { "name": string, "roles": [...], "id"?: string }`);
    }
    if (e.id !== undefined && (typeof e.id !== 'string' || !e.id.trim())) throw new Error(`Tokens file ${file}: ${e.name}: id must be a non-empty string`);
    const roles: RoleGrant[] = e.roles.map((r: unknown) => {
      const g = r as { role?: unknown; committee?: unknown };
      if (typeof g !== 'object' || g === null || !ROLE_NAMES.includes(g.role as RoleName)) {
        throw new Error(`Tokens file ${file}: ${e.name}: role must be one of ${ROLE_NAMES.join(', ')}`);
      }
      if (g.committee !== undefined && typeof g.committee !== 'string') {
        throw new Error(`Tokens file ${file}: ${e.name}: committee must be a string`);
      }
      return g.committee === undefined ? { role: g.role as RoleName } : { role: g.role as RoleName, committee: g.committee };
    });
    users.set(token, { name: e.name, roles, ...(typeof e.id === 'string' ? { id: e.id } : {}) });
  }
  return users;
}

/**
 * Loads `authTokensFile` when given (it must exist). Otherwise uses `<dataDir>/tokens.json`,
 * writing it on first start with one admin, one NEHS secretariat and one auditor token (random);
 * with `demo`, also one for each demo member (../demo/logins.ts: their seats are linked to these ids).
 */
export function loadTokens(options: { authTokensFile?: string; dataDir: string; demo?: boolean }): TokenTable {
  if (options.authTokensFile) {
    const file = options.authTokensFile;
    if (!existsSync(file)) throw new Error(`AUTH_TOKENS_FILE ${file} does not exist`);
    return { file, created: false, users: parseTokens(file, readFileSync(file, 'utf8')) };
  }
  const file = join(options.dataDir, 'tokens.json');
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const token = () => randomBytes(24).toString('base64url');
    const content = {
      [token()]: { name: 'Admin', roles: [{ role: 'admin' }] },
      [token()]: { name: 'Sekretariatet (NEHS)', roles: [{ role: 'secretariat', committee: 'NEHS' }] },
      [token()]: { name: 'Revisor', roles: [{ role: 'auditor' }] },
      ...(options.demo ? demoTokenEntries(token) : {}),
    };
    try {
      // 'wx': two processes starting at once do not overwrite each other's file.
      writeFileSync(file, JSON.stringify(content, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return { file, created, users: parseTokens(file, readFileSync(file, 'utf8')) };
}

/**
 * True when the user holds `role` (for any committee, or for `committee` when given). Only for the
 * platform's `@Roles`/`requireRole` (auth.ts); the product asks the policy, `may(actor, action,
 * committee)`, through the AccessGuard and access/require.ts.
 */
export function hasRole(user: User | null | undefined, role: RoleName, committee?: string): boolean {
  if (!user) return false;
  return user.roles.some((g) => g.role === role && (committee === undefined || g.committee === committee));
}
