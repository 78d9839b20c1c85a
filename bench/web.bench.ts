/**
 * The workbench's first load (issue 12): `web_first_load`, on a real server (createApp, temp
 * SQLite data dir) holding the demo data (fixtures/records, imported as `npm start` does), the
 * built web (dist/web, `npm run build`) and headless Chromium (Debian's, the env entry's flags).
 *
 * Each load is a fresh browser context (empty cache) opening `/`. Two figures, the median of
 * LOADS loads each:
 * - `web_first_load` (value: KB): the bytes the first load transfers, gzip-compressed as a
 *   compressing proxy would send them: every response of the load (the page, its scripts and
 *   styles, the API JSON it reads) gzipped one by one (zlib level 6), plus the first message of each
 *   live feed it opens (its snapshot; a feed's stream never ends, so it is read once apart).
 *   Bar: at most 500 KB (`ceiling` 500, `ratio` = 500 / value, target ≥ 1).
 * - `web_first_load_tti` (value: ms): time until interactive, from the navigation's start to the
 *   moment the view's heading is in place, nothing is loading (`aria-busy`), and its live feed is
 *   connected (in-page performance.now(), taken by a MutationObserver installed before the page's
 *   own scripts). Bar: under 1 000 ms (`ceiling` 1000, `ratio` = 1000 / value, target ≥ 1).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchFigures } from './types.js';

const LOADS = Number(process.env.BENCH_WEB_LOADS ?? 7);
const BYTES_BAR_KB = 500;
const TTI_BAR_MS = 1000;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Installed before the page's scripts: records performance.now() when the view is interactive. */
const WATCH_TTI = `(() => {
  const ready = () => {
    const h1 = document.querySelector('main h1');
    const busy = document.querySelector('[aria-busy="true"]');
    const live = document.querySelector('.live-status');
    return h1 && !busy && live && live.getAttribute('data-state') === 'open';
  };
  const check = () => {
    if (window.__tti === undefined && ready()) window.__tti = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
})();`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function repoRoot(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** The first SSE message (the snapshot) of a feed, as bytes. */
async function firstMessage(url: string): Promise<Buffer> {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: ctrl.signal });
  const reader = res.body!.getReader();
  const chunks: Buffer[] = [];
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    text += Buffer.from(value).toString('utf8');
    if (/\n\n/.test(text.replace(/^(:[^\n]*\n)+/, ''))) break;
  }
  ctrl.abort();
  return Buffer.concat(chunks);
}

export async function run(): Promise<BenchFigures> {
  const root = repoRoot();
  if (!existsSync(path.join(root, 'dist', 'web', 'index.html'))) throw new Error('web bench: dist/web is not built (npm run build)');
  if (!existsSync(CHROMIUM)) throw new Error(`web bench: Chromium is not installed at ${CHROMIUM}`);
  const { createApp } = await import('../apps/api/src/bootstrap.js');
  const { openSqliteStore } = await import('../libs/event-store/src/index.js');
  const { importRecords, loadRecordFile, recordFilesInOrder } = await import('../libs/records/src/index.js');
  const { chromium } = await import('playwright-core');

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-bench-web-'));
  const store = await openSqliteStore({ file: path.join(dataDir, 'saksflyt.db') });
  try {
    await importRecords(store, recordFilesInOrder(path.join(root, 'fixtures', 'records')).map(loadRecordFile));
  } finally {
    await store.close();
  }
  const app = await createApp({ dataDir, env: { SAKSFLYT_DEMO: 'off' }, logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const bytes: number[] = [];
  const ttis: number[] = [];
  try {
    for (let i = 0; i < LOADS + 1; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await ctx.newPage();
      await page.addInitScript(WATCH_TTI);
      const bodies: Promise<number>[] = [];
      const feeds = new Set<string>();
      page.on('response', (r) => {
        const type = r.headers()['content-type'] ?? '';
        if (type.includes('text/event-stream')) feeds.add(r.url());
        else bodies.push(r.body().then((b) => gzipSync(b).length, () => 0));
      });
      page.on('request', (r) => {
        if (r.url().includes('/api/live/')) feeds.add(r.url());
      });
      await page.goto(url + '/');
      await page.waitForFunction(() => (globalThis as unknown as { __tti?: number }).__tti !== undefined, undefined, { timeout: 30_000 });
      const tti = await page.evaluate(() => (globalThis as unknown as { __tti: number }).__tti);
      let total = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
      for (const f of feeds) total += gzipSync(await firstMessage(f)).length;
      await ctx.close();
      if (i === 0) continue; // the first load warms the server (its caches), not measured
      bytes.push(total / 1024);
      ttis.push(tti);
    }
  } finally {
    await browser.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const kb = median(bytes);
  const ms = median(ttis);
  return {
    web_first_load: {
      value: kb,
      unit: 'KB',
      ceiling: BYTES_BAR_KB,
      ratio: BYTES_BAR_KB / Math.max(kb, 0.001),
      target: 1,
      extra: { tti_ms: ms, loads: LOADS },
      bars: [{ text: `${kb.toFixed(1)} KB gzip ≤ ${BYTES_BAR_KB}`, ok: kb <= BYTES_BAR_KB }],
    },
    web_first_load_tti: {
      value: ms,
      unit: 'ms',
      ceiling: TTI_BAR_MS,
      ratio: TTI_BAR_MS / Math.max(ms, 0.001),
      target: 1,
      extra: { min_ms: Math.min(...ttis), max_ms: Math.max(...ttis) },
      bars: [{ text: `${ms.toFixed(0)} ms < ${TTI_BAR_MS}`, ok: ms < TTI_BAR_MS }],
    },
  };
}
