/**
 * The content-addressed folder of attachment bytes (SAKSFLYT_BLOB_DIR, default
 * `<SAKSFLYT_DATA_DIR>/blobs`; the same with KurrentDB as the store): each file once, at
 * `sha256/<first two hex>/<sha256>`, never changed or removed (the history names it).
 *
 * Durability, so that an acknowledged attachment is never lost and a failed upload leaves nothing:
 * 1. `receive` streams the body into `tmp/<uuid>` while hashing and counting (stopping at the
 *    limit), then fsyncs the file. Nothing refers to it yet.
 * 2. The caller checks it (the MIME type against the bytes) and either `discard`s it or `commit`s
 *    it: rename into its place (an existing file of the same hash is kept; the temp file goes) and
 *    fsync the directory, so the name survives a crash.
 * 3. Only then is the event appended (the command). A crash before 3 leaves at most a blob no event
 *    names (harmless, content-addressed) and a temp file, which `open` removes at the next start
 *    (temp files are named `<host>-<pid>-<uuid>`: a server sharing the folder keeps its own).
 */
import { createHash, randomUUID } from 'node:crypto';
import { constants, createReadStream, mkdirSync, readdirSync, rmSync, statSync, type ReadStream } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

const SHA256 = /^[0-9a-f]{64}$/;

/** Whether a process of this host runs (EPERM: it runs, as another user). */
function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What `receive` took in: a synced temp file, or a body over the limit (nothing kept). */
export type Received =
  | { kind: 'ok'; temp: string; sha256: string; size: number; head: Buffer; utf8: boolean; nul: boolean }
  | { kind: 'too-large'; size: number }
  | { kind: 'broken' };

/** Reads a body to its end and drops it. */
async function drainBody(body: NodeJS.ReadableStream): Promise<void> {
  try {
    for await (const _ of body as AsyncIterable<unknown>) void _;
  } catch {
    /* the client went away */
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class BlobStore {
  private readonly tmp: string;
  private readonly objects: string;

  private constructor(readonly dir: string) {
    this.tmp = join(dir, 'tmp');
    this.objects = join(dir, 'sha256');
  }

  /**
   * Creates the folders and removes the temp files interrupted uploads left behind: those of a
   * process of this host that no longer runs, and any older than an hour (an upload cannot take
   * that long; the folder may be shared by several servers, e.g. with KurrentDB as the store, so a
   * live server's temp files are left alone).
   */
  static open(dir: string): BlobStore {
    const b = new BlobStore(dir);
    mkdirSync(b.tmp, { recursive: true });
    mkdirSync(b.objects, { recursive: true });
    for (const f of readdirSync(b.tmp)) {
      const m = /^(.+)-(\d+)-[0-9a-f-]{36}$/.exec(f);
      const orphan = !m || (m[1] === hostname() && !running(Number(m[2])));
      let old = false;
      try {
        old = Date.now() - statSync(join(b.tmp, f)).mtimeMs > 3600_000;
      } catch {
        continue;
      }
      if (orphan || old) rmSync(join(b.tmp, f), { force: true, recursive: true });
    }
    return b;
  }

  /** Temp files present now (for tests: none after a restart). */
  tempFiles(): string[] {
    return readdirSync(this.tmp);
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.objects, sha256.slice(0, 2), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch {
      return false;
    }
  }

  /**
   * Streams `body` into a synced temp file, at most `limit` bytes: over it, the rest is read and
   * dropped (so the client can be answered 413) and nothing is kept. Also notes whether the bytes
   * are valid UTF-8 and whether they hold a NUL (the rule for text types), and keeps the first
   * 4 KiB for sniffing.
   */
  async receive(body: NodeJS.ReadableStream, limit: number): Promise<Received> {
    const temp = join(this.tmp, `${hostname()}-${process.pid}-${randomUUID()}`);
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(temp, 'wx', 0o644);
    } catch (error) {
      await drainBody(body); // a read-only or full disk: the client still gets its answer
      throw error;
    }
    /** A write of ours failed (disk full, read-only, size limit): the rest is drained, nothing kept. */
    let writeError: unknown = null;
    const hash = createHash('sha256');
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let size = 0;
    let utf8 = true;
    let nul = false;
    const head: Buffer[] = [];
    let headSize = 0;
    let tooLarge = false;
    let broken = false;
    try {
      try {
        for await (const raw of body as AsyncIterable<Buffer | string>) {
          const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
          size += chunk.length;
          if (tooLarge) continue;
          if (size > limit) {
            tooLarge = true;
            continue;
          }
          hash.update(chunk);
          if (headSize < 4096) {
            head.push(chunk.subarray(0, 4096 - headSize));
            headSize += Math.min(chunk.length, 4096 - headSize);
          }
          if (!nul && chunk.includes(0)) nul = true;
          if (utf8)
            try {
              decoder.decode(chunk, { stream: true });
            } catch {
              utf8 = false;
            }
          if (writeError !== null) continue;
          try {
            let off = 0;
            while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
          } catch (error) {
            writeError = error;
          }
        }
      } catch {
        broken = true; // the client went away or the body broke off
      }
      if (utf8 && !tooLarge && !broken)
        try {
          decoder.decode();
        } catch {
          utf8 = false;
        }
      if (!tooLarge && !broken && writeError === null) await fh.sync().catch((error: unknown) => (writeError = error));
    } finally {
      await fh.close().catch((error: unknown) => (writeError ??= error));
    }
    if (writeError !== null && !tooLarge) {
      await unlink(temp).catch(() => undefined);
      throw writeError; // a store fault: 503 (problem.filter.ts, storeFault)
    }
    if (tooLarge || broken) {
      await unlink(temp).catch(() => undefined);
      return tooLarge ? { kind: 'too-large', size } : { kind: 'broken' };
    }
    return { kind: 'ok', temp, sha256: hash.digest('hex'), size, head: Buffer.concat(head), utf8, nul };
  }

  /** Moves a received temp file into its place (durably: the directory is fsynced). */
  async commit(r: { temp: string; sha256: string }): Promise<void> {
    const target = this.pathOf(r.sha256);
    const dir = join(this.objects, r.sha256.slice(0, 2));
    if (await this.has(r.sha256)) {
      // stored before (and synced then): the same bytes, by their hash
      await unlink(r.temp).catch(() => undefined);
      return;
    }
    mkdirSync(dir, { recursive: true });
    await fsyncDir(this.objects);
    await rename(r.temp, target);
    await fsyncDir(dir);
  }

  async discard(r: { temp: string }): Promise<void> {
    await unlink(r.temp).catch(() => undefined);
  }

  /** The stored bytes (a range of them: `start`..`end` inclusive). */
  read(sha256: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.pathOf(sha256), range ? { start: range.start, end: range.end } : {});
  }
}
