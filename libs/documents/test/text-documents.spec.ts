/** Markdown and HTML of the real NEHS minutes (Møte 8/2018) and notice (Møte 1/2019). */
import {
  caseTypeLabel,
  formatDate,
  formatTime,
  renderMinutesHtml,
  renderMinutesMarkdown,
  renderNoticeHtml,
  renderNoticeMarkdown,
  type MinutesDocument,
} from '@saksflyt/documents';
import { minutes8of2018, notice1of2019 } from './nehs-samples.js';

const TYPE_LABEL = { approval: 'Godkjenning', orientation: 'Orientering', endorsement: 'Tilslutning', discussion: 'Drøfting' };

/** The agenda rows of a Markdown document: the GFM table under "## Dagsorden". */
function markdownAgenda(md: string): string[][] {
  const section = md.split('## Dagsorden\n\n')[1].split('\n\n')[0];
  const lines = section.split('\n');
  expect(lines[0]).toBe('| Sak | Tema | Sakstype |');
  // split on unescaped pipes only
  return lines.slice(2).map((l) => l.slice(2, -2).split(/ (?<!\\)\| /).map((c) => c.trim()));
}

function htmlAgenda(html: string): string[][] {
  const table = /<table class="agenda">([\s\S]*?)<\/table>/.exec(html)![1];
  expect(table).toContain('<th scope="col">Sak</th><th scope="col">Tema</th><th scope="col">Sakstype</th>');
  return [...table.matchAll(/<tr><td class="number">(.*?)<\/td><td class="title">(.*?)<\/td><td class="type">(.*?)<\/td><\/tr>/g)].map(
    (m) => [m[1], m[2], m[3]],
  );
}

/** The text of each case section, keyed by its number, in document order. */
function sections(text: string, headingPrefix: string, numbers: string[]): string[] {
  const starts = numbers.map((n) => text.indexOf(`${headingPrefix}${n} `));
  starts.forEach((s, i) => {
    expect(s).toBeGreaterThan(-1);
    if (i > 0) expect(s).toBeGreaterThan(starts[i - 1]);
  });
  return starts.map((s, i) => text.slice(s, i + 1 < starts.length ? starts[i + 1] : undefined));
}

describe('labels', () => {
  it('writes dates, times and Sakstype as the records do', () => {
    expect(formatDate('2018-12-06')).toBe('6. desember 2018');
    expect(formatDate('2019-02-15')).toBe('15. februar 2019');
    expect(formatTime('10:00', '15:00')).toBe('Kl. 10.00–15.00');
    expect(formatTime('9:30', null)).toBe('Kl. 09.30');
    expect(formatTime(null, null)).toBe('');
    expect(caseTypeLabel('discussion')).toBe('Drøfting');
    expect(caseTypeLabel('orientation', 'any-other-business')).toBe('');
    expect(caseTypeLabel('approval', 'notice-approval')).toBe('Godkjenning');
  });
});

