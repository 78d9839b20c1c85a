/**
 * The adapter's paged reads (see `eventstoredb-event-store.ts`): a stream page by page, and $all
 * page by page with each user event's resolved record (the chain needs its raw metadata), restarting
 * a refused start at an earlier boundary (`positions.ts`).
 */
import { BACKWARDS, END, FORWARDS, START, type KurrentDBClient, type Position, type ReadPosition, type ReadRevision } from '@kurrent/kurrentdb-client';
import type { ReadAllOptions, ReadStreamOptions, RecordedEvent } from '../port.js';
import { isUserEvent, mapKurrentReadError, toRecordedEvent, type KurrentResolvedEventLike } from './mapping.js';
import { fallbackStart, isPositionRefused, samePosition, toReadPosition, type BoundaryCache } from './positions.js';

type Raw = Position;

export function readStreamPaged(client: KurrentDBClient, pageSize: number, stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
  const backwards = options.direction === 'backwards';
  return {
    async *[Symbol.asyncIterator]() {
      let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
      let from: ReadRevision = options.fromRevision ?? (backwards ? END : START);
      while (remaining > 0) {
        const want = Math.min(pageSize, remaining);
        let got = 0;
        let last: bigint | undefined;
        const page: RecordedEvent[] = [];
        try {
          const read = client.readStream(stream, {
            fromRevision: from,
            maxCount: want,
            direction: backwards ? BACKWARDS : FORWARDS,
          });
          for await (const resolved of read) {
            got++;
            const event = toRecordedEvent(resolved as KurrentResolvedEventLike);
            if (!event) continue;
            last = event.revision;
            page.push(event);
          }
        } catch (error) {
          throw mapKurrentReadError(error, stream);
        }
        for (const event of page) {
          remaining--;
          yield event;
        }
        if (got < want || last === undefined) return;
        if (backwards) {
          if (last === 0n) return;
          from = last - 1n;
        } else {
          from = last + 1n;
        }
      }
    },
  };
}

export function readAllResolved(
  client: KurrentDBClient,
  pageSize: number,
  boundaries: BoundaryCache,
  options: ReadAllOptions,
): AsyncIterable<{ event: RecordedEvent; resolved: KurrentResolvedEventLike }> {
  // The lower bound: exclusive `after`, or inclusive `fromPosition` (an event's own position).
  const inclusive = options.after === undefined;
  const bound = options.after ?? options.fromPosition ?? 0n;
  const wanted = (p: bigint): boolean => (inclusive ? p >= bound : p > bound);
  return {
    async *[Symbol.asyncIterator]() {
      if (options.after !== undefined && options.fromPosition !== undefined) {
        throw new Error('readAll takes `after` or `fromPosition`, not both');
      }
      if (typeof bound !== 'bigint' || bound < 0n) throw new RangeError(`Invalid position: ${String(bound)}`);
      let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
      if (remaining <= 0) return;
      // Where the first page starts: the bound itself, or (after a refusal) an earlier boundary.
      let start = bound;
      let from: ReadPosition = toReadPosition(start);
      // The raw position of the last record handled; the next page starts there (inclusive), so
      // that record comes again first and is skipped.
      let cursor: Raw | undefined;
      for (;;) {
        let got = 0;
        let lastRaw: Raw | undefined;
        const page: { event: RecordedEvent; resolved: KurrentResolvedEventLike }[] = [];
        try {
          for await (const resolved of client.readAll({ fromPosition: from, maxCount: pageSize, direction: FORWARDS })) {
            got++;
            const raw = resolved.event?.position;
            if (raw) {
              if (samePosition(raw, cursor)) continue;
              lastRaw = raw;
            }
            if (!isUserEvent(resolved as KurrentResolvedEventLike)) continue;
            const event = toRecordedEvent(resolved as KurrentResolvedEventLike);
            if (!event) continue;
            boundaries.remember(event.position);
            if (wanted(event.position)) page.push({ event, resolved: resolved as KurrentResolvedEventLike });
          }
        } catch (error) {
          // Refused before anything came: the start is not a record boundary; start earlier.
          const earlier = cursor === undefined && got === 0 && isPositionRefused(error) ? fallbackStart(start, boundaries) : undefined;
          if (earlier === undefined) throw error;
          start = earlier;
          from = toReadPosition(start);
          continue;
        }
        for (const item of page) {
          yield item;
          if (--remaining <= 0) return;
        }
        if (got < pageSize || !lastRaw) return;
        cursor = lastRaw;
        from = lastRaw;
      }
    },
  };
}
