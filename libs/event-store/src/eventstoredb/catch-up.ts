/**
 * A catch-up subscription of the client (a Readable of resolved events that also emits `caughtUp`)
 * as the port's Observable, resubscribing for as long as it is subscribed to. Separate from the
 * adapter so its logic can be tested on plain Node streams standing in for the client's
 * subscription object.
 *
 * - `cursor` is the key (position for $all, revision for a stream) of the last delivered event, or
 *   the start. Anything at or before it that comes (again) is dropped: nothing is delivered twice,
 *   nothing after it is skipped.
 * - `from` is where the next client subscription starts (exclusive): the cursor, except when the
 *   server refused to start there before handing over anything (a start position that is not a record
 *   boundary): then `fallback` names an earlier place (a known boundary, or the beginning) and the
 *   cursor still drops everything up to the start.
 * - `caughtUp` is emitted once per Observable, never with a position before the start: on the
 *   server's signal, after the events the stream had already buffered when the signal came; or as
 *   soon as an event at or past the head read before subscribing is delivered (or at once when the
 *   head is at or before the start), so servers without the signal get it too.
 * - A drop (error, or an end nobody asked for) resubscribes after a delay doubling from `baseDelayMs`
 *   up to `maxDelayMs`, forever; the delay starts over once an event arrives. Only a fatal error (the
 *   stream deleted, access denied, the store closed) ends the Observable with an error.
 */
import { Observable } from 'rxjs';
import type { RecordedEvent, SubscriptionMessage } from '../port.js';
import { resubscribeDelay, toRecordedEvent, type KurrentResolvedEventLike } from './mapping.js';

/** What this wrapper uses of the client's catch-up subscription (`AllStreamSubscription`/`StreamSubscription`). */
export interface CatchUpSource {
  /** Objects in the Readable's buffer, not yet emitted as 'data'. */
  readonly readableLength: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
  unsubscribe(): Promise<void>;
}

export interface CatchUpSpec {
  /** Where to start: deliver events with key > start (-1n for a whole stream, 0n for all of $all). */
  start: bigint;
  /** The head before subscribing (`head` in keys, `headPosition` global); may throw (then the server's signal is used). */
  readHead: () => Promise<{ head: bigint; headPosition: bigint }>;
  /** Opens a client subscription delivering events with key > from. */
  open: (from: bigint) => CatchUpSource;
  keyOf: (event: RecordedEvent) => bigint;
  /** Whether a resolved event is delivered (e.g. not a system event). */
  accept: (resolved: KurrentResolvedEventLike) => boolean;
  /** The caughtUp position from the last delivered event's position and the global head; raised to `minCaughtUp`. */
  caughtUpPosition: (lastPosition: bigint, headPosition: bigint) => bigint;
  /** The lowest caughtUp position (the start position for $all; 0n for streams, whose start is a revision). */
  minCaughtUp?: bigint;
  /** Errors not worth retrying, already mapped for the caller; undefined to retry. */
  fatal?: (error: unknown) => unknown;
  /**
   * After `error` ended a subscription opened at `from` that had handed over nothing: an earlier
   * place to open the next one at, or undefined to retry at the same place.
   */
  fallback?: (from: bigint, error: unknown) => bigint | undefined;
  /** Called with every delivered event's position (e.g. to remember record boundaries). */
  seen?: (position: bigint) => void;
  retry?: { baseDelayMs?: number; maxDelayMs?: number };
  /** Registers a completer called when the store closes; returns its deregistration. */
  onClose?: (complete: () => void) => () => void;
}

