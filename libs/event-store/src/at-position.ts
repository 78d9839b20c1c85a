/**
 * The store as it stood at a position (the auditor's time machine): a read-only `EventStore` whose
 * reads end at `position` (a position the store gave), so any read model folded from it (a meeting,
 * a matter) answers as it would have then, through its one fold. Writes and subscriptions refuse.
 */
import { Observable } from 'rxjs';
import { StreamNotFound, type EventStore, type ReadAllOptions, type ReadStreamOptions, type RecordedEvent } from './port.js';

export function storeAtPosition(store: EventStore, position: bigint): EventStore {
  const refuse = (): never => {
    throw new Error(`the store as of position ${position} is read-only`);
  };
  return {
    kind: store.kind,
    append: async () => refuse(),
    appendMany: async () => refuse(),
    async *readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
      let any = false;
      const { maxCount, ...rest } = options ?? {};
      let left = maxCount ?? Number.POSITIVE_INFINITY;
      for await (const e of store.readStream(stream, rest)) {
        if (e.position > position) {
          if (rest.direction === 'backwards') continue;
          break;
        }
        if (left-- <= 0) break;
        any = true;
        yield e;
      }
      if (!any && rest.fromRevision === undefined) throw new StreamNotFound(stream);
    },
    async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
      const { maxCount, ...rest } = options ?? {};
      let left = maxCount ?? Number.POSITIVE_INFINITY;
      for await (const e of store.readAll(rest)) {
        if (e.position > position || left-- <= 0) break;
        yield e;
      }
    },
    subscribeToAll: () => new Observable((s) => s.error(new Error('no subscriptions on a past moment'))),
    subscribeToStream: () => new Observable((s) => s.error(new Error('no subscriptions on a past moment'))),
    headPosition: async () => position,
    lastEvent: (options) => store.lastEvent({ atOrBefore: options?.atOrBefore !== undefined && options.atOrBefore < position ? options.atOrBefore : position }),
    verify: (options) => store.verify({ ...options, upTo: options?.upTo !== undefined && options.upTo < position ? options.upTo : position }),
    close: async () => undefined,
  };
}
