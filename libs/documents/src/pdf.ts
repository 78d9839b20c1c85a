/**
 * PDF rendering of a Layout with pdfkit (A4, the standard Helvetica fonts in WinAnsi encoding,
 * which covers æøå and the rest of Norwegian).
 *
 * Deterministic: the metadata dates are fixed from the meeting date, and pdfkit derives the
 * file ID from the metadata, so the same input gives the same bytes. Text wraps inside its
 * column and flows onto new pages; the agenda table breaks between rows and repeats its header.
 * Every page has a footer with the event position and "Side i av n"; a draft has an "UTKAST"
 * watermark on every page.
 */
import PDFDocument from 'pdfkit';
import type { Block, Layout } from './layout.js';
import { LABELS } from './layout.js';
import { paragraphs } from './text.js';

type Doc = InstanceType<typeof PDFDocument>;

const MARGIN = { top: 56, bottom: 64, left: 62, right: 62 };
const FONT = { regular: 'Helvetica', bold: 'Helvetica-Bold', italic: 'Helvetica-Oblique' };
const SIZE = { title: 16, subtitle: 10, body: 10, h2: 12.5, h3: 11, table: 9.5, footer: 8 };
const AGENDA_TITLE_MAX = 600;
const COLOR = { text: '#111111', muted: '#555555', rule: '#999999', fill: '#e8e8e8', draft: '#b00000' };

/** WinAnsi extras above U+00FF (pdfkit's map for the standard fonts). */
const WIN_ANSI_EXTRA = new Set([
  0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017d, 0x017e, 0x0192, 0x02c6, 0x02dc, 0x2013, 0x2014,
  0x2018, 0x2019, 0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039,
  0x203a, 0x20ac, 0x2122,
]);
const SUBSTITUTES: Record<number, string> = {
  0x2010: '-', 0x2011: '-', 0x2012: '-', 0x2015: '-', 0x2212: '-', 0x2032: "'", 0x2033: '"',
  0x2192: '->', 0x2190: '<-', 0x2264: '<=', 0x2265: '>=', 0x2260: '!=', 0x00ad: '',
};

/**
 * Make a text safe for a standard (WinAnsi) font: what the font has is kept (all of Latin-1,
 * so æøåÆØÅ, é, ü, and the typographic dashes, quotes and bullets), a few look-alikes are
 * substituted, any other character becomes "?" rather than a wrong glyph.
 */
export function toWinAnsi(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || WIN_ANSI_EXTRA.has(cp)) out += ch;
    else if (cp in SUBSTITUTES) out += SUBSTITUTES[cp];
    else if (/\s/u.test(ch)) out += ' ';
    else out += '?';
  }
  return out;
}

class Writer {
  readonly left: number;
  readonly width: number;
  constructor(readonly doc: Doc) {
    this.left = MARGIN.left;
    this.width = doc.page.width - MARGIN.left - MARGIN.right;
  }

  get bottom(): number {
    return this.doc.page.height - MARGIN.bottom;
  }

  /** Start a new page unless `height` more points fit on this one. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  font(name: string, size: number, color = COLOR.text): this {
    this.doc.font(name).fontSize(size).fillColor(color);
    return this;
  }

  heightOf(text: string, width: number, opts: PDFKit.Mixins.TextOptions = {}): number {
    return this.doc.heightOfString(toWinAnsi(text), { width, ...opts });
  }

  /** Running text at x within width; pdfkit wraps and continues on the next page. */
  text(text: string, x: number, width: number, opts: PDFKit.Mixins.TextOptions = {}): void {
    this.doc.text(toWinAnsi(text), x, this.doc.y, { width, ...opts });
  }

  gap(points: number): void {
    this.doc.y += points;
  }

  paragraphs(text: string, x: number, width: number): void {
    for (const p of paragraphs(text)) {
      this.ensure(this.doc.currentLineHeight(true) * 2);
      this.text(p.join('\n'), x, width, { lineGap: 1.5 });
      this.gap(4);
    }
  }
}

