/**
 * Unit tests of the KurrentDB adapter's pure mappings (no server). The client's own error classes
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
  UnknownError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import {
  METADATA_KEY,
  REQUIRED_SERVER_VERSION,
  assertServerVersion,
  decodeMetadata,
  encodeMetadata,
  isSystemRecord,
  isUserEvent,
  mapKurrentError,
  mapKurrentReadError,
  mapMultiAppendError,
  parseServerVersion,
  resubscribeDelay,
  resolvedPosition,
  toEventData,
  toKurrentStreamState,
  toRecordedEvent,
  validateWrites,
  versionAtLeast,
} from '../src/eventstoredb/mapping.js';
import {
  BoundaryCache,
  NO_POSITION,
  fallbackStart,
  isPositionRefused,
  toKurrentPosition,
  toPortPosition,
  toReadPosition,
} from '../src/eventstoredb/positions.js';
import { StreamNotFound, WrongExpectedRevision, type EventMetadata } from '../src/port.js';

const meta: EventMetadata = {
  actor: 'sekretariat-nehs',
  correlationId: 'c0ffee00-0000-4000-8000-000000000001',
  causationId: null,
  at: '2018-12-06T10:00:00+01:00',
};

function jsonResolved(
  over: Partial<{ position: { commit: bigint; prepare: bigint } | undefined; commitPosition: bigint; metadata: unknown }> = {},
): ResolvedEvent {
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
      metadata: 'metadata' in over ? over.metadata : encodeMetadata(meta),
      ...(position ? { position } : {}),
    },
    ...(over.commitPosition !== undefined ? { commitPosition: over.commitPosition } : {}),
  } as ResolvedEvent;
}

describe('expected revision mapping', () => {
  test('each port value maps to the client constant or the same bigint', () => {
    expect(toKurrentStreamState('any')).toBe(ANY);
    expect(toKurrentStreamState('no_stream')).toBe(NO_STREAM);
    expect(toKurrentStreamState('stream_exists')).toBe(STREAM_EXISTS);
    expect(toKurrentStreamState(0n)).toBe(0n);
    expect(toKurrentStreamState(123456789012345678n)).toBe(123456789012345678n);
  });

  test('a negative revision (the revision of a stream with no events) maps to no_stream', () => {
    expect(toKurrentStreamState(-1n)).toBe(NO_STREAM);
    expect(toKurrentStreamState(-2n)).toBe(NO_STREAM);
    expect(toKurrentStreamState(-(2n ** 63n))).toBe(NO_STREAM);
  });

  test('a non-bigint revision is refused before it reaches the server', () => {
    expect(() => toKurrentStreamState(5 as unknown as bigint)).toThrow(TypeError);
    expect(() => toKurrentStreamState('latest' as unknown as bigint)).toThrow(TypeError);
    expect(() => toKurrentStreamState(undefined as unknown as bigint)).toThrow(TypeError);
  });
});

describe('error mapping', () => {
  test('WrongExpectedVersionError becomes WrongExpectedRevision with the expected passed and the actual revision', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 'case-1', expected: 0n, current: 2n });
    const mapped = mapKurrentError(error, 'case-1', 0n);
    expect(mapped).toBeInstanceOf(WrongExpectedRevision);
    const w = mapped as WrongExpectedRevision;
    expect(w.stream).toBe('case-1');
    expect(w.expected).toBe(0n);
    expect(w.actual).toBe(2n);
    expect(w.code).toBe('WRONG_EXPECTED_REVISION');
  });

  test("a stream that does not exist is reported as actual 'no_stream'", () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 'case-2', expected: STREAM_EXISTS, current: NO_STREAM });
    const w = mapKurrentError(error, 'case-2', 'stream_exists') as WrongExpectedRevision;
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
      expect((mapKurrentError(error, 's') as WrongExpectedRevision).expected).toBe(port);
    }
  });

  test('StreamNotFoundError becomes StreamNotFound; reads map deleted streams to StreamNotFound too', () => {
    const notFound = mapKurrentError(new StreamNotFoundError(undefined, 'case-9'), 'case-9');
    expect(notFound).toBeInstanceOf(StreamNotFound);
    expect((notFound as StreamNotFound).stream).toBe('case-9');
    const deleted = mapKurrentReadError(StreamDeletedError.fromStreamName('case-9'), 'case-9');
    expect(deleted).toBeInstanceOf(StreamNotFound);
    expect(mapKurrentReadError(new StreamNotFoundError(undefined, 'x'), 'x')).toBeInstanceOf(StreamNotFound);
  });

  test('other errors pass through unchanged (an append to a deleted stream is not "not found")', () => {
    const unavailable = new UnavailableError();
    expect(mapKurrentError(unavailable, 's')).toBe(unavailable);
    const deleted = StreamDeletedError.fromStreamName('s');
    expect(mapKurrentError(deleted, 's')).toBe(deleted);
    const plain = new Error('boom');
    expect(mapKurrentReadError(plain, 's')).toBe(plain);
  });

  test('a multi-stream conflict names the stream the server names, with the expected revision that write was given', () => {
    const writes = [
      { stream: 'case-1', expectedRevision: 4n, events: [] },
      { stream: 'meeting-1', expectedRevision: -1n, events: [] },
    ];
    const error = new WrongExpectedVersionError(undefined, { streamName: 'meeting-1', expected: NO_STREAM, current: 0n });
    const w = mapMultiAppendError(error, writes) as WrongExpectedRevision;
    expect(w).toBeInstanceOf(WrongExpectedRevision);
    expect(w.stream).toBe('meeting-1');
    expect(w.expected).toBe(-1n);
    expect(w.actual).toBe(0n);
    // the server compares names without case: the caller's spelling is reported
    const upper = new WrongExpectedVersionError(undefined, { streamName: 'CASE-1', expected: 4n, current: NO_STREAM });
    const u = mapMultiAppendError(upper, writes) as WrongExpectedRevision;
    expect([u.stream, u.expected, u.actual]).toEqual(['case-1', 4n, 'no_stream']);
    const other = new UnavailableError();
    expect(mapMultiAppendError(other, writes)).toBe(other);
  });
});

describe('writes refused before anything is sent (as the SQLite store refuses them)', () => {
  const event = { type: 'CaseDrafted', data: {}, metadata: meta };
  test.each([
    ['no writes', [], /at least one stream write/],
    ['a write without events', [{ stream: 'a', expectedRevision: 'any', events: [] }], /at least one event/],
    ['a stream named twice', [
      { stream: 'a', expectedRevision: 'any', events: [event] },
      { stream: 'a', expectedRevision: 'any', events: [event] },
    ], /named twice/],
    ['no stream name', [{ stream: '', expectedRevision: 'any', events: [event] }], /Stream name required/],
    ['an event without a type', [{ stream: 'a', expectedRevision: 'any', events: [{ ...event, type: '' }] }], /needs a type/],
    ['an id given twice', [{ stream: 'a', expectedRevision: 'any', events: [{ ...event, id: 'x' }, { ...event, id: 'x' }] }], /twice/],
    ['an expected revision that is none', [{ stream: 'a', expectedRevision: 'latest', events: [event] }], /Invalid expected revision/],
  ])('%s', (_, writes, message) => {
    expect(() => validateWrites(writes as never)).toThrow(message);
  });
});

describe('positions (positions.ts)', () => {
  test('the port position is the commit position; back it is { commit: p, prepare: p }', () => {
    expect(toPortPosition({ commit: 1234n, prepare: 1234n })).toBe(1234n);
    expect(toPortPosition({ commit: 2000n, prepare: 1990n })).toBe(2000n);
    expect(toKurrentPosition(1234n)).toEqual({ commit: 1234n, prepare: 1234n });
    for (const p of [0n, 1n, 987654321n, 2n ** 62n]) expect(toPortPosition(toKurrentPosition(p))).toBe(p);
  });

  test('a negative position is refused', () => {
    expect(() => toKurrentPosition(-1n)).toThrow(RangeError);
  });

  test('no position or 0n reads from START; any other from that exact position', () => {
    expect(toReadPosition(undefined)).toBe(START);
    expect(toReadPosition(0n)).toBe(START);
    expect(toReadPosition(5000n)).toEqual({ commit: 5000n, prepare: 5000n });
  });

  test('a refusal is anything but a transport, leader, permission or stream error', () => {
    expect(isPositionRefused(new UnknownError(undefined, 'Invalid position'))).toBe(true);
    expect(isPositionRefused(new Error('13 INTERNAL: read failed'))).toBe(true);
    expect(isPositionRefused(new UnavailableError())).toBe(false);
    expect(isPositionRefused(new StreamNotFoundError(undefined, 's'))).toBe(false);
    expect(isPositionRefused('not an error')).toBe(false);
  });

  test('BoundaryCache: the nearest boundary strictly before a position, bounded in size', () => {
    const cache = new BoundaryCache(8);
    for (const p of [1000n, 1300n, 1100n, 1300n, 0n, NO_POSITION]) cache.remember(p);
    expect(cache.size).toBe(3);
    expect(cache.before(1300n)).toBe(1100n);
    expect(cache.before(1250n)).toBe(1100n);
    expect(cache.before(1000n)).toBeUndefined();
    expect(cache.before(99999n)).toBe(1300n);
    expect(cache.has(1100n)).toBe(true);
    expect(cache.has(1101n)).toBe(false);
    for (let p = 2000n; p < 2100n; p++) cache.remember(p);
    expect(cache.size).toBeLessThanOrEqual(8);
    expect(cache.before(3000n)).toBe(2099n); // the last stays
    expect(cache.before(1001n)).toBe(1000n); // and the first
  });

  test('fallbackStart: the nearest remembered boundary before, then the beginning, then nothing', () => {
    const cache = new BoundaryCache();
    cache.remember(1000n);
    expect(fallbackStart(1050n, cache)).toBe(1000n);
    expect(fallbackStart(1000n, cache)).toBe(0n);
    expect(fallbackStart(0n, cache)).toBeUndefined();
  });
});

describe('system records', () => {
  test('every event of a $ stream (user-typed too) and every $-typed event is a system record', () => {
    expect(isSystemRecord('$stats-127.0.0.1:2113', '$statsCollected')).toBe(true);
    expect(isSystemRecord('$$case-1', '$metadata')).toBe(true);
    expect(isSystemRecord('$ce-case', 'CaseDrafted')).toBe(true);
    expect(isSystemRecord('$mine', 'CaseDrafted')).toBe(true);
    expect(isSystemRecord('case-1', '$>')).toBe(true);
    expect(isSystemRecord('case-1', 'CaseDrafted')).toBe(false);
    expect(isSystemRecord('a$b', 'x$y')).toBe(false);
    expect(isUserEvent(jsonResolved())).toBe(true);
    expect(isUserEvent({ ...jsonResolved(), event: { ...jsonResolved().event!, streamId: '$user-typed' } } as ResolvedEvent)).toBe(false);
    expect(isUserEvent({ commitPosition: 5n })).toBe(false);
  });
});

describe('metadata: string → string on the wire, ours on read', () => {
  test('encoded as one string property; every value a string (what multiStreamAppend accepts)', () => {
    const encoded = encodeMetadata(meta);
    expect(Object.keys(encoded)).toEqual([METADATA_KEY]);
    expect(Object.values(encoded).every((v) => typeof v === 'string')).toBe(true);
  });

  test('round trip, also with nested values, numbers, null, unicode, and the server\'s own keys beside ours', () => {
    const rich: EventMetadata = {
      ...meta,
      causationId: 'c0ffee00-0000-4000-8000-000000000002',
      import: { source: 'NEHS arkiv', page: 12, tags: ['vedtak', 'møte'], ok: true, none: null },
      note: 'æøå "sitert" \n linjeskift',
    };
    // as the server hands properties back: a JSON object with its $schema keys
    const stored = { '$schema.format': 'Json', '$schema.name': 'CaseEndorsed', ...encodeMetadata(rich) };
    expect(decodeMetadata(JSON.parse(JSON.stringify(stored)), '2018-12-06T09:15:00.000Z')).toEqual(rich);
    // and as bytes (a reader that does not parse)
    expect(decodeMetadata(new Uint8Array(Buffer.from(JSON.stringify(stored))), 'x')).toEqual(rich);
  });

  test('metadata of earlier adapter versions (a plain object) is taken as it is', () => {
    expect(decodeMetadata({ ...meta }, 'x')).toEqual(meta);
  });

  test('our key not holding an object, or no object at all, gives actor "unknown" and the recorded time', () => {
    for (const raw of [{ [METADATA_KEY]: 'not json' }, { [METADATA_KEY]: '[1,2]' }, { [METADATA_KEY]: 5 }, 'text', undefined]) {
      const m = decodeMetadata(raw, '2018-12-06T09:15:00.000Z');
      expect(m.actor).toBe('unknown');
      expect(m.at).toBe('2018-12-06T09:15:00.000Z');
    }
  });
});

describe('new event → client event data', () => {
  test('keeps the given id, type and data as JSON; metadata encoded', () => {
    const d = toEventData({ id: '0b3c1f1e-1111-4222-8333-444455556666', type: 'CaseDrafted', data: { v: 1, title: 'Felles grunnmur' }, metadata: meta });
    expect(d).toEqual({
      id: '0b3c1f1e-1111-4222-8333-444455556666',
      contentType: 'application/json',
      type: 'CaseDrafted',
      data: { v: 1, title: 'Felles grunnmur' },
      metadata: encodeMetadata(meta),
    });
    expect(toEventData({ type: 'X', data: undefined, metadata: meta }).data).toBeNull();
  });

  test('mints a fresh uuid per event when none is given', () => {
    const a = toEventData({ type: 'X', data: {}, metadata: meta });
    const b = toEventData({ type: 'X', data: {}, metadata: meta });
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.id).not.toBe(b.id);
  });
});

describe('resolved event → RecordedEvent', () => {
  test('maps every field; position is the commit position; recordedAt is ISO; metadata decoded', () => {
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
      event: { ...r.event!, isJson: false, data: bytes('{"v":1,"n":2}'), metadata: bytes(JSON.stringify(encodeMetadata(meta))) },
    });
    expect(e?.data).toEqual({ v: 1, n: 2 });
    expect(e?.metadata).toEqual(meta);
    const opaque = bytes('\u0001not json');
    expect(toRecordedEvent({ ...r, event: { ...r.event!, isJson: false, data: opaque } })?.data).toBe(opaque);
  });

  test('an event written without our metadata gets actor "unknown" and its recorded time', () => {
    const e = toRecordedEvent(jsonResolved({ metadata: undefined }));
    expect(e?.metadata.actor).toBe('unknown');
    expect(e?.metadata.at).toBe('2018-12-06T09:15:00.000Z');
    expect(e?.metadata.raw).toBeNull();
  });
});

describe('server version', () => {
  test('parses the forms servers report', () => {
    expect(parseServerVersion('25.1.1')).toEqual([25, 1, 1]);
    expect(parseServerVersion('25.1.1.2345')).toEqual([25, 1, 1]);
    expect(parseServerVersion('v26.0.0-rc.1')).toEqual([26, 0, 0]);
    expect(parseServerVersion('24.10')).toEqual([24, 10, 0]);
    expect(parseServerVersion('unknown')).toBeUndefined();
    expect(parseServerVersion(undefined)).toBeUndefined();
  });

  test(`needs ${REQUIRED_SERVER_VERSION} or later`, () => {
    for (const v of ['25.1.1', '25.1.2', '25.2.0', '26.0.0', '100.0.0']) expect(versionAtLeast(v)).toBe(true);
    for (const v of ['25.1.0', '25.0.9', '24.10.6', '23.10.0', '5.0.11', 'unknown', '']) expect(versionAtLeast(v)).toBe(false);
  });

  test('the refusal names the version found and the version needed', () => {
    expect(() => assertServerVersion('24.10.6', 'kurrentdb://***@db:2113')).toThrow(
      /^KurrentDB at kurrentdb:\/\/\*\*\*@db:2113 reports version 24\.10\.6: Saksflyt needs KurrentDB 25\.1\.1 or later \(atomic multi-stream append\)/,
    );
    expect(() => assertServerVersion('unknown', 'x')).toThrow(/does not report its version.*needs KurrentDB 25\.1\.1 or later/);
    expect(() => assertServerVersion('25.1.1', 'x')).not.toThrow();
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
