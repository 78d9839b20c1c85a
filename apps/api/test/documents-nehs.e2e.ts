/**
 * The meeting documents over HTTP after NEHS Møte 8/2018: minutes and notice as JSON, Markdown,
 * HTML and PDF by `Accept` (the PDF read back with pdf.js), vedtak in agenda order, the position
 * stated, byte-identical documents at the same position, read rules.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { flat, pdfText } from '../../../libs/documents/test/pdf-text.js';
import { renderMinutesHtml, renderMinutesPdf } from '@saksflyt/documents';
import { minutesDocument } from '../src/documents/documents.controller.js';
import type { Server } from './harness.js';
import { CASES_8_2018, MEMBER, OTHER, SEC, call, driveNehs8, setupNehs, startViewsServer, type Nehs } from './views-driver.js';

async function get(s: Server, path: string, accept: string, token = MEMBER) {
  const res = await fetch(s.url + path, { headers: { accept, authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), position: res.headers.get('x-saksflyt-position'), body: Buffer.from(await res.arrayBuffer()) };
}

/** Index of each needle in the haystack, in order (-1 when missing or out of order). */
function inOrder(hay: string, needles: string[]): number[] {
  let from = 0;
  return needles.map((n) => {
    const i = hay.indexOf(n, from);
    if (i >= 0) from = i + n.length;
    return i;
  });
}

describe('meeting documents over HTTP (NEHS 8/2018)', () => {
  let s: Server;
  let n: Nehs;
  beforeAll(async () => {
    s = await startViewsServer();
    const { members } = await setupNehs(s);
    n = await driveNehs8(s, members);
    await call(s, 'GET', `/api/meetings/${n.meeting8}/minutes?minPosition=${n.position}`, { token: MEMBER });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('minutes as Markdown: every vedtak in agenda order, the position it was built from', async () => {
    const r = await get(s, `/api/meetings/${n.meeting8}/minutes`, 'text/markdown');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/markdown/);
    const md = r.body.toString('utf8');
    // a vedtak is a blockquote (a multi-paragraph one, like 57/18's, quoted paragraph by paragraph)
    const plain = md.replace(/^> ?/gm, '').replace(/\\(.)/g, '$1');
    expect(inOrder(plain, n.vedtak).every((i) => i >= 0)).toBe(true);
    expect(inOrder(plain, CASES_8_2018.map((c) => c.title)).every((i) => i >= 0)).toBe(true);
    expect(plain).toContain(`Bygget fra hendelsesposisjon ${r.position}`);
    expect(plain).toContain('8/2018');
    expect(plain).toContain('Radisson Blu Gardermoen');
  });

  it('minutes as HTML and PDF (pdf.js finds every case title and vedtak); the same position gives the same bytes', async () => {
    const html = await get(s, `/api/meetings/${n.meeting8}/minutes`, 'text/html');
    expect(html.type).toMatch(/^text\/html/);
    expect(html.body.toString('utf8')).toContain('Nasjonal e-helseportefølje 2019');

    const pdf = await get(s, `/api/meetings/${n.meeting8}/minutes`, 'application/pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
    const text = flat((await pdfText(pdf.body)).pages.join('\n'));
    for (const t of n.titles) expect([t, text.includes(flat(t))]).toEqual([t, true]);
    expect(inOrder(text, n.vedtak.map(flat)).every((i) => i >= 0)).toBe(true);
    expect(text).toContain(`hendelsesposisjon ${pdf.position}`);

    // rendered afresh (no cache) from the JSON at the same position: the same bytes
    const json = await call(s, 'GET', `/api/meetings/${n.meeting8}/minutes`, { token: MEMBER });
    expect(String(json.position)).toBe(pdf.position);
    const fresh = await renderMinutesPdf(minutesDocument(json, BigInt(json.position)));
    expect(fresh.equals(pdf.body)).toBe(true);
    expect(renderMinutesHtml(minutesDocument(json, BigInt(json.position)))).toBe(html.body.toString('utf8'));
  });

  it('Accept: JSON by default and for */*, q-values honoured, 406 for nothing acceptable', async () => {
    const path = `/api/meetings/${n.meeting8}/minutes`;
    expect((await get(s, path, '*/*')).type).toMatch(/^application\/json/);
    expect((await get(s, path, 'application/pdf;q=0.5, text/markdown;q=0.9')).type).toMatch(/^text\/markdown/);
    expect((await get(s, path, 'text/*')).type).toMatch(/^text\/html/);
    const none = await get(s, path, 'image/png');
    expect(none.status).toBe(406);
    expect(none.type).toMatch(/^application\/problem\+json/);
  });

  it('notice: the agenda with the proposed resolutions and purposes, as JSON, Markdown and PDF; public once noticed', async () => {
    const r = await s.req('GET', `/api/meetings/${n.meeting8}/notice`);
    expect(r.status).toBe(200);
    expect(r.json.cases.map((c: any) => c.caseId)).toEqual(n.agenda);
    expect(r.json.cases[4]).toMatchObject({
      number: '51/18',
      title: 'Nasjonal e-helsestrategi og Strategisk plan',
      proposedResolution: CASES_8_2018[3]!.vedtak,
      purpose: 'Formål: Nasjonal e-helsestrategi og Strategisk plan',
      caseOfficer: 'Sonja T. Brugman',
    });
    expect(r.json.position).toBe(Number(r.headers.get('x-saksflyt-position')));
    const md = (await get(s, `/api/meetings/${n.meeting8}/notice`, 'text/markdown', OTHER)).body.toString('utf8').replace(/\\(.)/g, '$1');
    expect(md).toContain('Forslag til vedtak');
    expect(inOrder(md, CASES_8_2018.map((c) => c.title)).every((i) => i >= 0)).toBe(true);
    const pdf = await get(s, `/api/meetings/${n.meeting8}/notice`, 'application/pdf');
    const text = flat((await pdfText(pdf.body)).pages.join('\n'));
    for (const c of CASES_8_2018) expect(text).toContain(flat(c.title));
  });

  it("a planned meeting's notice and minutes: 401 / 403 / 200 for the secretariat", async () => {
    const planned = await call(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2019-03-01', place: 'Oslo' } });
    await call(s, 'GET', `/api/meetings/${planned.id}/notice?minPosition=${planned.position}`, { token: SEC });
    for (const doc of ['notice', 'minutes']) {
      expect((await s.req('GET', `/api/meetings/${planned.id}/${doc}`)).status).toBe(401);
      expect((await s.req('GET', `/api/meetings/${planned.id}/${doc}`, { token: OTHER })).status).toBe(403);
    }
    const notice = await call(s, 'GET', `/api/meetings/${planned.id}/notice`, { token: SEC });
    expect(notice.cases.map((c: any) => c.title)).toEqual(['Godkjenning av innkalling og dagsorden', 'Godkjenning av referat fra møtet 06.12.2018', 'Eventuelt']);
    expect((await s.req('GET', '/api/meetings/nope/notice')).status).toBe(404);
  });
});
