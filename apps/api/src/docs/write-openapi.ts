/**
 * Writes the API's OpenAPI document to a file without a listening server: the whole app is built
 * (createApp, on an empty store in a temporary folder, no demo data) and initialised, and its
 * document generated from the code as `/api/docs-json` would answer it. The web build
 * (scripts/build-web.mjs) turns it into the client's types with openapi-typescript.
 *
 *   node dist/apps/api/src/docs/write-openapi.js <out.json>
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../bootstrap.js';
import { openApiDocument } from './docs.js';

const out = process.argv[2];
if (!out) throw new Error('usage: write-openapi <out.json>');
const dataDir = mkdtempSync(path.join(tmpdir(), 'saksflyt-openapi-'));
try {
  const app = await createApp({ dataDir, logger: false, env: { SAKSFLYT_DEMO: '0' } });
  await app.init();
  const doc = openApiDocument(app);
  await app.close();
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
