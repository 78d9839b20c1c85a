/**
 * Reading record files from disk: one file (parsed and validated), or every file of a records
 * folder in the import order its README gives ("## Import order", a numbered list of file names).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { validateRecordFile, type RecordFile } from './schema.js';

export class RecordFileInvalid extends Error {
  constructor(
    readonly file: string,
    readonly errors: string[],
  ) {
    super(`${file} is not a valid record file:\n  ${errors.slice(0, 20).join('\n  ')}${errors.length > 20 ? `\n  … ${errors.length - 20} more` : ''}`);
    this.name = 'RecordFileInvalid';
  }
}

/** Parse and validate one record file (throws RecordFileInvalid with every schema error). */
export function loadRecordFile(file: string): RecordFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RecordFileInvalid(file, [`cannot read or parse: ${e instanceof Error ? e.message : String(e)}`]);
  }
  const errors = validateRecordFile(data);
  if (errors.length) throw new RecordFileInvalid(file, errors);
  return data as RecordFile;
}

/**
 * The record files of a folder in import order: the numbered list under "## Import order" in its
 * README.md, then any other *.json file of the folder (alphabetically) that the list does not name.
 */
export function recordFilesInOrder(dir: string): string[] {
  const all = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const readme = path.join(dir, 'README.md');
  const ordered: string[] = [];
  if (existsSync(readme)) {
    const text = readFileSync(readme, 'utf8');
    const section = /^## Import order\s*$([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text)?.[1] ?? '';
    for (const m of section.matchAll(/^\s*\d+\.\s+`([^`]+\.json)`/gm)) if (all.includes(m[1]!) && !ordered.includes(m[1]!)) ordered.push(m[1]!);
  }
  for (const f of all) if (!ordered.includes(f)) ordered.push(f);
  return ordered.map((f) => path.join(dir, f));
}

/** Meeting keys of record files (to know which annual-plan entries another file records as a meeting). */
export function meetingKeysOf(files: readonly RecordFile[]): Set<string> {
  const keys = new Set<string>();
  for (const f of files) for (const m of f.meetings ?? []) keys.add(m.key);
  return keys;
}
