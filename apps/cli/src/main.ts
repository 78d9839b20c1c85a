#!/usr/bin/env node
/** Entry point of the `saksflyt` command (package.json "bin"): `saksflyt <verb> ...` (see cli.ts). */
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2));
