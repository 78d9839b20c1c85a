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
  // A fresh clone gets exactly the lock file (npm ci); an existing tree is brought up to date in place.
  const fresh = !existsSync(path.join(root, 'node_modules', '.bin', 'jest'));
  const cmd = fresh ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund';
  console.log(`[saksflyt] installing npm packages (${cmd}) ...`);
  execSync(cmd, { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, createHash('sha256').update(readFileSync(lock)).digest('hex') + '\n');
}
