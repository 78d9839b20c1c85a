/**
 * The importer of the real committee records (`fixtures/records/*.json`, typed by `record-types.ts`, checked by `schema.ts`).
 *
 * It replays each record through the SAME application commands as the HTTP API: a `Workflow` on
 * the store (committees, members, numbering, meetings, cases) and the portfolio aggregate
 * (`registerProject`). It never writes a view. Every command carries the recorded actor and the
 * time the step happened in the record as `at` (event metadata); the store's `recordedAt` keeps
 * the import time.
 *
 * The earlier decisions quoted in case papers (`history`) are recorded through
 * `Workflow.recordHistoricalDecision` (one `HistoricalDecisionRecorded` on `history-{CODE}-{NN}-{YY}`
 * each: number, title and wording verbatim, the cases quoting them and the seed lines; no meeting,
 * no number taken, no date, minutes not claimed approved). Their `at` is when the quoting case
 * paper was issued (the notice of its meeting), as far as the record stamps it. An outcome is only
 * given where the quoted wording's first sentence states it (`historyOutcome`); otherwise none, and
 * the event's note says why.
 *
 * What it writes beside the commands: one marker event per record file, `RecordFileImported` in
 * stream `records-import-{fileId}` (appended with expected revision `no_stream`, last). It makes
 * the import idempotent (a file whose marker exists is skipped: the second import writes nothing)
 * and keeps what no command can carry: the annual plan's wording, the HelseOmsorg21 measures, the
 * ids the import gave each recorded meeting and case, and (for reference) the history as in the file.
 *
 * Where the engine cannot reproduce the record (a case number, a meeting number, a standard item
 * the record does not account for, a matter out of order), the import fails with `ImportError`
 * rather than writing something the record does not say. Numbers are checked BEFORE the notice
 * (from the numbering state and the agenda order) and again after it.
 */
import { Workflow } from '@saksflyt/workflow';
import type { EventStore } from '@saksflyt/event-store';
import { validateRecordFile, type RecordFile } from './schema.js';
import { FileImport } from './import/file-import.js';
import { emptyCounts, ImportError, type ImportCounts, type ImportOptions, type ImportResult } from './import/model.js';

// The import, by concern: `import/model.ts` (what it reports and keeps), `import/mapping.ts` (records
// to command bodies, pure), `import/run.ts` (what the steps share), `import/file-import.ts` (one file,
// its checks and its marker), `import/meetings.ts` (meetings and their cases), `import/steps.ts` (history,
// projects, annual plan, matters).
export {
  IMPORT_MARKER_TYPE,
  importStream,
  NOT_RECORDED,
  ImportError,
  describeCounts,
  type ImportCounts,
  type ImportFileReport,
  type ImportResult,
  type ImportOptions,
  type RecordFileImportedData,
} from './import/model.js';
export { osloMidnight, historyOutcome } from './import/mapping.js';

/**
 * Import record files into the store, in the order given (use the README's order: `recordFilesInOrder`).
 * Idempotent per file. Throws ImportError where the engine cannot reproduce the record.
 */
export async function importRecords(store: EventStore, files: RecordFile[] | RecordFile, options: ImportOptions = {}): Promise<ImportResult> {
  const list = Array.isArray(files) ? files : [files];
  for (const f of list) {
    const errors = validateRecordFile(f);
    if (errors.length) throw new ImportError(String((f as { id?: unknown })?.id ?? '?'), `not a valid record file: ${errors.slice(0, 5).join('; ')}`);
  }
  const wf = options.workflow ?? new Workflow(store);
  const log = options.log ?? (() => {});
  const elsewhere = new Set(options.meetingKeysElsewhere ?? []);
  for (const f of list) for (const m of f.meetings ?? []) elsewhere.add(m.key);
  const total = emptyCounts();
  const result: ImportResult = {
    imported: total,
    skipped: { files: [], existing: { committees: 0, members: 0, projects: 0, plannedMeetings: 0 } },
    files: [],
    position: 0n,
  };
  const run = new FileImport(store, wf, list, elsewhere, result, log);
  for (const f of list) {
    const report = await run.importFile(f);
    result.files.push(report);
    if (report.status === 'skipped') result.skipped.files.push({ fileId: f.id, reason: report.reason! });
    else for (const k of Object.keys(total) as (keyof ImportCounts)[]) total[k] += report.counts![k];
  }
  result.position = await store.headPosition();
  return result;
}
