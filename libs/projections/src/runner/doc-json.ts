/**
 * Documents serialised once per flush: a document is never changed after `put` (evolve builds a
 * new object), so within one flush its JSON is shared by every write of it: its document row and
 * the change-log entries of the events that produced it. `clearDocJson` at the end of each flush
 * (nothing is kept beyond it).
 */
import type { DocChange } from './types.js';

let cache = new Map<object, string>();

/** `JSON.stringify(doc)`, computed once per document object until `clearDocJson`. */
export function docJson(doc: unknown): string {
  if (doc === null || typeof doc !== 'object') return JSON.stringify(doc ?? null);
  let json = cache.get(doc);
  if (json === undefined) cache.set(doc, (json = JSON.stringify(doc)));
  return json;
}

/** The same text as `JSON.stringify(changes)` (keys collection, id, doc), each document through `docJson`. */
export function changesJson(changes: readonly DocChange[]): string {
  let out = '[';
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    if (i > 0) out += ',';
    out += `{"collection":${JSON.stringify(c.collection)},"id":${JSON.stringify(c.id)},"doc":${docJson(c.doc)}}`;
  }
  return out + ']';
}

/** Forgets the JSON kept so far (end of a flush). */
export function clearDocJson(): void {
  if (cache.size > 0) cache = new Map();
}
