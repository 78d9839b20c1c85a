/**
 * Stores that fail fast and say why (used by the api's StoreModule; see faults.ts):
 *
 * - `ConnectingStore`: a store opened in the background (KurrentDB): the server starts while the
 *   store is unreachable, every call meanwhile throws `StoreUnavailable` at once, the opener is
 *   retried forever (capped, doubling delay) until it succeeds, and each call of the opened store
 *   must answer within `deadlineMs` (else StoreUnavailable; an append that timed out may still have
 *   been written, all or nothing: its retry with the same event ids is idempotent). Subscriptions
 *   wait for the store to open, then are the opened store's own (which resubscribe by themselves).
 * - `StoreCondition` + `watchWrites(store, condition)`: every failed append that is a store fault
 *   marks the condition (its reason, since when), every append that succeeds clears it; the rest of
 *   the store passes through untouched (its own extras such as `verifyChain` included).
 */
import { Observable } from 'rxjs';
import { StoreUnavailable, storeFault } from './faults.js';
import type {
  BuiltFrom,
  VerifyOptions,
  VerifyResult,
  AppendManyResult,
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamWrite,
  SubscriptionMessage,
} from './port.js';

/** Whether the store's writes are failing now, and why (for health). */
export class StoreCondition {
  fault: string | null = null;
  since: Date | null = null;

  failed(error: unknown): void {
    const reason = storeFault(error);
    if (reason === null) return;
    if (this.fault !== reason) this.since = new Date();
    this.fault = reason;
  }

  succeeded(): void {
    this.fault = null;
    this.since = null;
  }
}

/** The store with `append`/`appendMany` observed by `condition`; everything else is the store's own. */
export function watchWrites<S extends EventStore>(store: S, condition: StoreCondition): S {
  const watch = <T>(p: Promise<T>): Promise<T> =>
    p.then(
      (r) => {
        condition.succeeded();
        return r;
      },
      (e: unknown) => {
        condition.failed(e);
        throw e;
      },
    );
  const append = (stream: string, events: NewEvent[], options: AppendOptions) => watch(store.append(stream, events, options));
  const appendMany = (writes: StreamWrite[]) => watch(store.appendMany(writes));
  const bound = new Map<PropertyKey, { fn: unknown; bound: unknown }>();
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'append') return append;
      if (prop === 'appendMany') return appendMany;
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      const hit = bound.get(prop);
      if (hit?.fn === v) return hit.bound;
      const b = (v as (...a: unknown[]) => unknown).bind(target);
      bound.set(prop, { fn: v, bound: b });
      return b;
    },
  });
}

export interface ConnectingStoreOptions {
  /** Each call of the opened store answers within this (ms), else StoreUnavailable. Default 1000. */
  deadlineMs?: number;
  /** Retry delays of the opener (ms): first and cap. Default 250 and 2000. */
  retry?: { baseMs?: number; maxMs?: number };
  /** Told each failed attempt (for the log). */
  onAttemptFailed?: (reason: string, error: unknown) => void;
  /** Told once the store is open. */
  onOpened?: () => void;
}

