/**
 * Unit tests of the EventStoreDB adapter's pure mappings (no server). The client's own error classes
 * and types are used as they are, so a client upgrade that changes their shape fails here.
 */
import { describe, expect, test } from '@jest/globals';
import {
  ANY,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import {
  isSystemEventType,
  mapEsdbError,
  NO_POSITION,
  mapEsdbReadError,
  resubscribeDelay,
  resolvedPosition,
  toEsdbExpectedRevision,
  toEsdbPosition,
  toEsdbReadPosition,
  toEventData,
  toPortPosition,
  toRecordedEvent,
} from '../src/eventstoredb/mapping.js';
import { StreamNotFound, WrongExpectedRevision, type EventMetadata } from '../src/port.js';

const meta: EventMetadata = {
  actor: 'sekretariat-nehs',
  correlationId: 'c0ffee00-0000-4000-8000-000000000001',
  causationId: null,
  at: '2018-12-06T10:00:00+01:00',
};

function jsonResolved(over: Partial<{ position: { commit: bigint; prepare: bigint } | undefined; commitPosition: bigint }> = {}): ResolvedEvent {
  const position = 'position' in over ? over.position : { commit: 4242n, prepare: 4242n };
  return {
    event: {
      streamId: 'case-1',
      id: '5b0b7e8a-6a4d-4c55-9d7e-3f1b0e6b9a01',
      isJson: true,
      revision: 3n,
      type: 'CaseEndorsed',
      created: new Date('2018-12-06T09:15:00.000Z'),
      data: { v: 1, vedtak: 'NEHS slutter seg til anbefalingen.' },
      metadata: meta,
      ...(position ? { position } : {}),
    },
    ...(over.commitPosition !== undefined ? { commitPosition: over.commitPosition } : {}),
  } as ResolvedEvent;
}

describe('expected revision mapping', () => {
  test('each port value maps to the client constant or the same bigint', () => {
    expect(toEsdbExpectedRevision('any')).toBe(ANY);
    expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toEsdbExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toEsdbExpectedRevision(0n)).toBe(0n);
    expect(toEsdbExpectedRevision(123456789012345678n)).toBe(123456789012345678n);
  });

  test('a negative or non-bigint revision is refused before it reaches the server', () => {
    expect(() => toEsdbExpectedRevision(-1n)).toThrow(TypeError);
    expect(() => toEsdbExpectedRevision(5 as unknown as bigint)).toThrow(TypeError);
    expect(() => toEsdbExpectedRevision('latest' as unknown as bigint)).toThrow(TypeError);
  });
});

describe('error mapping', () => {
  test('WrongExpectedVersionError becomes WrongExpectedRevision with the expected passed and the actual revision', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 'case-1', expected: 0n, current: 2n });
    const mapped = mapEsdbError(error, 'case-1', 0n);
    expect(mapped).toBeInstanceOf(WrongExpectedRevision);
    const w = mapped as WrongExpectedRevision;
    expect(w.stream).toBe('case-1');
    expect(w.expected).toBe(0n);
    expect(w.actual).toBe(2n);
    expect(w.code).toBe('WRONG_EXPECTED_REVISION');
  });

  test("a stream that does not exist is reported as actual 'no_stream'", () => {
    const error = new WrongExpectedVersionError(undefined, {
      streamName: 'case-2',
      expected: STREAM_EXISTS,
      current: NO_STREAM,
    });
    const w = mapEsdbError(error, 'case-2', 'stream_exists') as WrongExpectedRevision;
    expect(w).toBeInstanceOf(WrongExpectedRevision);
    expect(w.expected).toBe('stream_exists');
    expect(w.actual).toBe('no_stream');
  });

  test("without the caller's expected revision, the server's is used", () => {
    const cases = [
      [NO_STREAM, 'no_stream'],
      [STREAM_EXISTS, 'stream_exists'],
      [ANY, 'any'],
      [7n, 7n],
    ] as const;
    for (const [server, port] of cases) {
      const error = new WrongExpectedVersionError(undefined, { streamName: 's', expected: server, current: 9n });
      expect((mapEsdbError(error, 's') as WrongExpectedRevision).expected).toBe(port);
    }
  });

  test('StreamNotFoundError becomes StreamNotFound; reads map deleted streams to StreamNotFound too', () => {
    const notFound = mapEsdbError(new StreamNotFoundError(undefined, 'case-9'), 'case-9');
    expect(notFound).toBeInstanceOf(StreamNotFound);
    expect((notFound as StreamNotFound).stream).toBe('case-9');
    const deleted = mapEsdbReadError(StreamDeletedError.fromStreamName('case-9'), 'case-9');
    expect(deleted).toBeInstanceOf(StreamNotFound);
    expect(mapEsdbReadError(new StreamNotFoundError(undefined, 'x'), 'x')).toBeInstanceOf(StreamNotFound);
  });

  test('other errors pass through unchanged (an append to a deleted stream is not "not found")', () => {
    const unavailable = new UnavailableError();
    expect(mapEsdbError(unavailable, 's')).toBe(unavailable);
    const deleted = StreamDeletedError.fromStreamName('s');
    expect(mapEsdbError(deleted, 's')).toBe(deleted);
    const plain = new Error('boom');
    expect(mapEsdbReadError(plain, 's')).toBe(plain);
  });
});

