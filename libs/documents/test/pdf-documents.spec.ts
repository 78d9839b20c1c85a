/**
 * The PDF documents, read back with pdf.js (an independent parser): they open, carry the case
 * titles, the vedtak and Norwegian letters, stay inside the page, paginate, and are byte-identical
 * for the same input whatever the clock says.
 */
import { jest } from '@jest/globals';
import { renderMinutesPdf, renderNoticePdf, toWinAnsi, type MinutesDocument } from '@saksflyt/documents';
import { minutes8of2018, notice1of2019 } from './nehs-samples.js';
import { flat, pdfText, type PdfText } from './pdf-text.js';

const A4 = { width: 595.28, height: 841.89 };

/** Every upright text item lies inside the page with a margin: nothing overflows. */
function expectInsidePage(t: PdfText): void {
  for (const it of t.items.filter((i) => i.upright)) {
    const where = `page ${it.page}: "${it.str}" at x=${it.x.toFixed(1)} y=${it.y.toFixed(1)} w=${it.width.toFixed(1)}`;
    expect({ where, ok: it.x >= 40 }).toEqual({ where, ok: true });
    expect({ where, ok: it.x + it.width <= A4.width - 40 }).toEqual({ where, ok: true });
    expect({ where, ok: it.y >= 20 && it.y <= A4.height - 30 }).toEqual({ where, ok: true });
  }
}

