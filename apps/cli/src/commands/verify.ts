/**
 * `saksflyt verify [--position N --at-hash H] [--json] [--data-dir DIR]`: the store's tamper
 * evidence (`EventStore.verify`: SQLite's hash chain; KurrentDB's stream chains and seals).
 * - Without options: the whole log; prints the number of events and the head's hash (keep them
 *   somewhere else: a later `--position/--at-hash` with them shows a cut-off or rewritten log).
 * - With `--position N --at-hash H` (what a printed document or export names: "Bygget fra hendelse
 *   N, sjekksum H"): the event at N must have hash H and the log up to it must be intact.
 * Exit codes: 0 intact, 1 the check failed (first bad position and kind printed), 2 bad usage,
 * 3 the store cannot be opened. The store is the server's: SQLite in SAKSFLYT_DATA_DIR (or
 * --data-dir; an existing file, in the position mode it keeps), or KurrentDB when
 * EVENTSTORE_CONNECTION_STRING is set.
 */
import { Command, CommanderError } from 'commander';
import type { EventStore, VerifyOptions, VerifyResult } from '@saksflyt/event-store';
import { CliExit, openExistingStore, storeFile, type CliIo } from '../io.js';

interface VerifyFlags {
  position?: string;
  atHash?: string;
  json?: boolean;
  dataDir?: string;
}

const exit = (code: number, message = ''): CommanderError => new CommanderError(code, `saksflyt.verify.${code}`, message);

function usage(io: CliIo, message: string): CommanderError {
  io.err(`saksflyt verify: ${message}`);
  return exit(2, message);
}

/** The check a printed copy asks for, or the whole log. */
function optionsOf(flags: VerifyFlags, io: CliIo): VerifyOptions {
  if ((flags.position === undefined) !== (flags.atHash === undefined)) throw usage(io, '--position and --at-hash go together');
  if (flags.position === undefined) return {};
  if (!/^[1-9][0-9]*$/.test(flags.position)) throw usage(io, `--position must be a positive integer, not ${flags.position}`);
  const hash = flags.atHash!.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hash)) throw usage(io, '--at-hash must be 64 hexadecimal digits (a SHA-256)');
  const position = BigInt(flags.position);
  return { knownHead: { position, hash }, upTo: position };
}

/** The store (io.ts's `openExistingStore`: verify never creates one), or exit 3 with verify's own message. */
async function openStore(env: NodeJS.ProcessEnv, flags: VerifyFlags, io: CliIo): Promise<{ store: EventStore; where: string }> {
  const storeIo: CliIo = { ...io, env };
  const opts = { dataDir: flags.dataDir };
  try {
    const store = await openExistingStore(storeIo, opts);
    return { store, where: env.EVENTSTORE_CONNECTION_STRING ? 'KurrentDB' : `SQLite ${storeFile(storeIo, opts)}` };
  } catch (error) {
    if (!(error instanceof CliExit)) throw error;
    io.err(`saksflyt verify: ${error.message}`);
    throw exit(3, error.message);
  }
}

function print(result: VerifyResult, options: VerifyOptions, where: string, io: CliIo, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));
    return;
  }
  const copy = options.knownHead;
  if (result.ok) {
    io.out(
      copy
        ? `ok: event ${copy.position} has hash ${copy.hash}, and the ${result.events} events up to it are intact (${where})`
        : `ok: ${result.events} events intact (${where}); head hash ${result.headHash}`,
    );
    return;
  }
  io.out(`FAILED: the log is not as it was written: first bad position ${result.firstBadPosition} (${result.kind}) (${where})`);
}

export function register(program: Command, io: CliIo, env: NodeJS.ProcessEnv = io.env ?? process.env): void {
  program
    .command('verify')
    .description("check the event log's tamper evidence; with --position/--at-hash, a printed copy (\"Bygget fra hendelse N, sjekksum H\")")
    .option('--position <N>', 'the position a printed document or export names')
    .option('--at-hash <H>', 'the hash (sjekksum) it names for that position')
    .option('--data-dir <dir>', 'SQLite data directory (default: $SAKSFLYT_DATA_DIR or ./data)')
    .option('--json', 'print the result as JSON')
    // commander's own usage errors (unknown option, missing value) are exit 2 too; help stays 0
    .exitOverride((error) => {
      throw error.exitCode === 0 || error.code.startsWith('saksflyt.') ? error : exit(2, error.message);
    })
    .action(async (flags: VerifyFlags) => {
      const options = optionsOf(flags, io);
      const { store, where } = await openStore(env, flags, io);
      let result: VerifyResult;
      try {
        result = await store.verify(options);
      } finally {
        await store.close();
      }
      print(result, options, where, io, !!flags.json);
      if (!result.ok) throw exit(1, 'the check failed');
    });
}
