/**
 * Tampering with the SQLite file, each kind on its own: the file is filled by the store, closed,
 * edited with better-sqlite3 (fixtures/tamper.ts), and a fresh store opened on it must name the
 * first bad position and the kind. In both position modes (given explicitly), and the printed-copy
 * check (`knownHead` + `upTo`) and `lastEvent` beside them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { openSqliteStore, type NewEvent, type PositionMode, type VerifyResult } from '../src/index.js';
import { alterRow, cutTail, deleteRow, insertRow, sameSizeRows, storedHeads, swapRows, type Tampering } from './fixtures/tamper.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ev = (i: number): NewEvent => ({
  type: i % 4 === 0 ? 'Opened' : 'Noted',
  data: { v: 1, i, text: 'x'.repeat(i % 5) },
  metadata: { actor: 'test', correlationId: `c-${i}`, at: '2024-01-01T00:00:00Z' },
});

describe.each(['dense', 'sparse'] as PositionMode[])('tampering with the file (%s positions)', (positions) => {
  /** Twenty events over four streams in a closed file. */
  async function seeded(): Promise<string> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-tamper-'));
    dirs.push(dir);
    const file = path.join(dir, 'saksflyt.db');
    const store = await openSqliteStore({ file, positions });
    for (let i = 0; i < 20; i++) await store.append(`s-${i % 4}`, [ev(i)], { expectedRevision: 'any' });
    expect(await store.verify()).toMatchObject({ ok: true, events: 20 });
    await store.close();
    return file;
  }

  async function verifyFresh(file: string, options?: Parameters<Awaited<ReturnType<typeof openSqliteStore>>['verify']>[0]): Promise<VerifyResult> {
    const store = await openSqliteStore({ file, positions });
    try {
      return await store.verify(options);
    } finally {
      await store.close();
    }
  }

  const expectFound = (v: VerifyResult, t: Tampering) => expect(v).toEqual({ ok: false, firstBadPosition: BigInt(t.position), kind: t.kind });

  test.each(['data', 'metadata', 'type'] as const)('an altered row (%s) is found at its position', async (column) => {
    const file = await seeded();
    const t = alterRow(file, 7, column);
    expect(t.kind).toBe('altered');
    expectFound(await verifyFresh(file), t);
  });

  test('a deleted row is found where it was', async () => {
    const file = await seeded();
    const t = deleteRow(file, 5);
    expectFound(await verifyFresh(file), t);
  });

  test('a row inserted with a hash that chains is found at its position', async () => {
    const file = await seeded();
    const t = insertRow(file, 9);
    expect(t.kind).toBe('inserted');
    expectFound(await verifyFresh(file), t);
  });

  test('reordered rows are found where the first is out of place', async () => {
    const file = await seeded();
    const [k, l] = sameSizeRows(file, 3);
    const t = swapRows(file, k, l);
    expect(t.kind).toBe('reordered');
    expectFound(await verifyFresh(file), t);
  });

  test('a cut-off tail verifies by itself, and is found against the kept head', async () => {
    const file = await seeded();
    const heads = storedHeads(file);
    const kept = heads.at(-1)!;
    const t = cutTail(file, 16);
    expect(await verifyFresh(file)).toMatchObject({ ok: true, events: 16, headHash: heads[15].hash });
    expectFound(await verifyFresh(file, { knownHead: { position: BigInt(kept.position), hash: kept.hash } }), t);
    // a printed copy from before the cut still checks out
    const printed = heads[10];
    expect(await verifyFresh(file, { knownHead: { position: BigInt(printed.position), hash: printed.hash }, upTo: BigInt(printed.position) })).toEqual({
      ok: true,
      events: 11,
      headHash: printed.hash,
    });
  });

  if (positions === 'dense') {
    // (sparse: neighbours never have the same size here, so they cannot trade places in place)
    test('two neighbours swapped are reordered, not inserted', async () => {
      const file = await seeded();
      const t = swapRows(file, 8, 9);
      expectFound(await verifyFresh(file), t);
    });

    test('a deleted row with the later rows moved up over the gap is still a deletion', async () => {
      const file = await seeded();
      const t = deleteRow(file, 6, true);
      expectFound(await verifyFresh(file), t);
    });
  }

  test('a printed copy: the hash at its position, the chain up to it, and nothing after it', async () => {
    const file = await seeded();
    const heads = storedHeads(file);
    const printed = heads[12];
    const at = { knownHead: { position: BigInt(printed.position), hash: printed.hash }, upTo: BigInt(printed.position) };
    expect(await verifyFresh(file, at)).toEqual({ ok: true, events: 13, headHash: printed.hash });
    // a wrong hash at that position
    expect(await verifyFresh(file, { ...at, knownHead: { ...at.knownHead, hash: heads[11].hash } })).toEqual({
      ok: false,
      firstBadPosition: BigInt(printed.position),
      kind: 'rewritten',
    });
    // damage after it does not concern the copy; damage before it does
    alterRow(file, 15, 'data');
    expect(await verifyFresh(file, at)).toMatchObject({ ok: true });
    const before = alterRow(file, 3, 'metadata');
    expectFound(await verifyFresh(file, at), before);
  });

  test('lastEvent names the last row at or before a position, with its chain hash', async () => {
    const file = await seeded();
    const heads = storedHeads(file);
    const store = await openSqliteStore({ file, positions });
    try {
      expect(await store.lastEvent()).toEqual({ position: BigInt(heads.at(-1)!.position), hash: heads.at(-1)!.hash });
      expect(await store.lastEvent({ atOrBefore: BigInt(heads[4].position) })).toEqual({ position: BigInt(heads[4].position), hash: heads[4].hash });
      // between two rows (sparse) or past the head: the row before
      expect(await store.lastEvent({ atOrBefore: BigInt(heads[4].position) + (positions === 'sparse' ? 1n : 0n) })).toEqual({
        position: BigInt(heads[4].position),
        hash: heads[4].hash,
      });
      expect(await store.lastEvent({ atOrBefore: BigInt(heads.at(-1)!.position) * 2n })).toEqual({ position: BigInt(heads.at(-1)!.position), hash: heads.at(-1)!.hash });
      expect(await store.lastEvent({ atOrBefore: 0n })).toBeNull();
    } finally {
      await store.close();
    }
  });
});
