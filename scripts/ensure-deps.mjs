#!/usr/bin/env node
// Installs the npm packages when node_modules is missing or older than package-lock.json,
// so that `npm start` and `npm test` work on a fresh clone with nothing installed by hand.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lock = path.join(root, 'package-lock.json');
const stamp = path.join(root, 'node_modules', '.saksflyt-lock.sha256');
const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (have !== want) {
  // `npm install` follows package-lock.json. Not `npm ci`: the registry reachable here holds only
  // this platform's optional native binaries (e.g. unrs-resolver's), and `npm ci` refuses a lock
  // file that lacks the other platforms' entries.
  const cmd = 'npm install --no-audit --no-fund';
  console.log(`[saksflyt] installing npm packages (${cmd}) ...`);
  execSync(cmd, { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, createHash('sha256').update(readFileSync(lock)).digest('hex') + '\n');
}
