/** `Accept` negotiation for the meeting documents: JSON (default), Markdown, HTML or PDF. */
export type DocFormat = 'json' | 'markdown' | 'html' | 'pdf';

const TYPES: Array<[DocFormat, string]> = [
  ['json', 'application/json'],
  ['html', 'text/html'],
  ['markdown', 'text/markdown'],
  ['pdf', 'application/pdf'],
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
 * The best format for an `Accept` header; JSON when absent or only wildcards; null when the
 * header accepts none of the four (406). Ties: the most specific range wins, then JSON, HTML,
 * Markdown, PDF.
 */
export function negotiate(accept: string | string[] | undefined): DocFormat | null {
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (!header || !header.trim()) return 'json';
  const ranges = parse(header);
  if (ranges.length === 0) return 'json';
  let best: { format: DocFormat; q: number; specificity: number; order: number } | null = null;
  TYPES.forEach(([format, media], order) => {
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
  return best ? (best as { format: DocFormat }).format : null;
}
