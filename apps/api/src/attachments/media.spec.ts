/**
 * The attachment types against their bytes (media.ts), with file-type on this Node: an Office
 * document (a real OOXML zip, built here), a PDF, a PNG, a legacy Office container, executables
 * declared as something else, and the text rule.
 */
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { declaredType, mismatch } from './media.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A zip of stored (uncompressed) entries. */
function zip(entries: [string, string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const data = Buffer.from(text);
    const n = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const dir = mkdtempSync(join(tmpdir(), 'saksflyt-media-'));
let n = 0;
function file(bytes: Buffer): string {
  const p = join(dir, `f${n++}`);
  writeFileSync(p, bytes);
  return p;
}
const text = (b: Buffer) => ({ utf8: (() => { try { new TextDecoder('utf-8', { fatal: true }).decode(b); return true; } catch { return false; } })(), nul: b.includes(0) });
const check = (type: string, b: Buffer) => mismatch(type, file(b), text(b));

const docx = zip([
  ['[Content_Types].xml', `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`],
  ['word/document.xml', '<w:document/>'],
]);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'), Buffer.alloc(17)]);
const cfb = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
const exe = (() => {
  const b = Buffer.alloc(512);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  return b;
})();

describe('attachment types against their bytes', () => {
  it('takes what the bytes are: a Word document, a PDF, a PNG, a legacy Office container, UTF-8 text', async () => {
    expect(await check(DOCX, docx)).toBeNull();
    expect(await check('application/pdf', Buffer.from('%PDF-1.7\n%%EOF\n'))).toBeNull();
    expect(await check('image/png', png)).toBeNull();
    expect(await check('application/msword', cfb)).toBeNull();
    expect(await check('text/csv', Buffer.from('sak;vedtak\n50/18;Tatt til orientering\n'))).toBeNull();
  });

  it('refuses bytes that are something else: executables as PDF or image, a Word document as PDF, a PDF as text', async () => {
    expect(await check('application/pdf', exe)).toBe('The bytes are application/x-msdownload (.exe), not application/pdf.');
    expect(await check('application/pdf', elf)).toBe('The bytes are application/x-elf (.elf), not application/pdf.');
    expect(await check('image/png', exe)).toMatch(/^The bytes are application\/x-msdownload/);
    expect(await check('application/pdf', docx)).toBe(`The bytes are ${DOCX} (.docx), not application/pdf.`);
    expect(await check('text/plain', Buffer.from('%PDF-1.7\n'))).toBe('The bytes are application/pdf (.pdf), not text/plain.');
    expect(await check('application/pdf', Buffer.from('just text'))).toBe('The bytes are not application/pdf (no known file signature).');
  });

  it('the declared type: known types only, without parameters; text only in UTF-8', () => {
    expect(declaredType('Application/PDF')).toEqual({ type: 'application/pdf' });
    expect(declaredType('text/plain; charset=UTF-8')).toEqual({ type: 'text/plain' });
    expect(declaredType('text/plain; charset=windows-1252')).toEqual({ refused: 'A text attachment must be UTF-8, not windows-1252.' });
    expect(declaredType('application/x-msdownload')).toMatchObject({ refused: expect.stringMatching(/^An attachment cannot be application\/x-msdownload/) });
    expect(declaredType('image/svg+xml')).toMatchObject({ refused: expect.any(String) });
    expect(declaredType(undefined)).toMatchObject({ refused: expect.any(String) });
  });
});
