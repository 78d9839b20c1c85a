/** Text helpers shared by the renderers: normalisation, Norwegian dates and times, labels. */
import type { CaseType, StandardItem } from './model.js';

/** Sakstype as the records write it. */
export const CASE_TYPE_LABELS: Readonly<Record<CaseType, string>> = {
  approval: 'Godkjenning',
  orientation: 'Orientering',
  endorsement: 'Tilslutning',
  discussion: 'Drøfting',
};

/** The Sakstype cell: blank for *Eventuelt*, as in the records. */
export function caseTypeLabel(type: CaseType, standardItem?: StandardItem | null): string {
  if (standardItem === 'any-other-business') return '';
  return CASE_TYPE_LABELS[type] ?? String(type);
}

const MONTHS = [
  'januar', 'februar', 'mars', 'april', 'mai', 'juni',
  'juli', 'august', 'september', 'oktober', 'november', 'desember',
];

/** "2018-12-06" → "6. desember 2018". Anything else is returned as given (cleaned). */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso ?? '');
  if (!m) return clean(iso ?? '');
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return clean(iso);
  return `${day}. ${MONTHS[month - 1]} ${m[1]}`;
}

function formatClock(t: string): string {
  const m = /^(\d{1,2})[:.](\d{2})/.exec(t.trim());
  return m ? `${m[1].padStart(2, '0')}.${m[2]}` : clean(t);
}

/** "10:00", "15:00" → "Kl. 10.00–15.00"; empty when no time is known. */
export function formatTime(start?: string | null, end?: string | null): string {
  if (start && end) return `Kl. ${formatClock(start)}–${formatClock(end)}`;
  if (start) return `Kl. ${formatClock(start)}`;
  if (end) return `Til kl. ${formatClock(end)}`;
  return '';
}

/**
 * Deterministic, format-neutral normalisation of a text from the record: Unicode NFC (so a
 * decomposed "å" is one letter), LF line ends, tabs as spaces, control characters removed,
 * trailing spaces on each line and surrounding blank lines trimmed.
 */
export function clean(s: string | null | undefined): string {
  if (s === null || s === undefined) return '';
  return String(s)
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .split('\n')
    .map((l) => l.replace(/\s+$/u, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/** One line: every run of whitespace (line breaks too) becomes a single space. */
export function oneLine(s: string | null | undefined): string {
  return clean(s).replace(/\s+/gu, ' ').trim();
}

/** Paragraphs (split at blank lines), each a list of lines. Empty text → no paragraphs. */
export function paragraphs(s: string | null | undefined): string[][] {
  const c = clean(s);
  if (c.trim() === '') return [];
  return c
    .split(/\n[ \u00A0]*\n+/)
    .map((p) => p.split('\n').map((l) => l.replace(/^ +/, '')).filter((l) => l !== ''))
    .filter((p) => p.length > 0);
}

/** A text is present when it has something besides whitespace. */
export function present(s: string | null | undefined): s is string {
  return typeof s === 'string' && s.trim() !== '';
}