function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new StoreUnavailable(`${what} did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        const reason = storeFault(e);
        reject(reason !== null && !(e instanceof StoreUnavailable) ? new StoreUnavailable(reason, { cause: e }) : e);
      },
    );
  });
}

export class ConnectingStore implements EventStore {
  private inner: EventStore | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private readonly openWaiters: Array<(s: EventStore | null) => void> = [];
  private readonly deadlineMs: number;
  /** Why the store is not open yet (null once open). */
  notOpenReason: string | null;

  constructor(
    readonly kind: EventStore['kind'],
    /** A human name for messages ("KurrentDB"). */
    private readonly name: string,
    private readonly opener: () => Promise<EventStore>,
    private readonly options: ConnectingStoreOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? 1000;
    this.notOpenReason = `${name}: connecting`;
    void this.tryOpen();
  }

  get opened(): boolean {
    return this.inner !== null;
  }

  private async tryOpen(): Promise<void> {
    this.timer = null;
    if (this.closed) return;
    try {
      const store = await this.opener();
      if (this.closed) {
        await store.close().catch(() => undefined);
        return;
      }
      this.inner = store;
      this.notOpenReason = null;
      this.options.onOpened?.();
      for (const w of this.openWaiters.splice(0)) w(store);
    } catch (error) {
      const reason = storeFault(error) ?? `${this.name} cannot be opened`;
      this.notOpenReason = reason;
      this.options.onAttemptFailed?.(reason, error);
      const base = this.options.retry?.baseMs ?? 250;
      const max = this.options.retry?.maxMs ?? 2000;
      const delay = Math.min(max, base * 2 ** Math.min(this.attempt++, 10));
      if (!this.closed) this.timer = setTimeout(() => void this.tryOpen(), delay);
    }
  }

  /** The opened store, or StoreUnavailable now. */
  private store(): EventStore {
    if (this.inner) return this.inner;
    throw new StoreUnavailable(this.closed ? 'the store is closed (the server is stopping)' : (this.notOpenReason ?? `${this.name} is not connected`));
  }

  private call<T>(f: (s: EventStore) => Promise<T>): Promise<T> {
    try {
      return withDeadline(f(this.store()), this.deadlineMs, this.name);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  append(stream: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.call((s) => s.append(stream, events, options));
  }

  appendMany(writes: StreamWrite[]): Promise<AppendManyResult> {
    return this.call((s) => s.appendMany(writes));
  }

  headPosition(): Promise<bigint> {
    return this.call((s) => s.headPosition());
  }

  lastEvent(options?: { atOrBefore?: bigint }): Promise<BuiltFrom | null> {
    return this.call((s) => s.lastEvent(options));
  }

  /** No deadline: verifying a whole log takes as long as it takes; only an unopened store is refused at once. */
  verify(options?: VerifyOptions): Promise<VerifyResult> {
    try {
      return this.store().verify(options);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    return this.iterate((s) => s.readStream(stream, options));
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.iterate((s) => s.readAll(options));
  }

  private iterate(f: (s: EventStore) => AsyncIterable<RecordedEvent>): AsyncIterable<RecordedEvent> {
    const self = this;
    return {
      [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
        let it: AsyncIterator<RecordedEvent> | null = null;
        return {
          next() {
            try {
              it ??= f(self.store())[Symbol.asyncIterator]();
            } catch (e) {
              return Promise.reject(e);
            }
            return withDeadline(it.next(), self.deadlineMs, self.name);
          },
          async return(value?: unknown) {
            await it?.return?.(value);
            return { done: true, value: undefined };
          },
        };
      },
    };
  }

  subscribeToAll(options?: { after?: bigint }): Observable<SubscriptionMessage> {
    return this.whenOpen((s) => s.subscribeToAll(options));
  }

  subscribeToStream(stream: string, options?: { fromRevision?: bigint }): Observable<SubscriptionMessage> {
    return this.whenOpen((s) => s.subscribeToStream(stream, options));
  }

  /** Subscribes once the store is open (at once when it is). */
  private whenOpen(f: (s: EventStore) => Observable<SubscriptionMessage>): Observable<SubscriptionMessage> {
    return new Observable<SubscriptionMessage>((subscriber) => {
      let inner: { unsubscribe(): void } | null = null;
      let done = false;
      const go = (s: EventStore | null) => {
        if (done) return;
        if (!s) return subscriber.complete();
        inner = f(s).subscribe(subscriber);
      };
      if (this.inner) go(this.inner);
      else this.openWaiters.push(go);
      return () => {
        done = true;
        inner?.unsubscribe();
      };
    });
  }

  knownStreamRevision(stream: string): bigint | undefined {
    return this.inner?.knownStreamRevision?.(stream);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.openWaiters.splice(0)) w(null);
    if (this.inner) await this.inner.close();
  }
}
