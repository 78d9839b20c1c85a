/**
 * The one contract every EventStore adapter must pass (SQLite always; EventStoreDB when a server is
 * configured). Stream names carry a random suffix so the suite can run against a shared real server.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import type { EventStore } from '../port.js';
import { describeAppendMany } from './suite/append-many.js';
import { describeConcurrency, describeExpectedRevision } from './suite/appends.js';
import type { ContractRun, EventStoreContractOptions } from './suite/helpers.js';
import { describeIdempotency } from './suite/idempotency.js';
import { describeLargeRead, describeReadAllAfter, describeReading } from './suite/reads.js';
import { describeSubscriptions } from './suite/subscriptions.js';
import { describeTamperEvidence } from './suite/tamper-evidence.js';

export type { EventStoreContractOptions } from './suite/helpers.js';

// The parts, by concern, in `suite/` (registered here in this order): appends.ts (expected revision,
// concurrency), reads.ts (reading, readAll after a position, the large read), idempotency.ts,
// append-many.ts, tamper-evidence.ts (verify, lastEvent), subscriptions.ts; helpers.ts is what they share.

export function describeEventStoreContract(
  name: string,
  open: () => Promise<EventStore>,
  options: EventStoreContractOptions = {},
): void {
  if (options.skip) {
    const line = `skipped: ${name} event store contract: ${options.skip}`;
    process.stdout.write(`${line}\n`);
    describe(`EventStore contract: ${name} (SKIPPED: ${options.skip})`, () => {
      test.skip(`skipped: ${options.skip}`, () => undefined);
    });
    return;
  }

  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });
    const run: ContractRun = {
      get store() {
        return store;
      },
      options,
    };

    describeExpectedRevision(run);
    describeReading(run);
    describeConcurrency(run);
    describeIdempotency(run);
    describeAppendMany(run);
    describeReadAllAfter(run);
    describeTamperEvidence(run);
    describeSubscriptions(run);
    describeLargeRead(run);
  });
}
