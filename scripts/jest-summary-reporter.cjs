// Writes jest's totals (its aggregated JSON results) to .tmp/jest-summary.json and prints them
// as one plain line: "tests: N passed, N failed, N skipped". .ci/run prints that line again as
// its very last line, so that a run that tested nothing can be told apart.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }
  onRunComplete(_contexts, r) {
    const brokenSuites = r.numRuntimeErrorTestSuites || 0;
    const summary = {
      passed: r.numPassedTests,
      failed: r.numFailedTests + brokenSuites,
      skipped: r.numPendingTests + r.numTodoTests,
      suites: r.numTotalTestSuites,
      failedSuites: r.numFailedTestSuites,
      success: r.success,
    };
    const line = `tests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`;
    fs.mkdirSync(path.join(this.rootDir, '.tmp'), { recursive: true });
    // each suite's wall time, slowest first: where the suite's minutes go (scripts/test-all.mjs prints the top)
    const times = (r.testResults || [])
      .map((t) => ({ file: path.relative(this.rootDir, t.testFilePath), seconds: Math.round(((t.perfStats?.end ?? 0) - (t.perfStats?.start ?? 0)) / 100) / 10 }))
      .sort((a, b) => b.seconds - a.seconds);
    fs.writeFileSync(path.join(this.rootDir, '.tmp', 'jest-summary.json'), JSON.stringify({ ...summary, line, times }) + '\n');
    process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
