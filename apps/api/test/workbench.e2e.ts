/**
 * The workbench (apps/web, built into dist/web) in a real Chromium (Debian's, through
 * playwright-core) against a real server on an empty store: issue 12's "Done when" scenario as far
 * as the API on main goes, every step through the page — a case officer signs in, plans a meeting,
 * drafts and schedules two cases with an attachment each (one exempt from public access), issues the notice and opens its PDF, runs the meeting in
 * møtemodus (attendance, present, discussion with a follow-up, endorse one with conditions,
 * postpone the other), adjourns, and at the next meeting approves the minutes; a second page on the
 * decisions register shows the new vedtak within 2 s without a reload; an auditor moves the time
 * slider back before the meeting and sees the register without it, and runs the verification.
 * Screenshots of the steps go to screenshots/ (git-ignored; README "The workbench"); axe on every
 * view is workbench-a11y.e2e.ts (a file of its own, with its own data).
 * Also: the agenda reordered before notice, a late case (tilleggssak) in session, and a decision
 * amended before the minutes are approved.
 *
 * Needs Debian's Chromium at /usr/bin/chromium (`npm test` installs it) and the built web
 * (`npm test` builds it first; by hand: `npm run build`).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { webDir, webFiles } from '../src/web/web.module.js';
import { SHOTS, WAIT, closeAll, launchChromium, readyForBrowserTests, signIn } from './browser.js';
import { startServer, tempDir, type Server } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

const SEC = 'tok-secretariat-nehs';
const AUDITOR = 'tok-auditor';
const ADMIN = 'tok-admin';

/** A one-page PDF (the attachment route checks the file's signature against its type). */
const MINIMAL_PDF =
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function rawGet(url: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the workbench in the browser', () => {
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;
  let dataDir: string;
  const errors: string[] = [];
  const ids = { meeting1: '', meeting2: '', caseA: '', caseB: '' };

  beforeAll(async () => {
    readyForBrowserTests();
    dataDir = tempDir('saksflyt-workbench-');
    server = await startServer({ dataDir });
    // the committee and its members: admin work, not the case officer's (through the API)
    const admin = (p: string, json: unknown) => server.req('POST', p, { token: ADMIN, json });
    expect((await admin('/api/committees', { code: 'NEHS', name: 'Nasjonalt e-helsestyre' })).status).toBe(201);
    for (const [name, organisation, role] of [
      ['Bjørn Inge Larsen', 'Helse- og omsorgsdepartementet', 'chair'],
      ['Cathrine M. Lofthus', 'Helse Sør-Øst RHF', 'member'],
      ['Camilla Stoltenberg', 'Folkehelseinstituttet', 'member'],
      ['Kristin Weidemann Wieland', 'Norsk Helsenett SF', 'observer'],
    ])
      expect((await admin('/api/committees/NEHS/members', { name, organisation, role })).status).toBe(201);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO', acceptDownloads: true });
  });

  afterAll(async () => {
    await context?.close();
    await closeAll(browser, server, dataDir);
  });

  async function open(hash: string, ctx: BrowserContext = context): Promise<Page> {
    const page = await ctx.newPage();
    page.on('console', (m) => {
      // the browser logs refused requests itself: the ones the page expects and shows (the mistyped
      // token's 401, the note sent without its vedtak text: 400)
      if (m.type() === 'error' && !/status of (400|401|403|404)/.test(m.text())) errors.push(`${hash}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${hash}: ${e.message}`));
    const res = await page.goto(`${server.url}/${hash}`);
    expect(res?.status()).toBe(200);
    return page;
  }

  const hashId = (page: Page, view: string) => decodeURIComponent(new URL(page.url()).hash.replace(`#/${view}/`, ''));

  /** In møtemodus: the current case's command `cmd`, its fields filled, submitted; waits for the case to have moved on from its form. */
  async function command(page: Page, caseId: string, cmd: string, fields: Record<string, string> = {}): Promise<number> {
    const panel = page.locator(`.case-panel[data-case="${caseId}"]`);
    await panel.waitFor(WAIT);
    await panel.locator(`[data-command-button="${cmd}"]`).click(WAIT);
    const form = panel.locator(`form[data-command="${cmd}"]`);
    for (const [name, value] of Object.entries(fields)) await form.locator(`[data-field="${name}"]`).fill(value);
    const t0 = Date.now();
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached', ...WAIT });
    return t0;
  }

  it('a case officer runs the year through the page: plan, draft, schedule, notice (PDF), møtemodus, adjourn, approve the minutes; the register follows live; the auditor looks back and verifies', async () => {
    const page = await open('#/arshjul');
    expect(await page.getAttribute('html', 'lang')).toBe('nb');

    // A wrong token is refused with a message and never kept; the form cannot put it in a URL.
    await page.fill('#token', 'tok-mistyped');
    await page.click('form.signin button[type=submit]');
    await page.waitForSelector('text=Ukjent token', WAIT);
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('saksflyt.token'))).toBeNull();
    expect(page.url()).not.toContain('tok-');
    await signIn(page, SEC);
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('saksflyt.token'))).toBe(SEC);

    // Årshjul: plan a meeting → the meeting page.
    const plan = page.locator('#plan-meeting');
    await plan.locator('[data-field="date"]').fill(isoDay(7));
    await plan.locator('[data-field="place"]').fill('Radisson Blu Gardermoen');
    await plan.locator('button[type=submit]').click();
    await page.waitForURL(/#\/mote\//, WAIT);
    ids.meeting1 = hashId(page, 'mote');
    await page.waitForSelector('h1:has-text("Møte 1/")', WAIT);

    // Saksliste: two cases with the whole paper, each scheduled on the meeting from its case page.
    for (const [key, title, resolution] of [
      ['caseA', 'Nasjonal e-helseportefølje', 'Nasjonalt e-helsestyre gir sin tilslutning til porteføljen.'],
      ['caseB', 'Endring av mandat og medlemmer', 'Nasjonalt e-helsestyre tar saken til orientering.'],
    ] as const) {
      await page.goto(`${server.url}/#/saker`);
      await page.click('#new-case-button');
      const form = page.locator('#new-case');
      await form.locator('[data-field="title"]').fill(title);
      await form.locator('[data-field="purpose"]').fill('Saken legges fram for tilslutning.');
      await form.locator('[data-field="background"]').fill('Prioriteringsutvalget har innstilt.');
      await form.locator('[data-field="proposedResolution"]').fill(resolution);
      await form.locator('[data-field="caseOfficer"]').fill('Anita Lindholt');
      if (key === 'caseB') await form.locator('input[data-field="exemption"]').check();
      await form.locator('button[type=submit]').click();
      await page.waitForURL(/#\/sak\//, WAIT);
      ids[key] = hashId(page, 'sak');
      await page.waitForSelector(`h1:has-text("${title}")`, WAIT);
      if (key === 'caseB') await page.waitForSelector('text=Unntatt offentlighet (offl. § 14)', WAIT);
      // an attachment (vedlegg): a PDF uploaded from the case page
      await page.setInputFiles('#attach-file', { name: `Saksfremlegg ${title}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(MINIMAL_PDF, 'latin1') });
      await page.click('#attach button[type=submit]');
      await page.waitForSelector(`ul.attachments li:has-text("Saksfremlegg ${title}.pdf")`, WAIT);
      await page.click('[data-command-button="schedule"]');
      await page.locator('form[data-command="schedule"] button[type=submit]').click();
      await page.waitForSelector('[data-state="scheduled"]', WAIT);
      // the machine drawing lights the current state
      expect(await page.getAttribute('.machine', 'data-current')).toBe('scheduled');
      expect(await page.locator('.machine g.state.current').getAttribute('data-state')).toBe('scheduled');
    }
    // The worklist (GET /api/cases): both cases are there.
    await page.goto(`${server.url}/#/saker`);
    await page.waitForSelector(`tr[data-case="${ids.caseA}"]`, WAIT);
    await page.waitForSelector(`tr[data-case="${ids.caseB}"]`, WAIT);

    // Møte: the agenda's order before notice (A down, then up again: the standard items keep their places).
    await page.goto(`${server.url}/#/mote/${ids.meeting1}`);
    const order = () => page.$$eval('ol.agenda > li', (lis) => lis.map((li) => (li as any).getAttribute('data-case')));
    await page.click(`[data-move="${ids.caseA}:1"]`, WAIT);
    await page.waitForFunction(([a, b]) => {
      const o = Array.from(document.querySelectorAll('ol.agenda > li')).map((li: any) => li.getAttribute('data-case'));
      return o.indexOf(b) >= 0 && o.indexOf(b) < o.indexOf(a);
    }, [ids.caseA, ids.caseB], WAIT);
    await page.click(`[data-move="${ids.caseA}:-1"]`, WAIT);
    await page.waitForFunction(([a, b]) => {
      const o = Array.from(document.querySelectorAll('ol.agenda > li')).map((li: any) => li.getAttribute('data-case'));
      return o.indexOf(a) >= 0 && o.indexOf(a) < o.indexOf(b);
    }, [ids.caseA, ids.caseB], WAIT);
    expect((await order()).slice(1, 3)).toEqual([ids.caseA, ids.caseB]);
    // ...then issue the notice, download its PDF.
    await page.click('button:has-text("Send innkalling")', WAIT);
    await page.waitForSelector('[data-docs="notice"]', WAIT);
    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.click('[data-docs="notice"] button:has-text("Last ned PDF")')]);
    expect(download.suggestedFilename()).toMatch(/^innkalling-NEHS-1-\d{4}\.pdf$/);
    expect(readFileSync((await download.path())!).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // A second page on the decisions register, open before anything is decided.
    const register = await open('#/vedtak');
    await register.waitForSelector('#vedtak-count', WAIT);
    await register.evaluate(() => ((globalThis as any).notReloaded = true));

    // Møtemodus: attendance (all members present by default; the observer too), then the agenda in order.
    await page.click('#attendance button[type=submit]');
    await page.waitForSelector('.meeting-mode', WAIT);
    const agenda = (await server.req('GET', `/api/meetings/${ids.meeting1}`, { token: SEC })).json.agenda as { caseId: string; title: string }[];
    expect(agenda.map((a) => a.caseId).slice(1, 3)).toEqual([ids.caseA, ids.caseB]);
    const [noticeItem, , , eventuelt] = agenda.map((a) => a.caseId);
    // a late case (tilleggssak) onto the meeting in session, from its case page: numbered at once, marked on the agenda
    await page.goto(`${server.url}/#/saker`);
    await page.click('#new-case-button');
    await page.locator('#new-case [data-field="title"]').fill('Orientering om e-resept');
    await page.locator('#new-case [data-field="proposedResolution"]').fill('Nasjonalt e-helsestyre tar saken til orientering.');
    await page.locator('#new-case button[type=submit]').click();
    await page.waitForURL(/#\/sak\//, WAIT);
    const caseC = hashId(page, 'sak');
    await page.click('[data-command-button="schedule"]', WAIT);
    const meetingOption = page.locator(`form[data-command="schedule"] option[value="${ids.meeting1}"]`);
    expect(await meetingOption.innerText()).toContain('tilleggssak');
    await page.locator('form[data-command="schedule"] select').selectOption(ids.meeting1);
    await page.locator('form[data-command="schedule"] button[type=submit]').click();
    await page.waitForSelector('h1:has-text("Sak 5/")', WAIT);
    await page.goto(`${server.url}/#/mote/${ids.meeting1}`);
    await page.waitForSelector(`ol.agenda li[data-case="${caseC}"]:has-text("Tilleggssak")`, WAIT);
    // the keyboard: N moves to the next case, P back
    await page.locator(`.case-panel[data-case="${noticeItem}"]`).waitFor(WAIT);
    await page.locator('#mode-h').click();
    await page.keyboard.press('n');
    await page.locator(`.case-panel[data-case="${ids.caseA}"]`).waitFor(WAIT);
    await page.keyboard.press('p');
    await page.locator(`.case-panel[data-case="${noticeItem}"]`).waitFor(WAIT);

    await command(page, noticeItem!, 'present', { presenter: 'Bjørn Inge Larsen' });
    await command(page, noticeItem!, 'endorse');
    // case A: present, discussion with a follow-up, endorsed with conditions
    await command(page, ids.caseA, 'present', { presenter: 'Sonja T. Brugman' });
    await command(page, ids.caseA, 'record-discussion', { summary: 'Styret drøftet porteføljen.', 'followUps[0].text': 'Status for porteføljen settes på agendaen for neste møte.' });
    await page.waitForSelector(`.minutes li[data-case="${ids.caseA}"]:has-text("Status for porteføljen")`, WAIT);
    const answered = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${ids.caseA}/endorse`)).then(() => Date.now());
    await command(page, ids.caseA, 'endorse', { conditions: 'med forbehold om at innspillene fra møtet innarbeides' });
    const decidedAt = await answered;
    // the register page shows the new vedtak within 2 s of the decision, without a reload
    await register.waitForSelector(`tr[data-key="${ids.caseA}"]`, { timeout: 2_000 });
    expect(Date.now() - decidedAt).toBeLessThan(2_000);
    expect(await register.evaluate(() => (globalThis as any).notReloaded)).toBe(true);
    expect(await register.locator(`tr[data-key="${ids.caseA}"]`).innerText()).toContain('gir sin tilslutning til porteføljen');
    await register.screenshot({ path: path.join(SHOTS, 'vedtak-live-1280.png') });
    // case B: postponed (back to draft); the late case withdrawn
    await command(page, ids.caseB, 'postpone', { reason: 'Saken utsettes til neste møte.' });
    await command(page, caseC, 'withdraw', { reason: 'Saken trekkes.' });
    // Eventuelt: a note needs its vedtak text: the API's validation error shows beside the field
    const panel = page.locator(`.case-panel[data-case="${eventuelt}"]`);
    await command(page, eventuelt!, 'present', { presenter: 'Bjørn Inge Larsen' });
    await panel.locator('[data-command-button="note"]').click();
    await panel.locator('form[data-command="note"] [data-field="resolution"]').fill('');
    await panel.locator('form[data-command="note"] button[type=submit]').click();
    await panel.locator('form[data-command="note"] [data-problem="400"]').waitFor(WAIT);
    const invalid = panel.locator('form[data-command="note"] [data-field="resolution"]');
    expect(await invalid.getAttribute('aria-invalid')).toBe('true');
    const described = (await invalid.getAttribute('aria-describedby')) ?? '';
    expect(described).not.toBe('');
    expect(await page.locator(`[id="${described.split(' ')[0]}"]`).innerText()).toMatch(/resolution/);
    await panel.locator('form[data-command="note"] [data-field="resolution"]').fill('Nasjonalt e-helsestyre tar saken til orientering.');
    await panel.locator('form[data-command="note"] button[type=submit]').click();
    await panel.locator('form[data-command="note"]').waitFor({ state: 'detached', ...WAIT });
    await page.screenshot({ path: path.join(SHOTS, 'mote-motemodus-1280.png'), fullPage: true });

    // Adjourn: the meeting is held; the minutes as written.
    await page.click('button:has-text("Hev møtet")');
    await page.waitForSelector('h1 ~ p [data-state="held"]', WAIT);
    const minutes = (await server.req('GET', `/api/meetings/${ids.meeting1}/minutes`, { token: SEC })).json;
    expect(minutes.state).toBe('held');
    const a = minutes.cases.find((c: { caseId: string }) => c.caseId === ids.caseA);
    expect(a.conditions).toBe('med forbehold om at innspillene fra møtet innarbeides');
    expect(a.followUps.map((f: { text: string }) => f.text)).toEqual(['Status for porteføljen settes på agendaen for neste møte.']);
    expect((await server.req('GET', `/api/cases/${ids.caseB}`, { token: SEC })).json.state).toBe('draft');

    // Before the minutes are approved, the secretary corrects case A's conditions from its case page.
    await page.goto(`${server.url}/#/sak/${ids.caseA}`);
    await page.click('[data-command-button="amend"]', WAIT);
    await page.locator('form[data-command="amend"] [data-field="reason"]').fill('Skrivefeil i forbeholdet.');
    await page.locator('form[data-command="amend"] [data-field="conditions"]').fill('med forbehold om at innspillene fra møtet innarbeides i porteføljen');
    await page.locator('form[data-command="amend"] button[type=submit]').click();
    await page.waitForSelector('table.history tr[data-event="DecisionAmended"]', WAIT);
    await register.waitForSelector(`tr[data-key="${ids.caseA}"]:has-text("Rettet")`, WAIT);

    // The next meeting approves the minutes of the first (amend is no longer offered after that).
    await page.goto(`${server.url}/#/arshjul`);
    await page.locator('#plan-meeting [data-field="date"]').fill(isoDay(14));
    await page.locator('#plan-meeting [data-field="place"]').fill('Helsedirektoratet');
    await page.locator('#plan-meeting button[type=submit]').click();
    await page.waitForURL(/#\/mote\//, WAIT);
    ids.meeting2 = hashId(page, 'mote');
    await page.waitForSelector('h1:has-text("Møte 2/")', WAIT);
    await page.click('button:has-text("Send innkalling")', WAIT);
    await page.click('#attendance button[type=submit]', WAIT);
    const agenda2 = (await server.req('GET', `/api/meetings/${ids.meeting2}`, { token: SEC })).json.agenda as { caseId: string; standardItem?: string }[];
    const approval = agenda2.find((x) => x.standardItem === 'minutes-approval')!.caseId;
    await command(page, agenda2[0]!.caseId, 'present', { presenter: 'Bjørn Inge Larsen' });
    await command(page, agenda2[0]!.caseId, 'endorse');
    await command(page, approval, 'present', { presenter: 'Bjørn Inge Larsen' });
    await command(page, approval, 'endorse');
    await page.goto(`${server.url}/#/mote/${ids.meeting1}`);
    await page.waitForSelector('.minutes[data-status="approved"]', WAIT);
    expect((await server.req('GET', `/api/meetings/${ids.meeting1}/minutes`)).json.status).toBe('approved');
    await page.goto(`${server.url}/#/sak/${ids.caseA}`);
    await page.waitForSelector('h1:has-text("Nasjonal e-helseportefølje")', WAIT);
    await page.waitForSelector('text=Protokollført', WAIT);
    expect(await page.locator('[data-command-button="amend"]').count()).toBe(0);

    // Oppfølging: the follow-up from the minutes, open.
    await page.goto(`${server.url}/#/oppfolging`);
    await page.waitForSelector('table.followups >> text=Status for porteføljen', WAIT);

    // The auditor: the time slider back to the start shows the register without the vedtak; to the end, with it; the chain verifies.
    const audit = await open('#/revisjon');
    await signIn(audit, AUDITOR);
    await audit.waitForSelector('#time-slider', WAIT);
    await audit.waitForSelector(`#register-asof tr[data-key="${ids.caseA}"]`, WAIT);
    const planned = ((await server.req('GET', '/api/audit/events?limit=1000', { token: AUDITOR })).json.events as { position: number; type: string }[]).findIndex((e) => e.type === 'MeetingPlanned');
    expect(planned).toBeGreaterThan(0);
    await audit.focus('#time-slider');
    await audit.keyboard.press('Home');
    for (let i = 0; i < planned - 1; i++) await audit.keyboard.press('ArrowRight');
    await audit.waitForFunction(() => document.querySelector('#register-asof')?.getAttribute('data-count') === '0', undefined, WAIT);
    expect(await audit.locator(`#register-asof tr[data-key="${ids.caseA}"]`).count()).toBe(0);
    expect(await audit.textContent('#time-slider-out')).not.toContain('MeetingPlanned');
    // the case as it stood at the end (a case picked from the log), then back to the start (it did not exist)
    await audit.keyboard.press('End');
    await audit.waitForSelector(`#register-asof tr[data-key="${ids.caseA}"]`, WAIT);
    await audit.locator('[data-field="caseId"] select').selectOption(ids.caseA);
    await audit.waitForSelector('.case-asof[data-case-state="endorsement"]', WAIT);
    await audit.click('#verify-button');
    await audit.waitForSelector('#verify-result [data-ok="true"]', WAIT);
    expect(await audit.textContent('#verify-result')).toContain('Kjeden er hel');
    await audit.screenshot({ path: path.join(SHOTS, 'revisjon-1280.png'), fullPage: true });

    expect(errors).toEqual([]);
    await Promise.all([page.close(), register.close(), audit.close()]);
  }, 240_000);

  describe('serving the built files', () => {
    it('serves exactly the files the build wrote, with content types, security headers and ETags; / is no-cache, hashed assets immutable', async () => {
      const files = webFiles();
      expect(Object.keys(files)).toContain('/');
      expect(Object.keys(files).some((r) => /^\/assets\/index-[^/]+\.js$/.test(r))).toBe(true);
      for (const [route, [file]] of Object.entries(files)) {
        const r = await server.req('GET', route);
        expect({ route, status: r.status }).toEqual({ route, status: 200 });
        expect(r.headers.get('x-content-type-options')).toBe('nosniff');
        expect(r.headers.get('cache-control')).toBe(route.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
        expect(r.text).toBe(readFileSync(path.join(webDir(), file), 'utf8'));
        const again = await server.req('GET', route, { headers: { 'if-none-match': r.headers.get('etag')! } });
        expect(again.status).toBe(304);
      }
      const index = await server.req('GET', '/');
      expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(index.text).not.toMatch(/<script>(?!<)/); // no inline script
    });

    it('answers 404 for anything else: unknown files, `..` in any spelling, the sources', async () => {
      for (const p of ['/index.html', '/assets/', '/assets/nope.js', '/src/main.tsx', '/app/app.js', '/../package.json', '/assets/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/favicon.svg%00.js'])
        expect({ p, status: (await rawGet(server.url, p)).status }).toEqual({ p, status: 404 });
    });

    it('finds dist/web from the built server and from the sources (the repository root)', () => {
      const root = process.cwd();
      expect(webDir(path.join(root, 'dist', 'apps', 'api', 'src', 'web'))).toBe(path.join(root, 'dist', 'web'));
      expect(webDir(path.join(root, 'apps', 'api', 'src', 'web'))).toBe(path.join(root, 'dist', 'web'));
    });
  });
});