function title(w: Writer, l: Layout): void {
  const { doc } = w;
  w.font(FONT.bold, SIZE.title).text(l.title, w.left, w.width);
  w.gap(2);
  w.font(FONT.regular, SIZE.subtitle, COLOR.muted).text(l.subtitle, w.left, w.width);
  w.gap(6);
  if (l.status) {
    if (l.draft) {
      const label = toWinAnsi(`${LABELS.draft.toUpperCase()}: ${l.status}`);
      w.font(FONT.bold, SIZE.body, COLOR.draft);
      const tw = doc.widthOfString(label) + 12;
      const th = doc.currentLineHeight() + 8;
      doc.save().lineWidth(1.2).strokeColor(COLOR.draft).rect(w.left, doc.y, tw, th).stroke().restore();
      doc.text(label, w.left + 6, doc.y + 4, { lineBreak: false });
      doc.y += th - 4;
      doc.x = w.left;
    } else {
      w.font(FONT.italic, SIZE.body).text(l.status, w.left, w.width);
    }
    w.gap(8);
  }
}

function header(w: Writer, l: Layout): void {
  const { doc } = w;
  const labelWidth = 118;
  const valueX = w.left + labelWidth;
  const valueWidth = w.width - labelWidth;
  doc.save().lineWidth(0.8).strokeColor(COLOR.rule).moveTo(w.left, doc.y).lineTo(w.left + w.width, doc.y).stroke().restore();
  w.gap(6);
  for (const row of l.header) {
    const label = row.sublabel ? `${row.label}\n(${row.sublabel})` : row.label;
    w.font(FONT.regular, SIZE.body);
    const first = row.lines[0] ?? '';
    w.ensure(Math.max(w.heightOf(label, labelWidth - 8), w.heightOf(first, valueWidth)) + 2);
    const top = doc.y;
    const page = doc.bufferedPageRange().count;
    w.font(FONT.bold, SIZE.body).text(label, w.left, labelWidth - 8);
    const afterLabel = doc.y;
    doc.y = top;
    w.font(FONT.regular, SIZE.body);
    for (const line of row.lines) {
      w.ensure(w.heightOf(line, valueWidth));
      w.text(line, valueX, valueWidth);
    }
    // a short value beside a two-line label: continue below the label
    if (doc.bufferedPageRange().count === page) doc.y = Math.max(doc.y, afterLabel);
    w.gap(5);
  }
  doc.save().lineWidth(0.8).strokeColor(COLOR.rule).moveTo(w.left, doc.y).lineTo(w.left + w.width, doc.y).stroke().restore();
  w.gap(12);
}

function agenda(w: Writer, l: Layout): void {
  const { doc } = w;
  const pad = 4;
  const cols = [
    { label: LABELS.number, width: 52 },
    { label: LABELS.topic, width: w.width - 52 - 86 },
    { label: LABELS.type, width: 86 },
  ];
  const rowHeight = (cells: string[], font: string): number => {
    w.font(font, SIZE.table);
    return Math.max(...cells.map((c, i) => w.heightOf(c, cols[i].width - 2 * pad))) + 2 * pad;
  };
  const drawRow = (cells: string[], font: string, fill: boolean): void => {
    const h = rowHeight(cells, font);
    const top = doc.y;
    if (fill) doc.save().rect(w.left, top, w.width, h).fill(COLOR.fill).restore();
    let x = w.left;
    w.font(font, SIZE.table);
    cells.forEach((c, i) => {
      doc.text(toWinAnsi(c), x + pad, top + pad, { width: cols[i].width - 2 * pad });
      x += cols[i].width;
    });
    doc.save().lineWidth(0.5).strokeColor(COLOR.rule).moveTo(w.left, top + h).lineTo(w.left + w.width, top + h).stroke().restore();
    doc.y = top + h;
    doc.x = w.left;
  };
  const head = cols.map((c) => c.label);
  const headHeight = rowHeight(head, FONT.bold);

  w.font(FONT.bold, SIZE.h2);
  w.ensure(w.heightOf(LABELS.agenda, w.width) + headHeight * 2 + 8);
  w.text(LABELS.agenda, w.left, w.width);
  w.gap(4);
  drawRow(head, FONT.bold, true);
  for (const r of l.agenda) {
    // a cell never outgrows a page: an absurdly long title is cut here (its section heading keeps it whole)
    const cells = [r.number, r.title.length > AGENDA_TITLE_MAX ? `${r.title.slice(0, AGENDA_TITLE_MAX - 1)}…` : r.title, r.type];
    if (doc.y + rowHeight(cells, FONT.regular) > w.bottom) {
      doc.addPage();
      drawRow(head, FONT.bold, true);
    }
    drawRow(cells, FONT.regular, false);
  }
  w.gap(16);
}

