/**
 * The workbench's labels (apps/web/src/labels, one file per view, bokmål and English side by side):
 * every label in both languages, with the same {placeholders}; no key in two files (a spread would
 * silently keep one); every key a source names exists, and every key is named by some source
 * (a literal `'key'`, or a template `prefix.${…}` that makes it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LABEL_FILES, LABELS } from '../../web/src/labels/index.js';

const WEB_SRC = fileURLToPath(new URL('../../web/src', import.meta.url));
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (name === 'generated' || name === 'labels') return [];
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the workbench's labels", () => {
  const all = LABELS as Record<string, { nb: string; en: string }>;

  it('every label has bokmål and English, with the same placeholders', () => {
    expect(Object.keys(all).length).toBeGreaterThan(200);
    const bad: string[] = [];
    for (const [k, l] of Object.entries(all)) {
      if (typeof l.nb !== 'string' || !l.nb.trim() || typeof l.en !== 'string' || !l.en.trim()) bad.push(`${k}: a language is missing`);
      else if (JSON.stringify(placeholders(l.nb)) !== JSON.stringify(placeholders(l.en))) bad.push(`${k}: {…} differ (${l.nb} / ${l.en})`);
    }
    expect(bad).toEqual([]);
  });

  it('no key is in two files, and each view has its file', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [file, labels] of Object.entries(LABEL_FILES)) {
      for (const k of Object.keys(labels)) {
        if (seen.has(k)) twice.push(`${k}: ${seen.get(k)} and ${file}`);
        seen.set(k, file);
      }
    }
    expect(twice).toEqual([]);
    expect(Object.keys(LABEL_FILES).sort()).toEqual(['arshjul', 'commands', 'common', 'medlemmer', 'mote', 'oppfolging', 'portefolje', 'revisjon', 'sak', 'saker', 'vedtak']);
  });

  it('every key a source names with t(…) exists, and every key is named by a source', () => {
    const texts = sources(WEB_SRC).map((f) => readFileSync(f, 'utf8'));
    const named = new Set(texts.flatMap((s) => [...s.matchAll(/\bt\(\s*'([^']+)'/g)].map((m) => m[1]!)));
    expect([...named].filter((k) => !(k in all))).toEqual([]);
    const prefixes = texts.flatMap((s) => [...s.matchAll(/`([A-Za-z][\w.-]*\.)\$\{/g)].map((m) => m[1]!));
    const unused = Object.keys(all).filter((k) => !texts.some((s) => s.includes(`'${k}'`) || s.includes(`"${k}"`)) && !prefixes.some((p) => k.startsWith(p)));
    expect(unused).toEqual([]);
  });
});
