#!/usr/bin/env node
// `npm test` runs this (after ensure-deps and ensure-chromium): the whole jest suite twice.
//   run 1: as it is;
//   run 2: with SAKSFLYT_SPARSE_POSITIONS=1, under which the SQLite store gaps its global positions
//          like log offsets (issue 9), so any arithmetic on positions anywhere (`+ 1n`, "from 1",
//          counting events by position) fails a test. The browser tests (apps/api/test/workbench.e2e.ts)
//          run in the dense pass only: they take minutes (a real Chromium, axe on every view in both
//          languages at two widths), and the page never computes with a position: it passes the ids
//          and positions the server gave back unchanged (`minPosition`, `Last-Event-ID`, `atPosition`).
// The agenda kill test (apps/api/test/crash-agenda.e2e.ts, ten SIGKILLs under load, over a minute)
// also runs in the dense pass only: what it proves (all-or-nothing commands across a crash) does not
// depend on how positions are spaced, and recovery over sparse positions after a kill is what
// libs/event-store/test/crash.e2e.ts and apps/api/test/server-crash.e2e.ts prove in the sparse pass.
// Jest runs two workers (`--maxWorkers=2`; its default on a 2-core machine is one): most suites wait
// on fsyncs, child servers and the browser, so two at a time use the machine and keep the suite
// under its 20 minutes.
// Before jest: `npm run build` (the server's tsc build and the web build, scripts/build-web.mjs),
// because the browser tests drive the built workbench (dist/web). SAKSFLYT_SKIP_BUILD=1 skips it.
// Exit code non-zero when either run fails. The totals of both runs are added up into
// .tmp/jest-summary.json (its `line`, "tests: N passed, N failed, N skipped", is what .ci/run prints
// last), with each run's own totals under `runs`.
//
// With arguments (`npm test -- <pattern> [jest options]`) jest runs once with them, in the
// environment as given: `SAKSFLYT_SPARSE_POSITIONS=1 npm test -- <pattern>` is the sparse run of a
// pattern. SAKSFLYT_SPARSE_POSITIONS set without arguments runs the sparse pass only.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const summaryFile = path.join(root, '.tmp', 'jest-summary.json');
const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const args = process.argv.slice(2);

const runs =
  args.length > 0 || process.env.SAKSFLYT_SPARSE_POSITIONS
    ? [{ name: 'one run, environment as given', env: {} }]
    : [
        { name: 'run 1 of 2: dense positions', env: {} },
        { name: 'run 2 of 2: sparse positions (SAKSFLYT_SPARSE_POSITIONS=1), without the browser tests and the agenda kill test', env: { SAKSFLYT_SPARSE_POSITIONS: '1' }, args: ['--testPathIgnorePatterns', 'workbench(-[a-z0-9]+)?\\.e2e\\.ts$', 'crash-agenda\\.e2e\\.ts$'] },
      ];

if (!process.env.SAKSFLYT_SKIP_BUILD) {
  console.log('[saksflyt] building the server and the workbench (npm run build) ...');
  const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) {
    console.error('[saksflyt] the build failed: the tests are not run');
    mkdirSync(path.dirname(summaryFile), { recursive: true });
    writeFileSync(summaryFile, JSON.stringify({ passed: 0, failed: 1, skipped: 0, suites: 0, failedSuites: 0, success: false, line: 'tests: 0 passed, 1 failed, 0 skipped' }) + '\n');
    process.exit(1);
  }
}

// The tests that run the built server as a child process (apps/api/test/child-server.ts: the kill,
// fault and SIGTERM tests) share one private copy of this build instead of each compiling the
// server again (a concurrent `npm run build` of dist/ cannot change the copy under them). Only after
// this run's own build: with SAKSFLYT_SKIP_BUILD each file compiles its own, as when run alone.
const serverCopy = path.join(root, '.tmp', `test-server-${process.pid}`);
const serverEnv = {};
if (!process.env.SAKSFLYT_SKIP_BUILD && existsSync(path.join(root, 'dist', 'apps', 'api', 'src', 'main.js'))) {
  rmSync(serverCopy, { recursive: true, force: true });
  cpSync(path.join(root, 'dist'), serverCopy, { recursive: true, filter: (src) => !src.startsWith(path.join(root, 'dist', 'web')) });
  serverEnv.SAKSFLYT_TEST_SERVER_MAIN = path.join(serverCopy, 'apps', 'api', 'src', 'main.js');
}
process.on('exit', () => rmSync(serverCopy, { recursive: true, force: true }));

const results = [];
let status = 0;
for (const run of runs) {
  if (runs.length > 1) console.log(`\n[saksflyt] jest, ${run.name}\n`);
  rmSync(summaryFile, { force: true });
  const env = { ...serverEnv, ...process.env, ...run.env };
  const child = spawnSync(process.execPath, ['--experimental-vm-modules', jest, ...(args.some((a) => a.startsWith('--maxWorkers') || a === '-i' || a === '--runInBand') ? [] : ['--maxWorkers=2']), ...args, ...(run.args ?? [])], { cwd: root, env, stdio: 'inherit' });
  const code = child.status ?? 1;
  if (code !== 0) status = code;
  let summary;
  try {
    summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  } catch {
    // jest ended before its reporter wrote the totals (a config error, a crash): one failure
    summary = { passed: 0, failed: 1, skipped: 0, suites: 0, failedSuites: 0, success: false };
  }
  // (the reporter's `success` is not final when jest calls it: go by the exit code and the counts)
  if (code === 0 && summary.failed > 0) status = 1;
  if (Array.isArray(summary.times) && summary.times.length > 1) {
    console.log(`[saksflyt] slowest suites of ${run.name}:`);
    for (const t of summary.times.slice(0, 12)) console.log(`  ${String(t.seconds).padStart(6)} s  ${t.file}`);
  }
  delete summary.times;
  results.push({ run: run.name, exitCode: code, ...summary });
}

if (runs.length > 1) {
  const sum = (k) => results.reduce((n, r) => n + (Number(r[k]) || 0), 0);
  const total = {
    passed: sum('passed'),
    failed: sum('failed'),
    skipped: sum('skipped'),
    suites: sum('suites'),
    failedSuites: sum('failedSuites'),
    success: status === 0 && results.every((r) => r.exitCode === 0 && !(r.failed > 0)),
  };
  const line = `tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`;
  mkdirSync(path.dirname(summaryFile), { recursive: true });
  writeFileSync(summaryFile, JSON.stringify({ ...total, line, runs: results }) + '\n');
  console.log('');
  for (const r of results) console.log(`[saksflyt] ${r.run}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (exit ${r.exitCode})`);
  console.log(`\n${line}`);
} else if (!existsSync(summaryFile)) {
  const r = results[0];
  mkdirSync(path.dirname(summaryFile), { recursive: true });
  writeFileSync(summaryFile, JSON.stringify({ ...r, line: `tests: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped` }) + '\n');
}
process.exit(status);
