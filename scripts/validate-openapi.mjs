#!/usr/bin/env node
/**
 * Validates an OpenAPI document with @apidevtools/swagger-parser (an independent validator, the
 * one client generators' users run): `node scripts/validate-openapi.mjs http://localhost:3000/api/docs-json`
 * or `... < openapi.json`. Prints "valid" and exits 0, or prints the validator's message and exits 1.
 * (A script of its own: swagger-parser is CommonJS loading an ES module, which jest's runtime cannot.)
 */
import SwaggerParser from '@apidevtools/swagger-parser';

async function readInput(arg) {
  if (arg && /^https?:\/\//.test(arg)) return (await fetch(arg)).text();
  if (arg) return (await import('node:fs')).readFileSync(arg, 'utf8');
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

try {
  const doc = JSON.parse(await readInput(process.argv[2]));
  await SwaggerParser.validate(doc);
  console.log('valid');
} catch (e) {
  console.log(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
}
