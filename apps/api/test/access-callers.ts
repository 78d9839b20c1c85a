/**
 * The callers of the access matrix (apps/api/src/access/matrix.ts) as real tokens, for the matrix
 * and leak tests: one server with the tokens file AND OIDC (a JWKS file of the test's own key), so
 * every caller exists twice, as a tokens-file token and as an OIDC access token with the same
 * roles (`saksflyt_roles`). Committees NEHS and NUIT: for a record of one, "other" is the other.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { Caller } from '../src/access/matrix.js';
import { startServer, tempDir, type Server } from './harness.js';
import { TOKENS } from './workflow-helpers.js';

export const COMMITTEES = ['NEHS', 'NUIT'] as const;
export type Code = (typeof COMMITTEES)[number];
export const SOURCES = ['file', 'oidc'] as const;
export type Source = (typeof SOURCES)[number];

const ISSUER = 'https://idp.example.test/realms/saksflyt';
const AUDIENCE = 'saksflyt-api';

/** The role grants (OIDC claim syntax) of a caller, for a record of `committee`. */
export function grantsOf(caller: Caller, committee: Code): string[] {
  const other = committee === 'NEHS' ? 'NUIT' : 'NEHS';
  switch (caller) {
    case 'none':
      return [];
    case 'member':
      return [`member:${committee}`];
    case 'secretariat':
      return [`secretariat:${committee}`];
    case 'otherMember':
      return [`member:${other}`];
    case 'otherSecretariat':
      return [`secretariat:${other}`];
    case 'auditor':
      return ['auditor'];
    case 'admin':
      return ['admin'];
  }
}

/** The tokens file's token for one grant (workflow-helpers' TOKENS). */
const FILE_TOKEN: Record<string, string> = {
  'member:NEHS': 'tok-member-nehs',
  'member:NUIT': 'tok-member-nuit',
  'secretariat:NEHS': 'tok-secretariat-nehs',
  'secretariat:NUIT': 'tok-secretariat-nuit',
  auditor: 'tok-auditor',
  admin: 'tok-admin',
};

export interface AccessServer extends Server {
  /** The bearer token of a caller for a record of `committee` (undefined: no token). */
  token(caller: Caller, committee: Code, source: Source): string | undefined;
}

/** A server with the tokens file and OIDC side by side, and a token of every caller both ways. */
export async function startAccessServer(env: Record<string, string> = {}): Promise<AccessServer> {
  const dataDir = tempDir('saksflyt-access-');
  const tokensFile = join(dataDir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify(TOKENS));
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwksFile = join(dataDir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'matrix-1', alg: 'ES256', use: 'sig' }] }));
  const oidc = new Map<string, string>();
  for (const grant of Object.keys(FILE_TOKEN)) {
    const jwt = await new SignJWT({ name: `OIDC ${grant}`, saksflyt_roles: [grant] })
      .setProtectedHeader({ alg: 'ES256', kid: 'matrix-1', typ: 'JWT' })
      .setSubject(`oidc-${grant.replace(':', '-').toLowerCase()}`)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(privateKey);
    oidc.set(grant, jwt);
  }
  const s = await startServer({
    dataDir,
    env: { AUTH_TOKENS_FILE: tokensFile, AUTH_JWKS: jwksFile, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, ...env },
  });
  return Object.assign(s, {
    token(caller: Caller, committee: Code, source: Source): string | undefined {
      const [grant] = grantsOf(caller, committee);
      if (grant === undefined) return undefined;
      return source === 'file' ? FILE_TOKEN[grant] : oidc.get(grant);
    },
  });
}

/** Runs `work` over `items` with at most `limit` at a time, answers in order. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}
