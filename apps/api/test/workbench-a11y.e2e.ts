/**
 * The workbench's universal design (WCAG 2.1 AA): axe (`@axe-core/playwright`, the WCAG 2.0/2.1
 * A and AA rules) on every view, in bokmål and English, at desktop (1280 px) and phone (375 px)
 * width: no serious or critical violation; the page never scrolls sideways; a screenshot of each
 * view into screenshots/ (git-ignored; README "The workbench"). Real Chromium, real server on an
 * empty store, given a year's worth of content through the API (a held meeting with a vedtak and a
 * follow-up, a portfolio project), so every view has rows, forms and the machine to check; and
 * issue 10's parts (a deputy standing in, a remote member, staff present, a changed notice, an
 * overdue follow-up with owner and due date, an extraordinary webinar, a cancelled meeting).
 * Also: when the server drops the live feeds, the page says so, resumes after its last id
 * (`Last-Event-ID`) and shows the change it missed, without a reload.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { LiveService } from '../src/live/live.service.js';
import { SHOTS, WAIT, apiCall, closeAll, launchChromium, readyForBrowserTests, signIn } from './browser.js';
import { startServer, tempDir, TEST_TOKENS, type Server } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;

const SEC = 'tok-secretariat-nehs';
const AUDITOR = 'tok-auditor';
const ADMIN = 'tok-admin';

describe('the workbench: universal design; feeds that survive a drop', () => {
  let server: Server;
  let browser: Browser;
  let dataDir: string;
  const errors: string[] = [];
  const ids = { meeting1: '', caseA: '', referred: '', written: '' };

  const call = (token: string, method: string, p: string, json?: unknown) => apiCall(server, token, method, p, json);

  beforeAll(async () => {
    readyForBrowserTests();
    dataDir = tempDir('saksflyt-workbench-a11y-');
    // a member's own token (issue 11: members answer a written procedure)
    const tokens = path.join(dataDir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify({ ...TEST_TOKENS, 'tok-lofthus': { id: 'u-lofthus', name: 'Cathrine M. Lofthus', roles: [{ role: 'member', committee: 'NEHS' }] } }));
    server = await startServer({ dataDir, env: { AUTH_TOKENS_FILE: tokens } });
    await call(ADMIN, 'POST', '/api/committees', { code: 'NEHS', name: 'Nasjonalt e-helsestyre' });
    const members: string[] = [];
    for (const [name, organisation, role] of [
      ['Bjørn Inge Larsen', 'Helse- og omsorgsdepartementet', 'chair'],
      ['Cathrine M. Lofthus', 'Helse Sør-Øst RHF', 'member'],
      ['Kristin Weidemann Wieland', 'Norsk Helsenett SF', 'observer'],
    ])
      members.push((await call(ADMIN, 'POST', '/api/committees/NEHS/members', { name, organisation, role, ...(name === 'Cathrine M. Lofthus' ? { userId: 'u-lofthus' } : {}) })).id);
    // a deputy (vara) for Lofthus, standing in for her at the meeting
    const deputy = (await call(SEC, 'POST', '/api/committees/NEHS/members', { name: 'Ingrid Vara', organisation: 'Helse Sør-Øst RHF', role: 'deputy', deputyFor: members[1], from: '2020-01-01' })).id;
    await call(SEC, 'POST', '/api/portfolio/projects', { id: '195', name: 'Digitalisert observasjon håndvask', owner: 'FHI', phase: 'Konsept', status: 'Pågår' });
    const year = new Date().getFullYear();
    const m = await call(SEC, 'POST', '/api/committees/NEHS/meetings', { date: `${year}-01-15`, startTime: '10:00', endTime: '15:00', place: 'Radisson Blu Gardermoen' });
    ids.meeting1 = m.id;
    const c = await call(SEC, 'POST', '/api/cases', { committee: 'NEHS', title: 'Nasjonal e-helseportefølje', type: 'endorsement', proposedResolution: 'Nasjonalt e-helsestyre gir sin tilslutning.', projectIds: ['195'], items: [{ label: 'NR. 1', title: 'Porteføljestyring', proposedResolution: 'Tilslutning til styringsmodellen.' }, { label: 'NR. 2', title: 'Finansiering' }] });
    ids.caseA = c.id;
    await call(SEC, 'POST', `/api/cases/${c.id}/schedule`, { meetingId: m.id });
    await call(SEC, 'POST', `/api/meetings/${m.id}/notice`, {});
    await call(SEC, 'PATCH', `/api/meetings/${m.id}`, { place: 'Teams', format: 'hybrid' }); // a changed notice (endret innkalling)
    await call(SEC, 'POST', `/api/meetings/${m.id}/open`, { present: [members[0], members[2], deputy], absent: [members[1]], remote: [members[0]], secretariat: ['Karl Vestli'], guests: ['Gjest Gjestesen'] });
    for (const item of (await call(SEC, 'GET', `/api/meetings/${m.id}`)).agenda as { caseId: string; type: string }[]) {
      await call(SEC, 'POST', `/api/cases/${item.caseId}/present`, { presenter: 'Bjørn Inge Larsen' });
      if (item.caseId === c.id) await call(SEC, 'POST', `/api/cases/${item.caseId}/record-discussion`, { summary: 'Drøftet.', followUps: ['Status settes på agendaen for neste møte.', { text: 'Avklare finansiering', owner: 'Helse Sør-Øst RHF', due: `${year}-01-20` }] });
      // issue 11: a vote with the deputy standing in, a dissent and a vedtak per sub-item
      if (item.caseId === c.id) await call(SEC, 'POST', `/api/cases/${item.caseId}/vote`, { for: [members[0]], against: [deputy] });
      const extras = item.caseId === c.id ? { dissent: [{ memberId: deputy, text: 'Helse Sør-Øst kan ikke slutte seg til finansieringen.' }], items: [{ label: 'NR. 1', resolution: 'Tilslutning.' }, { label: 'NR. 2', resolution: 'Over statsbudsjettet.' }] } : {};
      await call(SEC, 'POST', `/api/cases/${item.caseId}/${item.type === 'orientation' ? 'note' : 'endorse'}`, { resolution: 'Vedtatt som foreslått.', ...extras });
    }
    await call(SEC, 'POST', `/api/meetings/${m.id}/adjourn`, {});
    // an extraordinary webinar over two days, and a meeting cancelled (Avlyst on the timeline)
    await call(SEC, 'POST', '/api/committees/NEHS/meetings', { date: `${year}-06-10`, endDate: `${year}-06-11`, place: 'Teams', kind: 'extraordinary', format: 'webinar' });
    const cancelled = await call(SEC, 'POST', '/api/committees/NEHS/meetings', { date: `${year}-09-15`, place: 'Helsedirektoratet' });
    await call(SEC, 'POST', `/api/meetings/${cancelled.id}/cancel`, { reason: 'For få saker' });
    // issue 11: the vedtak referred on to NUIT (Oversendt fra, with the dissent), and an open written procedure with a member's answer
    await call(ADMIN, 'POST', '/api/committees', { code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' });
    ids.referred = (await call(SEC, 'POST', `/api/cases/${c.id}/refer`, { toCommittee: 'NUIT', type: 'endorsement' })).referredCaseId;
    ids.written = (await call(SEC, 'POST', '/api/cases', { committee: 'NEHS', title: 'Høring: forskrift om e-helseløsninger', type: 'endorsement', proposedResolution: 'NEHS støtter høringssvaret.' })).id;
    await call(SEC, 'POST', `/api/cases/${ids.written}/written-procedure`, { deadline: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) });
    await call('tok-lofthus', 'POST', `/api/cases/${ids.written}/written-procedure/responses`, { answer: 'disagree', comment: 'Personvernet må utredes.' });
    browser = await launchChromium();
  });

  afterAll(() => closeAll(browser, server, dataDir));

  async function open(hash: string, ctx: Awaited<ReturnType<Browser['newContext']>>): Promise<Page> {
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${hash}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${hash}: ${e.message}`));
    await page.goto(`${server.url}/${hash}`);
    return page;
  }

  it('every view has no serious or critical axe violation (WCAG 2.1 A/AA), in bokmål and English, at desktop and phone width; a screenshot of each', async () => {
    const views = ['#/arshjul', '#/saker', `#/mote/${ids.meeting1}`, `#/sak/${ids.caseA}`, '#/vedtak', '#/portefolje', '#/oppfolging', '#/medlemmer', '#/revisjon', `#/sak/${ids.referred}`, `#/sak/${ids.written}`];
    const found: string[] = [];
    // one page per width and language; the views are reached the way a user does (the hash route), not by reloading the page
    const t0 = Date.now();
    let axeMs = 0;
    for (const width of [1280, 375]) {
      const ctx = await browser.newContext({ viewport: { width, height: width < 600 ? 800 : 900 }, isMobile: width < 600, locale: 'nb-NO' });
      try {
        const page = await open('#/arshjul', ctx);
        await signIn(page, AUDITOR);
        for (const lang of ['nb', 'en'] as const) {
          if (lang === 'en') {
            await page.click('#lang-switch');
            await page.waitForFunction(() => document.documentElement.lang === 'en', undefined, WAIT);
          }
          for (const view of views) {
            await page.evaluate((h) => ((globalThis as any).location.hash = h), view);
            await page.waitForFunction((v) => (globalThis as any).location.hash === v && !!document.querySelector('main h1') && !document.querySelector('main [aria-busy="true"]'), view, WAIT);
            const ta = Date.now();
            const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).options({ resultTypes: ['violations'] }).analyze();
            axeMs += Date.now() - ta;
            for (const v of result.violations)
              if (v.impact === 'serious' || v.impact === 'critical') found.push(`${view} ${lang} ${width}px: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
            const name = view === `#/sak/${ids.referred}` ? 'sak-oversendt' : view === `#/sak/${ids.written}` ? 'sak-skriftlig' : view.replace(/^#\//, '').replace(/\/.*/, '');
            await page.screenshot({ path: path.join(SHOTS, `${name}-${lang}-${width}.png`), fullPage: true });
            // the page itself never scrolls sideways (tables scroll in their own box)
            expect({ view, width, overflow: await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth) }).toEqual({ view, width, overflow: 0 });
          }
        }
        await page.close();
      } finally {
        await ctx.close();
      }
    }
    console.log(`axe: ${views.length * 4} views in ${((Date.now() - t0) / 1000).toFixed(1)} s (axe itself ${(axeMs / 1000).toFixed(1)} s)`);
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
  }, 240_000);

  it('when the server drops the feeds, the page resumes after the last id it saw and shows the change it missed, without a reload', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await open('#/portefolje', ctx);
      await page.waitForSelector('table.portfolio tr[data-key="195"]', WAIT);
      await page.waitForSelector('.live-status[data-state="open"]', WAIT);
      await page.evaluate(() => ((globalThis as any).notReloaded = true));
      const resumed: string[] = [];
      page.on('request', async (r) => {
        if (r.url().endsWith('/api/live/portfolio')) {
          const id = (await r.allHeaders())['last-event-id'];
          if (id !== undefined) resumed.push(id);
        }
      });
      const live = server.app.get(LiveService) as unknown as { clients: Set<{ drop(): void }> };
      for (const c of Array.from(live.clients)) c.drop();
      // written while no connection is open: the page can only get it by resuming
      await call(SEC, 'POST', '/api/portfolio/projects/195/reports', { status: 'Forsinket', risk: 'høy', note: 'Statusrapport fra testen.' });
      await page.waitForFunction(() => document.querySelector('table.portfolio tr[data-key="195"]')?.textContent.includes('Forsinket'), undefined, WAIT);
      await page.waitForSelector('.live-status[data-state="open"]', WAIT);
      expect(resumed.length).toBeGreaterThan(0);
      expect(resumed[0]).toMatch(/^[0-9]+$/);
      expect(await page.evaluate(() => (globalThis as any).notReloaded)).toBe(true);
      expect(await page.locator('table.portfolio tr[data-key="195"]').innerText()).toContain('høy');
    } finally {
      await ctx.close();
    }
    expect(errors.filter((e) => !e.includes('ERR_INCOMPLETE_CHUNKED_ENCODING'))).toEqual([]);
  });
});