export function catchUpObservable(spec: CatchUpSpec): Observable<SubscriptionMessage> {
  const baseDelayMs = spec.retry?.baseDelayMs ?? 100;
  const maxDelayMs = spec.retry?.maxDelayMs ?? 5000;
  const minCaughtUp = spec.minCaughtUp ?? 0n;

  return new Observable<SubscriptionMessage>((subscriber) => {
    let cursor = spec.start;
    let from = spec.start;
    let lastPosition = 0n;
    let head: bigint | undefined;
    let headPosition = 0n;
    let caughtUp = false;
    let stopped = false;
    let failures = 0;
    let current: CatchUpSource | undefined;
    // Whether the current client subscription handed over anything (a refusal comes before that).
    let handedOver = false;
    let timer: NodeJS.Timeout | undefined;
    // Objects still in the stream's buffer when the server said "caught up".
    let caughtUpAfter: number | undefined;
    let deregister: (() => void) | undefined;

    const emitCaughtUp = (): void => {
      if (caughtUp || stopped) return;
      caughtUp = true;
      caughtUpAfter = undefined;
      const position = spec.caughtUpPosition(lastPosition, headPosition);
      subscriber.next({ kind: 'caughtUp', position: position > minCaughtUp ? position : minCaughtUp });
    };

    const release = (sub: CatchUpSource | undefined): void => {
      if (sub) void sub.unsubscribe().catch(() => undefined);
    };

    const stop = (): void => {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const sub = current;
      current = undefined;
      release(sub);
      deregister?.();
    };

    const fail = (error: unknown): void => {
      if (stopped) return;
      stop();
      subscriber.error(error);
    };

    const onEvent = (resolved: KurrentResolvedEventLike): void => {
      if (stopped) return;
      handedOver = true;
      failures = 0;
      if (spec.accept(resolved)) {
        let event: RecordedEvent | undefined;
        try {
          event = toRecordedEvent(resolved);
        } catch (error) {
          fail(error);
          return;
        }
        if (event) {
          const key = spec.keyOf(event);
          if (key > cursor) {
            cursor = key;
            from = key;
            lastPosition = event.position;
            spec.seen?.(event.position);
            subscriber.next({ kind: 'event', event });
            if (head !== undefined && key >= head) emitCaughtUp();
          }
        }
      }
      if (caughtUpAfter !== undefined && --caughtUpAfter <= 0) emitCaughtUp();
    };

    const retry = (error: unknown): void => {
      if (stopped) return;
      release(current);
      current = undefined;
      caughtUpAfter = undefined;
      const fatal = spec.fatal?.(error);
      if (fatal !== undefined) {
        fail(fatal);
        return;
      }
      if (!handedOver && spec.fallback) {
        const earlier = spec.fallback(from, error);
        if (earlier !== undefined && earlier < from) {
          from = earlier;
          timer = setTimeout(connect, 0);
          return;
        }
      }
      failures++;
      timer = setTimeout(connect, resubscribeDelay(failures, baseDelayMs, maxDelayMs));
    };

    const connect = (): void => {
      timer = undefined;
      if (stopped) return;
      let sub: CatchUpSource;
      handedOver = false;
      try {
        sub = spec.open(from);
      } catch (error) {
        retry(error);
        return;
      }
      current = sub;
      sub.on('data', (resolved: KurrentResolvedEventLike) => {
        if (current === sub) onEvent(resolved);
      });
      sub.on('caughtUp', () => {
        if (current !== sub) return;
        handedOver = true;
        if (caughtUp) return;
        // Events pushed before the signal may still sit in the buffer: emit after them.
        const buffered = sub.readableLength;
        if (buffered === 0) emitCaughtUp();
        else caughtUpAfter = buffered;
      });
      // Always listened to, also after release: an unhandled 'error' would crash the process.
      sub.on('error', (error: Error) => {
        if (current === sub) retry(error);
      });
      sub.on('end', () => {
        if (current === sub) retry(new Error('KurrentDB subscription ended'));
      });
    };

    deregister = spec.onClose?.(() => {
      if (stopped) return;
      stop();
      subscriber.complete();
    });

    void (async () => {
      try {
        const h = await spec.readHead();
        head = h.head;
        headPosition = h.headPosition;
      } catch {
        // The server's caught-up signal will do.
      }
      if (stopped) return;
      if (head !== undefined && head <= spec.start) emitCaughtUp();
      connect();
    })();

    return stop;
  });
}