function block(w: Writer, b: Block): void {
  const { doc } = w;
  const indent = 14;
  switch (b.kind) {
    case 'mark': {
      w.gap(3);
      w.font(FONT.italic, SIZE.body);
      w.ensure(doc.currentLineHeight(true) * 2);
      const text = b.text !== undefined ? paragraphs(b.text).map((p) => p.join('\n')).join('\n\n') : '';
      if (text === '') {
        w.text(b.label, w.left, w.width);
      } else {
        doc.text(toWinAnsi(`${b.label}: `), w.left, doc.y, { width: w.width, continued: true });
        w.font(FONT.regular, SIZE.body).doc.text(toWinAnsi(text), { lineGap: 1.5 });
      }
      w.gap(4);
      return;
    }
    case 'fact': {
      w.font(FONT.bold, SIZE.body);
      w.ensure(doc.currentLineHeight(true));
      doc.text(toWinAnsi(`${b.label}: `), w.left, doc.y, { width: w.width, continued: true });
      w.font(FONT.regular, SIZE.body).doc.text(toWinAnsi(b.text));
      w.gap(2);
      return;
    }
    case 'text': {
      w.gap(3);
      if (b.label) {
        w.font(FONT.bold, SIZE.body);
        w.ensure(doc.currentLineHeight(true) * 3);
        w.text(`${b.label}:`, w.left, w.width);
        w.gap(2);
      }
      w.font(FONT.regular, SIZE.body).paragraphs(b.text, w.left, w.width);
      return;
    }
    case 'list': {
      w.gap(3);
      w.font(FONT.bold, SIZE.body);
      w.ensure(doc.currentLineHeight(true) * 3);
      w.text(`${b.label}:`, w.left, w.width);
      w.gap(2);
      w.font(FONT.regular, SIZE.body);
      for (const item of b.items) {
        w.ensure(doc.currentLineHeight(true) * 2);
        const top = doc.y;
        doc.text('\u2022', w.left + 4, top, { lineBreak: false });
        doc.y = top;
        w.paragraphs(item, w.left + indent, w.width - indent);
      }
      return;
    }
    case 'resolution': {
      w.gap(3);
      w.font(FONT.bold, SIZE.body);
      const text = paragraphs(b.text).map((p) => p.join('\n')).join('\n\n');
      const labelHeight = doc.currentLineHeight(true) + 2;
      w.font(FONT.regular, SIZE.body);
      const h = w.heightOf(text, w.width - indent, { lineGap: 1.5 }) + 8;
      const usable = doc.page.height - MARGIN.top - MARGIN.bottom;
      w.ensure(Math.min(labelHeight + h, usable));
      w.font(FONT.bold, SIZE.body).text(`${b.label}:`, w.left, w.width);
      w.gap(2);
      const top = doc.y;
      if (top + h <= w.bottom) {
        doc.save().rect(w.left, top, w.width, h).fill('#f2f2f2').restore();
        doc.save().rect(w.left, top, 2.5, h).fill('#555555').restore();
      }
      doc.y = top + 4;
      w.font(FONT.regular, SIZE.body).text(text, w.left + indent, w.width - indent - 6, { lineGap: 1.5 });
      doc.y = Math.max(doc.y, top + h);
      w.gap(6);
      return;
    }
  }
}

