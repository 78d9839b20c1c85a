#!/usr/bin/env node
// The browser tests (apps/api/test/workbench.e2e.ts) drive Debian's Chromium through playwright-core
// (no browser download: the machines' network allows only the npm registry and Debian's packages).
// `npm test` runs this first: when /usr/bin/chromium is missing, it installs the Debian package
// (as root, or through passwordless sudo). CHROMIUM_PATH points the tests at another binary.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const bin = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(bin)) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = root ? '' : 'sudo -n ';
  const cmd = `${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium`;
  console.log(`[saksflyt] installing Chromium for the browser tests (${cmd}) ...`);
  try {
    execSync(cmd, { stdio: 'inherit', shell: '/bin/bash' });
  } catch (error) {
    console.error(`[saksflyt] could not install Chromium (${error instanceof Error ? error.message : String(error)}); the browser tests will fail and say so.`);
  }
}
