/**
 * Vedlegg over a real server (API.md "Attachments (vedlegg) and exemption from public access"):
 * an upload stored by SHA-256 and recorded in the case's history, numbered *Vedlegg 1, 2* at
 * notice in agenda order and listed in the notice (JSON, Markdown, PDF read back with pdf.js),
 * downloaded with the same SHA-256 (ETag, Content-Disposition, 304, 206, 416); every refusal
 * (413 at 20 MiB + 1 byte, 415 for an executable declared as PDF and for text that is not text,
 * 400, 401/403, 404, 409 after notice) answers problem JSON and writes nothing, and leaves no file.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { flat, pdfText } from '../../../libs/documents/test/pdf-text.js';
import type { Server } from './harness.js';
import { ADMIN, MEMBER, OTHER, SEC, fields, head, ok, refused, startWorkflowServer } from './workflow-helpers.js';

const MiB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const pdf = (text: string, size?: number): Buffer => {
  const body = Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`, 'latin1');
  return size === undefined ? body : Buffer.concat([body, Buffer.alloc(size - body.length, 0x20)]);
};
/** The start of a Windows executable (an MZ header pointing at a PE header). */
const exe = (): Buffer => {
  const b = Buffer.alloc(1024, 0);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
};

function blobFiles(dataDir: string): string[] {
  const root = join(dataDir, 'blobs', 'sha256');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((d) => readdirSync(join(root, d)));
}