describe('minutes PDF of NEHS Møte 8/2018', () => {
  let bytes: Buffer;
  let t: PdfText;
  let all: string;
  beforeAll(async () => {
    bytes = await renderMinutesPdf(minutes8of2018());
    t = await pdfText(bytes);
    all = flat(t.pages.join('\n'));
  });

  it('is a PDF that pdf.js opens, A4, with metadata from the input', () => {
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(t.pages.length).toBeGreaterThan(1);
    for (const p of t.pageSize) {
      expect(p.width).toBeCloseTo(A4.width, 1);
      expect(p.height).toBeCloseTo(A4.height, 1);
    }
    expect(t.info.Title).toBe('Referat fra møte i Nasjonalt e-helsestyre 8/2018');
    expect(t.info.Subject).toBe('Bygget fra hendelsesposisjon 1234');
    expect(t.info.CreationDate).toBe('D:20181206000000Z');
  });

  it('has the header block, with æøå intact', () => {
    expect(all).toContain('Referat fra møte i Nasjonalt e-helsestyre');
    for (const s of ['Møte 8/2018', 'Dato 6. desember 2018', 'Tid Kl. 10.00–15.00', 'Sted Radisson Blu Gardermoen']) {
      expect(all).toContain(s);
    }
    for (const s of [
      'Stig Slørdahl (Helse Midt-Norge RHF)',
      'Inger Østensjø (KS)',
      'Camilla Dunsæd (Kristiansand kommune)',
      'Cathrine Lofthus (Helse Sør-Øst RHF)',
      'Benedicte Løseth (Bergen kommune)',
      'Observatører Håkon Grimstad (Norsk Helsenett SF)',
      'Forfall Lars Vorland (Helse Nord RHF)',
      'Fra sekretariatet Karl Vestli',
    ]) {
      expect(all).toContain(flat(s));
    }
  });

  it('has the agenda table in order and every case title, vedtak and follow-up in agenda order', () => {
    const doc = minutes8of2018();
    expect(all).toContain('Sak Tema Sakstype');
    // the agenda rows, in order, on the first page
    const first = flat(t.pages[0]);
    let at = first.indexOf('Sak Tema Sakstype');
    for (const c of doc.cases) {
      const row = flat(`${c.number} ${c.title}`);
      const i = first.indexOf(row, at);
      expect({ row, found: i > at }).toEqual({ row, found: true });
      at = i;
    }
    // the case sections, in order, after the agenda
    let pos = all.indexOf('Saker', all.indexOf('57/18 Eventuelt'));
    expect(pos).toBeGreaterThan(0);
    for (const c of doc.cases) {
      const heading = flat(`${c.number} ${c.title}`);
      const h = all.indexOf(heading, pos);
      expect({ heading, found: h > pos }).toEqual({ heading, found: true });
      pos = h;
      if (c.resolution) {
        const v = all.indexOf(`Vedtak: ${flat(c.resolution)}`, pos);
        expect({ resolution: c.resolution, found: v > pos }).toEqual({ resolution: c.resolution, found: true });
        pos = v;
      }
      for (const f of c.followUps) expect(all.indexOf(flat(f), pos)).toBeGreaterThan(pos);
    }
    expect(all).toContain('Oppfølging: • Direktoratet for e-helse vil oppdatere mandatet.');
    expect(all).toContain(flat('Nasjonalt e-helsestyre tilslutter seg Nasjonal e-helseportefølje 2019 og tar status, risiko og sentrale utfordringer for pågående nasjonal portefølje til orientering.'));
  });

  it('has a footer with the event position and page numbers on every page, and no draft mark', () => {
    t.pages.forEach((p, i) => {
      expect(flat(p)).toContain('Bygget fra hendelsesposisjon 1234.');
      expect(flat(p)).toContain(`Side ${i + 1} av ${t.pages.length}`);
      expect(p).not.toContain('UTKAST');
    });
  });

  it('keeps all text inside the page', () => {
    expectInsidePage(t);
  });

  it('is byte-identical for the same input, whatever the clock says', async () => {
    jest.useFakeTimers({ now: new Date('2031-05-17T12:34:56Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'clearTimeout'] });
    let later: Buffer;
    try {
      expect(new Date().getUTCFullYear()).toBe(2031);
      later = await renderMinutesPdf(minutes8of2018());
    } finally {
      jest.useRealTimers();
    }
    expect(later.equals(bytes)).toBe(true);
    const again = await renderMinutesPdf(minutes8of2018());
    expect(again.equals(bytes)).toBe(true);
    // and a different event position is a different document
    const moved = await renderMinutesPdf({ ...minutes8of2018(), builtAtPosition: 1235 });
    expect(moved.equals(bytes)).toBe(false);
  });
});

describe('draft minutes PDF', () => {
  it('has the UTKAST mark on every page and says so in the title', async () => {
    const draft: MinutesDocument = { ...minutes8of2018(), status: 'draft' };
    const t = await pdfText(await renderMinutesPdf(draft));
    expect(t.info.Title).toBe('Utkast: Referat fra møte i Nasjonalt e-helsestyre 8/2018');
    expect(flat(t.pages[0])).toContain('UTKAST: Referatet er ikke godkjent.');
    t.pages.forEach((p) => {
      const watermark = t.items.filter((i) => i.str === 'UTKAST' && !i.upright);
      expect(watermark.length).toBe(t.pages.length);
      expect(p).toContain('UTKAST');
    });
    expectInsidePage(t);
  });
});

describe('notice PDF of NEHS Møte 1/2019', () => {
  it('has the header, the agenda and every Forslag til vedtak', async () => {
    const doc = notice1of2019();
    const t = await pdfText(await renderNoticePdf(doc));
    const all = flat(t.pages.join('\n'));
    expect(all.startsWith('Innkalling og dagsorden')).toBe(true);
    for (const s of ['Møte 1/2019', 'Dato 15. februar 2019', 'Tid Kl. 10.00–12.00', 'Sted Radisson Blu, Gardermoen', 'Observatører Håkon Grimstad (Norsk Helsenett SF)']) {
      expect(all).toContain(s);
    }
    let pos = all.indexOf('Saker');
    for (const c of doc.cases) {
      const h = all.indexOf(flat(`${c.number} ${c.title}`), pos);
      expect(h).toBeGreaterThan(pos);
      pos = h;
      if (c.proposedResolution) {
        const v = all.indexOf(`Forslag til vedtak: ${flat(c.proposedResolution)}`, pos);
        expect(v).toBeGreaterThan(pos);
        pos = v;
      }
    }
    expect(all).not.toMatch(/UTKAST|Vedtak: /);
    expectInsidePage(t);
  });
});

describe('long documents', () => {
  function long(): MinutesDocument {
    const doc = minutes8of2018();
    const base = doc.cases.slice(2, 10);
    const cases = [];
    for (let i = 0; i < 60; i++) {
      const c = structuredClone(base[i % base.length]);
      c.number = `${i + 1}/18`;
      c.title = `${c.title} – del ${i + 1} (${'Én innbygger – én journal, '.repeat(i % 4)}ærlig, øvrig, åpen)`;
      cases.push(c);
    }
    // one very long discussion, one unbreakable token, one long vedtak
    cases[5].summary = Array.from({ length: 40 }, (_, k) => `Avsnitt ${k + 1}: ${base[1].summary!.replace(/\n/g, ' ')}`).join('\n\n');
    cases[6].title = `Lenke https://ehelse.no/${'a'.repeat(300)} i tittelen`;
    cases[8].title = `Svært lang tittel: ${'Én innbygger – én journal. '.repeat(120)}`;
    cases[7].resolution = Array.from({ length: 30 }, () => base[3].resolution).join(' ');
    doc.cases = cases;
    return doc;
  }

  it('wraps and paginates: the agenda breaks between rows and repeats its header, nothing overflows the page', async () => {
    const doc = long();
    const t = await pdfText(await renderMinutesPdf(doc));
    expect(t.pages.length).toBeGreaterThan(15);
    expectInsidePage(t);
    // 60 agenda rows do not fit on page 1: the table continues with its header on page 2
    const headerPages = t.items.filter((i) => i.str === 'Sakstype' && i.upright).map((i) => i.page);
    expect(headerPages.slice(0, 2)).toEqual([1, 2]);
    const all = flat(t.pages.join('\n'));
    for (const c of doc.cases) expect(all).toContain(flat(`${c.number} ${c.title}`.slice(0, 40)));
    expect(all).toContain('Avsnitt 40:');
    t.pages.forEach((p, i) => expect(flat(p)).toContain(`Side ${i + 1} av ${t.pages.length}`));
  });
});

describe('a long committee name', () => {
  it('keeps the footer inside the page and still states the event position', async () => {
    const doc = minutes8of2018();
    doc.committee.name = 'Nasjonalt utvalg for prioritering av e-helsetiltak, arkitektur og standardisering i helse- og omsorgssektoren';
    const t = await pdfText(await renderMinutesPdf(doc));
    expectInsidePage(t);
    t.pages.forEach((p, i) => {
      expect(flat(p)).toContain('Bygget fra hendelsesposisjon 1234.');
      expect(flat(p)).toContain(`Side ${i + 1} av ${t.pages.length}`);
      // the footer (below the bottom margin) is one line
      const footer = t.items.filter((it) => it.page === i + 1 && it.upright && it.y < 56);
      expect(footer.length).toBeGreaterThanOrEqual(2);
      expect(new Set(footer.map((it) => it.y.toFixed(1))).size).toBe(1);
    });
  });
});

describe('characters outside the standard fonts', () => {
  it('keeps Norwegian letters and WinAnsi punctuation, substitutes look-alikes, never writes a wrong glyph', async () => {
    expect(toWinAnsi('æøå ÆØÅ é ü – — … • € ‘’ “”')).toBe('æøå ÆØÅ é ü – — … • € ‘’ “”');
    expect(toWinAnsi('a\u030A')).toBe('å');
    expect(toWinAnsi('mål → ≥ 2 ✓ 😀')).toBe('mål -> >= 2 ? ?');
    const doc = minutes8of2018();
    doc.cases[2].title = 'Mål → ≥ 2 ✓ for Sør-Øst';
    const t = await pdfText(await renderMinutesPdf(doc));
    expect(flat(t.pages.join('\n'))).toContain('49/18 Mål -> >= 2 ? for Sør-Øst');
  });
});
