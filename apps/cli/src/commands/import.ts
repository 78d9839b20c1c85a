/**
 * `saksflyt import <file-or-folder...>`: replays committee record files (fixtures/records/*.json)
 * into the event store through the application commands (see libs/records/src/importer.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
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
import { isZip } from '@saksflyt/archive';
import { CliExit, EXIT, describeStore, openStore, printJson, progress, storeEnv, withCommonOptions, type CliIo, type StoreOptions } from '../io.js';
import { DepositRefused, importDeposit } from '../deposit-import.js';

/** True for a file that is a zip (a deposit), by its first bytes. */
function isZipFile(file: string): boolean {
  if (!existsSync(file) || !statSync(file).isFile()) return false;
  return isZip(readFileSync(file).subarray(0, 4));
}

/** `saksflyt import deposit.zip`: the deposit's events appended as they are (deposit-import.ts). */
async function importDeposits(zips: string[], opts: StoreOptions, io: CliIo): Promise<void> {
  const store = await openStore(io, opts);
  const results = [];
  try {
    if (!opts.json) io.out(`store: ${describeStore(store, io, opts)} (head ${await store.headPosition()})`);
    const { loadConfig } = await import('../../../api/src/config/config.js'); // the server's rule for the blob folder
    for (const zip of zips) {
      const r = await importDeposit(store, loadConfig(storeEnv(io, opts)).blobDir, readFileSync(zip), progress(io, `import ${path.basename(zip)}`, { json: opts.json, every: 5000 }));
      results.push({ file: zip, ...r });
      if (!opts.json) {
        io.out(`imported deposit ${zip}: ${r.committee} ${r.year}, ${r.events.written} events written (${r.events.alreadyStored} already stored) in ${r.streams} streams, ${r.attachments} attachments`);
        io.out(`deposit built from event ${r.builtFrom.position}, sjekksum ${r.builtFrom.hash ?? '(none)'}`);
      }
    }
    const position = await store.headPosition();
    if (opts.json) printJson(io, { ok: true, deposits: results, position });
    else io.out(`store head position: ${position}`);
  } catch (e) {
    if (e instanceof DepositRefused) throw new CliExit(EXIT.failed, e.message);
    throw e;
  } finally {
    await store.close();
  }
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
    printJson(io, result);
    return;
  }
  for (const f of result.files) io.out(f.status === 'imported' ? `imported ${f.fileId}: ${describeCounts(f.counts!)}` : `skipped  ${f.fileId}: ${f.reason}`);
  const t = result.imported;
  io.out(`total: ${t.files} files imported, ${result.skipped.files.length} skipped; ${describeCounts(t)}`);
  io.out(`store head position: ${result.position}`);
}

async function importRecordFiles(args: string[], opts: StoreOptions, io: CliIo): Promise<void> {
  let paths: string[];
  let files: RecordFile[];
  try {
    paths = expandPaths(args);
    files = paths.map(loadRecordFile);
  } catch (e) {
    if (e instanceof RecordFileInvalid) throw new CliExit(EXIT.failed, e.message);
    throw e;
  }
  const store = await openStore(io, opts);
  try {
    if (!opts.json) io.out(`store: ${describeStore(store, io, opts)} (head ${await store.headPosition()})`);
    const result = await importRecords(store, files, { meetingKeysElsewhere: siblingMeetingKeys(paths) });
    printResult(result, io, !!opts.json);
  } catch (e) {
    if (e instanceof ImportError || e instanceof RecordFileInvalid) throw new CliExit(EXIT.failed, e.message);
    throw e;
  } finally {
    await store.close();
  }
}

export function register(program: Command, io: CliIo): void {
  withCommonOptions(
    program
      .command('import')
      .description('replay committee record files (or folders of them, in their README order) into the event store, or append the events of archive deposits (zip, from `saksflyt export --format zip`); importing a file twice changes nothing')
      .argument('<files...>', 'record files (*.json) or folders, or deposit zips'),
  ).action(async (args: string[], opts: StoreOptions) => {
    const zips = args.filter(isZipFile);
    if (zips.length > 0 && zips.length < args.length) throw new CliExit(EXIT.usage, 'import either deposit zips or record files, not both at once');
    return zips.length > 0 ? importDeposits(zips, opts, io) : importRecordFiles(args, opts, io);
  });
}
