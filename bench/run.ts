/**
 * `npm run bench`: runs each registered bench module in turn and merges its figures into
 * bench-results.json at the repo root (figures of benches not run this time are kept).
 * Usage: node --expose-gc dist/bench/run.js [name ...]   (no names: run all)
 * To add a bench: write bench/<name>.bench.ts exporting `run()` and add one line to BENCHES.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchFigure, BenchFigures, BenchModule } from './types.js';

const BENCHES: Array<{ name: string; load: () => Promise<BenchModule> }> = [
  { name: 'store', load: () => import('./store.bench.js') },
];

function repoRoot(): string {
  // dist/bench/run.js or bench/run.ts: the root is the nearest folder holding package.json
  let dir = path.dirname(new URL(import.meta.url).pathname);
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
  for (const bench of BENCHES) {
    if (wanted.length > 0 && !wanted.includes(bench.name)) continue;
    console.log(`\n== bench: ${bench.name}`);
    const figures = await (await bench.load()).run();
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
