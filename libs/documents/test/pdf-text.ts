/**
 * Text of a PDF, page by page, read with Mozilla's pdf.js (pdfjs-dist, legacy Node build): an
 * independent parser, so a PDF that pdfkit wrote wrongly fails to open here.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfItem {
  page: number;
  str: string;
  /** Baseline origin in PDF points, from the page's bottom-left corner. */
  x: number;
  y: number;
  width: number;
  /** false for rotated text (the draft watermark). */
  upright: boolean;
}

export interface PdfText {
  pages: string[];
  items: PdfItem[];
  pageSize: { width: number; height: number }[];
  info: Record<string, unknown>;
}

export async function pdfText(bytes: Buffer): Promise<PdfText> {
  const task = getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 });
  const pdf = await task.promise;
  try {
    const pages: string[] = [];
    const items: PdfItem[] = [];
    const pageSize: { width: number; height: number }[] = [];
    for (let i = 1; i <= pdf.numPages; i++) {
      const page = await pdf.getPage(i);
      const [x0, y0, x1, y1] = page.view;
      pageSize.push({ width: x1 - x0, height: y1 - y0 });
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str;
        text += item.hasEOL ? '\n' : '';
        if (item.str.trim() !== '') {
          const [a, b, , , e, f] = item.transform as number[];
          items.push({ page: i, str: item.str, x: e, y: f, width: item.width, upright: Math.abs(b) < 1e-6 && a > 0 });
        }
      }
      pages.push(text);
    }
    const meta = await pdf.getMetadata();
    return { pages, items, pageSize, info: (meta.info ?? {}) as Record<string, unknown> };
  } finally {
    await task.destroy();
  }
}

/**
 * Text for matching: whitespace collapsed, and a space after a hyphen dropped on both sides of
 * a comparison (pdfkit may wrap a line after the hyphen in "e-helse").
 */
export function flat(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/- /g, '-').trim();
}
