/**
 * A fake of `@kurrent/kurrentdb-client`'s client surface that the adapter uses, over an in-memory log
 * shaped like KurrentDB's: positions are byte offsets (gapped, uneven, `{ commit: p, prepare: p }`),
 * system records sit between user events, reading from a position that is not a record boundary is
 * refused, and subscriptions can be dropped at will. Only the client is faked: the client's own
 * constants and error classes are the real ones, and the adapter under test is ours, unchanged.
 *
 * What it answers is what the client's code and the server's protocol say (see the client's
 * `multiStreamAppend`, `append`, `readAll` and `Subscription`): this is a model, not a server.
 */
import { PassThrough } from 'node:stream';
import {
  ANY,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  type AppendStreamRequest,
  type AppendStreamState,
  type EventData,
  type Position,
  type ReadPosition,
  type ReadRevision,
} from '@kurrent/kurrentdb-client';

export interface FakeRecord {
  stream: string;
  type: string;
  id: string;
  revision: bigint;
  position: bigint;
  data: string; // JSON text, as the client sends it
  metadata: string; // JSON text, as the server hands it back
  created: Date;
}

export interface FakeResolved {
  event?: {
    streamId: string;
    id: string;
    isJson: boolean;
    revision: bigint;
    type: string;
    created: Date;
    data: unknown;
    metadata?: unknown;
    position?: Position;
  };
  commitPosition?: bigint;
}

