/**
 * `Accept` negotiation: the meeting documents (JSON by default, Markdown, HTML or PDF) and the
 * audit export (JSON by default, or XML).
 */
export type DocFormat = 'json' | 'markdown' | 'html' | 'pdf';

const DOC_TYPES: Array<[DocFormat, string]> = [
  ['json', 'application/json'],
  ['html', 'text/html'],
  ['markdown', 'text/markdown'],
  ['pdf', 'application/pdf'],
];

export type ArchiveFormat = 'json' | 'xml' | 'zip';

const ARCHIVE_TYPES: Array<[ArchiveFormat, string]> = [
  ['json', 'application/json'],
  ['xml', 'application/xml'],
  ['xml', 'text/xml'],
  ['zip', 'application/zip'],
];

interface Range {
  type: string;
  sub: string;
  q: number;
}

function parse(header: string): Range[] {
  const out: Range[] = [];
  for (const part of header.split(',')) {
    const [media, ...params] = part.trim().split(';');
    const m = /^([a-z0-9!#$&^_.+*-]+)\/([a-z0-9!#$&^_.+*-]+)$/i.exec(media?.trim() ?? '');
    if (!m) continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k?.trim().toLowerCase() === 'q') {
        const n = Number(v);
        q = Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
      }
    }
    out.push({ type: m[1]!.toLowerCase(), sub: m[2]!.toLowerCase(), q });
  }
  return out;
}

/**
 * The best document format for an `Accept` header; JSON when absent or only wildcards; null when
 * the header accepts none of the four (406). Ties: the most specific range wins, then JSON, HTML,
 * Markdown, PDF.
 */
export function negotiate(accept: string | string[] | undefined): DocFormat | null {
  return negotiateAmong(accept, DOC_TYPES);
}

/** The audit export's format: JSON (default) or XML (`application/xml`, `text/xml`); null: 406. */
export function negotiateArchive(accept: string | string[] | undefined): ArchiveFormat | null {
  return negotiateAmong(accept, ARCHIVE_TYPES);
}

/** The first of `types` (format, media type) the header prefers; `types[0]` when absent or only wildcards. */
function negotiateAmong<F extends string>(accept: string | string[] | undefined, types: Array<[F, string]>): F | null {
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (!header || !header.trim()) return types[0][0];
  const ranges = parse(header);
  if (ranges.length === 0) return types[0][0];
  let best: { format: F; q: number; specificity: number; order: number } | null = null;
  types.forEach(([format, media], order) => {
    const [type, sub] = media.split('/') as [string, string];
    let q = -1;
    let specificity = -1;
    for (const r of ranges) {
      const s = r.type === type && r.sub === sub ? 2 : r.type === type && r.sub === '*' ? 1 : r.type === '*' && r.sub === '*' ? 0 : -1;
      if (s > specificity) {
        specificity = s;
        q = r.q;
      }
    }
    if (specificity < 0 || q <= 0) return;
    if (!best || q > best.q || (q === best.q && specificity > best.specificity)) best = { format, q, specificity, order };
  });
  return best ? (best as { format: F }).format : null;
}
