/**
 * `npm run bench`: runs each registered bench module in turn and merges its figures into
 * bench-results.json at the repo root (figures of benches not run this time are kept).
 * Usage: node --expose-gc dist/bench/run.js [name ...]   (no names: run all)
 * Each bench module runs in a process of its own (same node flags), so no bench measures on a heap
 * an earlier one left behind.
 * To add a bench: write bench/<name>.bench.ts exporting `run(): Promise<BenchFigures>`; every
 * `*.bench.js` next to this file is found and run (the store first, then by name). A figure's
 * `extra` numbers are written beside its value; its `bars` are printed as ok/FAIL.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchFigure, BenchFigures, BenchModule } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIRST = ['store'];

function discover(): Array<{ name: string; load: () => Promise<BenchModule> }> {
  const names = readdirSync(here)
    .filter((f) => f.endsWith('.bench.js'))
    .map((f) => f.slice(0, -'.bench.js'.length))
    .sort((a, b) => {
      const ia = FIRST.includes(a) ? FIRST.indexOf(a) : FIRST.length;
      const ib = FIRST.includes(b) ? FIRST.indexOf(b) : FIRST.length;
      return ia - ib || a.localeCompare(b);
    });
  return names.map((name) => ({
    name,
    load: () => import(pathToFileURL(path.join(here, `${name}.bench.js`)).href) as Promise<BenchModule>,
  }));
}

function repoRoot(): string {
  // dist/bench/run.js or bench/run.ts: the root is the nearest folder holding package.json
  let dir = here;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

function printTable(figures: BenchFigures): void {
  const rows = Object.entries(figures).map(([name, f]: [string, BenchFigure]) => [
    name,
    `${fmt(f.value)} ${f.unit}`,
    `${fmt(f.ceiling)} ${f.ceilingUnit ?? f.unit}`,
    f.ratio.toFixed(2),
    f.bars?.length
      ? f.bars.map((b) => `${b.ok ? 'ok' : 'FAIL'} (${b.text})`).join(', ')
      : f.target === undefined
        ? ''
        : `${f.ratio >= f.target ? 'ok' : 'BELOW'} (target ≥ ${f.target})`,
  ]);
  const head = ['figure', 'value', 'ceiling', 'ratio', 'target / bars'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** In a bench's own process: runs it, merges its figures into bench-results.json and `out`. */
async function runOne(name: string, out: string): Promise<void> {
  const bench = discover().find((b) => b.name === name);
  if (!bench) throw new Error(`no bench named ${name}`);
  console.log(`\n== bench: ${name}`);
  const figures = await (await bench.load()).run();
  const file = path.join(repoRoot(), 'bench-results.json');
  type Written = Pick<BenchFigure, 'value' | 'unit' | 'ceiling' | 'ratio'> & Record<string, number | string>;
  const results: Record<string, Written> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Written>) : {};
  for (const [figure, f] of Object.entries(figures)) results[figure] = { value: f.value, unit: f.unit, ceiling: f.ceiling, ratio: f.ratio, ...f.extra };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(out, JSON.stringify(figures));
}

async function main(): Promise<void> {
  if (process.env.BENCH_CHILD_OUT) {
    await runOne(process.argv[2], process.env.BENCH_CHILD_OUT);
    return;
  }
  const wanted = process.argv.slice(2);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-bench-run-'));
  const all: BenchFigures = {};
  try {
    for (const bench of discover()) {
      if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
      const out = path.join(tmp, `${bench.name}.json`);
      const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), bench.name], {
        stdio: 'inherit',
        env: { ...process.env, BENCH_CHILD_OUT: out },
      });
      if (child.status !== 0 || !existsSync(out)) {
        // one broken bench must not hide the others' figures
        console.error(`bench ${bench.name} failed (exit ${child.status ?? child.signal})`);
        process.exitCode = 1;
        continue;
      }
      Object.assign(all, JSON.parse(readFileSync(out, 'utf8')) as BenchFigures);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log('');
  printTable(all);
  console.log(`\nwritten to ${path.join(repoRoot(), 'bench-results.json')}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
