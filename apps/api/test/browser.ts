import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import path from 'node:path';
import { webDir } from '../src/web/web.module.js';
import type { Server } from './harness.js';

/** Debian's Chromium for the browser tests (playwright-core, no browser download) and the env entry's flags; playwright gives each launch a fresh --user-data-dir. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where the browser tests write a screenshot of every view (git-ignored; named in the README). */
export const SHOTS = path.join(process.cwd(), 'screenshots');

/** Chromium is installed at CHROMIUM, or a plain error saying so (for a browser test of a page that is not the workbench). */
export function chromiumInstalled(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: the browser tests need it (npm test installs it; or apt-get install chromium).`);
}

/** The browser tests' preconditions, said plainly when missing: Chromium installed, the workbench built; and the screenshots folder. */
export function readyForBrowserTests(): void {
  chromiumInstalled();
  if (!existsSync(path.join(webDir(), 'index.html'))) throw new Error(`The workbench is not built (${webDir()}): run npm run build (npm test builds it first).`);
  mkdirSync(SHOTS, { recursive: true });
}

/** Debian's Chromium with the env entry's flags. */
export const launchChromium = (): Promise<Browser> => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

/** How long a browser test waits for the page (a selector, a function, a response). */
export const WAIT = { timeout: 15_000 };

/** Signs in on the page's sign-in form with a token and waits until the page says it is signed in. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.fill('#token', token);
  await page.click('form.signin button[type=submit]');
  await page.waitForSelector('.signin[data-signed-in="true"]', WAIT);
}

/** A browser test's teardown: the browser, the server, its data folder (each as far as it got). */
export async function closeAll(browser: Browser | undefined, server: { close(): Promise<void> } | undefined, dataDir: string | undefined): Promise<void> {
  await browser?.close();
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

/** A request over HTTP that must succeed (a test's setup, or a change made beside the page): its JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function apiCall(server: Pick<Server, 'req'>, token: string, method: string, p: string, json?: unknown): Promise<any> {
  const r = await server.req(method, p, { token, json });
  if (r.status >= 300) throw new Error(`${method} ${p} → ${r.status}: ${r.text}`);
  return r.json;
}

/** NEHS with its chair and one member (the admin token): the member ids. */
export async function nehsWithMembers(server: Pick<Server, 'req'>): Promise<string[]> {
  await apiCall(server, 'tok-admin', 'POST', '/api/committees', { code: 'NEHS', name: 'Nasjonalt e-helsestyre' });
  const ids: string[] = [];
  for (const [name, organisation, role] of [
    ['Bjørn Inge Larsen', 'Helse- og omsorgsdepartementet', 'chair'],
    ['Cathrine M. Lofthus', 'Helse Sør-Øst RHF', 'member'],
  ])
    ids.push((await apiCall(server, 'tok-admin', 'POST', '/api/committees/NEHS/members', { name, organisation, role })).id);
  return ids;
}