/** A stand-in for the client's catch-up subscription: a Readable in object mode with `unsubscribe`. */
export class FakeSubscription extends PassThrough {
  unsubscribed = false;
  live = false;
  constructor(
    readonly kind: 'all' | 'stream',
    readonly from: ReadPosition | ReadRevision,
    readonly accepts: (r: FakeRecord) => boolean,
  ) {
    super({ objectMode: true });
  }
  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
    this.live = false;
    this.end();
  }
  /** Drops it as the server or the network would: an error, then nothing. */
  dropConnection(error: Error = new UnavailableError(undefined, '14 UNAVAILABLE: Connection dropped')): void {
    if (this.unsubscribed) return;
    this.live = false;
    this.emit('error', error);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function expectedOk(expected: AppendStreamState, current: bigint): boolean {
  if (expected === ANY) return true;
  if (expected === NO_STREAM) return current < 0n;
  if (expected === STREAM_EXISTS) return current >= 0n;
  return current === expected;
}

export interface FakeOptions {
  serverVersion?: string;
  /** Rejects the server-features call (as when nothing answers). */
  unreachable?: Error;
  /** As the connection string's `throwOnAppendFailure` (default true). */
  throwOnAppendFailure?: boolean;
  /** First log position (the log starts with the server's own records). */
  firstPosition?: bigint;
}

export class FakeKurrentClient {
  readonly records: FakeRecord[] = [];
  readonly subscriptions: FakeSubscription[] = [];
  readonly calls: { method: string; args: unknown[] }[] = [];
  /** Positions the fake refused to start at (readAll and subscriptions). */
  readonly refused: bigint[] = [];
  disposed = false;
  /** How many of the next subscriptions fail at once (the server unreachable), before handing over anything. */
  failNextSubscriptions = 0;
  serverVersion: string;
  private readonly unreachable?: Error;
  private readonly throwOnAppendFailure: boolean;
  private next: bigint;
  private tick = 0;

  constructor(options: FakeOptions = {}) {
    this.serverVersion = options.serverVersion ?? '25.1.1';
    this.unreachable = options.unreachable;
    this.throwOnAppendFailure = options.throwOnAppendFailure ?? true;
    this.next = options.firstPosition ?? 1234n;
  }

  // -------------------------------------------------------------- the client's surface

  get capabilities(): Promise<{ serverVersion: string }> {
    return this.unreachable ? Promise.reject(this.unreachable) : Promise.resolve({ serverVersion: this.serverVersion });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  async appendToStream(
    streamName: string,
    events: EventData | EventData[],
    options: { streamState?: AppendStreamState } = {},
  ): Promise<{ success: boolean; nextExpectedRevision: bigint; position?: Position }> {
    this.calls.push({ method: 'appendToStream', args: [streamName, events, options] });
    const list = Array.isArray(events) ? events : [events];
    const expected = options.streamState ?? ANY;
    const repeat = this.repeatOf(streamName, list);
    if (repeat) return { success: true, nextExpectedRevision: repeat.revision };
    const current = this.revisionOf(streamName);
    if (!expectedOk(expected, current)) {
      if (this.throwOnAppendFailure) {
        throw new WrongExpectedVersionError(undefined, { streamName, expected, current: current < 0n ? NO_STREAM : current });
      }
      return { success: false, nextExpectedRevision: current < 0n ? -1n : current, position: undefined };
    }
    let last: FakeRecord | undefined;
    for (const e of list) last = this.write(streamName, e, JSON.stringify(e.metadata ?? {}));
    return { success: true, nextExpectedRevision: last!.revision, position: { commit: last!.position, prepare: last!.position } };
  }

  async multiStreamAppend(requests: AppendStreamRequest[]): Promise<{ position: bigint; responses: { streamName: string; revision: bigint }[] }> {
    this.calls.push({ method: 'multiStreamAppend', args: [requests] });
    // As the client checks before sending.
    for (const request of requests) {
      for (const event of request.events) {
        const { metadata } = event;
        if (metadata == null) continue;
        if (
          metadata.constructor === Uint8Array ||
          typeof metadata !== 'object' ||
          Array.isArray(metadata) ||
          Object.values(metadata).some((value) => typeof value !== 'string')
        ) {
          throw new Error('multiStreamAppend requires metadata to be a plain object with string keys and string values.');
        }
      }
    }
    if (requests.length === 0) throw new UnknownError(undefined, 'AppendTransactionNoRequests');
    const seen = new Set<string>();
    for (const r of requests) {
      if (seen.has(r.streamName.toLowerCase())) throw new UnknownError(undefined, `StreamAlreadyInAppendSession ${r.streamName}`);
      seen.add(r.streamName.toLowerCase());
    }
    // Idempotent when every write is a repeat (as the server's idempotency check per stream).
    const repeats = requests.map((r) => this.repeatOf(r.streamName, r.events));
    if (repeats.every((x) => x)) {
      return { position: -1n, responses: requests.map((r, i) => ({ streamName: r.streamName, revision: repeats[i]!.revision })) };
    }
    for (const r of requests) {
      const current = this.revisionOf(r.streamName);
      if (!expectedOk(r.expectedState, current)) {
        throw new WrongExpectedVersionError(undefined, {
          streamName: r.streamName,
          expected: r.expectedState,
          current: current < 0n ? NO_STREAM : current,
        });
      }
    }
    const responses: { streamName: string; revision: bigint }[] = [];
    let last: FakeRecord | undefined;
    for (const r of requests) {
      for (const e of r.events) {
        // The server stores the properties as the metadata object, with its own schema keys.
        const props = { '$schema.format': 'Json', '$schema.name': e.type, ...(e.metadata as Record<string, string>) };
        last = this.write(r.streamName, e, JSON.stringify(props));
      }
      responses.push({ streamName: r.streamName, revision: last!.revision });
    }
    return { position: last!.position, responses };
  }

  readAll(options: { fromPosition?: ReadPosition; maxCount?: number | bigint; direction?: string } = {}): AsyncIterableIterator<FakeResolved> {
    this.calls.push({ method: 'readAll', args: [options] });
    const from = options.fromPosition ?? START;
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const backwards = options.direction === 'backwards';
    const records = this.records;
    const self = this;
    return (async function* () {
      const at = self.checkBoundary(from);
      let out: FakeRecord[];
      if (backwards) {
        const upto = at ?? (from === START ? -1n : self.next);
        out = records.filter((r) => r.position <= upto).reverse();
      } else {
        const lo = at ?? (from === END ? self.next : 0n);
        out = records.filter((r) => r.position >= lo);
      }
      for (const r of out.slice(0, max)) yield self.resolved(r, true);
    })();
  }

  readStream(
    streamName: string,
    options: { fromRevision?: ReadRevision; maxCount?: number | bigint; direction?: string } = {},
  ): AsyncIterableIterator<FakeResolved> {
    this.calls.push({ method: 'readStream', args: [streamName, options] });
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? START;
    const self = this;
    return (async function* () {
      const mine = self.records.filter((r) => r.stream === streamName);
      if (mine.length === 0) throw new StreamNotFoundError(undefined, streamName);
      let out: FakeRecord[];
      if (backwards) {
        const upto = from === END || from === START ? BigInt(mine.length) : (from as bigint);
        out = mine.filter((r) => r.revision <= upto).reverse();
      } else {
        const lo = from === START ? 0n : from === END ? BigInt(mine.length) : (from as bigint);
        out = mine.filter((r) => r.revision >= lo);
      }
      for (const r of out.slice(0, max)) yield self.resolved(r, true);
    })();
  }

  subscribeToAll(options: { fromPosition?: ReadPosition; filter?: { regex?: string; filterOn?: string } } = {}): FakeSubscription {
    this.calls.push({ method: 'subscribeToAll', args: [options] });
    const from = options.fromPosition ?? START;
    const regex = options.filter?.regex ? new RegExp(options.filter.regex) : undefined;
    const onType = options.filter?.filterOn === 'eventType';
    const accepts = (r: FakeRecord): boolean => !regex || regex.test(onType ? r.type : r.stream);
    const sub = new FakeSubscription('all', from, accepts);
    this.subscriptions.push(sub);
    setImmediate(() => {
      if (sub.unsubscribed) return;
      if (this.failNextSubscriptions > 0) {
        this.failNextSubscriptions--;
        sub.emit('error', new UnavailableError(undefined, '14 UNAVAILABLE: No connection established'));
        return;
      }
      let at: bigint | undefined;
      try {
        at = this.checkBoundary(from);
      } catch (error) {
        sub.emit('error', error);
        return;
      }
      const lo = at ?? (from === END ? this.next : -1n);
      // Exclusive: after the position.
      for (const r of this.records) if (r.position > lo && accepts(r)) sub.write(this.resolved(r, true));
      sub.live = true;
      sub.emit('caughtUp', {});
    });
    return sub;
  }

  subscribeToStream(streamName: string, options: { fromRevision?: ReadRevision } = {}): FakeSubscription {
    this.calls.push({ method: 'subscribeToStream', args: [streamName, options] });
    const from = options.fromRevision ?? START;
    const sub = new FakeSubscription('stream', from, (r) => r.stream === streamName);
    this.subscriptions.push(sub);
    setImmediate(() => {
      if (sub.unsubscribed) return;
      const lo = from === START ? -1n : from === END ? BigInt(Number.MAX_SAFE_INTEGER) : (from as bigint);
      for (const r of this.records) if (r.stream === streamName && r.revision > lo) sub.write(this.resolved(r, false));
      sub.live = true;
      sub.emit('caughtUp', {});
    });
    return sub;
  }

  // -------------------------------------------------------------- test controls

  /** Writes a record the server itself (or someone else) would write, e.g. `$statsCollected`. */
  addRecord(stream: string, type: string, data: unknown = {}, metadata = '{}'): FakeRecord {
    return this.write(stream, { id: crypto.randomUUID(), type, contentType: 'application/json', data: data as never } as unknown as EventData, metadata);
  }

  /** Drops every live subscription with the error; answers how many it dropped. */
  dropAll(error?: Error): number {
    let dropped = 0;
    for (const s of this.subscriptions) {
      if (!s.live) continue;
      s.dropConnection(error);
      dropped++;
    }
    return dropped;
  }

  /** The end of the log (where the next record will be written). */
  get endPosition(): bigint {
    return this.next;
  }

  // -------------------------------------------------------------- the model

  private revisionOf(stream: string): bigint {
    let r = -1n;
    for (const x of this.records) if (x.stream === stream) r = x.revision;
    return r;
  }

  /**
   * The server's idempotency check, as its index writer does it: when the first event's id is already
   * in the stream, the write is a repeat if all ids follow as that stream's consecutive run (the
   * original last record is answered), else it is "corrupted idempotency", answered as a wrong
   * expected version. Undefined when the first id is new.
   */
  private repeatOf(stream: string, events: EventData[]): FakeRecord | undefined {
    const mine = this.records.filter((r) => r.stream === stream);
    const first = mine.findIndex((r) => r.id === events[0]?.id);
    if (first < 0) return undefined;
    for (let i = 0; i < events.length; i++) {
      if (mine[first + i]?.id !== events[i].id) {
        const current = BigInt(mine.length - 1);
        throw new WrongExpectedVersionError(undefined, { streamName: stream, expected: ANY, current });
      }
    }
    return mine[first + events.length - 1];
  }

  private write(stream: string, e: EventData, metadata: string): FakeRecord {
    const data = JSON.stringify(e.data);
    const record: FakeRecord = {
      stream,
      type: e.type,
      id: e.id ?? crypto.randomUUID(),
      revision: this.revisionOf(stream) + 1n,
      position: this.next,
      data,
      metadata,
      created: new Date(Date.UTC(2019, 1, 15, 9, 0, 0, this.tick++)),
    };
    this.records.push(record);
    // A record's size on disk: header, names, data and metadata; never the same step twice in a row.
    this.next += BigInt(61 + stream.length + e.type.length + data.length + metadata.length + (this.tick % 7));
    for (const s of this.subscriptions) if (s.live && s.accepts(record)) s.write(this.resolved(record, s.kind === 'all'));
    return record;
  }

  /** Throws as the server does for a position that is not a record boundary; undefined for START/END. */
  private checkBoundary(from: ReadPosition): bigint | undefined {
    if (from === START || from === END) return undefined;
    const p = (from as Position).commit;
    if ((from as Position).prepare !== p || !(p === this.next || this.records.some((r) => r.position === p))) {
      this.refused.push(p);
      throw new UnknownError(undefined, `Invalid position ${p}/${(from as Position).prepare}`);
    }
    return p;
  }

  private resolved(r: FakeRecord, withPosition: boolean): FakeResolved {
    return {
      event: {
        streamId: r.stream,
        id: r.id,
        isJson: true,
        revision: r.revision,
        type: r.type,
        created: r.created,
        data: parseJson(r.data),
        metadata: parseJson(r.metadata),
        // KurrentDB 22.6+ places events on stream reads too.
        position: { commit: r.position, prepare: r.position },
      },
      ...(withPosition ? { commitPosition: r.position } : {}),
    };
  }
}
