/**
 * The deposit's zip written as a stream (fflate's `Zip` with `ZipDeflate`/`ZipPassThrough`): each
 * file is written in pieces, hashed (SHA-256) and counted as it goes, and the zip's bytes go to
 * `onChunk` as they are made. Synchronous: the caller (`DepositStream`, `buildDeposit`) decides
 * when to hand the chunks on, so memory holds one piece, not the zip.
 *
 * Deterministic: a file's bytes are cut into slices of exactly `SLICE` bytes before they reach the
 * compressor, so the zip's bytes depend only on the files' contents and their order, never on how
 * a caller happened to split its writes (the server and the command line give the same zip).
 */
import { createHash, type Hash } from 'node:crypto';
import { Zip, ZipDeflate, ZipPassThrough, strToU8 } from 'fflate';

/** Every file's time in the zip (fixed: the same input, the same bytes). */
export const DEPOSIT_MTIME = new Date(Date.UTC(2000, 0, 1));
/** The slice each file is cut into before compression. */
const SLICE = 64 * 1024;
/** Text is gathered to about this many characters before it is encoded. */
const TEXT_GATHER = 16 * 1024;

export interface WrittenFile {
  path: string;
  sha256: string;
  size: number;
}

/** One file of the zip being written: text or bytes in any pieces; `end()` gives its hash and size. */
export class DepositFileWriter {
  private readonly hash: Hash = createHash('sha256');
  private size = 0;
  private text: string[] = [];
  private textLength = 0;
  private bytes: Uint8Array[] = [];
  private bytesLength = 0;
  private ended = false;

  constructor(
    readonly path: string,
    private readonly file: ZipDeflate | ZipPassThrough,
    private readonly onEnd: () => void,
  ) {}

  write(piece: string | Uint8Array): void {
    if (this.ended) throw new Error(`${this.path}: written after its end`);
    if (typeof piece === 'string') {
      this.text.push(piece);
      this.textLength += piece.length;
      if (this.textLength >= TEXT_GATHER) this.encodeText();
    } else {
      this.encodeText();
      this.addBytes(piece);
    }
  }

  private encodeText(): void {
    if (this.text.length === 0) return;
    const joined = this.text.join('');
    this.text = [];
    this.textLength = 0;
    this.addBytes(strToU8(joined));
  }

  private addBytes(b: Uint8Array): void {
    if (b.length === 0) return;
    this.bytes.push(b);
    this.bytesLength += b.length;
    while (this.bytesLength >= SLICE) this.push(this.take(SLICE), false);
  }

  /** The first `n` gathered bytes (n ≤ gathered). */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.bytes[0]!;
      const want = n - filled;
      if (head.length <= want) {
        out.set(head, filled);
        filled += head.length;
        this.bytes.shift();
      } else {
        out.set(head.subarray(0, want), filled);
        this.bytes[0] = head.subarray(want);
        filled += want;
      }
    }
    this.bytesLength -= n;
    return out;
  }

  private push(slice: Uint8Array, final: boolean): void {
    this.hash.update(slice);
    this.size += slice.length;
    this.file.push(slice, final);
  }

  end(): WrittenFile {
    this.encodeText();
    this.push(this.take(this.bytesLength), true);
    this.ended = true;
    this.onEnd();
    return { path: this.path, sha256: this.hash.digest('hex'), size: this.size };
  }
}

export class DepositZipWriter {
  private readonly zip: Zip;
  private error: Error | null = null;
  private open: DepositFileWriter | null = null;
  /** Zip bytes written so far. */
  bytes = 0;

  constructor(onChunk: (chunk: Uint8Array) => void) {
    this.zip = new Zip((err, chunk) => {
      if (err) this.error = err;
      else {
        this.bytes += chunk.length;
        onChunk(chunk);
      }
    });
  }

  private check(): void {
    if (this.error) throw this.error;
  }

  /** Starts the next file (the previous one must have ended): deflated, or stored as it is (`store`: PDFs). */
  file(path: string, store = false): DepositFileWriter {
    this.check();
    if (this.open) throw new Error(`${path} started before ${this.open.path} ended`);
    const f = store ? new ZipPassThrough(path) : new ZipDeflate(path, { level: 6 });
    f.mtime = DEPOSIT_MTIME;
    this.zip.add(f);
    const w = new DepositFileWriter(path, f, () => {
      this.open = null;
      this.check();
    });
    this.open = w;
    return w;
  }

  /** Writes the central directory and its end record: only after this is the zip whole. */
  end(): void {
    this.check();
    this.zip.end();
    this.check();
  }
}

/**
 * A JSON array written element by element, byte for byte what `JSON.stringify(array, replacer, 2)`
 * gives when the array sits at `depth` (0: the document itself; 1: a member of the top object).
 */
export class JsonArrayText {
  private first = true;
  private readonly pad: string;
  private readonly closePad: string;

  constructor(
    depth: number,
    private readonly replacer?: (key: string, value: unknown) => unknown,
  ) {
    this.pad = '  '.repeat(depth + 1);
    this.closePad = '  '.repeat(depth);
  }

  item(value: unknown): string {
    const text = JSON.stringify(value, this.replacer as never, 2).replace(/\n/g, `\n${this.pad}`);
    const lead = this.first ? `[\n${this.pad}` : `,\n${this.pad}`;
    this.first = false;
    return lead + text;
  }

  end(): string {
    return this.first ? '[]' : `\n${this.closePad}]`;
  }
}
