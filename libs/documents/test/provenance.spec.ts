/**
 * Printed proof in the documents: with the event they were built from and its hash, the minutes and
 * the notice say "Bygget fra hendelse N, sjekksum H." in Markdown, HTML and PDF (the PDF in the body
 * and, whole, in every page's footer); without it, "Bygget fra hendelsesposisjon N." as before.
 */
import { describe, expect, it } from '@jest/globals';
import { provenanceText, renderMinutesHtml, renderMinutesMarkdown, renderMinutesPdf, renderNoticeMarkdown } from '../src/index.js';
import { minutes8of2018, notice1of2019 } from './nehs-samples.js';
import { flat, pdfText } from './pdf-text.js';

const HASH = '3f'.repeat(32);

describe('Bygget fra hendelse N, sjekksum …', () => {
  it('the sentence: with the hash, the event and its checksum; without, the position as before', () => {
    expect(provenanceText({ builtAtPosition: 120n, builtFrom: { position: 118n, hash: HASH } })).toBe(`Bygget fra hendelse 118, sjekksum ${HASH}`);
    expect(provenanceText({ builtAtPosition: 120 })).toBe('Bygget fra hendelsesposisjon 120');
    expect(provenanceText({ builtAtPosition: 120, builtFrom: { position: 118, hash: null } })).toBe('Bygget fra hendelsesposisjon 118');
  });

  it('in the minutes as Markdown and HTML, and in the notice', () => {
    const doc = { ...minutes8of2018(), status: 'approved' as const, builtFrom: { position: 4242, hash: HASH } };
    expect(renderMinutesMarkdown(doc).replace(/\\(.)/g, '$1')).toContain(`Bygget fra hendelse 4242, sjekksum ${HASH}.`);
    expect(renderMinutesHtml(doc)).toContain(`<p class="provenance">Bygget fra hendelse 4242, sjekksum ${HASH}.</p>`);
    expect(renderNoticeMarkdown({ ...notice1of2019(), builtFrom: { position: 77, hash: HASH } }).replace(/\\(.)/g, '$1')).toContain(`Bygget fra hendelse 77, sjekksum ${HASH}.`);
  });

  it('in the PDF: in the body and whole in every page footer', async () => {
    const doc = { ...minutes8of2018(), status: 'approved' as const, builtFrom: { position: 4242, hash: HASH } };
    const text = await pdfText(await renderMinutesPdf(doc));
    expect(text.pages.length).toBeGreaterThan(1);
    for (const page of text.pages) expect(flat(page)).toContain(`Bygget fra hendelse 4242, sjekksum ${HASH}`);
  });
});
