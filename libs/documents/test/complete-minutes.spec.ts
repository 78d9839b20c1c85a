/**
 * Complete minutes (API.md "What the minutes and the register hold"): a case postponed after notice
 * keeps its number and place with *Utsatt*, the reason and the discussion recorded before; a case
 * withdrawn after notice has its number and the reason; a referral reads *Oversendt til NUIT*; the
 * approved minutes say on which day they were approved. Markdown, HTML and the PDF read back with
 * pdf.js, all from one input (the real NEHS 8/2018 minutes with three of its cases handled so).
 */
import { renderMinutesHtml, renderMinutesMarkdown, renderMinutesPdf, type MinutesDocument } from '@saksflyt/documents';
import { minutes8of2018 } from './nehs-samples.js';
import { flat, pdfText } from './pdf-text.js';

const POSTPONED = 'Saken utsettes til neste møte; planen må forankres i RHF-ene først.';
const WITHDRAWN = 'KS trakk saken før møtet.';

function complete(): MinutesDocument {
  const doc = minutes8of2018();
  return {
    ...doc,
    approvedOn: '2019-02-15',
    cases: doc.cases.map((c) => {
      if (c.number === '52/18') return { ...c, referrals: [{ committee: 'NUIT', committeeName: 'Prioriteringsutvalget' }] };
      if (c.number === '53/18') return { ...c, resolution: null, postponed: { reason: POSTPONED } };
      if (c.number === '54/18') return { ...c, presenter: null, summary: null, points: [], resolution: null, followUps: [], withdrawn: { reason: WITHDRAWN } };
      return c;
    }),
  };
}

/** The text from one case heading to the next. */
function section(text: string, from: string, to: string): string {
  const a = text.indexOf(from);
  const b = text.indexOf(to, a + from.length);
  expect(a).toBeGreaterThan(-1);
  expect(b).toBeGreaterThan(a);
  return text.slice(a, b);
}

describe('complete minutes: postponed, withdrawn and referred cases keep their number and place', () => {
  const doc = complete();
  const summary53 = doc.cases.find((c) => c.number === '53/18')!.summary!;

  it('Markdown: 53/18 with its discussion and *Utsatt:* reason, 54/18 *Trukket:* reason, 52/18 *Oversendt til NUIT*', () => {
    const md = renderMinutesMarkdown(doc);
    // every number of the agenda has its section, in order: no hole
    let at = 0;
    for (let n = 47; n <= 57; n++) {
      const i = md.indexOf(`### ${n}/18 `, at);
      expect(i).toBeGreaterThan(at);
      at = i;
    }
    const s53 = section(md, '### 53/18 ', '### 54/18 ');
    expect(s53).toContain('Presentert av: Vidar Mikkelsen, Direktoratet for e-helse');
    expect(s53).toContain(summary53.split('\n')[0]!.slice(0, 40));
    expect(s53).toContain(`*Utsatt:* ${POSTPONED}`);
    expect(s53).not.toContain('**Vedtak:**');
    const s54 = section(md, '### 54/18 ', '### 55/18 ');
    expect(s54).toContain(`*Trukket:* ${WITHDRAWN}`);
    expect(s54).not.toContain('Vedtak');
    const s52 = section(md, '### 52/18 ', '### 53/18 ');
    expect(s52).toContain('**Vedtak:**');
    expect(s52).toContain('*Oversendt til NUIT (Prioriteringsutvalget)*');
    expect(s52.indexOf('**Vedtak:**')).toBeLessThan(s52.indexOf('*Oversendt til NUIT'));
    // the agenda table lists them too
    expect(md).toContain('| 53/18 | Plan for utvikling av felles grunnmur | Orientering |');
    expect(md).toContain('*Godkjent referat. Godkjent i møtet 15. februar 2019.*');
  });

  it('HTML: the same markings, escaped, in their sections', () => {
    const html = renderMinutesHtml(doc);
    const s53 = section(html, '<h3>53/18 ', '<h3>54/18 ');
    expect(s53).toContain(`<div class="mark"><p><em>Utsatt:</em> ${POSTPONED}</p></div>`);
    expect(s53).toContain('Vidar Mikkelsen');
    expect(s53).not.toContain('<div class="resolution">');
    expect(section(html, '<h3>54/18 ', '<h3>55/18 ')).toContain(`<em>Trukket:</em> ${WITHDRAWN}`);
    expect(section(html, '<h3>52/18 ', '<h3>53/18 ')).toContain('<p class="mark"><em>Oversendt til NUIT (Prioriteringsutvalget)</em></p>');
    expect(html).toContain('<p class="status">Godkjent referat. Godkjent i møtet 15. februar 2019.</p>');
  });

  it('PDF (pdf.js): the sections in order with Utsatt, Trukket and Oversendt til, and the approval date', async () => {
    const t = await pdfText(await renderMinutesPdf({ ...doc, builtAtPosition: 4711 }));
    const all = flat(t.pages.join('\n'));
    const cases = all.slice(all.indexOf('Saker', all.indexOf('56/18')));
    let at = 0;
    for (let n = 47; n <= 57; n++) {
      const i = cases.indexOf(`${n}/18`, at);
      expect(i).toBeGreaterThanOrEqual(at);
      at = i;
    }
    const s53 = section(cases, '53/18', '54/18');
    expect(s53).toContain(flat(`Utsatt: ${POSTPONED}`));
    expect(s53).toContain('Vidar Mikkelsen');
    expect(s53).not.toContain('Vedtak:');
    expect(section(cases, '54/18', '55/18')).toContain(flat(`Trukket: ${WITHDRAWN}`));
    expect(section(cases, '52/18', '53/18')).toContain('Oversendt til NUIT (Prioriteringsutvalget)');
    expect(flat(t.pages[0]!)).toContain('Godkjent referat. Godkjent i møtet 15. februar 2019.');
  });

  it('without the new fields the minutes read as before (a decided case has no marking)', () => {
    const md = renderMinutesMarkdown(minutes8of2018());
    expect(md).not.toMatch(/\*(Utsatt|Trukket|Oversendt til)/);
    expect(md).toContain('*Godkjent referat.*');
  });
});