describe('position conversion', () => {
  test('the port position is the commit position; back it is { commit: p, prepare: p }', () => {
    expect(toPortPosition({ commit: 1234n, prepare: 1234n })).toBe(1234n);
    expect(toPortPosition({ commit: 2000n, prepare: 1990n })).toBe(2000n);
    expect(toEsdbPosition(1234n)).toEqual({ commit: 1234n, prepare: 1234n });
    for (const p of [0n, 1n, 987654321n, 2n ** 62n]) expect(toPortPosition(toEsdbPosition(p))).toBe(p);
  });

  test('a negative position is refused', () => {
    expect(() => toEsdbPosition(-1n)).toThrow(RangeError);
  });

  test('no position or 0n reads from START; any other from that exact position', () => {
    expect(toEsdbReadPosition(undefined)).toBe(START);
    expect(toEsdbReadPosition(0n)).toBe(START);
    expect(toEsdbReadPosition(5000n)).toEqual({ commit: 5000n, prepare: 5000n });
  });
});

describe('system events', () => {
  test('types starting with $ are system events, others are not', () => {
    for (const t of ['$statsCollected', '$metadata', '$>', '$@', '$ProjectionsInitialized']) expect(isSystemEventType(t)).toBe(true);
    for (const t of ['CaseEndorsed', 'MeetingNoticed', 'a$b', '']) expect(isSystemEventType(t)).toBe(false);
  });
});

describe('new event → client event data', () => {
  test('keeps the given id, type, data and metadata as JSON', () => {
    const d = toEventData({ id: '0b3c1f1e-1111-4222-8333-444455556666', type: 'CaseDrafted', data: { v: 1, title: 'Felles grunnmur' }, metadata: meta });
    expect(d).toEqual({
      id: '0b3c1f1e-1111-4222-8333-444455556666',
      contentType: 'application/json',
      type: 'CaseDrafted',
      data: { v: 1, title: 'Felles grunnmur' },
      metadata: meta,
    });
  });

  test('mints a fresh uuid per event when none is given', () => {
    const a = toEventData({ type: 'X', data: {}, metadata: meta });
    const b = toEventData({ type: 'X', data: {}, metadata: meta });
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.id).not.toBe(b.id);
  });
});

describe('resolved event → RecordedEvent', () => {
  test('maps every field; position is the commit position; recordedAt is ISO', () => {
    const e = toRecordedEvent(jsonResolved());
    expect(e).toEqual({
      id: '5b0b7e8a-6a4d-4c55-9d7e-3f1b0e6b9a01',
      stream: 'case-1',
      type: 'CaseEndorsed',
      data: { v: 1, vedtak: 'NEHS slutter seg til anbefalingen.' },
      metadata: meta,
      revision: 3n,
      position: 4242n,
      recordedAt: '2018-12-06T09:15:00.000Z',
    });
  });

  test('an $all event (AllStreamResolvedEvent) maps the same way', () => {
    const all: AllStreamResolvedEvent = jsonResolved() as AllStreamResolvedEvent;
    expect(toRecordedEvent(all)?.position).toBe(4242n);
  });

  test("falls back to the resolved event's commitPosition when the event carries no position", () => {
    const r = jsonResolved({ position: undefined, commitPosition: 777n });
    expect(resolvedPosition(r)).toBe(777n);
    expect(toRecordedEvent(r)?.position).toBe(777n);
  });

  test('throws when the server gives no position at all (servers before 22.6)', () => {
    expect(() => toRecordedEvent(jsonResolved({ position: undefined }))).toThrow(/no position/);
  });

  test('uint64 max is "no position", never a real one', () => {
    const unplaced = { commit: NO_POSITION, prepare: NO_POSITION };
    expect(NO_POSITION).toBe(2n ** 64n - 1n);
    expect(resolvedPosition(jsonResolved({ position: unplaced, commitPosition: 888n }))).toBe(888n);
    expect(resolvedPosition(jsonResolved({ position: unplaced }))).toBeUndefined();
    expect(resolvedPosition(jsonResolved({ position: undefined, commitPosition: NO_POSITION }))).toBeUndefined();
    expect(() => toRecordedEvent(jsonResolved({ position: unplaced }))).toThrow(/no position/);
  });

  test('an unresolved link (no event) maps to undefined', () => {
    expect(toRecordedEvent({ commitPosition: 5n })).toBeUndefined();
  });

  test('binary data and metadata holding JSON are decoded; other bytes are kept', () => {
    const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
    const r = jsonResolved();
    const e = toRecordedEvent({
      ...r,
      event: { ...r.event!, isJson: false, data: bytes('{"v":1,"n":2}'), metadata: bytes(JSON.stringify(meta)) },
    });
    expect(e?.data).toEqual({ v: 1, n: 2 });
    expect(e?.metadata).toEqual(meta);
    const opaque = bytes('\u0001not json');
    expect(toRecordedEvent({ ...r, event: { ...r.event!, isJson: false, data: opaque } })?.data).toBe(opaque);
  });

  test('an event written without our metadata gets actor "unknown" and its recorded time', () => {
    const r = jsonResolved();
    const e = toRecordedEvent({ ...r, event: { ...r.event!, metadata: undefined } });
    expect(e?.metadata.actor).toBe('unknown');
    expect(e?.metadata.at).toBe('2018-12-06T09:15:00.000Z');
    expect(e?.metadata.raw).toBeNull();
  });
});

describe('resubscribe backoff', () => {
  test('doubles from the base and never exceeds the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => resubscribeDelay(n, 100, 1000))).toEqual([100, 200, 400, 800, 1000]);
    expect(resubscribeDelay(10_000, 100, 5000)).toBe(5000);
    expect(resubscribeDelay(0)).toBe(0);
    let previous = 0;
    for (let n = 1; n < 100; n++) {
      const d = resubscribeDelay(n);
      expect(d).toBeGreaterThanOrEqual(previous);
      expect(d).toBeLessThanOrEqual(5000);
      previous = d;
    }
  });
});
