/**
 * The workbench's Årshjul and Oppfølging live over their feeds (issue 12: "apply the change rows
 * they carry; no polling and no refetch of the whole view on every change"), in a real Chromium
 * against a real server: with the page open, a meeting planned over HTTP appears on the Årshjul,
 * and a follow-up promised (record-discussion over HTTP) appears on the Oppfølging and then leaves
 * the open list when it is closed over HTTP; the page makes no request at all meanwhile (counted:
 * its feed connection was made before, and nothing after).
 *
 * Needs Debian's Chromium at /usr/bin/chromium and the built web (`npm run build`).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SHOTS, WAIT, apiCall, closeAll, launchChromium, nehsWithMembers, readyForBrowserTests, signIn } from './browser.js';
import { startServer, tempDir, type Server } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SEC = 'tok-secretariat-nehs';
const YEAR = new Date().getUTCFullYear();

describe('the workbench: Årshjul and Oppfølging apply their feeds’ change rows, no refetch', () => {
  let server: Server;
  let browser: Browser;
  let dataDir: string;
  const members: string[] = [];
  const errors: string[] = [];

  const call = (token: string, method: string, p: string, json?: unknown) => apiCall(server, token, method, p, json);

  /** Every request the page makes from now on (fetches, documents, scripts: anything). */
  function requestsOf(page: Page): { since(): string[]; reset(): void } {
    let seen: string[] = [];
    page.on('request', (r) => seen.push(`${r.method()} ${new URL(r.url()).pathname}${new URL(r.url()).search}`));
    return { since: () => [...seen], reset: () => (seen = []) };
  }

  /** The feeds are open and the first load's requests are done (none for 300 ms); then counting starts afresh. */
  async function settled(page: Page, requests: ReturnType<typeof requestsOf>): Promise<void> {
    await page.waitForSelector('.live-status[data-state="open"]', WAIT);
    for (let n = -1; n !== requests.since().length; ) {
      n = requests.since().length;
      await page.waitForTimeout(300);
    }
    requests.reset();
  }

  async function openPage(at: string, token?: string): Promise<{ page: Page; requests: ReturnType<typeof requestsOf> }> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const requests = requestsOf(page);
    await page.goto(`${server.url}/#/${at}`);
    if (token) {
      await signIn(page, token);
    }
    return { page, requests };
  }

  beforeAll(async () => {
    readyForBrowserTests();
    dataDir = tempDir('saksflyt-workbench-live-');
    server = await startServer({ dataDir });
    members.push(...(await nehsWithMembers(server)));
    await call(SEC, 'POST', '/api/committees/NEHS/meetings', { date: `${YEAR}-03-05`, place: 'Helsedirektoratet' });
    browser = await launchChromium();
  });

  afterAll(() => closeAll(browser, server, dataDir));

  it('Årshjul: a meeting planned over HTTP appears on the open page without a request', async () => {
    const { page, requests } = await openPage('');
    await page.waitForSelector('ol.meetings li[data-meeting]', WAIT);
    await settled(page, requests);
    const planned = await call(SEC, 'POST', '/api/committees/NEHS/meetings', { date: `${YEAR}-11-19`, endDate: `${YEAR}-11-20`, place: 'Tromsø', format: 'hybrid' });
    const card = page.locator(`ol.meetings li[data-meeting="${planned.id}"]`);
    await card.waitFor(WAIT);
    expect(await card.textContent()).toContain('Tromsø');
    expect(await page.locator('ol.meetings li[data-meeting]').count()).toBe(2);
    // moved over HTTP: the card follows, still without a request
    await call(SEC, 'PATCH', `/api/meetings/${planned.id}`, { place: 'Bodø' });
    await page.waitForFunction((id) => (globalThis as any).document.querySelector(`li[data-meeting="${id}"]`)?.textContent?.includes('Bodø'), planned.id, WAIT);
    expect(requests.since()).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'arshjul-live.png'), fullPage: true });
    await page.context().close();
  });

  it('Oppfølging: a follow-up promised over HTTP appears, and closed over HTTP leaves the open list, without a request', async () => {
    // a meeting in session with one case in discussion
    const meeting = await call(SEC, 'POST', '/api/committees/NEHS/meetings', { date: `${YEAR}-06-10`, place: 'Oslo' });
    const c = await call(SEC, 'POST', '/api/cases', { committee: 'NEHS', title: 'Nasjonal kjernejournal', type: 'discussion', proposedResolution: 'Styret drøfter saken.' });
    await call(SEC, 'POST', `/api/cases/${c.id}/schedule`, { meetingId: meeting.id });
    await call(SEC, 'POST', `/api/meetings/${meeting.id}/notice`);
    await call(SEC, 'POST', `/api/meetings/${meeting.id}/open`, { present: members });
    await call(SEC, 'POST', `/api/cases/${c.id}/present`, { presenter: 'Karl Vestli' });

    const { page, requests } = await openPage('oppfolging', SEC);
    await page.waitForSelector('text=Ingen', WAIT);
    await settled(page, requests);
    await call(SEC, 'POST', `/api/cases/${c.id}/record-discussion`, { summary: 'Drøftet.', followUps: [{ text: 'Direktoratet utreder finansieringen.', owner: 'Direktoratet for e-helse', due: `${YEAR + 1}-01-15` }] });
    const row = page.locator('table.followups tbody tr', { hasText: 'Direktoratet utreder finansieringen.' });
    await row.waitFor(WAIT);
    expect(await row.textContent()).toContain('Direktoratet for e-helse');
    const id = await row.getAttribute('data-key');
    await call(SEC, 'POST', `/api/followups/${id}/close`, { reason: 'Tatt inn i budsjettsaken.' });
    await row.waitFor({ state: 'detached', ...WAIT });
    expect(requests.since()).toEqual([]);
    // all of them: the closed one with its reason (the page's filter, no request either)
    await page.locator('input[type=checkbox]').first().uncheck();
    await page.waitForSelector('text=Tatt inn i budsjettsaken.', WAIT);
    expect(requests.since()).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'oppfolging-live.png'), fullPage: true });
    await page.context().close();
    expect(errors).toEqual([]);
  });
});
