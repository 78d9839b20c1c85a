/**
 * A small XML writer for the export's flat, regular documents, and the stable ids the Noark 5
 * systemID fields get where Saksflyt's own id is not a uuid (committee codes, actors' names).
 */
import { createHash } from 'node:crypto';

/** Characters XML 1.0 does not allow (controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for element content or a double-quoted attribute: &, <, >, " escaped; forbidden characters dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(FORBIDDEN, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');
}

export class XmlWriter {
  private parts: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  private readonly open: string[] = [];

  start(name: string, attributes: Record<string, string> = {}): this {
    const attrs = Object.entries(attributes)
      .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
      .join('');
    this.parts.push(`${'  '.repeat(this.open.length)}<${name}${attrs}>\n`);
    this.open.push(name);
    return this;
  }

  end(): this {
    const name = this.open.pop();
    if (name === undefined) throw new Error('XmlWriter: end() without start()');
    this.parts.push(`${'  '.repeat(this.open.length)}</${name}>\n`);
    return this;
  }

  /** `<name>text</name>`; nothing when the value is null or undefined. */
  el(name: string, value: string | number | boolean | null | undefined): this {
    if (value === null || value === undefined) return this;
    this.parts.push(`${'  '.repeat(this.open.length)}<${name}>${escapeXml(String(value))}</${name}>\n`);
    return this;
  }

  /** A Noark 5 code-list value: `<name><n5mdk:kode/><n5mdk:beskrivelse/></name>`. */
  code(name: string, value: { kode: string; beskrivelse: string }): this {
    return this.start(name).el('n5mdk:kode', value.kode).el('n5mdk:beskrivelse', value.beskrivelse).end();
  }

  /** The text written since the last `take` (the elements still open stay open): for writing a document in pieces. */
  take(): string {
    const text = this.parts.join('');
    this.parts = [];
    return text;
  }

  toString(): string {
    if (this.open.length > 0) throw new Error(`XmlWriter: unclosed <${this.open[this.open.length - 1]}>`);
    return this.parts.join('');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Namespace of the derived ids (a fixed uuid of Saksflyt's own). */
const SAKSFLYT_ID_NAMESPACE = '5b1f0d4e-3c8a-4f3e-9d57-2a6f1e0c9b21';

/** A name-based uuid (RFC 4122 version 5: SHA-1 of namespace and name): the same name, the same id. */
export function uuidV5(name: string, namespace: string = SAKSFLYT_ID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = hash.subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A systemID: the id itself when it is a uuid, else a uuid derived from `kind:id`. */
export function systemId(kind: string, id: string): string {
  return UUID.test(id) ? id.toLowerCase() : uuidV5(`${kind}:${id}`);
}
