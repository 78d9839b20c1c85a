/**
 * `saksflyt` command line: `saksflyt import <file-or-folder...>` replays committee record files
 * (fixtures/records/*.json) into the event store through the application commands (see
 * libs/records/src/importer.ts). The store is the one the server uses: SQLite in
 * SAKSFLYT_DATA_DIR (default ./data), or EventStoreDB when EVENTSTORE_CONNECTION_STRING is set.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { createEventStore } from '@saksflyt/event-store';
import {
  ImportError,
  RecordFileInvalid,
  describeCounts,
  importRecords,
  loadRecordFile,
  meetingKeysOf,
  recordFilesInOrder,
  type ImportResult,
  type RecordFile,
} from '@saksflyt/records';
import { register as registerReplay } from './commands/replay.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Files named on the command line; a folder stands for its record files in its README's order. */
export function expandPaths(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    if (!existsSync(a)) throw new RecordFileInvalid(a, ['no such file or folder']);
    if (statSync(a).isDirectory()) out.push(...recordFilesInOrder(a));
    else out.push(a);
  }
  return out;
}

/** Meeting keys recorded in the sibling files of the given ones (so an annual plan imported alone does not plan a meeting another file records). */
function siblingMeetingKeys(files: string[]): Set<string> {
  const dirs = new Set(files.map((f) => path.dirname(path.resolve(f))));
  const siblings: RecordFile[] = [];
  for (const d of dirs)
    for (const f of recordFilesInOrder(d)) {
      try {
        siblings.push(loadRecordFile(f));
      } catch {
        // not a record file: it records no meeting
      }
    }
  return meetingKeysOf(siblings);
}

function printResult(result: ImportResult, io: CliIo, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? Number(v) : v), 2));
    return;
  }
  for (const f of result.files) io.out(f.status === 'imported' ? `imported ${f.fileId}: ${describeCounts(f.counts!)}` : `skipped  ${f.fileId}: ${f.reason}`);
  const t = result.imported;
  io.out(`total: ${t.files} files imported, ${result.skipped.files.length} skipped; ${describeCounts(t)}`);
  io.out(`store head position: ${result.position}`);
}

/** Runs the CLI; resolves to the exit code. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  const program = new Command()
    .name('saksflyt')
    .description('Saksflyt command line')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  program
    .command('import')
    .description('replay committee record files (or folders of them, in their README order) into the event store; importing a file twice changes nothing')
    .argument('<files...>', 'record files (*.json) or folders')
    .option('--data-dir <dir>', 'SQLite data directory (default: $SAKSFLYT_DATA_DIR or ./data)')
    .option('--json', 'print the result as JSON')
    .action(async (args: string[], opts: { dataDir?: string; json?: boolean }) => {
      const paths = expandPaths(args);
      const files = paths.map(loadRecordFile);
      const storeEnv = { ...env, ...(opts.dataDir ? { SAKSFLYT_DATA_DIR: opts.dataDir } : {}) };
      const store = await createEventStore(storeEnv);
      try {
        if (!opts.json) io.out(`store: ${store.kind === 'sqlite' ? `SQLite in ${storeEnv.SAKSFLYT_DATA_DIR ?? './data'}` : 'EventStoreDB'} (head ${await store.headPosition()})`);
        const result = await importRecords(store, files, { meetingKeysElsewhere: siblingMeetingKeys(paths) });
        printResult(result, io, !!opts.json);
      } finally {
        await store.close();
      }
    });
  registerReplay(program, io, env);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof ImportError || e instanceof RecordFileInvalid) {
      io.err(`saksflyt: ${e.message}`);
      return 1;
    }
    throw e;
  }
  return 0;
}
