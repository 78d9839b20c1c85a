/**
 * OIDC access tokens (API.md "Extensions: identity in production") over a real HTTP server. The
 * test is its own identity provider: it makes RS256 and ES256 key pairs, publishes them as a JWKS
 * file and from a local HTTP server, and signs tokens with jose. Every refused token answers 401
 * problem JSON; the tokens file keeps working beside them.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { startServer, tempDir, type Server } from './harness.js';

const ISSUER = 'https://idp.example.test/realms/saksflyt';
const AUDIENCE = 'saksflyt-api';

interface Key {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

async function makeKey(kid: string, alg: 'RS256' | 'ES256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, jwk };
}

const now = () => Math.floor(Date.now() / 1000);

async function mint(key: Key, claims: Record<string, unknown> = {}, opts: { iss?: string; aud?: string; exp?: number; nbf?: number; kid?: string } = {}): Promise<string> {
  const jwt = new SignJWT({ name: 'Kari Revisor', saksflyt_roles: ['auditor'], ...claims })
    .setProtectedHeader({ alg: key.alg, kid: opts.kid ?? key.kid, typ: 'JWT' })
    .setSubject(typeof claims.sub === 'string' ? claims.sub : 'kari@example.test')
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? now() + 600);
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  return jwt.sign(key.privateKey);
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

function expectProblem(res: { status: number; headers: Headers; json: any }, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.json).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
}

describe('OIDC access tokens from a JWKS file', () => {
  let server: Server;
  let rsa: Key;
  let ec: Key;
  let stranger: Key;
  let jwksFile: string;

  beforeAll(async () => {
    [rsa, ec, stranger] = await Promise.all([makeKey('rsa-1', 'RS256'), makeKey('ec-1', 'ES256'), makeKey('rsa-1', 'RS256')]);
    const dir = tempDir('saksflyt-oidc-');
    jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [rsa.jwk, ec.jwk] }));
    server = await startServer({ dataDir: dir, env: { AUTH_JWKS: jwksFile, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE } });
  });
  afterAll(async () => server?.close());

  it('a valid RS256 token and a valid ES256 token are the auditor they name', async () => {
    for (const key of [rsa, ec]) {
      const res = await server.req('GET', '/api/audit/verify', { token: await mint(key) });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ ok: true });
    }
  });

  it('the actor of a write is the name claim, else sub; roles from saksflyt_roles', async () => {
    const named = await mint(rsa, { name: 'Ola Admin', saksflyt_roles: ['admin'] });
    expect((await server.req('POST', '/api/committees', { token: named, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } })).status).toBe(201);
    const unnamed = await mint(ec, { name: undefined, saksflyt_roles: ['admin'] });
    expect((await server.req('POST', '/api/committees', { token: unnamed, json: { code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' } })).status).toBe(201);
    const log = await server.req('GET', '/api/audit/events?limit=100', { token: await mint(rsa) });
    expect(log.status).toBe(200);
    const actors = JSON.stringify(log.json);
    expect(actors).toContain('"actor":"Ola Admin"');
    expect(actors).toContain('"actor":"kari@example.test"');
  });

  it("two people with the same name (different sub) do not share Idempotency-Keys: each gets their own answer", async () => {
    const ola1 = await mint(rsa, { name: 'Ola Nordmann', sub: 'sub-ola-1', saksflyt_roles: ['admin'] });
    const ola2 = await mint(rsa, { name: 'Ola Nordmann', sub: 'sub-ola-2', saksflyt_roles: ['admin'] });
    const headers = { 'idempotency-key': 'same-key-1' };
    const a = await server.req('POST', '/api/committees', { token: ola1, json: { code: 'IDA', name: 'A' }, headers });
    const b = await server.req('POST', '/api/committees', { token: ola2, json: { code: 'IDB', name: 'B' }, headers });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.json.id, b.json.id]).toEqual(['IDA', 'IDB']);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    // the same person again: the first answer
    const again = await server.req('POST', '/api/committees', { token: ola1, json: { code: 'IDA', name: 'A' }, headers });
    expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
  });

  it('unknown role entries are ignored: "secretariat:NEHS" with junk beside it is the secretariat only', async () => {
    const token = await mint(rsa, { saksflyt_roles: ['secretariat:NEHS', 'wizard', 'member:', 42, { role: 'admin' }] });
    expectProblem(await server.req('GET', '/api/audit/verify', { token }), 403);
    expectProblem(await server.req('POST', '/api/committees', { token, json: { code: 'XX', name: 'X' } }), 403);
    const created = await server.req('POST', '/api/cases', {
      token,
      json: { committee: 'NEHS', title: 'Sak fra OIDC', type: 'orientation', proposedResolution: 'Tas til orientering.' },
    });
    expect(created.status).toBe(201);
    expectProblem(
      await server.req('POST', '/api/cases', { token, json: { committee: 'NUIT', title: 'Sak', type: 'orientation', proposedResolution: 'x' } }),
      403,
    );
  });

  it('a token without roles is a user with no roles (403 where a role is needed), and the roles claim name is configurable', async () => {
    const token = await mint(rsa, { saksflyt_roles: undefined });
    expectProblem(await server.req('GET', '/api/audit/verify', { token }), 403);
  });

  it.each([
    ['expired', async () => mint(rsa, {}, { exp: now() - 120 }), /expired/],
    ['not yet valid', async () => mint(rsa, {}, { nbf: now() + 3600 }), /not yet valid/],
    ['of another issuer', async () => mint(rsa, {}, { iss: 'https://evil.example.test' }), /issuer/],
    ['for another audience', async () => mint(rsa, {}, { aud: 'some-other-api' }), /audience/],
    ['signed by another key with a known kid', async () => mint(stranger), /signature/],
    ['signed by a key of unknown kid', async () => mint(stranger, {}, { kid: 'rsa-9' }), /known key/],
  ])('a token %s is 401', async (_what, make, detail) => {
    const res = await server.req('GET', '/api/audit/verify', { token: await make() });
    expectProblem(res, 401);
    expect(res.json.detail).toMatch(detail);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('alg "none" is 401, and so is a token without exp', async () => {
    const payload = { name: 'Eve', sub: 'eve', saksflyt_roles: ['admin'], iss: ISSUER, aud: AUDIENCE, exp: now() + 600 };
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
    const res = await server.req('POST', '/api/committees', { token: none, json: { code: 'EVIL', name: 'Evil' } });
    expectProblem(res, 401);
    expect(res.json.detail).toMatch(/RS256 and ES256/);
    const noExp = await new SignJWT({ name: 'Eve', saksflyt_roles: ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: rsa.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(rsa.privateKey);
    expectProblem(await server.req('POST', '/api/committees', { token: noExp, json: { code: 'EVIL', name: 'Evil' } }), 401);
    expect((await server.req('GET', '/api/committees/EVIL')).status).toBe(404);
  });

  it('HS256 signed with the public key as the shared secret (the key-confusion attack) is 401', async () => {
    const secrets = [
      new TextEncoder().encode(await exportSPKI(rsa.publicKey)),
      new TextEncoder().encode(JSON.stringify(rsa.jwk)),
      Buffer.from(String(rsa.jwk.n), 'base64url'),
    ];
    for (const secret of secrets) {
      const token = await new SignJWT({ name: 'Eve', saksflyt_roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime(now() + 600)
        .sign(secret);
      const res = await server.req('POST', '/api/committees', { token, json: { code: 'EVIL', name: 'Evil' } });
      expectProblem(res, 401);
    }
    expect((await server.req('GET', '/api/committees/EVIL')).status).toBe(404);
  });

  it('garbage that looks like a JWT, and a tampered payload, are 401; the tokens file still works', async () => {
    const good = await mint(rsa);
    const [h, , s] = good.split('.');
    const tampered = `${h}.${b64({ name: 'Eve', saksflyt_roles: ['admin'], iss: ISSUER, aud: AUDIENCE, exp: now() + 600 })}.${s}`;
    for (const token of [tampered, 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.eyJ9.AAAA', `${h}..${s}`]) {
      expectProblem(await server.req('GET', '/api/audit/verify', { token }), 401);
    }
    expect((await server.req('GET', '/api/audit/verify', { token: 'tok-auditor' })).status).toBe(200);
    expectProblem(await server.req('GET', '/api/audit/verify', { token: 'tok-unknown' }), 401);
  });

  it('a key added to the file later is picked up on its unknown kid (rotation)', async () => {
    const next = await makeKey('rsa-2', 'RS256');
    const token = await mint(next);
    expectProblem(await server.req('GET', '/api/audit/verify', { token }), 401);
    await new Promise((r) => setTimeout(r, 20)); // a new mtime
    writeFileSync(jwksFile, JSON.stringify({ keys: [next.jwk] }));
    expect((await server.req('GET', '/api/audit/verify', { token })).status).toBe(200);
  });
});

describe('OIDC access tokens from a JWKS URL', () => {
  let server: Server;
  let idp: HttpServer;
  let keys: Key[];
  let fetches = 0;

  beforeAll(async () => {
    keys = [await makeKey('k1', 'ES256')];
    idp = createServer((req, res) => {
      if (req.url !== '/certs') {
        res.writeHead(404).end();
        return;
      }
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
    });
    await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
    const { port } = idp.address() as AddressInfo;
    server = await startServer({
      env: {
        AUTH_JWKS: `http://127.0.0.1:${port}/certs`,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_ROLES_CLAIM: 'groups',
        AUTH_JWKS_COOLDOWN_SECONDS: '0',
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((r) => idp?.close(r));
  });

  it('verifies against the fetched keys, caches them, and takes roles from AUTH_ROLES_CLAIM', async () => {
    const token = await mint(keys[0]!, { saksflyt_roles: undefined, groups: ['auditor'] });
    expect((await server.req('GET', '/api/audit/verify', { token })).status).toBe(200);
    expect((await server.req('GET', '/api/audit/verify', { token })).status).toBe(200);
    expect(fetches).toBe(1);
    const wrongClaim = await mint(keys[0]!, { saksflyt_roles: ['auditor'] });
    expectProblem(await server.req('GET', '/api/audit/verify', { token: wrongClaim }), 403);
  });

  it('a rotated key (new kid) is fetched on first sight; the retired key then no longer verifies after a refresh', async () => {
    const old = keys[0]!;
    const oldToken = await mint(old, { groups: ['auditor'] });
    const next = await makeKey('k2', 'RS256');
    keys = [next];
    const before = fetches;
    const token = await mint(next, { groups: ['auditor'] });
    expect((await server.req('GET', '/api/audit/verify', { token })).status).toBe(200);
    expect(fetches).toBe(before + 1);
    expectProblem(await server.req('GET', '/api/audit/verify', { token: oldToken }), 401);
    expectProblem(await server.req('GET', '/api/audit/verify', { token: await mint(old, {}, { kid: 'k3' }) }), 401);
  });

  it('an identity provider that is down is 503 problem JSON, not 500 and not a pass', async () => {
    await new Promise((r) => idp.close(r));
    idp.closeAllConnections?.();
    const lost = await makeKey('k9', 'RS256');
    const res = await server.req('GET', '/api/audit/verify', { token: await mint(lost, { groups: ['auditor'] }) });
    expectProblem(res, 503);
    expect(res.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|at .*\.js/);
  });
});

describe('OIDC configuration', () => {
  it('AUTH_JWKS without AUTH_ISSUER or AUTH_AUDIENCE refuses to start', async () => {
    await expect(startServer({ env: { AUTH_JWKS: '/nonexistent.json', AUTH_AUDIENCE: AUDIENCE } })).rejects.toThrow(/AUTH_ISSUER/);
  });
});
