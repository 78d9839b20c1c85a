/**
 * The auditor's time slider over every view that takes `atPosition` (issue 14's time machine, in
 * the workbench of issue 12), in a real Chromium against a real server: a meeting with a case on a
 * portfolio project, a follow-up promised and the case endorsed over HTTP; on *Revisjon* the slider
 * at the end shows the register, the portfolio, the annual cycle, the follow-ups, the meeting and
 * its minutes with the vedtak; moved back before the endorsement, the minutes have no vedtak and the
 * project no decision; before the meeting was planned, the meeting did not exist and the cycle is
 * empty. Each view shows the position the server answered (`X-Saksflyt-Position`), which is the
 * chosen event's.
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
const AUDITOR = 'tok-auditor';
const YEAR = new Date().getUTCFullYear();

describe('the workbench: the time slider shows every view as it stood, at the answered position', () => {
  let server: Server;
  let browser: Browser;
  let dataDir: string;
  let meetingId = '';
  let caseId = '';

  const call = (token: string, method: string, p: string, json?: unknown) => apiCall(server, token, method, p, json);

  beforeAll(async () => {
    readyForBrowserTests();
    dataDir = tempDir('saksflyt-workbench-asof-');
    server = await startServer({ dataDir });
    const members = await nehsWithMembers(server);
    await call(SEC, 'POST', '/api/portfolio/projects', { id: 'kjernejournal', name: 'Nasjonal kjernejournal', owner: 'Norsk helsenett' });
    meetingId = (await call(SEC, 'POST', '/api/committees/NEHS/meetings', { date: `${YEAR}-06-10`, place: 'Oslo' })).id;
    caseId = (await call(SEC, 'POST', '/api/cases', { committee: 'NEHS', title: 'Kjernejournal for alle', type: 'endorsement', proposedResolution: 'NEHS slutter seg til planen.', projectIds: ['kjernejournal'] })).id;
    await call(SEC, 'POST', `/api/cases/${caseId}/schedule`, { meetingId });
    await call(SEC, 'POST', `/api/meetings/${meetingId}/notice`);
    await call(SEC, 'POST', `/api/meetings/${meetingId}/open`, { present: members });
    await call(SEC, 'POST', `/api/cases/${caseId}/present`, { presenter: 'Karl Vestli' });
    await call(SEC, 'POST', `/api/cases/${caseId}/record-discussion`, { summary: 'Drøftet.', followUps: ['Direktoratet følger opp innføringen.'] });
    await call(SEC, 'POST', `/api/cases/${caseId}/endorse`, { resolution: 'NEHS slutter seg til planen for kjernejournal.' });
    browser = await launchChromium();
  });

  afterAll(() => closeAll(browser, server, dataDir));

  it('the slider moves every view to the chosen event, each answered at it', async () => {
    const page: Page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' })).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/#/revisjon`);
    await signIn(page, AUDITOR);
    await page.waitForSelector('#time-slider', WAIT);
    await page.locator('[data-field="meetingId"] select').selectOption(meetingId);
    const answered = async (id: string) => page.getAttribute(`#${id}`, 'data-position');
    const chosen = async () => page.getAttribute('#time-slider-out', 'data-position');
    // each view fetches its own answer: wait until every one named has answered at the position
    const VIEWS = ['register-asof-position', 'portfolio-asof-position', 'cycle-asof-position', 'followups-asof-position'];
    const allAt = (p: number, ids: string[]) =>
      page.waitForFunction(([q, list]) => (list as string[]).every((id) => (globalThis as any).document.querySelector(`#${id}`)?.getAttribute('data-position') === String(q)), [p, ids] as const, WAIT);

    // the end: the vedtak everywhere
    await page.waitForSelector('#minutes-asof-position', WAIT);
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.asof-views .minutes')?.textContent?.includes('NEHS slutter seg til planen for kjernejournal.'), undefined, WAIT);
    await page.waitForSelector('#meeting-asof[data-state="in_session"]', WAIT);
    expect(await page.getAttribute('#followups-asof', 'data-count')).toBe('1');
    expect(await page.getAttribute('#cycle-asof', 'data-count')).toBe('1');
    expect(await page.textContent('#portfolio-asof')).toContain('Nasjonal kjernejournal');
    expect(await page.getAttribute('#register-asof', 'data-count')).toBe('1');
    const end = await chosen();
    for (const id of ['register-asof-position', 'portfolio-asof-position', 'cycle-asof-position', 'followups-asof-position', 'meeting-asof-position', 'minutes-asof-position']) expect({ id, p: await answered(id) }).toEqual({ id, p: end });
    await page.screenshot({ path: path.join(SHOTS, 'revisjon-asof-1280.png'), fullPage: true });

    // one event back (before the endorsement): no vedtak in the minutes, none in the register
    const events = (await server.req('GET', '/api/audit/events?limit=1000', { token: AUDITOR })).json.events as { position: number; type: string }[];
    const endorsed = events.findIndex((e) => e.type === 'ResolutionEndorsed');
    expect(endorsed).toBeGreaterThan(0);
    await page.focus('#time-slider');
    await page.keyboard.press('End');
    for (let i = events.length - 1; i > endorsed - 1; i--) await page.keyboard.press('ArrowLeft');
    await allAt(events[endorsed - 1]!.position, [...VIEWS, 'meeting-asof-position', 'minutes-asof-position']);
    expect(await page.getAttribute('#register-asof', 'data-count')).toBe('0');
    expect(await page.textContent('.asof-views .minutes')).not.toContain('NEHS slutter seg til planen for kjernejournal.');
    expect(await page.getAttribute('#followups-asof', 'data-count')).toBe('1');

    // before the meeting was planned: it did not exist, the cycle is empty
    const planned = events.findIndex((e) => e.type === 'MeetingPlanned');
    await page.keyboard.press('Home');
    for (let i = 0; i < planned - 1; i++) await page.keyboard.press('ArrowRight');
    await allAt(events[planned - 1]!.position, VIEWS);
    expect(await page.getAttribute('#cycle-asof', 'data-count')).toBe('0');
    expect(await page.getAttribute('#meeting-asof', 'data-state')).toBe('');
    expect(await page.getAttribute('#followups-asof', 'data-count')).toBe('0');
    expect(errors).toEqual([]);
  });
});