function cases(w: Writer, l: Layout): void {
  const { doc } = w;
  w.font(FONT.bold, SIZE.h2);
  w.ensure(80);
  w.text(LABELS.cases, w.left, w.width);
  w.gap(2);
  doc.save().lineWidth(0.8).strokeColor(COLOR.rule).moveTo(w.left, doc.y).lineTo(w.left + w.width, doc.y).stroke().restore();
  w.gap(8);
  for (const c of l.cases) {
    const heading = [c.number, c.title].filter((s) => s !== '').join('  ');
    w.font(FONT.bold, SIZE.h3);
    // keep the heading with the start of its text
    w.ensure(w.heightOf(heading, w.width) + 48);
    w.text(heading, w.left, w.width);
    w.gap(4);
    for (const b of c.blocks) block(w, b);
    w.gap(10);
  }
}

function decoratePages(doc: Doc, l: Layout): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing below the bottom margin would make pdfkit add a page: lift the margin while decorating.
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const { width, height } = doc.page;
    if (l.draft) {
      doc.save();
      doc.rotate(-35, { origin: [width / 2, height / 2] });
      doc.font(FONT.bold).fontSize(110).fillColor(COLOR.draft).fillOpacity(0.09);
      doc.text(LABELS.draft.toUpperCase(), 0, height / 2 - 55, { width, align: 'center', lineBreak: false });
      doc.restore();
    }
    const y = height - MARGIN.bottom + 24;
    doc.save().lineWidth(0.5).strokeColor(COLOR.rule).moveTo(MARGIN.left, y - 6).lineTo(width - MARGIN.right, y - 6).stroke().restore();
    doc.font(FONT.regular).fontSize(SIZE.footer).fillColor(COLOR.muted).fillOpacity(1);
    const leftWidth = width - MARGIN.left - MARGIN.right - 70;
    const full = toWinAnsi(`${l.meta.title}. ${l.provenance}`);
    // the provenance line always fits; the title goes first when the committee's name is long
    const left = doc.widthOfString(full) <= leftWidth ? full : toWinAnsi(l.provenance);
    // a provenance with its checksum may be wider than the footer: smaller, never cut
    const wide = doc.widthOfString(left);
    if (wide > leftWidth) doc.fontSize((SIZE.footer * leftWidth) / wide);
    const right = `${LABELS.page} ${i - range.start + 1} ${LABELS.of} ${range.count}`;
    doc.text(left, MARGIN.left, y, { width: leftWidth, lineBreak: false });
    doc.fontSize(SIZE.footer);
    doc.text(right, width - MARGIN.right - 70, y, { width: 70, align: 'right', lineBreak: false });
    doc.page.margins.bottom = saved;
  }
}

/** Render a layout to PDF bytes. */
export function layoutToPdf(l: Layout): Promise<Buffer> {
  const date = new Date(`${l.meta.date}T00:00:00Z`);
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    lang: 'nb-NO',
    displayTitle: true,
    info: {
      Title: l.meta.title,
      Subject: l.meta.subject,
      Author: 'Saksflyt',
      Creator: 'Saksflyt',
      Producer: 'Saksflyt (pdfkit)',
      CreationDate: date,
      ModDate: date,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  try {
    const w = new Writer(doc);
    title(w, l);
    header(w, l);
    agenda(w, l);
    cases(w, l);
    w.font(FONT.italic, SIZE.body, COLOR.muted);
    w.ensure(20);
    w.text(l.provenance, w.left, w.width);
    decoratePages(doc, l);
    doc.end();
  } catch (err) {
    doc.end();
    return Promise.reject(err);
  }
  return done;
}
