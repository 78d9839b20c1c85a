/** HTML rendering of a Layout: one self-contained page, every text escaped, deterministic. */
import type { Block, Layout } from './layout.js';
import { LABELS } from './layout.js';
import { paragraphs } from './text.js';

/** Escape for element content and double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body{font-family:Helvetica,Arial,sans-serif;font-size:11pt;line-height:1.4;color:#111;max-width:48em;margin:2em auto;padding:0 1em}
h1{font-size:18pt;margin:0 0 .2em}
h2{font-size:13pt;margin:1.6em 0 .5em;border-bottom:1px solid #999}
h3{font-size:11.5pt;margin:1.4em 0 .4em}
.subtitle{color:#444;margin:0 0 1em}
.status{font-weight:bold}
.draft .status{color:#a00;border:2px solid #a00;display:inline-block;padding:.2em .6em;text-transform:uppercase;letter-spacing:.1em}
.draft::before{content:"UTKAST";position:fixed;top:40%;left:10%;font-size:96pt;color:rgba(170,0,0,.08);transform:rotate(-30deg);pointer-events:none;z-index:-1}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em}
th,td{text-align:left;vertical-align:top;padding:.25em .5em}
table.header th{width:11em;font-weight:bold}
table.header td div{margin:0}
table.agenda{border:1px solid #999}
table.agenda th{background:#e8e8e8;border-bottom:1px solid #999}
table.agenda td{border-top:1px solid #ddd}
table.agenda td.number{white-space:nowrap;width:5em}
table.agenda td.type{width:8em}
.fact{margin:.1em 0;color:#333}
.label{font-weight:bold;margin:.8em 0 .2em}
.mark{margin:.6em 0}
.resolution{margin:.3em 0 .8em;padding:.3em .8em;border-left:3px solid #555;background:#f4f4f4}
.provenance{margin-top:2em;border-top:1px solid #999;padding-top:.5em;color:#555;font-size:9pt}
`.trim();

function textHtml(text: string): string {
  return paragraphs(text)
    .map((p) => `<p>${p.map(escapeHtml).join('<br>')}</p>`)
    .join('');
}

function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'fact':
      return `<p class="fact"><span class="label-inline">${escapeHtml(b.label)}:</span> ${escapeHtml(b.text)}</p>`;
    case 'text':
      return `${b.label ? `<p class="label">${escapeHtml(b.label)}:</p>` : ''}${textHtml(b.text)}`;
    case 'list':
      return `<p class="label">${escapeHtml(b.label)}:</p><ul>${b.items.map((i) => `<li>${textHtml(i)}</li>`).join('')}</ul>`;
    case 'resolution':
      return `<p class="label">${escapeHtml(b.label)}:</p><div class="resolution">${textHtml(b.text)}</div>`;
    case 'mark': {
      const ps = b.text !== undefined ? paragraphs(b.text) : [];
      if (ps.length === 0) return `<p class="mark"><em>${escapeHtml(b.label)}</em></p>`;
      const [first, ...rest] = ps.map((p) => p.map(escapeHtml).join('<br>'));
      return `<div class="mark"><p><em>${escapeHtml(b.label)}:</em> ${first}</p>${rest.map((p) => `<p>${p}</p>`).join('')}</div>`;
    }
  }
}

export function layoutToHtml(l: Layout): string {
  const out: string[] = [];
  out.push('<!DOCTYPE html>');
  out.push('<html lang="nb">');
  out.push(`<head><meta charset="utf-8"><title>${escapeHtml(l.meta.title)}</title>`);
  out.push(`<meta name="description" content="${escapeHtml(l.meta.subject)}">`);
  out.push(`<style>\n${STYLE}\n</style></head>`);
  out.push(`<body class="${l.draft ? 'draft' : 'final'}">`);
  out.push(`<h1>${escapeHtml(l.title)}</h1>`);
  out.push(`<p class="subtitle">${escapeHtml(l.subtitle)}</p>`);
  if (l.status) out.push(`<p class="status">${escapeHtml(l.draft ? `${LABELS.draft}: ${l.status}` : l.status)}</p>`);

  out.push('<table class="header"><tbody>');
  for (const row of l.header) {
    const label = `${escapeHtml(row.label)}${row.sublabel ? ` <span class="sublabel">(${escapeHtml(row.sublabel)})</span>` : ''}`;
    out.push(`<tr><th scope="row">${label}</th><td>${row.lines.map((x) => `<div>${escapeHtml(x)}</div>`).join('')}</td></tr>`);
  }
  out.push('</tbody></table>');

  out.push(`<h2>${LABELS.agenda}</h2>`);
  out.push('<table class="agenda">');
  out.push(`<thead><tr><th scope="col">${LABELS.number}</th><th scope="col">${LABELS.topic}</th><th scope="col">${LABELS.type}</th></tr></thead>`);
  out.push('<tbody>');
  for (const r of l.agenda) {
    out.push(`<tr><td class="number">${escapeHtml(r.number)}</td><td class="title">${escapeHtml(r.title)}</td><td class="type">${escapeHtml(r.type)}</td></tr>`);
  }
  out.push('</tbody></table>');

  out.push(`<h2>${LABELS.cases}</h2>`);
  for (const c of l.cases) {
    const heading = [c.number, c.title].filter((s) => s !== '').join(' ');
    out.push(`<section class="case"><h3>${escapeHtml(heading)}</h3>`);
    for (const b of c.blocks) out.push(blockHtml(b));
    out.push('</section>');
  }

  out.push(`<p class="provenance">${escapeHtml(l.provenance)}</p>`);
  out.push('</body>');
  out.push('</html>');
  return `${out.join('\n')}\n`;
}
