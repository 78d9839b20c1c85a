/**
 * The web dashboard (apps/web) in a real Chromium against a real server on the real committee
 * records (imported into a temp SQLite store, as in demo-records.e2e.ts): the page shows what the
 * API answers, follows the live feeds without a reload, and only the dashboard's own files are served.
 *
 * Needs Debian's Chromium at /usr/bin/chromium (`npm test` installs it before jest runs).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { openSqliteStore } from '@saksflyt/event-store';
import { importRecords, loadRecordFile, recordFilesInOrder } from '@saksflyt/records';
import { LiveService } from '../src/live/live.service.js';
import { WEB_FILES, webDir } from '../src/web/web.module.js';
import { startServer, tempDir, type Server } from './harness.js';

// The functions passed to page.evaluate/waitForFunction/$$eval run in the browser; the project
// compiles without the DOM library, so these names are declared here (module scope only).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;
type HTMLElement = any;

const CHROMIUM = '/usr/bin/chromium';
const RECORDS_DIR = path.join(process.cwd(), 'fixtures', 'records');
const SEC = 'tok-secretariat-nehs';
const WAIT = { timeout: 15_000 };

/** Page instrumentation: the last SSE id each EventSource received, by feed path, in `window.lastIds`. */
const RECORD_LAST_IDS = `(() => {
  const ES = window.EventSource;
  window.lastIds = {};
  window.EventSource = class extends ES {
    constructor(url, options) {
      super(url, options);
      const key = new URL(url, location.href).pathname;
      const record = (e) => { if (e.lastEventId) window.lastIds[key] = e.lastEventId; };
      this.addEventListener('snapshot', record);
      this.addEventListener('change', record);
    }
  };
})();`;

interface DecisionRow {
  caseId: string | null;
  committee: string;
  number: string | null;
  title: string;
  resolution: string;
  meetingNumber: string | null;
}