describe('minutes of NEHS Møte 8/2018', () => {
  const doc = minutes8of2018();
  const md = renderMinutesMarkdown(doc);
  const html = renderMinutesHtml(doc);

  it('Markdown has the header block of the record', () => {
    expect(md.startsWith('# Referat fra møte i Nasjonalt e-helsestyre\n')).toBe(true);
    expect(md).toContain('| **Møte** | 8/2018 |');
    expect(md).toContain('| **Dato** | 6. desember 2018 |');
    expect(md).toContain('| **Tid** | Kl. 10.00–15.00 |');
    expect(md).toContain('| **Sted** | Radisson Blu Gardermoen |');
    const members = /\| \*\*Medlemmer\*\* \(til stede\) \| (.*) \|/.exec(md)![1].split('<br>');
    expect(members).toHaveLength(15);
    expect(members[0]).toBe('Christine Bergland (Direktoratet for e-helse)');
    expect(members).toContain('Gunn-Peggy S. Knudsen (Folkehelseinstituttet)');
    expect(md).toContain('| **Forfall** | Lars Vorland (Helse Nord RHF)<br>Cathrine Lofthus (Helse Sør-Øst RHF) |');
    expect(md).toContain('| **Observatører** | Håkon Grimstad (Norsk Helsenett SF) |');
    expect(md).toMatch(/\| \*\*Fra sekretariatet\*\* \| Karl Vestli<br>Bodil Rabben<br>/);
    expect(md).toContain('Godkjent referat.');
    expect(md).not.toMatch(/utkast/i);
  });

  it('Markdown agenda lists every case in agenda order, Eventuelt without Sakstype', () => {
    const rows = markdownAgenda(md);
    expect(rows).toEqual(
      doc.cases.map((c) => [c.number, c.title, c.standardItem === 'any-other-business' ? '' : TYPE_LABEL[c.type]]),
    );
    expect(rows.map((r) => r[0])).toEqual(['47/18', '48/18', '49/18', '50/18', '51/18', '52/18', '53/18', '54/18', '55/18', '56/18', '57/18']);
    expect(rows[10]).toEqual(['57/18', 'Eventuelt', '']);
  });

  it('Markdown has each case with its presenter, points, Vedtak and Oppfølging, in agenda order', () => {
    const parts = sections(md, '### ', doc.cases.map((c) => c.number!));
    doc.cases.forEach((c, i) => {
      const part = parts[i];
      expect(part.startsWith(`### ${c.number} ${c.title}\n`)).toBe(true);
      if (c.resolution) expect(part).toContain(`**Vedtak:**\n\n> ${c.resolution}\n`);
      else expect(part).not.toContain('Vedtak');
      if (c.presenter) expect(part).toContain(`Presentert av: ${c.presenter}`);
      for (const p of c.points) expect(part).toContain(`- ${p}`);
      if (c.followUps.length) expect(part).toContain('**Oppfølging:**');
      for (const f of c.followUps) expect(part).toContain(`- ${f}`);
    });
    // the verbatim vedtak of 51/18 and 52/18
    expect(parts[4]).toContain(
      '> Nasjonalt e-helsestyre gir sin tilslutning til oppdatert Nasjonal e-helsestrategi 2017-2022 og Strategisk plan for e-helse 2019-2022 med forbehold om at innspillene fra møtet innarbeides.',
    );
    expect(parts[5]).toContain(
      '> Nasjonalt e-helsestyre tilslutter seg Nasjonal e-helseportefølje 2019 og tar status, risiko og sentrale utfordringer for pågående nasjonal portefølje til orientering.',
    );
  });

  it('states the event position it was built from', () => {
    expect(md).toContain('Bygget fra hendelsesposisjon 1234.');
    expect(html).toContain('Bygget fra hendelsesposisjon 1234.');
    const later = { ...minutes8of2018(), builtAtPosition: 1240 };
    expect(renderMinutesMarkdown(later)).toContain('Bygget fra hendelsesposisjon 1240.');
  });

  it('HTML is a Norwegian page with a styled header table and an agenda <table>', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="nb">\n<head><meta charset="utf-8">')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).toContain('<h1>Referat fra møte i Nasjonalt e-helsestyre</h1>');
    expect(html).toContain('<tr><th scope="row">Møte</th><td><div>8/2018</div></td></tr>');
    expect(html).toContain('<tr><th scope="row">Dato</th><td><div>6. desember 2018</div></td></tr>');
    expect(html).toContain('<tr><th scope="row">Tid</th><td><div>Kl. 10.00–15.00</div></td></tr>');
    expect(html).toContain('<tr><th scope="row">Sted</th><td><div>Radisson Blu Gardermoen</div></td></tr>');
    expect(html).toContain('<th scope="row">Forfall</th><td><div>Lars Vorland (Helse Nord RHF)</div><div>Cathrine Lofthus (Helse Sør-Øst RHF)</div></td>');
    expect(html).toContain('<th scope="row">Observatører</th><td><div>Håkon Grimstad (Norsk Helsenett SF)</div></td>');
    expect(htmlAgenda(html)).toEqual(
      doc.cases.map((c) => [c.number, c.title, c.standardItem === 'any-other-business' ? '' : TYPE_LABEL[c.type]]),
    );
    expect(html).toContain('<body class="final">');
  });

  it('HTML has every Vedtak in agenda order', () => {
    const parts = sections(html, '<h3>', doc.cases.map((c) => c.number!));
    doc.cases.forEach((c, i) => {
      if (c.resolution) expect(parts[i]).toContain(`<p class="label">Vedtak:</p><div class="resolution"><p>${c.resolution}</p></div>`);
      else expect(parts[i]).not.toContain('Vedtak:');
      for (const f of c.followUps) expect(parts[i]).toContain(`<li><p>${f}</p></li>`);
    });
  });

  it('a draft says Utkast in every format', () => {
    const draft: MinutesDocument = { ...minutes8of2018(), status: 'draft' };
    const dmd = renderMinutesMarkdown(draft);
    const dhtml = renderMinutesHtml(draft);
    expect(dmd).toContain('> **UTKAST**: Referatet er ikke godkjent.');
    expect(dmd).not.toContain('Godkjent referat.');
    expect(dhtml).toContain('<body class="draft">');
    expect(dhtml).toContain('<p class="status">Utkast: Referatet er ikke godkjent.</p>');
    expect(dhtml).toMatch(/<title>Utkast: Referat fra møte i Nasjonalt e-helsestyre 8\/2018<\/title>/);
  });

  it('renders are deterministic: same input, byte-identical Markdown and HTML', () => {
    expect(renderMinutesMarkdown(minutes8of2018())).toBe(md);
    expect(renderMinutesHtml(minutes8of2018())).toBe(html);
    // decomposed letters (NFD) and CRLF line ends give the same document as NFC and LF
    const variant = minutes8of2018();
    variant.cases[2].summary = variant.cases[2].summary!.normalize('NFD');
    variant.cases[0].resolution = `${variant.cases[0].resolution}  \r\n`;
    variant.attendance.present = variant.attendance.present.map((n) => n.normalize('NFD'));
    expect(renderMinutesMarkdown(variant)).toBe(md);
  });
});

