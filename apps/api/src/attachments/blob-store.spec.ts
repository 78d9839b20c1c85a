/**
 * The blob store on a real folder: bytes by SHA-256 (once), the limit (nothing kept over it), and
 * which temp files a start removes (a dead process's of this host, and old ones; never a running
 * server's, which may share the folder).
 */
import { describe, expect, it } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BlobStore } from './blob-store.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the blob store', () => {
  it('stores the bytes once under their SHA-256, synced; over the limit nothing is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saksflyt-blobs-'));
    const b = BlobStore.open(dir);
    const bytes = Buffer.from('vedlegg '.repeat(10_000));
    for (let i = 0; i < 2; i++) {
      const r = await b.receive(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), bytes.length);
      if (r.kind !== 'ok') throw new Error(r.kind);
      expect([r.sha256, r.size, r.utf8, r.nul]).toEqual([sha(bytes), bytes.length, true, false]);
      await b.commit(r);
    }
    expect(readFileSync(b.pathOf(sha(bytes)))).toEqual(bytes);
    expect(readdirSync(join(dir, 'sha256', sha(bytes).slice(0, 2)))).toEqual([sha(bytes)]);
    const over = await b.receive(Readable.from([bytes]), bytes.length - 1);
    expect(over).toEqual({ kind: 'too-large', size: bytes.length });
    expect(b.tempFiles()).toEqual([]);
  });

  it("a start removes a dead process's temp files and old ones, and keeps a running server's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'saksflyt-blobs-'));
    BlobStore.open(dir);
    const tmp = join(dir, 'tmp');
    const dead = `${hostname()}-999999999-${randomUUID()}`;
    const mine = `${hostname()}-${process.pid}-${randomUUID()}`;
    const otherHost = `some-other-host-42-${randomUUID()}`;
    const oldOtherHost = `some-other-host-43-${randomUUID()}`;
    const stray = 'not-ours';
    for (const f of [dead, mine, otherHost, oldOtherHost, stray]) writeFileSync(join(tmp, f), 'x');
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(tmp, oldOtherHost), hourAgo, hourAgo);
    BlobStore.open(dir);
    expect(readdirSync(tmp).sort()).toEqual([mine, otherHost].sort());
    expect(existsSync(join(tmp, dead))).toBe(false);
  });
});
