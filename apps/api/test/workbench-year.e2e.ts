/**
 * Issue 10's capabilities through the workbench (apps/web, built into dist/web) in a real Chromium
 * against a real server on an empty store, every step through the page: find a case with the
 * worklist's search and page on with *Vis flere* (GET /api/cases); add a deputy (vara) on the
 * members page, and see a duplicate refused beside the name (409); plan an extraordinary webinar
 * meeting over two days, move it before notice and change its place after (PATCH: *Endret
 * innkalling* with the change); cancel another meeting with a reason (*Avlyst* on the meeting page
 * and the timeline); open the first with the deputy standing in, one member remote and a staff
 * name; record follow-ups with owner and due date; see the overdue one marked *Forfalt* and close
 * the other with a reason on *Oppfølging*; the meeting held, the next one's approval item names it
 * and approves its minutes with corrections (*Godkjent med merknader*).
 *
 * Needs Debian's Chromium at /usr/bin/chromium and the built web (`npm run build`).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { SHOTS, WAIT, apiCall, closeAll, launchChromium, readyForBrowserTests, signIn } from './browser.js';
import { startServer, tempDir, type Server } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SEC = 'tok-secretariat-nehs';
const ADMIN = 'tok-admin';
const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe("the workbench: issue 10's meetings, worklist, members, attendance and follow-ups through the page", () => {
  let server: Server;
  let browser: Browser;
  let dataDir: string;
  const errors: string[] = [];
  const members: Record<string, string> = {};

  const call = (token: string, method: string, p: string, json?: unknown) => apiCall(server, token, method, p, json);

  beforeAll(async () => {
    readyForBrowserTests();
    dataDir = tempDir('saksflyt-workbench-year-');
    server = await startServer({ dataDir });
    await call(ADMIN, 'POST', '/api/committees', { code: 'NEHS', name: 'Nasjonalt e-helsestyre' });
    for (const [key, name, organisation, role] of [
      ['chair', 'Bjørn Inge Larsen', 'Helse- og omsorgsdepartementet', 'chair'],
      ['lofthus', 'Cathrine M. Lofthus', 'Helse Sør-Øst RHF', 'member'],
      ['stoltenberg', 'Camilla Stoltenberg', 'Folkehelseinstituttet', 'member'],
    ])
      members[key!] = (await call(ADMIN, 'POST', '/api/committees/NEHS/members', { name, organisation, role })).id;
    // more drafts than one page of the worklist (50), and one to search for
    for (let i = 1; i <= 51; i++) await call(SEC, 'POST', '/api/cases', { committee: 'NEHS', title: `Arbeidssak ${i}`, type: 'endorsement', proposedResolution: 'Tilslutning.' });
    await call(SEC, 'POST', '/api/cases', { committee: 'NEHS', title: 'Orientering om e-resept', type: 'orientation', proposedResolution: 'Tas til orientering.' });
    browser = await launchChromium();
  });

  afterAll(() => closeAll(browser, server, dataDir));

  it('worklist search and paging, a deputy added, a webinar planned, moved and changed after notice, another cancelled, attendance with deputy/remote/staff, follow-ups with owner and due, overdue and closed', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
    const page: Page = await ctx.newPage();
    page.on('console', (m) => {
      // the refusals the page expects and shows beside the fields (the duplicate member's 409)
      if (m.type() === 'error' && !/status of (400|409)/.test(m.text())) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/#/saker`);
    await signIn(page, SEC);
    // axe on the forms this file opens (the views themselves: workbench-a11y.e2e.ts)
    const found: string[] = [];
    const axe = async (where: string) => {
      const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).options({ resultTypes: ['violations'] }).analyze();
      for (const v of r.violations) if (v.impact === 'serious' || v.impact === 'critical') found.push(`${where}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    };
    const hashId = (view: string) => decodeURIComponent(new URL(page.url()).hash.replace(`#/${view}/`, ''));

    // Saksliste: the worklist's first page (50), Vis flere for the rest, then the search finds one case.
    const rows = page.locator('main tr[data-case]');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('main tr[data-case]').length === 50, undefined, WAIT);
    await page.click('#worklist-more');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('main tr[data-case]').length === 52, undefined, WAIT);
    expect(await page.locator('#worklist-more').count()).toBe(0);
    await page.locator('#worklist-filters [data-field="q"]').fill('e-resept');
    await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('main tr[data-case]').length === 1, undefined, WAIT);
    expect(await rows.first().innerText()).toContain('Orientering om e-resept');

    // Medlemmer (in the navigation): a deputy for Lofthus; the same person twice is refused beside the name.
    await page.click('nav a[href="#/medlemmer"]');
    await page.waitForSelector('table.members', WAIT);
    const add = page.locator('#add-member');
    await add.locator('[data-field="name"]').fill('Ingrid Vara');
    await add.locator('[data-field="organisation"]').fill('Helse Sør-Øst RHF');
    await add.locator('[data-field="role"] select').selectOption('deputy');
    await add.locator('[data-field="deputyFor"] select').selectOption(members.lofthus!);
    await add.locator('[data-field="from"]').fill(isoDay(-30));
    await add.locator('button[type=submit]').click();
    const deputyRow = page.locator('table.members tr[data-role="deputy"]');
    await deputyRow.waitFor(WAIT);
    expect(await deputyRow.innerText()).toContain('vara for Cathrine M. Lofthus');
    members.deputy = (await deputyRow.getAttribute('data-member'))!;
    await add.locator('[data-field="name"]').fill('Bjørn Inge Larsen');
    await add.locator('[data-field="organisation"]').fill('Helse- og omsorgsdepartementet');
    await add.locator('button[type=submit]').click();
    await add.locator('[data-problem="409"]').waitFor(WAIT);
    expect(await add.locator('[data-field="name"]').getAttribute('aria-invalid')).toBe('true');
    await axe('add member, refused');

    // Årshjul: an extraordinary webinar over two days.
    await page.click('nav a[href="#/arshjul"]');
    const plan = page.locator('#plan-meeting');
    await plan.locator('[data-field="kind"] select').selectOption('extraordinary');
    await plan.locator('[data-field="date"]').fill(isoDay(5));
    await plan.locator('[data-field="endDate"]').fill(isoDay(6));
    await plan.locator('[data-field="place"]').fill('Teams');
    await plan.locator('[data-field="format"] select').selectOption('webinar');
    await plan.locator('button[type=submit]').click();
    await page.waitForURL(/#\/mote\//, WAIT);
    const meetingA = hashId('mote');
    await page.waitForSelector('.meeting-kind:has-text("Ekstraordinært møte · Webinar")', WAIT);
    // moved before notice (PATCH): listed as a change before notice
    await page.click('#edit-meeting-button', WAIT);
    await page.locator('#edit-meeting [data-field="date"]').fill(isoDay(6));
    await page.locator('#edit-meeting [data-field="endDate"]').fill(isoDay(7));
    await page.locator('#edit-meeting button[type=submit]').click();
    await page.waitForSelector('.changes li[data-after-notice="false"]', WAIT);
    expect((await call(SEC, 'GET', `/api/meetings/${meetingA}`)).date).toBe(isoDay(6));
    // after notice a change is a changed notice: Endret innkalling, with the change
    await page.click('button:has-text("Send innkalling")', WAIT);
    await page.waitForSelector('[data-docs="notice"]', WAIT);
    await page.click('#edit-meeting-button', WAIT);
    await page.locator('#edit-meeting [data-field="place"]').fill('Zoom');
    await axe('change meeting');
    await page.locator('#edit-meeting button[type=submit]').click();
    await page.waitForSelector('.changes[data-changed-notice="true"] h2:has-text("Endret innkalling")', WAIT);
    expect(await page.locator('.changes li[data-after-notice="true"]').innerText()).toContain('Sted: Teams → Zoom');
    expect((await call(SEC, 'GET', `/api/meetings/${meetingA}/notice`)).changedNotice).toBe(true);

    // Another meeting, cancelled with a reason: Avlyst on its page and on the timeline.
    await page.click('nav a[href="#/arshjul"]');
    await page.locator('#plan-meeting [data-field="date"]').fill(isoDay(12));
    await page.locator('#plan-meeting [data-field="place"]').fill('Helsedirektoratet');
    await page.locator('#plan-meeting button[type=submit]').click();
    await page.waitForURL((u) => u.hash.startsWith('#/mote/') && !u.hash.endsWith(encodeURIComponent(meetingA)), WAIT);
    const meetingB = hashId('mote');
    await page.click('#cancel-meeting-button', WAIT);
    await page.locator('#cancel-meeting [data-field="reason"]').fill('For få saker');
    await page.locator('#cancel-meeting button[type=submit]').click();
    await page.waitForSelector('.cancelled-reason:has-text("Avlyst: For få saker")', WAIT);
    await page.waitForSelector('h1 ~ p [data-state="cancelled"]', WAIT);
    await page.click('nav a[href="#/arshjul"]');
    const cardB = page.locator(`ol.meetings li[data-meeting="${meetingB}"][data-state="cancelled"]`);
    await cardB.waitFor(WAIT);
    expect(await cardB.innerText()).toContain('Avlyst: For få saker');
    await page.screenshot({ path: path.join(SHOTS, 'arshjul-avlyst-1280.png'), fullPage: true });

    // The first meeting opens: Lofthus absent, her deputy standing in, Stoltenberg remote, a staff name.
    await page.goto(`${server.url}/#/mote/${encodeURIComponent(meetingA)}`);
    const att = page.locator('#attendance');
    await att.waitFor(WAIT);
    await att.locator(`input[value="${members.lofthus}"]`).uncheck();
    await att.locator(`input[value="${members.deputy}"]`).check();
    await att.locator(`input[value="remote-${members.stoltenberg}"]`).check();
    await att.locator('[data-field="secretariat"]').fill('Karl Vestli');
    await axe('attendance');
    await att.locator('button[type=submit]').click();
    await page.waitForSelector('.meeting-mode', WAIT);
    const opened = await call(SEC, 'GET', `/api/meetings/${meetingA}`);
    expect(opened.attendance.standingIn).toEqual([{ deputy: members.deputy, for: members.lofthus }]);
    expect(opened.attendance.remote).toEqual([members.stoltenberg]);
    expect(opened.attendance.secretariat).toEqual(['Karl Vestli']);
    await page.waitForSelector('.minutes dd[data-attendance="deputies"]:has-text("Ingrid Vara (vara for Cathrine M. Lofthus)")', WAIT);
    expect(await page.locator('.minutes dd[data-attendance="present"]').innerText()).toContain('Camilla Stoltenberg (digitalt)');
    expect(await page.locator('.minutes dd[data-attendance="secretariat"]').innerText()).toBe('Karl Vestli');

    // Møtemodus: two follow-ups with owner and due date on the first item.
    const first = opened.agenda[0].caseId as string;
    const panel = page.locator(`.case-panel[data-case="${first}"]`);
    await panel.locator('[data-command-button="present"]').click(WAIT);
    await panel.locator('form[data-command="present"] [data-field="presenter"]').fill('Bjørn Inge Larsen');
    await panel.locator('form[data-command="present"] button[type=submit]').click();
    await panel.locator('form[data-command="present"]').waitFor({ state: 'detached', ...WAIT });
    await panel.locator('[data-command-button="record-discussion"]').click(WAIT);
    const rd = panel.locator('form[data-command="record-discussion"]');
    await rd.locator('[data-field="followUps[0].text"]').fill('Legge fram status for e-resept');
    await rd.locator('[data-field="followUps[0].owner"]').fill('Direktoratet for e-helse');
    await rd.locator('[data-field="followUps[0].due"]').fill(isoDay(-1));
    await rd.locator('[data-add-follow-up]').click();
    await rd.locator('[data-field="followUps[1].text"]').fill('Avklare finansiering');
    await rd.locator('[data-field="followUps[1].owner"]').fill('Helse Sør-Øst RHF');
    await rd.locator('[data-field="followUps[1].due"]').fill(isoDay(30));
    await axe('follow-ups with owner and due');
    await rd.locator('button[type=submit]').click();
    await rd.waitFor({ state: 'detached', ...WAIT });
    await page.screenshot({ path: path.join(SHOTS, 'mote-oppmote-1280.png'), fullPage: true });

    // Oppfølging: owner, due, Forfalt on the overdue one; the other closed with a reason.
    const rowsF = (await call(SEC, 'GET', '/api/followups')) as { id: string; text: string; owner: string; due: string }[];
    const overdue = rowsF.find((f) => f.text === 'Legge fram status for e-resept')!;
    const other = rowsF.find((f) => f.text === 'Avklare finansiering')!;
    expect([overdue.owner, overdue.due]).toEqual(['Direktoratet for e-helse', isoDay(-1)]);
    await page.click('nav a[href="#/oppfolging"]');
    const rowO = page.locator(`table.followups tr[data-key="${overdue.id}"]`);
    await rowO.waitFor(WAIT);
    expect(await rowO.innerText()).toContain('Direktoratet for e-helse');
    expect(await rowO.locator('[data-overdue="true"]').innerText()).toBe('Forfalt');
    expect(await page.locator(`table.followups tr[data-key="${other.id}"] [data-overdue]`).count()).toBe(0);
    await page.click(`[data-close="${other.id}"]`);
    await page.locator('#close-follow-up [data-field="reason"]').fill('Løst i linjen; ingen egen sak');
    await axe('close follow-up');
    await page.locator('#close-follow-up button[type=submit]').click();
    await page.locator(`table.followups tr[data-key="${other.id}"]`).waitFor({ state: 'detached', ...WAIT });
    await page.getByLabel('Bare åpne').uncheck();
    await page.waitForSelector(`table.followups tr[data-key="${other.id}"]:has-text("Lukket: Løst i linjen; ingen egen sak")`, WAIT);
    await page.screenshot({ path: path.join(SHOTS, 'oppfolging-lukket-1280.png'), fullPage: true });

    // The meeting is held; the next one's approval item names it and approves its minutes with corrections.
    const done = async (caseId: string, cmd: string, fields: Record<string, string>) => {
      const p = page.locator(`.case-panel[data-case="${caseId}"]`);
      await p.locator(`[data-command-button="${cmd}"]`).click(WAIT);
      const f = p.locator(`form[data-command="${cmd}"]`);
      for (const [k, v] of Object.entries(fields)) await f.locator(`[data-field="${k}"]`).fill(v);
      await f.locator('button[type=submit]').click();
      await f.waitFor({ state: 'detached', ...WAIT });
    };
    await page.goto(`${server.url}/#/mote/${encodeURIComponent(meetingA)}`);
    await done(first, 'endorse', {});
    for (const item of opened.agenda.slice(1) as { caseId: string; type: string }[]) {
      await done(item.caseId, 'present', { presenter: 'Bjørn Inge Larsen' });
      await done(item.caseId, item.type === 'orientation' ? 'note' : 'endorse', { resolution: 'Vedtatt.' });
    }
    await page.click('button:has-text("Hev møtet")');
    await page.waitForSelector('h1 ~ p [data-state="held"]', WAIT);
    await page.click('nav a[href="#/arshjul"]');
    await page.locator('#plan-meeting [data-field="date"]').fill(isoDay(20));
    await page.locator('#plan-meeting [data-field="place"]').fill('Helsedirektoratet');
    await page.locator('#plan-meeting button[type=submit]').click();
    await page.waitForURL((u) => u.hash.startsWith('#/mote/') && ![meetingA, meetingB].some((m) => u.hash.endsWith(encodeURIComponent(m))), WAIT);
    const meetingC = hashId('mote');
    const approval = (await call(SEC, 'GET', `/api/meetings/${meetingC}`)).agenda.find((a: { standardItem?: string }) => a.standardItem === 'minutes-approval');
    expect(approval.approvesMinutesOf).toBe(meetingA);
    await page.waitForSelector(`ol.agenda li[data-case="${approval.caseId}"] a[data-approves="${meetingA}"]`, WAIT);
    await page.click('button:has-text("Send innkalling")', WAIT);
    await page.click('#attendance button[type=submit]', WAIT);
    await page.click(`ol.agenda li[data-case="${approval.caseId}"] button.linklike`, WAIT);
    await page.waitForSelector(`.case-panel[data-case="${approval.caseId}"] .approves a[data-approves="${meetingA}"]`, WAIT);
    await done(approval.caseId, 'present', { presenter: 'Bjørn Inge Larsen' });
    await done(approval.caseId, 'endorse', { corrections: 'Karl Vestli var til stede digitalt.' });
    await page.goto(`${server.url}/#/mote/${encodeURIComponent(meetingA)}`);
    await page.waitForSelector('.minutes[data-status="approved"] .approved-with-corrections:has-text("Godkjent med merknader")', WAIT);
    expect(await page.locator('.approved-with-corrections').innerText()).toContain('Karl Vestli var til stede digitalt.');

    expect(found).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  }, 120_000);
});
