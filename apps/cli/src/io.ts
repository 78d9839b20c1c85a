/**
 * What every verb of the `saksflyt` command line shares: where it prints (`CliIo`), the exit codes,
 * the store it opens, the common options (`--data-dir`, `--json`) and progress bars on a TTY.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { createEventStore, openSqliteStore, storedPositionMode, type EventStore } from '@saksflyt/event-store';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** The environment the verbs read (store location); default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** True when stderr is a terminal: progress bars then; plain lines otherwise. */
  tty?: boolean;
}

/** Exit codes: 0 ok, 1 the check failed / something differs, 2 bad usage, 3 the store cannot be opened. */
export const EXIT = { ok: 0, failed: 1, usage: 2, store: 3 } as const;

/** Thrown by a verb to end with this exit code and message (printed on stderr, or as JSON with --json). */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface StoreOptions {
  dataDir?: string;
  json?: boolean;
}

/** Adds the options every verb has: `--json` and `--data-dir`. */
export function withCommonOptions(cmd: Command): Command {
  return cmd.option('--data-dir <dir>', 'SQLite data directory (default: $SAKSFLYT_DATA_DIR or ./data)').option('--json', 'print the result as JSON (for scripts)');
}

/** The environment with `--data-dir` applied. */
export function storeEnv(io: CliIo, opts: StoreOptions): NodeJS.ProcessEnv {
  const env = io.env ?? process.env;
  return { ...env, ...(opts.dataDir ? { SAKSFLYT_DATA_DIR: opts.dataDir } : {}) };
}

/** Opens the server's store; exit 3 when it cannot be opened. */
export async function openStore(io: CliIo, opts: StoreOptions): Promise<EventStore> {
  try {
    return await createEventStore(storeEnv(io, opts));
  } catch (e) {
    throw new CliExit(EXIT.store, `the store cannot be opened: ${(e as Error).message}`);
  }
}

/** The server's SQLite file: `saksflyt.db` in --data-dir, $SAKSFLYT_DATA_DIR or ./data. */
export function storeFile(io: CliIo, opts: StoreOptions): string {
  return path.join(storeEnv(io, opts).SAKSFLYT_DATA_DIR ?? './data', 'saksflyt.db');
}

/**
 * Opens the server's store as it is, never creating one (for a verb that checks what is there, e.g.
 * verify): KurrentDB when EVENTSTORE_CONNECTION_STRING is set; else the SQLite file must exist and is
 * opened in the position mode it keeps (whatever SAKSFLYT_SPARSE_POSITIONS says). Exit 3 when it cannot be opened.
 */
export async function openExistingStore(io: CliIo, opts: StoreOptions): Promise<EventStore> {
  try {
    const env = storeEnv(io, opts);
    if (env.EVENTSTORE_CONNECTION_STRING) return await createEventStore(env);
    const file = storeFile(io, opts);
    if (!existsSync(file)) throw new Error(`no store at ${file}`);
    const positions = storedPositionMode(file);
    return await openSqliteStore({ file, ...(positions ? { positions } : {}) });
  } catch (e) {
    throw new CliExit(EXIT.store, `the store cannot be opened: ${(e as Error).message}`);
  }
}

/** Where the store is, for the first line a verb prints. */
export function describeStore(store: EventStore, io: CliIo, opts: StoreOptions): string {
  return store.kind === 'sqlite' ? `SQLite in ${storeEnv(io, opts).SAKSFLYT_DATA_DIR ?? './data'}` : 'EventStoreDB';
}

/** Prints a verb's JSON result (bigints as numbers). */
export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? Number(v) : v), 2));
}

export interface Progress {
  /** Sets the total (when known) and the count done so far. */
  update(done: number, total?: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a TTY and the verb is not in --json mode; otherwise a plain
 * line now and then (every `every` items) on stderr, so logs and scripts stay readable.
 */
export function progress(io: CliIo, label: string, opts: { json?: boolean; every?: number } = {}): Progress {
  if (opts.json) return { update() {}, stop() {} };
  if (io.tty) {
    const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total ?? done, done);
          started = true;
        } else {
          if (total !== undefined) bar.setTotal(total);
          bar.update(done);
        }
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  const every = opts.every ?? 10000;
  let last = 0;
  let total: number | undefined;
  let done = 0;
  return {
    update(d, t) {
      done = d;
      if (t !== undefined) total = t;
      if (d - last >= every) {
        last = d;
        io.err(`${label}: ${d}${total !== undefined ? `/${total}` : ''}`);
      }
    },
    stop() {
      io.err(`${label}: ${done}${total !== undefined ? `/${total}` : ''} done`);
    },
  };
}
