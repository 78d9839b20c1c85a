/**
 * `saksflyt` command line. Each verb is `commands/<verb>.ts` exporting `register(program, io)`;
 * this file only lists them (one line each; add new verbs at the END of VERBS). The store is the
 * one the server uses: SQLite in SAKSFLYT_DATA_DIR (default ./data, or --data-dir), or
 * EventStoreDB when EVENTSTORE_CONNECTION_STRING is set.
 * Exit codes: 0 ok, 1 the check failed / something differs, 2 bad usage, 3 the store cannot be opened.
 */
import { Command, CommanderError } from 'commander';
import { CliExit, EXIT, printJson, type CliIo } from './io.js';
import * as importVerb from './commands/import.js';
import * as exportVerb from './commands/export.js';
import * as rebuildVerb from './commands/rebuild.js';
import * as verifyVerb from './commands/verify.js';
import * as replayVerb from './commands/replay.js';

export type { CliIo } from './io.js';
export { expandPaths } from './commands/import.js';

const VERBS: { register(program: Command, io: CliIo): void }[] = [
  importVerb,
  exportVerb,
  rebuildVerb,
  verifyVerb,
  replayVerb,
];

/** Runs the CLI; resolves to the exit code. */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l), tty: !!process.stderr.isTTY },
): Promise<number> {
  const verbIo: CliIo = { ...io, env: io.env ?? env };
  const program = new Command()
    .name('saksflyt')
    .description('Saksflyt command line')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  for (const verb of VERBS) verb.register(program, verbIo);
  program.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    // a verb's own exit (code `saksflyt.<verb>.<n>`, e.g. verify's 1 and 3) keeps its code; commander's usage errors are 2
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : e.code.startsWith('saksflyt.') ? e.exitCode : EXIT.usage;
    if (e instanceof CliExit) {
      if (argv.includes('--json')) printJson(io, { ok: false, exitCode: e.exitCode, error: e.message, ...(e.details !== undefined ? { details: e.details } : {}) });
      io.err(`saksflyt: ${e.message}`);
      return e.exitCode;
    }
    throw e;
  }
  return EXIT.ok;
}
