/** Markdown (CommonMark + GFM tables) rendering of a Layout. Deterministic: a pure function of its input. */
import type { Block, Layout } from './layout.js';
import { LABELS } from './layout.js';
import { paragraphs } from './text.js';

/**
 * Escape text so that it renders as itself: Markdown punctuation and raw HTML are backslash-escaped,
 * and so is the table pipe. Letters, digits, hyphens and periods inside a line are left alone, so
 * the record's text stays readable in the source.
 */
export function escapeMarkdown(s: string): string {
  return escapeInline(s)
    .replace(/^(\s*)([#+=-])/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2');
}

/** Inline escaping only: Markdown punctuation, raw HTML and the table pipe. */
function escapeInline(s: string): string {
  return s.replace(/[\\`*_[\]<>|&~]/g, (c) => `\\${c}`);
}

/** A table cell: escaped, on one line (line breaks inside a GFM cell would end the row). */
function cell(s: string): string {
  return escapeInline(s.replace(/\s*\n\s*/g, ' ')) || ' ';
}

/** Paragraphs of escaped lines; a line break inside a paragraph is a hard break. */
function textLines(text: string, indent = ''): string[] {
  const out: string[] = [];
  paragraphs(text).forEach((p, i) => {
    if (i > 0) out.push('');
    p.forEach((line, j) => out.push(`${indent}${escapeMarkdown(line)}${j < p.length - 1 ? '  ' : ''}`));
  });
  return out;
}

function listLines(items: readonly string[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    const lines = textLines(item, '  ');
    if (lines.length === 0) continue;
    out.push(`- ${lines[0].slice(2)}`, ...lines.slice(1));
  }
  return out;
}

function blockLines(b: Block): string[] {
  switch (b.kind) {
    case 'fact':
      return [`${escapeMarkdown(b.label)}: ${escapeMarkdown(b.text)}`];
    case 'text':
      return b.label ? [`**${escapeMarkdown(b.label)}:**`, '', ...textLines(b.text)] : textLines(b.text);
    case 'list':
      return [`**${escapeMarkdown(b.label)}:**`, '', ...listLines(b.items)];
    case 'resolution':
      return [`**${escapeMarkdown(b.label)}:**`, '', ...textLines(b.text).map((l) => (l === '' ? '>' : `> ${l}`))];
    case 'mark': {
      const lines = b.text !== undefined ? textLines(b.text) : [];
      if (lines.length === 0) return [`*${escapeMarkdown(b.label)}*`];
      return [`*${escapeMarkdown(b.label)}:* ${lines[0]}`, ...lines.slice(1)];
    }
  }
}

export function layoutToMarkdown(l: Layout): string {
  const out: string[] = [];
  out.push(`# ${escapeMarkdown(l.title)}`, '');
  out.push(escapeMarkdown(l.subtitle), '');
  if (l.draft) out.push(`> **${LABELS.draft.toUpperCase()}**: ${escapeMarkdown(l.status ?? LABELS.draftStatus)}`, '');
  else if (l.status) out.push(`*${escapeMarkdown(l.status)}*`, '');

  out.push('| | |', '|---|---|');
  for (const row of l.header) {
    const label = `**${cell(row.label)}**${row.sublabel ? ` (${cell(row.sublabel)})` : ''}`;
    out.push(`| ${label} | ${row.lines.map(cell).join('<br>') || ' '} |`);
  }
  out.push('');

  out.push(`## ${LABELS.agenda}`, '');
  out.push(`| ${LABELS.number} | ${LABELS.topic} | ${LABELS.type} |`, '|---|---|---|');
  for (const r of l.agenda) out.push(`| ${cell(r.number)} | ${cell(r.title)} | ${cell(r.type)} |`);
  out.push('');

  out.push(`## ${LABELS.cases}`, '');
  for (const c of l.cases) {
    const heading = [c.number, c.title].filter((s) => s !== '').join(' ');
    out.push(`### ${escapeMarkdown(heading)}`, '');
    for (let i = 0; i < c.blocks.length; ) {
      const b = c.blocks[i];
      if (b.kind === 'fact') {
        // consecutive facts form one paragraph, one per line
        const facts: string[] = [];
        for (; i < c.blocks.length && c.blocks[i].kind === 'fact'; i++) facts.push(...blockLines(c.blocks[i]));
        out.push(...facts.map((f, k) => (k < facts.length - 1 ? `${f}  ` : f)), '');
        continue;
      }
      out.push(...blockLines(b), '');
      i++;
    }
  }

  out.push('---', '', `*${escapeMarkdown(l.provenance)}*`, '');
  return out.join('\n');
}
