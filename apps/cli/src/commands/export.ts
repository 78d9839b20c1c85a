/**
 * `saksflyt export --committee C --year Y --format json|xml|zip --out FILE`: the audit export of
 * one committee's year, the same as `GET /api/audit/export` (JSON, Noark 5 XML, or the zip
 * deposit). The zip needs the minutes and notice views: the verb runs the projections on the data
 * directory's projection file (catching them up from their checkpoint) while it builds it.
 */
import { writeFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { archiveToXml, buildArchive, committeeLog } from '@saksflyt/archive';
import type { EventStore, RecordedEvent } from '@saksflyt/event-store';
import { ProjectionRunner, allProjections } from '@saksflyt/projections';
import { CliExit, EXIT, openStore, printJson, storeEnv, withCommonOptions, type CliIo, type StoreOptions } from '../io.js';

interface ExportOptions extends StoreOptions {
  committee: string;
  year: string;
  format: string;
  out?: string;
  generatedAt?: string;
}

/** Starts the projections on the data directory's projection file and waits until they have caught up. */
export async function startViews(store: EventStore, dataDir: string): Promise<ProjectionRunner> {
  const { PROJECTIONS_DB_FILE } = await import('../../../api/src/projections/projections.module.js');
  const runner = await ProjectionRunner.start({ store, file: path.join(dataDir, PROJECTIONS_DB_FILE), projections: allProjections });
  await runner.whenCaughtUp();
  return runner;
}

class UnknownCommittee extends Error {}

/** `--generated-at`: an ISO date-time with its offset (the time the export names as made), as given. */
function isoTime(text: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new CliExit(EXIT.usage, `--generated-at must be an ISO date-time with an offset (e.g. 2026-12-03T12:00:00Z), not ${text}`);
  }
  return text;
}

/**
 * Writes the chunks to `out` so that `out` is either the whole file or untouched: into a temporary
 * file beside it (`.<name>.<pid>.partial`), flushed to disk, then renamed over `out`. A failure on
 * the way (disk full, a file size limit, the deposit cut off) removes the temporary file.
 */
export async function writeWhole(out: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.partial`);
  const file = await open(tmp, 'wx');
  try {
    try {
      for await (const chunk of chunks) await file.write(chunk);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

async function exportArchive(opts: ExportOptions, io: CliIo): Promise<void> {
  const year = Number(opts.year);
  if (!/^[0-9]{4}$/.test(opts.year)) throw new CliExit(EXIT.usage, `--year must be a four-digit year, not ${opts.year}`);
  if (!['json', 'xml', 'zip'].includes(opts.format)) throw new CliExit(EXIT.usage, `--format must be json, xml or zip, not ${opts.format}`);
  if (opts.format === 'zip' && !opts.out) throw new CliExit(EXIT.usage, '--format zip needs --out FILE');
  const generatedAt = opts.generatedAt === undefined ? new Date().toISOString() : isoTime(opts.generatedAt);
  const store = await openStore(io, opts);
  let result: { position: bigint; hash: string | null; bytes: number; files?: number };
  try {
    const position = await store.headPosition();
    if (opts.format === 'zip') {
      // the server's modules, loaded only for the zip (they bring Nest): the same deposit as the API's
      const { loadConfig } = await import('../../../api/src/config/config.js');
      const { BlobStore } = await import('../../../api/src/attachments/blob-store.js');
      const { DepositUnknownCommittee, prepareDeposit } = await import('../../../api/src/audit/deposit.js');
      const config = loadConfig(storeEnv(io, opts));
      const runner = await startViews(store, config.dataDir);
      try {
        const blobs = BlobStore.open(config.blobDir);
        let prepared;
        try {
          prepared = await prepareDeposit({ store, runner, blobPath: (sha) => blobs.pathOf(sha) }, { committee: opts.committee, year, generatedAt, position });
        } catch (e) {
          if (e instanceof DepositUnknownCommittee) throw new UnknownCommittee(e.message);
          throw e;
        }
        try {
          await writeWhole(opts.out!, prepared.zip);
        } catch (e) {
          throw new CliExit(EXIT.failed, `the deposit was cut off, ${opts.out} was not written: ${(e as Error).message}`);
        }
        result = { ...prepared.builtFrom, bytes: prepared.zip.bytes, files: prepared.zip.entries.length + 1 };
      } finally {
        await runner.stop();
      }
    } else {
      const all: RecordedEvent[] = [];
      for await (const e of store.readAll()) if (e.position <= position) all.push(e);
      const archive = buildArchive(committeeLog(all, opts.committee), { committee: opts.committee, year, generatedAt });
      if (archive === null) throw new UnknownCommittee(`unknown committee ${opts.committee}`);
      archive.header.position = Number(position);
      const text = opts.format === 'json' ? JSON.stringify(archive, null, 2) + '\n' : archiveToXml(archive);
      const last = all[all.length - 1];
      result = { position: last?.position ?? 0n, hash: last?.hash ?? null, bytes: Buffer.byteLength(text) };
      if (opts.out) writeFileSync(opts.out, text);
      else {
        io.out(text.trimEnd());
        return;
      }
    }
  } catch (e) {
    if (e instanceof UnknownCommittee) throw new CliExit(EXIT.failed, e.message);
    throw e;
  } finally {
    await store.close();
  }
  const summary = { ok: true, committee: opts.committee, year, format: opts.format, out: opts.out, builtFrom: { position: result.position, hash: result.hash }, bytes: result.bytes, ...(result.files !== undefined ? { files: result.files } : {}) };
  if (opts.json) printJson(io, summary);
  else {
    io.out(`wrote ${opts.out}: ${opts.committee} ${year} as ${opts.format} (${result.bytes} bytes${result.files !== undefined ? `, ${result.files} files` : ''})`);
    io.out(`built from event ${result.position}, sjekksum ${result.hash ?? '(none: the store keeps no hash chain)'}`);
  }
}

export function register(program: Command, io: CliIo): void {
  withCommonOptions(
    program
      .command('export')
      .description("export one committee's year: the archive as JSON, Noark 5 XML, or the zip deposit (XML, change log, event log, PDFs, attachments with their SHA-256)")
      .requiredOption('--committee <code>', 'committee code, e.g. NEHS')
      .requiredOption('--year <year>', "the meetings' year")
      .option('--format <format>', 'json, xml or zip', 'json')
      .option('--out <file>', 'write to this file (json and xml: default standard output); zip: written to a temp file beside it and renamed when whole')
      .option('--generated-at <time>', 'the time the export names as made (ISO, with offset; default now): the same store and time give the same bytes'),
  ).action(async (opts: ExportOptions) => exportArchive(opts, io));
}
