/**
 * The demo as `npm start` builds it (demo/demo.ts, the code main.ts runs): a fresh data dir, so the
 * tokens file is written with the demo members' tokens; the real records imported into the empty
 * store; the seats of those members linked to the tokens' ids. Then one of them answers a written
 * procedure the demo's secretariat opened, with her own token from that file.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_LOGINS } from '../src/demo/logins.js';
import { loadDemo } from '../src/demo/demo.js';
import { startServer, tempDir, type Server } from './harness.js';
import { head, ok } from './workflow-helpers.js';

type Entry = { id?: string; name: string; roles: { role: string; committee?: string }[] };

describe('the demo: members of the real records sign in with the demo tokens', () => {
  let dir = '';
  let s: Server;
  let tokens: [string, Entry][] = [];
  const logs: string[] = [];
  const logger = { log: (m: string) => logs.push(m), warn: (m: string) => logs.push(`warn ${m}`), error: (m: string) => logs.push(`error ${m}`) };
  const tokenOf = (name: string) => tokens.find(([, e]) => e.name === name)![0];

  beforeAll(async () => {
    dir = tempDir('saksflyt-demo-logins-');
    s = await startServer({ dataDir: dir, defaultTokens: true, keepDir: true });
    await loadDemo(s.app, logger, { recordsDir: join(process.cwd(), 'fixtures', 'records') });
    tokens = Object.entries(JSON.parse(readFileSync(join(dir, 'tokens.json'), 'utf8')) as Record<string, Entry>);
  });
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the tokens file holds a member token per demo login (its id, the member role of the committee)', () => {
    expect(tokens.filter(([, e]) => e.id).map(([, e]) => [e.id, e.name, e.roles])).toEqual(DEMO_LOGINS.map((l) => [l.userId, l.name, [{ role: 'member', committee: l.committee }]]));
    expect(logs.filter((l) => l.startsWith('error') || l.startsWith('warn'))).toEqual([]);
    expect(logs).toContain('demo logins: the seats of Bjørn Guldvog (NEHS), Cathrine Lofthus (NEHS), Lars Vorland (NEHS) are linked to the member tokens of the tokens file');
  });

  it("their seats of the imported records are linked to those ids; the public does not see them", async () => {
    const sec = tokenOf('Sekretariatet (NEHS)');
    const c = (await ok(s, 'GET', '/api/committees/NEHS', { token: sec })).json as { members: { name: string; organisation: string; userId?: string }[] };
    expect(c.members.length).toBeGreaterThan(DEMO_LOGINS.length);
    for (const l of DEMO_LOGINS) expect(c.members.find((m) => m.name === l.name && m.organisation === l.organisation)?.userId).toBe(l.userId);
    expect(c.members.filter((m) => m.userId).length).toBe(DEMO_LOGINS.length);
    expect((await ok(s, 'GET', '/api/committees/NEHS', {})).text).not.toMatch(/demo-nehs-/);
  });

  it('a demo member answers a written procedure with her own token', async () => {
    const sec = tokenOf('Sekretariatet (NEHS)');
    const w = (await ok(s, 'POST', '/api/cases', { token: sec, json: { committee: 'NEHS', title: 'Demo: skriftlig behandling', type: 'endorsement', proposedResolution: 'Styret gir tilslutning.' } }, 201)).json.id;
    await ok(s, 'POST', `/api/cases/${w}/written-procedure`, { token: sec, json: { deadline: '2099-01-31' } });
    expect((await s.req('POST', `/api/cases/${w}/written-procedure/responses`, { token: tokenOf('Cathrine Lofthus'), json: { answer: 'agree' } })).status).toBe(200);
    const answers = (await ok(s, 'GET', `/api/cases/${w}`, { token: sec })).json.writtenProcedure.answers;
    expect(answers.map((a: { name: string; organisation: string }) => [a.name, a.organisation])).toEqual([['Cathrine Lofthus', 'Helse Sør-Øst RHF']]);
  });

  it('a second start on the same store imports and links nothing', async () => {
    const before = await head(s);
    logs.length = 0;
    await loadDemo(s.app, logger, { recordsDir: join(process.cwd(), 'fixtures', 'records') });
    expect(logs).toEqual(['demo records: the store is not empty, nothing imported']);
    expect(await head(s)).toBe(before);
  });
});