describe('attachments (vedlegg)', () => {
  let s: Server;
  let meetingId: string;
  let caseA: string;
  let caseB: string;
  const paper = pdf('Saksfremlegg 50/18');
  const note = Buffer.from('Notat til saken: ærlig talt, økonomi og åpenhet.\n', 'utf8');
  let attA: string;
  let attB: string;

  const upload = (caseId: string, filename: string, type: string, bytes: Buffer, token = SEC, extra: Record<string, string> = {}) =>
    s.req('POST', `/api/cases/${caseId}/attachments?filename=${encodeURIComponent(filename)}`, { token, body: bytes, headers: { 'content-type': type, ...extra } });

  beforeAll(async () => {
    s = await startWorkflowServer();
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
    meetingId = (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2018-12-06', place: 'Oslo' } }, 201)).json.id;
    const mk = async (title: string) => (await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title, type: 'discussion', proposedResolution: 'Tas til orientering.' } }, 201)).json.id as string;
    caseA = await mk('Nasjonal e-helseportefølje');
    caseB = await mk('Felles kjernejournal');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('an upload answers 201 with id, filename, contentType, size and sha256; the event holds them; the bytes are stored once by hash', async () => {
    const r = await upload(caseA, 'Saksfremlegg 50-18.pdf', 'application/pdf', paper);
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ id: expect.any(String), filename: 'Saksfremlegg 50-18.pdf', contentType: 'application/pdf', size: paper.length, sha256: sha(paper), state: 'draft', revision: 1, position: expect.any(Number) });
    attA = r.json.id;
    const b = await upload(caseB, 'Notat æøå.txt', 'text/plain; charset=utf-8', note);
    expect(b.status).toBe(201);
    attB = b.json.id;
    const hist = (await ok(s, 'GET', `/api/cases/${caseA}/history`, { token: MEMBER })).json;
    expect(hist.at(-1)).toMatchObject({ type: 'AttachmentAdded', data: { v: 1, attachmentId: attA, filename: 'Saksfremlegg 50-18.pdf', contentType: 'application/pdf', size: paper.length, sha256: sha(paper) } });
    const view = (await ok(s, 'GET', `/api/cases/${caseA}`, { token: SEC })).json;
    expect(view.attachments).toEqual([{ id: attA, filename: 'Saksfremlegg 50-18.pdf', contentType: 'application/pdf', size: paper.length, sha256: sha(paper), addedAt: expect.any(String) }]);
    // the same bytes on another case: a second event, one stored file
    const again = await upload(caseB, 'Kopi.pdf', 'application/pdf', paper);
    expect(again.status).toBe(201);
    expect(blobFiles(s.dataDir).filter((f) => f === sha(paper))).toHaveLength(1);
    expect(await ok(s, 'DELETE', `/api/cases/${caseB}/attachments/${again.json.id}`, { token: SEC })).toMatchObject({ status: 200 });
    expect((await ok(s, 'GET', `/api/cases/${caseB}`, { token: SEC })).json.attachments.map((a: { id: string }) => a.id)).toEqual([attB]);
  });

  it('the same Idempotency-Key again: the first answer, nothing written twice', async () => {
    const bytes = pdf('idempotent');
    const first = await upload(caseB, 'Once.pdf', 'application/pdf', bytes, SEC, { 'idempotency-key': 'vedlegg-once' });
    expect(first.status).toBe(201);
    const before = await head(s);
    const second = await upload(caseB, 'Once.pdf', 'application/pdf', bytes, SEC, { 'idempotency-key': 'vedlegg-once' });
    expect([second.status, second.json]).toEqual([201, first.json]);
    expect(await head(s)).toBe(before);
    await ok(s, 'DELETE', `/api/cases/${caseB}/attachments/${first.json.id}`, { token: SEC });
  });

  it('exactly 20 MiB is taken; 20 MiB + 1 byte is 413 problem JSON, writes nothing and keeps no file', async () => {
    const big = pdf('big', 20 * MiB);
    const r = await upload(caseB, 'Stor.pdf', 'application/pdf', big);
    expect([r.status, r.json?.size, r.json?.sha256]).toEqual([201, 20 * MiB, sha(big)]);
    await ok(s, 'DELETE', `/api/cases/${caseB}/attachments/${r.json.id}`, { token: SEC });
    const files = blobFiles(s.dataDir).length;
    const p = await refused(s, 413, 'POST', `/api/cases/${caseB}/attachments?filename=For-stor.pdf`, { token: SEC, body: pdf('too big', 20 * MiB + 1), headers: { 'content-type': 'application/pdf' } });
    expect(p.detail).toMatch(/20 MiB/);
    expect(blobFiles(s.dataDir).length).toBe(files);
    expect(readdirSync(join(s.dataDir, 'blobs', 'tmp'))).toEqual([]);
    // the 1 MiB limit of every other route stands
    expect((await s.req('PATCH', `/api/cases/${caseB}`, { token: SEC, body: JSON.stringify({ background: 'x'.repeat(MiB + 1) }), headers: { 'content-type': 'application/json' } })).status).toBe(413);
  });

  it('the MIME type is checked against the bytes: an executable declared as application/pdf is 415, and text must be UTF-8 without NUL', async () => {
    const files = blobFiles(s.dataDir).length;
    const p = await refused(s, 415, 'POST', `/api/cases/${caseA}/attachments?filename=Faktura.pdf`, { token: SEC, body: exe(), headers: { 'content-type': 'application/pdf' } });
    expect(p.detail).toBe('The bytes are application/x-msdownload (.exe), not application/pdf.');
    const nul = await refused(s, 415, 'POST', `/api/cases/${caseA}/attachments?filename=a.txt`, { token: SEC, body: Buffer.from('abc\0def'), headers: { 'content-type': 'text/plain' } });
    expect(nul.detail).toMatch(/NUL/);
    const latin1 = await refused(s, 415, 'POST', `/api/cases/${caseA}/attachments?filename=a.txt`, { token: SEC, body: Buffer.from('blåbær', 'latin1'), headers: { 'content-type': 'text/plain' } });
    expect(latin1.detail).toMatch(/UTF-8/);
    const exeAsText = await refused(s, 415, 'POST', `/api/cases/${caseA}/attachments?filename=a.txt`, { token: SEC, body: exe(), headers: { 'content-type': 'text/plain' } });
    expect(exeAsText.detail).toMatch(/application\/x-msdownload/);
    const zip = await refused(s, 415, 'POST', `/api/cases/${caseA}/attachments?filename=a.zip`, { token: SEC, body: Buffer.from('PK\u0003\u0004'), headers: { 'content-type': 'application/zip' } });
    expect(zip.detail).toMatch(/cannot be application\/zip/);
    await refused(s, 415, 'POST', `/api/cases/${caseA}/attachments?filename=a.txt`, { token: SEC, body: Buffer.from('abc'), headers: { 'content-type': 'text/plain; charset=iso-8859-1' } });
    expect(blobFiles(s.dataDir).length).toBe(files);
    expect(readdirSync(join(s.dataDir, 'blobs', 'tmp'))).toEqual([]);
  });

  it('400 for a missing or bad filename and an empty body; 401, 403 and 404 before the body', async () => {
    const noName = await refused(s, 400, 'POST', `/api/cases/${caseA}/attachments`, { token: SEC, body: paper, headers: { 'content-type': 'application/pdf' } });
    expect(fields(noName)).toEqual(['filename']);
    const path = await refused(s, 400, 'POST', `/api/cases/${caseA}/attachments?filename=..%2Fetc%2Fpasswd`, { token: SEC, body: paper, headers: { 'content-type': 'application/pdf' } });
    expect(fields(path)).toEqual(['filename']);
    const empty = await refused(s, 400, 'POST', `/api/cases/${caseA}/attachments?filename=a.pdf`, { token: SEC, body: Buffer.alloc(0), headers: { 'content-type': 'application/pdf' } });
    expect(fields(empty)).toEqual(['body']);
    await refused(s, 401, 'POST', `/api/cases/${caseA}/attachments?filename=a.pdf`, { body: exe(), headers: { 'content-type': 'application/pdf' } });
    await refused(s, 403, 'POST', `/api/cases/${caseA}/attachments?filename=a.pdf`, { token: MEMBER, body: exe(), headers: { 'content-type': 'application/pdf' } });
    await refused(s, 404, 'POST', `/api/cases/no-such-case/attachments?filename=a.pdf`, { token: SEC, body: paper, headers: { 'content-type': 'application/pdf' } });
    const unknown = await refused(s, 404, 'DELETE', `/api/cases/${caseA}/attachments/no-such-attachment`, { token: SEC });
    expect(unknown.detail).toBe('unknown attachment no-such-attachment');
    await refused(s, 403, 'DELETE', `/api/cases/${caseA}/attachments/${attA}`, { token: MEMBER });
    // a draft case's attachment is as private as the case
    await refused(s, 401, 'GET', `/api/cases/${caseA}/attachments/${attA}`);
    await refused(s, 403, 'GET', `/api/cases/${caseA}/attachments/${attA}`, { token: OTHER });
    expect((await s.req('GET', `/api/cases/${caseA}/attachments/${attA}`, { token: MEMBER })).status).toBe(200);
  });

  it('at notice the attachments are numbered per meeting in agenda order (Vedlegg 1, 2) and the notice lists them', async () => {
    await ok(s, 'POST', `/api/cases/${caseA}/schedule`, { token: SEC, json: { meetingId } });
    await ok(s, 'POST', `/api/cases/${caseB}/schedule`, { token: SEC, json: { meetingId } });
    const before = (await ok(s, 'GET', `/api/meetings/${meetingId}/notice`, { token: SEC })).json;
    expect(before.cases.flatMap((c: { attachments: { number: string | null }[] }) => c.attachments.map((a) => a.number))).toEqual([null, null]);
    const w = await ok(s, 'POST', `/api/meetings/${meetingId}/notice`, { token: SEC });
    const n = (await ok(s, 'GET', `/api/meetings/${meetingId}/notice?minPosition=${w.json.position}`, {})).json;
    const listed = n.cases.filter((c: { attachments: unknown[] }) => c.attachments.length).map((c: { number: string; attachments: { number: string; filename: string; sha256: string }[] }) => [c.number, c.attachments.map((a) => [a.number, a.filename, a.sha256])]);
    expect(listed).toEqual([
      [expect.stringMatching(/\/18$/), [['Vedlegg 1', 'Saksfremlegg 50-18.pdf', sha(paper)]]],
      [expect.stringMatching(/\/18$/), [['Vedlegg 2', 'Notat æøå.txt', sha(note)]]],
    ]);
    const md = (await fetch(`${s.url}/api/meetings/${meetingId}/notice`, { headers: { accept: 'text/markdown' } }).then((r) => r.text())).replace(/\\(.)/g, '$1');
    expect(md).toContain('Vedlegg 1: Saksfremlegg 50-18.pdf');
    expect(md.indexOf('Vedlegg 2: Notat æøå.txt')).toBeGreaterThan(md.indexOf('Vedlegg 1: Saksfremlegg 50-18.pdf'));
    const bytes = Buffer.from(await fetch(`${s.url}/api/meetings/${meetingId}/notice`, { headers: { accept: 'application/pdf' } }).then(async (r) => new Uint8Array(await r.arrayBuffer())));
    const text = flat((await pdfText(bytes)).pages.join('\n'));
    expect(text).toContain('Vedlegg 1: Saksfremlegg 50-18.pdf');
    expect(text).toContain('Vedlegg 2: Notat æøå.txt');
  });

  it('after notice: 409 with allowedCommands for adding or removing, nothing written', async () => {
    const p = await refused(s, 409, 'POST', `/api/cases/${caseA}/attachments?filename=Sent.pdf`, { token: SEC, body: pdf('late'), headers: { 'content-type': 'application/pdf' } });
    expect(p.detail).toMatch(/^cannot add an attachment to case \d+\/18: it is scheduled with number \d+\/18; its meeting 1\/2018 is noticed/);
    expect(p.allowedCommands).toEqual(['postpone', 'withdraw']);
    const d = await refused(s, 409, 'DELETE', `/api/cases/${caseA}/attachments/${attA}`, { token: SEC });
    expect(d.detail).toMatch(/^cannot remove an attachment from case/);
    expect(d.allowedCommands).toEqual(p.allowedCommands);
    expect(blobFiles(s.dataDir)).not.toContain(sha(pdf('late')));
  });

  it('the download: the same SHA-256, ETag, Content-Disposition, 304 on If-None-Match, 206 for a range, 416 past the end', async () => {
    const r = await fetch(`${s.url}/api/cases/${caseA}/attachments/${attA}`);
    const body = Buffer.from(await r.arrayBuffer());
    expect([r.status, sha(body), r.headers.get('etag'), r.headers.get('content-type'), r.headers.get('accept-ranges')]).toEqual([200, sha(paper), `"${sha(paper)}"`, 'application/pdf', 'bytes']);
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="Saksfremlegg 50-18.pdf"; filename*=UTF-8''Saksfremlegg%2050-18.pdf`);
    const t = await fetch(`${s.url}/api/cases/${caseB}/attachments/${attB}`);
    expect(t.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(t.headers.get('content-disposition')).toBe(`attachment; filename="Notat aeoa.txt"; filename*=UTF-8''Notat%20%C3%A6%C3%B8%C3%A5.txt`);
    expect(await t.text()).toBe(note.toString('utf8'));
    const cached = await fetch(`${s.url}/api/cases/${caseA}/attachments/${attA}`, { headers: { 'if-none-match': `"${sha(paper)}"` } });
    expect([cached.status, (await cached.arrayBuffer()).byteLength]).toEqual([304, 0]);
    const part = await fetch(`${s.url}/api/cases/${caseA}/attachments/${attA}`, { headers: { range: 'bytes=0-3' } });
    expect([part.status, part.headers.get('content-range'), await part.text()]).toEqual([206, `bytes 0-3/${paper.length}`, '%PDF']);
    const tail = await fetch(`${s.url}/api/cases/${caseA}/attachments/${attA}`, { headers: { range: 'bytes=-6' } });
    expect([tail.status, await tail.text()]).toEqual([206, '%%EOF\n']);
    const past = await fetch(`${s.url}/api/cases/${caseA}/attachments/${attA}`, { headers: { range: `bytes=${paper.length}-` } });
    expect([past.status, past.headers.get('content-range'), past.headers.get('content-type')]).toEqual([416, `bytes */${paper.length}`, expect.stringMatching(/^application\/problem\+json/)]);
    await refused(s, 404, 'GET', `/api/cases/${caseA}/attachments/${attB}`);
    expect(await head(s)).toBeGreaterThan(0);
  });
});
