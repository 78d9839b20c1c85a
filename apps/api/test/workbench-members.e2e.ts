/**
 * A seat linked to a login through the workbench (Medlemmer, apps/web built into dist/web) in a
 * real Chromium against a real server: the members were added without a userId (as the records
 * import them); the secretariat links Cathrine Lofthus's seat to her login on the page (a second
 * seat for the same login is refused beside the field), she then answers a written procedure in her
 * own browser page with her own token; the secretariat unlinks it and her token is refused again.
 * axe on the link form in both languages, at desktop and phone width.
 *
 * Needs Debian's Chromium at /usr/bin/chromium and the built web (`npm run build`).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { SHOTS, apiCall, closeAll, launchChromium, readyForBrowserTests } from './browser.js';
import { startServer, tempDir, TEST_TOKENS, type Server } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SEC = 'tok-secretariat-nehs';
const ADMIN = 'tok-admin';
const LOFTHUS = 'tok-lofthus';
const WAIT = { timeout: 15_000 };

describe('the workbench: Medlemmer links a seat to a login, and that member answers with her own token', () => {
  let server: Server;
  let browser: Browser;
  let dataDir: string;
  const ids = { lofthus: '', vorland: '', w: '' };
  const errors: string[] = [];
  const found: string[] = [];

  const axe = async (p: Page, where: string) => {
    const r = await new AxeBuilder({ page: p }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).options({ resultTypes: ['violations'] }).analyze();
    for (const v of r.violations) if (v.impact === 'serious' || v.impact === 'critical') found.push(`${where}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  };
  const signIn = async (p: Page, token: string, at: string) => {
    await p.goto(`${server.url}/#/${at}`);
    await p.fill('#token', token);
    await p.click('form.signin button[type=submit]');
    await p.waitForSelector('.signin[data-signed-in="true"]', WAIT);
  };
  const seatOf = async (id: string) => ((await apiCall(server, SEC, 'GET', '/api/committees/NEHS')).members as any[]).find((m) => m.id === id);

  beforeAll(async () => {
    readyForBrowserTests();
    dataDir = tempDir('saksflyt-workbench-members-');
    const tokens = path.join(dataDir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify({ ...TEST_TOKENS, [LOFTHUS]: { id: 'u-lofthus', name: 'Cathrine Lofthus', roles: [{ role: 'member', committee: 'NEHS' }] } }));
    server = await startServer({ dataDir, env: { AUTH_TOKENS_FILE: tokens } });
    await apiCall(server, ADMIN, 'POST', '/api/committees', { code: 'NEHS', name: 'Nasjonalt e-helsestyre' });
    ids.lofthus = (await apiCall(server, ADMIN, 'POST', '/api/committees/NEHS/members', { name: 'Cathrine Lofthus', organisation: 'Helse Sør-Øst RHF', role: 'member' })).id;
    ids.vorland = (await apiCall(server, ADMIN, 'POST', '/api/committees/NEHS/members', { name: 'Lars Vorland', organisation: 'Helse Nord RHF', role: 'member' })).id;
    ids.w = (await apiCall(server, SEC, 'POST', '/api/cases', { committee: 'NEHS', title: 'Høring: forskrift om pasientjournal', type: 'endorsement', proposedResolution: 'NEHS støtter høringssvaret.' })).id;
    await apiCall(server, SEC, 'POST', `/api/cases/${ids.w}/written-procedure`, { deadline: '2099-01-31' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await closeAll(browser, server, dataDir);
  });

  it('the secretariat links the seat on the page; a second seat for that login is refused beside the field; she answers with her own token', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 409/.test(m.text())) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, SEC, 'medlemmer');
    const row = page.locator(`table.members tr[data-member="${ids.lofthus}"]`);
    await row.waitFor(WAIT);
    expect(await row.locator('[data-login]').innerText()).toBe('Ikke koblet');
    expect(await row.locator(`[data-unlink="${ids.lofthus}"]`).count()).toBe(0);

    await row.locator(`[data-link="${ids.lofthus}"]`).click();
    const form = page.locator(`#link-login[data-member="${ids.lofthus}"]`);
    await form.waitFor(WAIT);
    expect(await page.locator('#link-login-h').innerText()).toBe('Innlogging for Cathrine Lofthus');
    // axe on the form: bokmål and English, desktop and phone width
    for (const lang of ['nb', 'en'] as const) {
      if (lang === 'en') {
        await page.click('#lang-switch');
        await page.waitForFunction(() => (globalThis as any).document.documentElement.lang === 'en', undefined, WAIT);
        expect(await page.locator('#link-login-h').innerText()).toBe('Sign-in for Cathrine Lofthus');
      }
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 900 });
        await axe(page, `link a sign-in (${lang}, ${width} px)`);
      }
    }
    await page.screenshot({ path: path.join(SHOTS, 'medlemmer-innlogging-375.png'), fullPage: true });
    await page.click('#lang-switch');
    await page.waitForFunction(() => (globalThis as any).document.documentElement.lang === 'nb', undefined, WAIT);
    await page.setViewportSize({ width: 1280, height: 900 });

    await form.locator('[data-field="userId"]').fill('u-lofthus');
    await form.locator('button[type=submit]').click();
    await row.locator('[data-login="u-lofthus"]').waitFor(WAIT);
    await page.locator('[role=status]:has-text("Cathrine Lofthus logger nå inn som u-lofthus.")').waitFor(WAIT);
    expect(await page.locator('#link-login').count()).toBe(0);
    expect((await seatOf(ids.lofthus)).userId).toBe('u-lofthus');

    // the same login for Lars Vorland's seat: 409 beside the field, nothing written
    const before = (await server.req('GET', '/api/health')).json.store.headPosition;
    await page.locator(`[data-link="${ids.vorland}"]`).click();
    const other = page.locator(`#link-login[data-member="${ids.vorland}"]`);
    await other.locator('[data-field="userId"]').fill('u-lofthus');
    await other.locator('button[type=submit]').click();
    await other.locator('[data-problem="409"]').waitFor(WAIT);
    expect(await other.locator('[data-field="userId"]').getAttribute('aria-invalid')).toBe('true');
    expect(await other.innerText()).toContain('user u-lofthus signs in as Cathrine Lofthus');
    expect((await server.req('GET', '/api/health')).json.store.headPosition).toBe(before);
    await other.locator('button:has-text("Avbryt")').click();
    expect(await page.locator('#link-login').count()).toBe(0);

    // Cathrine Lofthus, in her own page with her own token, answers the written procedure
    const memberCtx = await browser.newContext({ viewport: { width: 375, height: 800 }, locale: 'nb-NO' });
    const mp = await memberCtx.newPage();
    mp.on('pageerror', (e) => errors.push(e.message));
    await signIn(mp, LOFTHUS, `sak/${encodeURIComponent(ids.w)}`);
    const answer = mp.locator('#written-answer');
    await answer.waitFor(WAIT);
    await answer.getByLabel('Enig', { exact: true }).check();
    await answer.locator('[data-field="comment"]').fill('Støtter høringssvaret.');
    await answer.locator('button[type=submit]').click();
    await mp.waitForSelector('[data-written-answers]:has-text("Cathrine Lofthus (Helse Sør-Øst RHF): Enig – Støtter høringssvaret.")', WAIT);
    const wp = (await apiCall(server, SEC, 'GET', `/api/cases/${ids.w}`)).writtenProcedure;
    expect(wp.answers.map((a: any) => [a.memberId, a.answer])).toEqual([[ids.lofthus, 'agree']]);
    await memberCtx.close();

    // the secretariat unlinks it: the column says so, and her token no longer answers
    await row.locator(`[data-unlink="${ids.lofthus}"]`).click();
    await row.locator('[data-login=""]').waitFor(WAIT);
    await page.locator('[role=status]:has-text("Innloggingen til Cathrine Lofthus er koblet fra.")').waitFor(WAIT);
    expect(await seatOf(ids.lofthus)).not.toHaveProperty('userId');
    const refused = await server.req('POST', `/api/cases/${ids.w}/written-procedure/responses`, { token: LOFTHUS, json: { answer: 'disagree' } });
    expect(refused.status).toBe(409);
    expect(refused.json.detail).toMatch(/Cathrine Lofthus is not a chair or member of NEHS/);
    await ctx.close();
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
  }, 90_000);
});
