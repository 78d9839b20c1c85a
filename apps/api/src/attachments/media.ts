/**
 * Which files an attachment may be, and the check of the declared `Content-Type` against the
 * bytes. Binary types are sniffed by `file-type` (a maintained signature library, not a table of
 * our own): the bytes must be what the header says, so a `application/pdf` whose bytes are an
 * executable is refused (415, as any body the route does not take). Text types have no magic
 * number; their rule: valid UTF-8, no NUL byte, and no binary signature the sniffer knows.
 */
import { fileTypeFromFile } from 'file-type';

/** Declared type → the types the sniffer may report for it (empty: a text type, the text rule). */
export const ATTACHMENT_TYPES: Readonly<Record<string, readonly string[]>> = {
  'application/pdf': ['application/pdf'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['application/vnd.openxmlformats-officedocument.presentationml.presentation'],
  // the binary Office formats are Compound File containers: that is as far as a signature tells
  'application/msword': ['application/x-cfb'],
  'application/vnd.ms-excel': ['application/x-cfb'],
  'application/vnd.ms-powerpoint': ['application/x-cfb'],
  'application/vnd.oasis.opendocument.text': ['application/vnd.oasis.opendocument.text'],
  'application/vnd.oasis.opendocument.spreadsheet': ['application/vnd.oasis.opendocument.spreadsheet'],
  'application/vnd.oasis.opendocument.presentation': ['application/vnd.oasis.opendocument.presentation'],
  'image/png': ['image/png'],
  'image/jpeg': ['image/jpeg'],
  'image/gif': ['image/gif'],
  'image/webp': ['image/webp'],
  'image/tiff': ['image/tiff'],
  'text/plain': [],
  'text/csv': [],
  'text/markdown': [],
};

export const TEXT_TYPES: ReadonlySet<string> = new Set(Object.entries(ATTACHMENT_TYPES).filter(([, v]) => v.length === 0).map(([k]) => k));

/** The media type of a Content-Type header (lower case, no parameters); null when none or not taken. A text type's charset must be UTF-8. */
export function declaredType(header: string | undefined): { type: string } | { refused: string } {
  const raw = (header ?? '').trim();
  if (!raw) return { refused: 'Send the file with its Content-Type (PDF, Office documents, images, text).' };
  const [mime, ...params] = raw.split(';').map((x) => x.trim());
  const type = mime!.toLowerCase();
  if (!(type in ATTACHMENT_TYPES)) return { refused: `An attachment cannot be ${type}: accepted are ${Object.keys(ATTACHMENT_TYPES).join(', ')}.` };
  const charset = params.map((p) => /^charset\s*=\s*"?([^";]+)"?$/i.exec(p)?.[1]?.toLowerCase()).find((x) => x !== undefined);
  if (TEXT_TYPES.has(type) && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return { refused: `A text attachment must be UTF-8, not ${charset}.` };
  return { type };
}

/** null when the bytes are what `type` says; else why not (the 415 detail). */
export async function mismatch(type: string, file: string, text: { utf8: boolean; nul: boolean }): Promise<string | null> {
  const sniffed = await fileTypeFromFile(file);
  const expected = ATTACHMENT_TYPES[type] ?? [];
  if (TEXT_TYPES.has(type)) {
    if (sniffed) return `The bytes are ${sniffed.mime} (.${sniffed.ext}), not ${type}.`;
    if (!text.utf8) return `The bytes are not valid UTF-8, so not ${type}.`;
    if (text.nul) return `The bytes hold a NUL byte, so they are not ${type}.`;
    return null;
  }
  if (!sniffed) return `The bytes are not ${type} (no known file signature).`;
  if (!expected.includes(sniffed.mime)) return `The bytes are ${sniffed.mime} (.${sniffed.ext}), not ${type}.`;
  return null;
}