/** A raw GET (fetch would resolve `..` and `%2e%2e` before sending). */
function rawGet(url: string, rawPath: string): Promise<{ status: number; type: string | undefined; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function post(s: Server, p: string, json: unknown, status: number): Promise<any> {
  const r = await s.req('POST', p, { token: SEC, json });
  if (r.status !== status) throw new Error(`POST ${p} → ${r.status}: ${r.text}`);
  return r.json;
}

describe('the web dashboard', () => {
  let dataDir: string;
  let server: Server;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium is not installed at ${CHROMIUM}: the dashboard tests need it (npm test installs it; or apt-get install chromium).`);
    dataDir = tempDir('saksflyt-dashboard-');
    const store = await openSqliteStore({ file: path.join(dataDir, 'saksflyt.db') });
    try {
      await importRecords(store, recordFilesInOrder(RECORDS_DIR).map(loadRecordFile));
    } finally {
      await store.close();
    }
    server = await startServer({ dataDir });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** A page at `/` that records console errors and uncaught exceptions (`init`: a script run before the page's own). */
  async function openDashboard(init?: string): Promise<{ page: Page; errors: string[] }> {
    const page = await context.newPage();
    if (init) await page.addInitScript(init);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const res = await page.goto(server.url + '/');
    expect(res?.status()).toBe(200);
    return { page, errors };
  }

  const tableTexts = (page: Page, table: string) =>
    page.$$eval(`#${table} tbody tr`, (trs) => trs.map((tr) => Array.from(tr.children).map((c) => (c as HTMLElement).innerText.trim())));

  it('shows the decisions register, the portfolio and the NEHS meetings of 2018 as the API answers them, with the 8/2018 minutes on a click', async () => {
    const decisions = (await server.req('GET', '/api/decisions')).json as DecisionRow[];
    const portfolio = (await server.req('GET', '/api/portfolio')).json as { id: string; name: string; owner: string }[];
    const cycle = (await server.req('GET', '/api/committees/NEHS/annual-cycle?year=2018')).json as { meetingId: string; number: string }[];
    const of8 = decisions.filter((d) => d.committee === 'NEHS' && d.meetingNumber === '8/2018');
    expect(of8.map((d) => d.number)).toContain('52/18');
    expect(portfolio.length).toBeGreaterThan(0);
    const meeting8 = cycle.find((m) => m.number === '8/2018')!;
    expect(meeting8).toBeDefined();

    const { page, errors } = await openDashboard();
    expect(await page.getAttribute('html', 'lang')).toBe('nb');

    // Vedtak: every row of the register, in its order; the 8/2018 vedtak verbatim.
    await page.waitForFunction((n) => document.querySelectorAll('#decisions tbody tr').length === n, decisions.length, WAIT);
    const rows = await tableTexts(page, 'decisions');
    expect(rows.map((r) => r[0])).toEqual(decisions.map((d) => d.number ?? '–'));
    for (const d of of8) {
      const row = rows.find((r) => r[0] === d.number && r[2] === 'NEHS')!;
      expect(row[1]).toBe(d.title);
      expect(row[3]).toContain('Møte 8/2018');
      expect(row[3]).toContain('6. desember 2018');
      expect(row[5]).toContain(d.resolution);
    }

    // Porteføljen: every project.
    await page.waitForFunction((n) => document.querySelectorAll('#portfolio tbody tr').length === n, portfolio.length, WAIT);
    const projects = await tableTexts(page, 'portfolio');
    expect(projects.map((r) => [r[0], r[1], r[2]])).toEqual(portfolio.map((p) => [p.id, p.name, p.owner || '–']));

    // Møter: NEHS, 2018.
    await page.selectOption('#cycle-committee', 'NEHS');
    await page.fill('#cycle-year', '2018');
    await page.click('#cycle-filter button[type=submit]');
    await page.waitForFunction((n) => {
      const trs = document.querySelectorAll('#cycle tbody tr');
      return trs.length === n && Array.from(trs).every((tr: any) => tr.textContent.includes('/2018'));
    }, cycle.length, WAIT);
    const meetings = await tableTexts(page, 'cycle');
    expect(meetings.map((r) => r[0])).toEqual(cycle.map((m) => `Møte ${m.number}`));
    expect(meetings.find((r) => r[0] === 'Møte 8/2018')![1]).toContain('6. desember 2018');

    // The 8/2018 minutes are a draft: without a token the page says so...
    await page.click(`#cycle tr[data-meeting="${meeting8.meetingId}"] button`);
    await page.waitForSelector('#minutes:not([hidden]) >> text=Logg inn med et token', WAIT);
    // ...with the secretariat's token it shows them (and follows them live over fetch).
    await page.click('details.login summary');
    await page.fill('#token', SEC);
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#minutes h3 >> text=Møte 8/2018', WAIT);
    const minutes = (await server.req('GET', `/api/meetings/${meeting8.meetingId}/minutes`, { token: SEC })).json as {
      cases: { number: string; resolution: string | null }[];
    };
    const shown = await page.$$eval('#minutes ol.cases > li', (lis) => lis.map((li) => (li as HTMLElement).innerText));
    expect(shown).toHaveLength(minutes.cases.length);
    for (const [i, c] of minutes.cases.entries()) {
      expect(shown[i]).toContain(`Sak ${c.number}`);
      if (c.resolution) expect(shown[i]).toContain(c.resolution);
    }
    expect(await page.getAttribute('#minutes [data-status]', 'data-status')).toBe('draft');
    // attendance as the real minutes give it: the observer who attended under Observatører, not among those present
    const observers = (await server.req('GET', `/api/meetings/${meeting8.meetingId}/minutes`, { token: SEC })).json.observers as { name: string }[];
    expect(observers.length).toBeGreaterThan(0);
    const attendance = await page.$$eval('#minutes dl.attendance > *', (els) => els.map((e) => (e as HTMLElement).innerText));
    const row = (label: string) => attendance[attendance.indexOf(label) + 1] ?? '';
    for (const o of observers) {
      expect(row('Observatører')).toContain(o.name);
      expect(row('Til stede')).not.toContain(o.name);
    }
    await page.waitForFunction(() => document.querySelector('#status')!.textContent!.includes('Referat: tilkoblet'), undefined, WAIT);

    // The Markdown document opens from a blob fetched with Accept and the token.
    const [popup] = await Promise.all([context.waitForEvent('page', WAIT), page.click('#minutes .docs button:has-text("Markdown")')]);
    await popup.waitForLoadState();
    expect(popup.url()).toMatch(/^blob:/);
    expect(await popup.textContent('body')).toContain(of8.find((d) => d.number === '52/18')!.resolution);
    await popup.close();

    // The HTML document opens styled: its inline stylesheet is allowed by the page's CSP (the blob
    // keeps the page's origin and policy); 18pt headings are the document's, not the browser's 2em.
    const popupErrors: string[] = [];
    const onConsole = (m: { type(): string; text(): string }) => {
      if (m.type() === 'error') popupErrors.push(m.text());
    };
    context.on('console', onConsole);
    const [html] = await Promise.all([context.waitForEvent('page', WAIT), page.click('#minutes .docs button:has-text("HTML")')]);
    await html.waitForLoadState();
    expect(html.url()).toMatch(/^blob:/);
    expect(await html.textContent('body')).toContain(of8.find((d) => d.number === '52/18')!.resolution);
    const looks = await html.evaluate(() => ({
      h1: window.getComputedStyle(document.querySelector('h1')).fontSize,
      maxWidth: window.getComputedStyle(document.body).maxWidth,
      resolution: window.getComputedStyle(document.querySelector('.resolution')).borderLeftWidth,
    }));
    expect(looks).toEqual({ h1: '24px', maxWidth: expect.not.stringMatching(/^none$/), resolution: '3px' });
    await html.close();
    context.off('console', onConsole);
    expect(popupErrors).toEqual([]);

    // The PDF is saved as a file named after the meeting (not opened in a blob tab under the page's CSP).
    const [download] = await Promise.all([page.waitForEvent('download', WAIT), page.click('#minutes .docs button:has-text("PDF")')]);
    expect(download.suggestedFilename()).toBe('referat-NEHS-8-2018.pdf');
    const saved = await download.path();
    expect(readFileSync(saved!).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    if (process.env.DASHBOARD_SCREENSHOTS) {
      await page.screenshot({ path: path.join(process.env.DASHBOARD_SCREENSHOTS, 'dashboard-1280.png') });
      await page.locator('#moter').screenshot({ path: path.join(process.env.DASHBOARD_SCREENSHOTS, 'meetings-1280.png') });
    }

    // The status line: every feed connected, at a position.
    await page.waitForFunction(() => document.querySelector('#status')!.getAttribute('data-state') === 'open', undefined, WAIT);
    expect(Number(await page.getAttribute('#status', 'data-position'))).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a case driven to a vedtak through the API appears in the open page without a reload, highlighted', async () => {
    const { page, errors } = await openDashboard();
    await page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'open', undefined, WAIT);
    await page.waitForSelector('#decisions tbody tr', WAIT);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const committee = (await server.req('GET', '/api/committees/NEHS')).json as { members: { id: string; role: string }[] };
    const present = committee.members.filter((m) => m.role !== 'observer').map((m) => m.id).slice(0, 3);
    const stamp = Date.now().toString(36);
    const vedtak = `Nasjonalt e-helsestyre gir sin tilslutning til dashbordtesten ${stamp}.`;

    const meeting = await post(server, '/api/committees/NEHS/meetings', { date: '2019-03-14', place: 'Helsedirektoratet' }, 201);
    const created = await post(
      server,
      '/api/cases',
      { committee: 'NEHS', title: `Dashbordtest ${stamp}`, type: 'endorsement', proposedResolution: vedtak },
      201,
    );
    await post(server, `/api/cases/${created.id}/schedule`, { meetingId: meeting.id }, 200);
    await post(server, `/api/meetings/${meeting.id}/notice`, {}, 200);
    await post(server, `/api/meetings/${meeting.id}/open`, { present }, 200);
    await post(server, `/api/cases/${created.id}/present`, { presenter: 'Sonja T. Brugman' }, 200);

    // The meeting's draft minutes, open in the page with the secretariat's token (a fetch-read feed).
    await page.click('details.login summary');
    await page.fill('#token', SEC);
    await page.click('#token-form button[type=submit]');
    await page.selectOption('#cycle-committee', 'NEHS');
    await page.fill('#cycle-year', '2019');
    await page.click('#cycle-filter button[type=submit]');
    await page.click(`#cycle tr[data-meeting="${meeting.id}"] button`, WAIT);
    const minutesCase = page.locator(`#minutes li[data-case="${created.id}"]`);
    await minutesCase.waitFor(WAIT);
    expect(await minutesCase.innerText()).toContain('Forslag til vedtak');
    await page.waitForFunction(() => document.querySelector('#status').textContent.includes('Referat: tilkoblet'), undefined, WAIT);

    // The first register reload after the change is answered 503 (its minPosition not reached in
    // time): the page tries once more. The annual cycle is re-read at the change's position.
    const before = Number(await page.getAttribute('#status', 'data-position'));
    let failures = 1;
    await page.route(/\/api\/decisions\?.*minPosition=/, (route) =>
      failures-- > 0 ? route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"title":"Service Unavailable","status":503}' }) : route.continue(),
    );
    const cycleAt: number[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.endsWith('/annual-cycle') && u.searchParams.has('minPosition')) cycleAt.push(Number(u.searchParams.get('minPosition')));
    });
    // A keyboard user on the meeting's button keeps the focus there while the cycle is re-rendered.
    await page.focus(`#cycle tr[data-meeting="${meeting.id}"] button`);

    const endorsed = await post(server, `/api/cases/${created.id}/endorse`, { resolution: vedtak }, 200);

    const row = page.locator(`#decisions tbody tr[data-key="${created.id}"]`);
    await row.waitFor(WAIT);
    const cells = await row.locator('th, td').allInnerTexts();
    const api = (await server.req('GET', `/api/decisions?q=${encodeURIComponent(stamp)}`)).json as DecisionRow[];
    expect(api).toHaveLength(1);
    expect(cells[0]).toBe(api[0]!.number);
    expect(cells[1]).toBe(`Dashbordtest ${stamp}`);
    expect(cells[3]).toContain('14. mars 2019');
    expect(cells[4]).toBe('tilslutning');
    expect(cells[5]).toContain(vedtak);
    expect(await row.getAttribute('class')).toContain('fresh');
    // The minutes followed too: the vedtak replaced the proposal, without a click.
    await page.waitForFunction(
      ([id, text]) => document.querySelector(`#minutes li[data-case="${id}"] p.vedtak`)?.innerText === `Vedtak: ${text}`,
      [created.id as string, vedtak] as const,
      WAIT,
    );
    // Same order as the API after the change: the new meeting is the newest.
    const first = await page.locator('#decisions tbody tr').first().getAttribute('data-key');
    expect(first).toBe(((await server.req('GET', '/api/decisions')).json as DecisionRow[])[0]!.caseId);
    await page.waitForFunction(
      (p) => Number(document.querySelector('#status')!.getAttribute('data-position')) >= p,
      endorsed.position as number,
      WAIT,
    );
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(failures).toBeLessThan(0); // the 503 was answered, and the register still came
    // The annual cycle followed (the case counts as decided), read at the change's position, the focus kept.
    await page.waitForFunction((id) => /^1 \//.test(document.querySelector(`#cycle tr[data-meeting="${id}"] td.num`)?.textContent ?? ''), meeting.id as string, WAIT);
    expect(cycleAt.length).toBeGreaterThan(0);
    for (const at of cycleAt) expect(at).toBeGreaterThan(before);
    expect(await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-meeting') ?? document.activeElement?.tagName)).toBe(meeting.id);
    // Screen readers: the minutes are not a live region; a short summary is announced instead, and
    // of the status line only the connection states are (not the position).
    expect(await page.getAttribute('#minutes', 'aria-live')).toBeNull();
    await page.waitForFunction(() => document.querySelector('#announce').textContent.includes('oppdatert'), undefined, WAIT);
    expect(await page.textContent('#announce')).toContain(`sak ${api[0]!.number}`);
    expect(await page.$$eval('#status [aria-live="polite"], #status[aria-live="polite"]', (els) => els.map((e) => e.textContent).join(''))).not.toContain('posisjon');
    expect(errors.filter((e) => !e.includes('status of 503'))).toEqual([]);
    await page.close();
  });

  it('when the server drops the feeds, the page says so, reconnects with Last-Event-ID and gets the change it missed', async () => {
    const { page, errors } = await openDashboard(RECORD_LAST_IDS);
    await page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'open', undefined, WAIT);
    await page.waitForSelector('#portfolio tbody tr[data-key="101"]', WAIT);
    await page.evaluate(() => {
      const el = document.querySelector('#status');
      window.states = [];
      new window.MutationObserver(() => window.states.push(el.getAttribute('data-state'))).observe(el, { attributes: true });
      window.notReloaded = true;
    });

    // Every live connection is cut (as a proxy or a network failure would); then a change is written
    // that no open connection carries: the page can only get it by resuming after its last id.
    const resumed: string[] = [];
    page.on('request', async (r) => {
      if (r.url().endsWith('/api/live/portfolio')) {
        const id = (await r.allHeaders())['last-event-id'];
        if (id !== undefined) resumed.push(id);
      }
    });
    const lastSeen = (await page.evaluate(() => window.lastIds['/api/live/portfolio'])) as string;
    expect(lastSeen).toMatch(/^[0-9]+$/);
    const live = server.app.get(LiveService) as unknown as { clients: Set<{ drop(): void }> };
    expect(live.clients.size).toBeGreaterThan(0);
    for (const c of Array.from(live.clients)) c.drop();
    const status = `Dashbordtest ${Date.now().toString(36)}`;
    await post(server, '/api/portfolio/projects/101/reports', { status, risk: 'høy', note: 'Statusrapport fra dashbordtesten.' }, 201);

    await page.waitForFunction((text) => document.querySelector('#portfolio tbody tr[data-key="101"]').innerText.includes(text), status, WAIT);
    await page.waitForFunction(() => document.querySelector('#status').getAttribute('data-state') === 'open', undefined, WAIT);
    const states = (await page.evaluate(() => window.states)) as string[];
    expect(states).toContain('retrying');
    expect(await page.locator('#status').innerText()).toContain('tilkoblet');
    const row = await page.locator('#portfolio tbody tr[data-key="101"] td').allInnerTexts();
    expect(row[3]).toBe(status);
    expect(row[4]).toBe('høy');
    expect(await page.evaluate(() => window.notReloaded)).toBe(true);
    // The feed resumed after the position it had seen (no snapshot needed, nothing lost).
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed[0]).toBe(lastSeen);
    // The browser logs the cut connections themselves; nothing else.
    expect(errors.filter((e) => !e.includes('net::ERR_INCOMPLETE_CHUNKED_ENCODING'))).toEqual([]);
    await page.close();
  });

  it('a wrong token, typed or left in the tab from before, is refused with a message and the public views still load', async () => {
    // Typed: checked when entered, never kept; the form cannot put it in the URL (no named field).
    const { page, errors } = await openDashboard();
    await page.waitForSelector('#cycle tbody tr', WAIT);
    const sentWith: string[] = [];
    page.on('request', async (r) => {
      if ((await r.allHeaders())['authorization'] === 'Bearer tok-mistyped') sentWith.push(new URL(r.url()).pathname);
    });
    await page.click('details.login summary');
    await page.fill('#token', 'tok-mistyped');
    expect(await page.evaluate(() => Array.from(new window.FormData(document.querySelector('#token-form')).values()))).toEqual([]);
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#token-state[data-state="unknown"] >> text=Ukjent token', WAIT);
    expect(await page.evaluate(() => window.sessionStorage.getItem('saksflyt.token'))).toBeNull();
    await page.click('#decisions-filter button[type=submit]');
    await page.waitForFunction(() => /^[0-9]+ vedtak/.test(document.querySelector('#decisions-note').textContent), undefined, WAIT);
    expect(await page.locator('#cycle tbody tr').count()).toBeGreaterThan(0);
    expect(page.url()).toBe(server.url + '/');
    expect(sentWith).toEqual(['/api/committees']); // the one check, nothing read with it

    // Saved in the tab (expired, or typed before the check): the first 401 drops it, the page says so,
    // and the committee list, the annual cycle and the decisions are read without it.
    await page.evaluate(() => window.sessionStorage.setItem('saksflyt.token', 'tok-expired'));
    await page.reload();
    await page.waitForSelector('#token-state[data-state="unknown"] >> text=Ukjent token', WAIT);
    await page.waitForSelector('#cycle-committee option[value="NEHS"]', { ...WAIT, state: 'attached' });
    await page.waitForSelector('#cycle tbody tr', WAIT);
    expect(await page.textContent('#cycle-note')).not.toContain('Kunne ikke');
    await page.fill('#decisions-filter input[name=year]', '2018');
    await page.click('#decisions-filter button[type=submit]');
    await page.waitForFunction(() => /^[0-9]+ vedtak \(filtrert\)/.test(document.querySelector('#decisions-note').textContent), undefined, WAIT);
    expect(await page.locator('#decisions tbody tr').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => window.sessionStorage.getItem('saksflyt.token'))).toBeNull();
    // The browser logs the refused requests themselves; nothing else.
    expect(errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
    await page.close();
  });

  it('a feed that gets an HTTP error (503) is opened again after a backoff and resumes after the last id it saw', async () => {
    const { page, errors } = await openDashboard(RECORD_LAST_IDS);
    await page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'open', undefined, WAIT);
    await page.waitForSelector('#portfolio tbody tr[data-key="101"]', WAIT);
    const lastSeen = (await page.evaluate(() => window.lastIds['/api/live/portfolio'])) as string;
    expect(lastSeen).toMatch(/^[0-9]+$/);
    // The next connect of the portfolio feed is answered 503 (as a proxy in front of a restarting server would).
    const urls: string[] = [];
    let failures = 1;
    await page.route(/\/api\/live\/portfolio/, (route) => {
      urls.push(route.request().url());
      return failures-- > 0 ? route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"title":"Service Unavailable","status":503}' }) : route.continue();
    });
    const live = server.app.get(LiveService) as unknown as { clients: Set<{ drop(): void }> };
    for (const c of Array.from(live.clients)) c.drop();
    const status = `Dashbordtest 503 ${Date.now().toString(36)}`;
    await post(server, '/api/portfolio/projects/101/reports', { status, risk: 'middels', note: 'Statusrapport fra dashbordtesten (503).' }, 201);

    await page.waitForFunction((text) => document.querySelector('#portfolio tbody tr[data-key="101"]').innerText.includes(text), status, { timeout: 20_000 });
    await page.waitForFunction(() => document.querySelector('#status').getAttribute('data-state') === 'open', undefined, WAIT);
    expect(urls.length).toBeGreaterThanOrEqual(2);
    expect(new URL(urls[urls.length - 1]!).searchParams.get('lastEventId')).toBe(lastSeen);
    expect(errors.filter((e) => !e.includes('net::ERR_INCOMPLETE_CHUNKED_ENCODING') && !e.includes('status of 503') && !e.includes('text/event-stream'))).toEqual([]);
    await page.close();
  });

  it('fits a phone width: no horizontal scroll of the page itself (tables scroll in their own box)', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 800 }, isMobile: true });
    try {
      const page = await phone.newPage();
      await page.goto(server.url + '/');
      await page.waitForSelector('#decisions tbody tr', WAIT);
      if (process.env.DASHBOARD_SCREENSHOTS) await page.screenshot({ path: path.join(process.env.DASHBOARD_SCREENSHOTS, 'dashboard-375.png') });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
    } finally {
      await phone.close();
    }
  });

  describe('static serving', () => {
    it('serves exactly the listed files with their content types, no-cache and an ETag (304 when unchanged)', async () => {
      const types: Record<string, RegExp> = { '.html': /^text\/html; charset=utf-8$/, '.js': /^text\/javascript; charset=utf-8$/, '.css': /^text\/css; charset=utf-8$/, '.svg': /^image\/svg\+xml/ };
      for (const [route, [file]] of Object.entries(WEB_FILES)) {
        const r = await server.req('GET', route);
        expect({ route, status: r.status }).toEqual({ route, status: 200 });
        expect(r.headers.get('content-type')).toMatch(types[path.extname(file)]!);
        expect(r.headers.get('cache-control')).toBe('no-cache');
        expect(r.headers.get('x-content-type-options')).toBe('nosniff');
        expect(r.text).toBe(readFileSync(path.join(webDir(), file), 'utf8'));
        const etag = r.headers.get('etag')!;
        expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
        const again = await server.req('GET', route, { headers: { 'if-none-match': etag } });
        expect(again.status).toBe(304);
        expect(again.text).toBe('');
      }
      const page = await server.req('GET', '/');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    });

    it('answers 404 for anything else: unknown assets, `..` in any spelling, the files under another name', async () => {
      for (const p of [
        '/app/nope.js',
        '/app/',
        '/app',
        '/index.html',
        '/app/index.html',
        '/app/README.md',
        '/app/../package.json',
        '/app/%2e%2e/package.json',
        '/app/..%2fpackage.json',
        '/app/..%2f..%2fpackage.json',
        '/app/%2e%2e%2fapi%2fsrc%2fmain.ts',
        '/../package.json',
        '/app/app.js/..',
        '/app/style.css%00.js',
      ]) {
        const r = await rawGet(server.url, p);
        expect({ p, status: r.status }).toEqual({ p, status: 404 });
        expect(r.body).not.toContain('"name"');
      }
    });

    it('finds apps/web from the built server too (dist/apps/api/src/web → the repository root)', () => {
      const root = process.cwd();
      expect(webDir(path.join(root, 'dist', 'apps', 'api', 'src', 'web'))).toBe(path.join(root, 'apps', 'web'));
      expect(webDir(path.join(root, 'apps', 'api', 'src', 'web'))).toBe(path.join(root, 'apps', 'web'));
    });
  });
});
