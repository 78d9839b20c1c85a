/**
 * The command side's record cache (core/records.ts) keeps at most `capacity` streams, the ones used
 * last: a record used recently is decided on without reading the store, one long unused is read again.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { EventStore } from '@saksflyt/event-store';
import { Catalogue } from '../src/application/catalogue.js';
import { RecordCache } from '../src/core/records.js';
import { admin, ctx, harness, type Harness } from './helpers.js';

const CODES = Array.from({ length: 12 }, (_, i) => `U${String(i).padStart(2, '0')}`);

describe('the record cache', () => {
  let h: Harness;
  let reads: string[];
  let store: EventStore;
  beforeEach(async () => {
    h = await harness();
    for (const code of CODES) await h.wf.createCommittee({ code, name: `Utvalg ${code}` }, ctx(admin));
    reads = [];
    // the store as it is, every stream read noted
    store = new Proxy(h.store, {
      get(target, prop, receiver) {
        if (prop === 'readStream') return (stream: string, o?: unknown) => (reads.push(stream), target.readStream(stream, o as never));
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  });
  afterEach(async () => {
    await h.close();
  });

  const load = async (cache: RecordCache, code: string) => (await cache.session().committee(code)).name;

  it('keeps at most its capacity, the streams used last; the others are read again', async () => {
    const cache = new RecordCache(store, new Catalogue(store), 8);
    for (const code of CODES) expect(await load(cache, code)).toBe(`Utvalg ${code}`);
    expect(reads).toEqual(CODES.map((c) => `committee-${c}`)); // each read once
    reads.length = 0;
    // the last ones used: answered from the cache
    for (const code of CODES.slice(-4)) await load(cache, code);
    expect(reads).toEqual([]);
    // the first ones: long unused, forgotten, read again
    for (const code of CODES.slice(0, 4)) await load(cache, code);
    expect(reads).toEqual(CODES.slice(0, 4).map((c) => `committee-${c}`));
    // never more than the capacity held: of all twelve, at most 8 answer without a read
    reads.length = 0;
    for (const code of CODES) await load(cache, code);
    expect(reads.length).toBeGreaterThanOrEqual(CODES.length - 8);
  });

  it('a record used again and again stays, however many others pass through', async () => {
    const cache = new RecordCache(store, new Catalogue(store), 4);
    for (const code of CODES) {
      await load(cache, CODES[0]!);
      await load(cache, code);
    }
    reads.length = 0;
    await load(cache, CODES[0]!);
    expect(reads).toEqual([]);
  });
});
