/**
 * The sealer of the global log on KurrentDB (`chain.ts`, "THE SEALS"): `seal()` covers the user
 * events after the last seal (at most `maxEvents` of them) with one `LogSealed` event appended to
 * `SEAL_STREAM`, expecting the seal stream's revision it read (two sealers at once: one wins, the
 * other's range is sealed by the next round). In the background every `everyMs` when asked
 * (`openEventStoreDb` does, every 5 s). `verify` reads the seals and checks them with the stream
 * chains in one pass (`verifyLog`).
 */
import { randomUUID } from 'node:crypto';
import { StreamNotFound, WrongExpectedRevision, type EventStore, type VerifyOptions, type VerifyResult } from '../port.js';
import { GENESIS_HASH, SEAL_STREAM, SEAL_TYPE, sealStep, verifyLog, type ChainedEvent, type SealData } from './chain.js';

export interface SealerOptions {
  /** Seal in the background this often (ms); off unless given. */
  everyMs?: number;
  /** The most events one seal covers (default 10 000). */
  maxEvents?: number;
}

export class Sealer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly maxEvents: number;

  constructor(
    private readonly store: Pick<EventStore, 'append' | 'readStream'>,
    private readonly readChained: (options: { after?: bigint }) => AsyncIterable<ChainedEvent>,
    options: SealerOptions = {},
  ) {
    this.maxEvents = Math.max(1, options.maxEvents ?? 10_000);
    if (options.everyMs !== undefined && options.everyMs > 0) {
      this.timer = setInterval(() => void this.seal().catch(() => undefined), options.everyMs);
      this.timer.unref();
    }
  }

  /** Every seal in order, with the seal stream's revision. */
  async seals(): Promise<{ revision: bigint; data: SealData }[]> {
    const out: { revision: bigint; data: SealData }[] = [];
    try {
      for await (const e of this.store.readStream(SEAL_STREAM)) if (e.type === SEAL_TYPE) out.push({ revision: e.revision, data: e.data as SealData });
    } catch (error) {
      if (!(error instanceof StreamNotFound)) throw error;
    }
    return out;
  }

  /** One seal over the events after the last one (at most `maxEvents`); null when there is nothing new or another sealer won. */
  seal(): Promise<SealData | null> {
    const next = this.running.then(() => this.sealOnce());
    this.running = next.catch(() => undefined);
    return next;
  }

  private async sealOnce(): Promise<SealData | null> {
    if (this.stopped) return null;
    const seals = await this.seals();
    const last = seals.at(-1);
    const from = last ? BigInt(last.data.to) : 0n;
    const prev = last ? last.data.hash : GENESIS_HASH;
    let hash = prev;
    let count = 0;
    let to = from;
    for await (const e of this.readChained({ after: from })) {
      hash = sealStep(hash, e);
      to = e.position;
      if (++count >= this.maxEvents) break;
    }
    if (count === 0) return null;
    const data: SealData = { v: 1, from: from.toString(), to: to.toString(), count, prev, hash };
    try {
      await this.store.append(SEAL_STREAM, [{ id: randomUUID(), type: SEAL_TYPE, data, metadata: { actor: 'system', correlationId: randomUUID(), causationId: null, at: new Date().toISOString() } }], {
        expectedRevision: last ? last.revision : 'no_stream',
      });
    } catch (error) {
      if (error instanceof WrongExpectedRevision) return null;
      throw error;
    }
    return data;
  }

  /** The stream chains and every seal, in one pass over the log. */
  async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    const seals = (await this.seals()).map((s) => s.data);
    return verifyLog(this.readChained({}), seals, options);
  }

  /** Stops the background sealing and waits for a seal under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