describe('escaping', () => {
  function hostile(): MinutesDocument {
    const doc = minutes8of2018();
    doc.meeting.place = 'Oslo <img src=x onerror=alert(1)>';
    doc.cases[2].title = 'Mandat <script>alert("x")</script> | A | B';
    doc.cases[2].summary = 'Tekst med </p><script>steal()</script> og & og "sitat" og \'apostrof\'';
    doc.cases[2].points = ['[lenke](javascript:alert(1))', '# ikke en overskrift', '1. ikke en liste'];
    doc.cases[2].resolution = '**fet** _kursiv_ `kode` <b>html</b>';
    doc.cases[2].conditions = 'Forbehold om at <i>innspill</i> innarbeides.';
    doc.attendance.guests = ['Gjest <svg onload=alert(1)>'];
    return doc;
  }

  it('HTML escapes all text: no element or attribute comes from the case text', () => {
    const html = renderMinutesHtml(hostile());
    expect(html).not.toMatch(/<script|<img|<svg|<b>|<i>|<\/p><script/i);
    expect(html).toContain('Mandat &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; | A | B');
    expect(html).toContain('Tekst med &lt;/p&gt;&lt;script&gt;steal()&lt;/script&gt; og &amp; og &quot;sitat&quot; og &#39;apostrof&#39;');
    expect(html).toContain('Oslo &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<th scope="row">Gjester</th><td><div>Gjest &lt;svg onload=alert(1)&gt;</div></td>');
    expect(html).toContain('<p class="label">Forbehold:</p><p>Forbehold om at &lt;i&gt;innspill&lt;/i&gt; innarbeides.</p>');
    // the agenda still has exactly one row per case, three cells each
    expect(htmlAgenda(html)).toHaveLength(11);
  });

  it('Markdown escapes table pipes, HTML and Markdown syntax', () => {
    const md = renderMinutesMarkdown(hostile());
    const rows = markdownAgenda(md);
    expect(rows).toHaveLength(11);
    expect(rows[2]).toEqual(['49/18', 'Mandat \\<script\\>alert("x")\\</script\\> \\| A \\| B', 'Orientering']);
    expect(rows.every((r) => r.length === 3)).toBe(true);
    // every "<" from the case text is backslash-escaped, so no raw HTML reaches a Markdown renderer
    expect(md).not.toMatch(/(?<!\\)<(script|img|svg|b|i|\/p)\b/i);
    expect(md.replace(/<br>/g, '')).not.toMatch(/(?<!\\)</);
    expect(md).toContain('- \\[lenke\\](javascript:alert(1))');
    expect(md).toContain('- \\# ikke en overskrift');
    expect(md).toContain('- 1\\. ikke en liste');
    expect(md).toContain('> \\*\\*fet\\*\\* \\_kursiv\\_ \\`kode\\` \\<b\\>html\\</b\\>');
    expect(md).toContain('| **Sted** | Oslo \\<img src=x onerror=alert(1)\\> |');
  });
});

describe('notice of NEHS Møte 1/2019', () => {
  const doc = notice1of2019();
  const md = renderNoticeMarkdown(doc);
  const html = renderNoticeHtml(doc);

  it('has the header block with members and observers', () => {
    expect(md.startsWith('# Innkalling og dagsorden\n')).toBe(true);
    expect(md).toContain('| **Møte** | 1/2019 |');
    expect(md).toContain('| **Dato** | 15. februar 2019 |');
    expect(md).toContain('| **Tid** | Kl. 10.00–12.00 |');
    expect(md).toContain('| **Sted** | Radisson Blu, Gardermoen |');
    const members = /\| \*\*Medlemmer\*\* \| (.*) \|/.exec(md)![1].split('<br>');
    expect(members).toHaveLength(17);
    expect(members).not.toContain('Håkon Grimstad (Norsk Helsenett SF)');
    expect(md).toContain('| **Observatører** | Håkon Grimstad (Norsk Helsenett SF) |');
    expect(md).not.toMatch(/Forfall|Utkast|UTKAST|Vedtak:/);
    expect(html).toContain('<html lang="nb">');
    expect(html).toContain('<tr><th scope="row">Møte</th><td><div>1/2019</div></td></tr>');
  });

  it('has the agenda in order and each proposal as Forslag til vedtak', () => {
    const expected = [
      ['1/19', 'Godkjenning av innkalling og dagsorden', 'Godkjenning'],
      ['2/19', 'Godkjenning av referat fra møtet 6.desember 2018', 'Godkjenning'],
      ['3/19', doc.cases[2].title, 'Orientering'],
      ['4/19', 'Ny e-helseorganisering', 'Orientering'],
      ['5/19', 'Eventuelt', ''],
    ];
    expect(markdownAgenda(md)).toEqual(expected);
    expect(htmlAgenda(html)).toEqual(expected);
    const parts = sections(md, '### ', doc.cases.map((c) => c.number!));
    doc.cases.forEach((c, i) => {
      if (c.proposedResolution) expect(parts[i]).toContain(`**Forslag til vedtak:**\n\n> ${c.proposedResolution}\n`);
      else expect(parts[i]).not.toContain('Forslag til vedtak');
    });
    expect(parts[2]).toContain('**Bakgrunn:**\n\nDirektoratet for e-helse vil orientere om resultatet fra ekstern kvalitetssikring');
    expect(md).toContain('Bygget fra hendelsesposisjon 2345.');
    expect(renderNoticeMarkdown(notice1of2019())).toBe(md);
    expect(renderNoticeHtml(notice1of2019())).toBe(html);
  });
});

