/**
 * The API docs page (/api/docs) renders in a real browser under the security headers: Swagger UI
 * loads from this origin, shows the operations, and the Content-Security-Policy blocks nothing it needs.
 * Needs Debian's Chromium at /usr/bin/chromium (browser.ts), like the workbench tests.
 */
import type { Browser } from 'playwright-core';
import { chromiumInstalled, closeAll, launchChromium } from './browser.js';
import { startServer, type Server } from './harness.js';

describe('the API docs page in a browser', () => {
  let server: Server;
  let browser: Browser;
  beforeAll(async () => {
    chromiumInstalled();
    server = await startServer();
    browser = await launchChromium();
  });
  afterAll(() => closeAll(browser, server, undefined));

  it('shows the operations, with no CSP violation and no page error', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    const res = await page.goto(`${server.url}/api/docs`);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
    expect(await page.locator('.opblock-summary-path').count()).toBeGreaterThan(30);
    expect(await page.textContent('.info .title')).toMatch(/Saksflyt API/);
    // An operation opened: its parameters, answers and example bodies render too.
    await page.locator('.opblock-summary-path', { hasText: '/api/cases/{id}/endorse' }).first().click();
    await page.waitForSelector('.opblock.is-open .responses-table', { timeout: 10_000 });
    await page.waitForTimeout(300);
    expect(problems).toEqual([]);
  });
});
