/**
 * `npm run bench`: runs each registered bench module in turn and merges its figures into
 * bench-results.json at the repo root (figures of benches not run this time are kept).
 * Usage: node --expose-gc dist/bench/run.js [name ...]   (no names: run all)
 * To add a bench: write bench/<name>.bench.ts exporting `run(): Promise<BenchFigures>`; every
 * `*.bench.js` next to this file is found and run (the store first, then by name).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    `${fmt(f.ceiling)} ${f.unit}`,
    f.ratio.toFixed(2),
    f.target === undefined ? '' : `${f.ratio >= f.target ? 'ok' : 'BELOW'} (target ≥ ${f.target})`,
  ]);
  const head = ['figure', 'value', 'ceiling', 'ratio', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const file = path.join(repoRoot(), 'bench-results.json');
  const results: Record<string, Omit<BenchFigure, 'target'>> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Omit<BenchFigure, 'target'>>)
    : {};
  const all: BenchFigures = {};
  for (const bench of discover()) {
    if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
    console.log(`\n== bench: ${bench.name}`);
    let figures: BenchFigures;
    try {
      figures = await (await bench.load()).run();
    } catch (error) {
      // one broken bench must not hide the others' figures
      console.error(`bench ${bench.name} failed:`, error);
      process.exitCode = 1;
      continue;
    }
    for (const [name, f] of Object.entries(figures)) {
      all[name] = f;
      results[name] = { value: f.value, unit: f.unit, ceiling: f.ceiling, ratio: f.ratio };
    }
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  }
  console.log('');
  printTable(all);
  console.log(`\nwritten to ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
