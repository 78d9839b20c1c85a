/**
 * Connecting refuses a server without atomic multi-stream append, naming the version needed; and
 * reports an unreachable server as such. The client module is replaced (ESM module mock) so that
 * `KurrentDBClient.connectionString` hands out the fake client (`eventstoredb-fake-client.ts`); the
 * client's constants and error classes stay the real ones. No server.
 */
import { beforeAll, describe, expect, jest, test } from '@jest/globals';
import type { FakeKurrentClient as Fake, FakeOptions } from './eventstoredb-fake-client.js';

let next: FakeOptions = {};
const made: Fake[] = [];

jest.unstable_mockModule('@kurrent/kurrentdb-client', () => {
  const actual = jest.requireActual<typeof import('@kurrent/kurrentdb-client')>('@kurrent/kurrentdb-client');
  return {
    ...actual,
    KurrentDBClient: {
      connectionString: (connectionString: string) => {
        if (!/^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\//.test(connectionString)) throw new Error('bad connection string');
        const fake = new FakeKurrentClient(next);
        made.push(fake);
        return fake;
      },
    },
  };
});

// imported after the mock, so that the adapter and the fake see the replaced module
let FakeKurrentClient: typeof Fake;
let openEventStoreDb: typeof import('../src/eventstoredb/eventstoredb-event-store.js').openEventStoreDb;
beforeAll(async () => {
  ({ FakeKurrentClient } = await import('./eventstoredb-fake-client.js'));
  ({ openEventStoreDb } = await import('../src/eventstoredb/eventstoredb-event-store.js'));
});

describe('openEventStoreDb checks the server version', () => {
  test.each(['24.10.6', '25.0.1', '25.1.0', '23.10.7.1234'])('refuses %s, naming the version needed, and disposes the client', async (version) => {
    next = { serverVersion: version };
    const attempt = openEventStoreDb('kurrentdb://admin:secret@db:2113?tls=true');
    await expect(attempt).rejects.toThrow(
      new RegExp(`^KurrentDB at kurrentdb://\\*\\*\\*@db:2113\\?tls=true reports version ${version.replace(/\./g, '\\.')}: Saksflyt needs KurrentDB 25\\.1\\.1 or later \\(atomic multi-stream append\\)`),
    );
    expect(made[made.length - 1].disposed).toBe(true);
    // nothing was read or written
    expect(made[made.length - 1].calls).toEqual([]);
  });

  test('refuses a server that does not report its version', async () => {
    next = { serverVersion: 'unknown' };
    await expect(openEventStoreDb('esdb://db:2113?tls=false')).rejects.toThrow(/does not report its version.*KurrentDB 25\.1\.1 or later/);
  });

  test.each(['25.1.1', '25.1.1.2210', '25.2.0', '26.0.0'])('accepts %s and reads the head of $all', async (version) => {
    next = { serverVersion: version };
    const store = await openEventStoreDb('kurrentdb://db:2113?tls=false');
    const fake = made[made.length - 1];
    expect(fake.disposed).toBe(false);
    expect(fake.calls.map((c) => c.method)).toEqual(['readAll']);
    expect(store.kind).toBe('eventstoredb');
    await store.close();
    expect(fake.disposed).toBe(true);
  });

  test('an unreachable server: "Cannot reach KurrentDB at …", credentials hidden', async () => {
    next = { unreachable: new Error('14 UNAVAILABLE: No connection established') };
    await expect(openEventStoreDb('kurrentdb://admin:secret@db:2113')).rejects.toThrow(
      /^Cannot reach KurrentDB at kurrentdb:\/\/\*\*\*@db:2113: 14 UNAVAILABLE/,
    );
    expect(made[made.length - 1].disposed).toBe(true);
  });
});