describe('the projection’s shapes map directly', () => {
  it('takes member records in attendance, { id, text } follow-ups, note input and a bigint position', () => {
    const doc: MinutesDocument = {
      ...minutes8of2018(),
      builtAtPosition: 9007199254740993n,
      attendance: {
        present: [{ name: 'Christine Bergland', organisation: 'Direktoratet for e-helse' }, { name: 'Ny Person', organisation: 'Nytt foretak' }],
        absent: [{ name: 'Lars Vorland' }],
        guests: ['Erik M. Hansen'],
      },
    };
    doc.cases[2] = {
      ...doc.cases[2],
      points: ['Første innspill.'],
      input: ['Innspill gitt ved orienteringen.'],
      followUps: [{ id: 'f-1', text: 'Direktoratet for e-helse vil oppdatere mandatet.' }],
    };
    const md = renderMinutesMarkdown(doc);
    expect(md).toContain('| **Medlemmer** (til stede) | Christine Bergland (Direktoratet for e-helse)<br>Ny Person (Nytt foretak) |');
    expect(md).toContain('| **Forfall** | Lars Vorland (Helse Nord RHF) |'); // organisation found among the members
    expect(md).toContain('| **Observatører** | Håkon Grimstad (Norsk Helsenett SF) |'); // from the members' roles
    expect(md).toContain('| **Gjester** | Erik M. Hansen |');
    expect(md).toContain('**Innspill:**\n\n- Første innspill.\n- Innspill gitt ved orienteringen.\n');
    expect(md).toContain('**Oppfølging:**\n\n- Direktoratet for e-helse vil oppdatere mandatet.\n');
    expect(md).toContain('Bygget fra hendelsesposisjon 9007199254740993.');
  });

  it('lists an observer who was present under Observatører only, not among the members present (as the real minutes do)', () => {
    const doc: MinutesDocument = {
      ...minutes8of2018(),
      attendance: { present: [{ name: 'Christine Bergland', organisation: 'Direktoratet for e-helse', role: 'chair' }, { name: 'Håkon Grimstad', organisation: 'Norsk Helsenett SF', role: 'observer' }, 'Lars Vorland'], absent: [] },
    } as MinutesDocument;
    const md = renderMinutesMarkdown(doc);
    expect(md).toContain('| **Medlemmer** (til stede) | Christine Bergland (Direktoratet for e-helse)<br>Lars Vorland (Helse Nord RHF) |');
    expect(md.match(/Håkon Grimstad/g)).toHaveLength(1);
    expect(md).toContain('| **Observatører** | Håkon Grimstad (Norsk Helsenett SF) |');
    // a name alone is matched to the member list's roles
    const byName = renderMinutesMarkdown({ ...doc, attendance: { present: ['Håkon Grimstad', 'Lars Vorland'], absent: [] } });
    expect(byName).toContain('| **Medlemmer** (til stede) | Lars Vorland (Helse Nord RHF) |');
    expect(byName.match(/Håkon Grimstad/g)).toHaveLength(1);
  });

  it('lists every member when the meeting has not been opened (no attendance yet)', () => {
    const doc: MinutesDocument = { ...minutes8of2018(), attendance: null, status: 'draft' };
    const md = renderMinutesMarkdown(doc);
    const members = /\| \*\*Medlemmer\*\* \| (.*) \|/.exec(md)![1].split('<br>');
    expect(members).toHaveLength(17);
    expect(md).not.toContain('Forfall');
    expect(md).toContain('| **Observatører** | Håkon Grimstad (Norsk Helsenett SF) |');
  });
});
