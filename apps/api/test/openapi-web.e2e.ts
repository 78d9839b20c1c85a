/**
 * The workbench's client types come from the OpenAPI document (issue 12): every GET the web's
 * sources make (`get<T>('/api/…')`, `useGet<T>(…)`, and `useFeed<T, …>` for a feed, whose snapshot is
 * the JSON of the GET it follows) names a path whose 200 answer has a JSON
 * schema in /api/docs-json (read over a real HTTP server), and the type `T` is the generated type of
 * exactly that schema (apps/web/src/api/types.ts names `Schemas['X']`, nothing hand-copied: no
 * interface or object type there that is not built from the generated schemas).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type Server } from './harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

const WEB_SRC = fileURLToPath(new URL('../../../apps/web/src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (name === 'generated') return [];
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

/** `/api/cases/${encodeURIComponent(id)}/history` → `/api/cases/{}/history` */
const shape = (p: string) => p.replace(/\$\{[^}]*\}\)?\}?/g, '{}').replace(/\{[A-Za-z]+\}/g, '{}');

/** Each live feed and the GET whose JSON its snapshot is (API.md "Live feeds", and the two beyond it). */
const FEEDS: Array<[RegExp, string]> = [
  [/^\/api\/live\/decisions$/, '/api/decisions'],
  [/^\/api\/live\/portfolio$/, '/api/portfolio'],
  [/^\/api\/live\/meetings\/\{\}$/, '/api/meetings/{}/minutes'],
  [/^\/api\/live\/committees\/\{\}\/annual-cycle$/, '/api/committees/{}/annual-cycle'],
  [/^\/api\/live\/followups$/, '/api/followups'],
];

/** Every GET of the web's sources: the type argument and the path (a template's `${…}` as `{}`). */
export function webGets(): Array<{ file: string; type: string; path: string }> {
  const out: Array<{ file: string; type: string; path: string }> = [];
  for (const file of sources(WEB_SRC)) {
    const src = readFileSync(file, 'utf8');
    const consts = new Map<string, string>();
    for (const m of src.matchAll(/const (\w+) = [^;\n]*?`(\/api\/[^`]*)`/g)) consts.set(m[1]!, m[2]!);
    // a GET, or a feed (its snapshot is the JSON of the GET it follows: FEEDS)
    for (const m of src.matchAll(/\b(useGet|get|useFeed)<([A-Za-z[\]]+)(?: \| null)?(?:, [^>]*)?>\(\s*([^;]*?)(?:,|\)\s*[;.\n])/g)) {
      const arg = m[3]!;
      const lit = /['`](\/api\/[^'`]*)['`]/.exec(arg)?.[1] ?? /`\$\{(\w+)\}([^`]*)`/.exec(arg)?.slice(1).reduce((a, b) => (consts.get(a) ?? a) + b) ?? consts.get(arg.trim());
      if (!lit || !lit.startsWith('/api/')) continue;
      let p = shape(lit.split('?')[0]!);
      if (m[1] === 'useFeed') {
        const twin = FEEDS.find(([feed]) => feed.test(p));
        if (!twin) throw new Error(`${file}: a feed ${p} without its GET twin in FEEDS`);
        p = p.replace(twin[0], twin[1]);
      }
      out.push({ file: path.relative(WEB_SRC, file), type: m[2]!, path: p });
    }
  }
  return out;
}

/** types.ts: `export type Name = Schemas['X']` (or a union of them) → the schema names. */
function typeAliases(): Map<string, string[]> {
  const src = readFileSync(path.join(WEB_SRC, 'api', 'types.ts'), 'utf8');
  const out = new Map<string, string[]>();
  for (const m of src.matchAll(/export type (\w+) = ([^;]+);/g)) {
    const refs = [...m[2]!.matchAll(/Schemas\['(\w+)'\]/g)].map((r) => r[1]!);
    if (refs.length && !/\[[a-z'"]/.test(m[2]!.replace(/Schemas\['\w+'\]/g, ''))) out.set(m[1]!, refs);
  }
  return out;
}

describe("the web's client types are the OpenAPI document's", () => {
  let server: Server;
  let doc: any;
  beforeAll(async () => {
    server = await startServer();
    doc = (await server.req('GET', '/api/docs-json')).json;
  });
  afterAll(() => server?.close());

  it('types.ts hand-writes no type: every interface there maps to generated schemas', () => {
    const src = readFileSync(path.join(WEB_SRC, 'api', 'types.ts'), 'utf8');
    const interfaces = [...src.matchAll(/export interface (\w+) \{([^}]*)\}/g)];
    for (const [, name, body] of interfaces) {
      for (const line of body!.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('/') && !l.startsWith('*')))
        expect({ name, line, ok: /:\s*Schemas\['\w+'\];$/.test(line) }).toEqual({ name, line, ok: true });
    }
    // no object type literal anywhere in it
    expect(src.replace(/\/\*[\s\S]*?\*\//g, '')).not.toMatch(/=\s*\{/);
  });

  it("has a JSON schema for the 200 answer of every GET the web makes, and the web's type is that schema's", () => {
    const gets = webGets();
    // the finder finds the reads and the feeds (registers, cycle, follow-ups, minutes, audit, cases, meetings, committees)
    for (const p of ['/api/portfolio', '/api/followups', '/api/committees/{}/annual-cycle', '/api/meetings/{}/minutes', '/api/audit/events', '/api/audit/verify', '/api/decisions', '/api/cases/{}', '/api/cases/{}/history', '/api/meetings/{}'])
      expect(gets.map((g) => g.path)).toContain(p);
    const aliases = typeAliases();
    const byShape = new Map(Object.keys(doc.paths).map((p) => [shape(p), p]));
    const problems: string[] = [];
    for (const g of gets) {
      const docPath = byShape.get(g.path);
      const schema = docPath ? doc.paths[docPath]?.get?.responses?.['200']?.content?.['application/json']?.schema : undefined;
      if (!schema) {
        problems.push(`${g.file}: GET ${g.path} has no 200 JSON schema`);
        continue;
      }
      const array = g.type.endsWith('[]');
      const alias = aliases.get(g.type.replace(/\[\]$/, ''));
      if (!alias) {
        problems.push(`${g.file}: ${g.type} is not a name for generated schemas in types.ts`);
        continue;
      }
      const target = array ? schema.items : schema;
      if (array && schema.type !== 'array') problems.push(`${g.file}: GET ${g.path} answers no array`);
      const refs = (target?.oneOf ?? [target]).map((s: any) => String(s?.$ref ?? '').replace('#/components/schemas/', '')).sort();
      if (JSON.stringify(refs) !== JSON.stringify([...alias].sort())) problems.push(`${g.file}: GET ${g.path} answers ${refs.join('|')}, the web reads it as ${alias.join('|')}`);
    }
    expect(problems).toEqual([]);
  });
});
