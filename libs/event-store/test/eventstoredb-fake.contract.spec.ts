/**
 * The shared contract run against the KurrentDB adapter over the fake client
 * (`eventstoredb-fake-client.ts`). Not a substitute for the contract against a real server
 * (`eventstoredb.contract.spec.ts`, with EVENTSTORE_CONNECTION_STRING): it checks the adapter's own
 * logic (paging, positions, refusals, subscriptions, result mapping) against the port, on a model
 * of the server's behaviour.
 */
import type { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { describeEventStoreContract } from '../src/contract/event-store.contract.js';
import { EventStoreDbEventStore } from '../src/eventstoredb/eventstoredb-event-store.js';
import { FakeKurrentClient } from './eventstoredb-fake-client.js';

describeEventStoreContract(
  'eventstoredb over a fake client',
  async () => new EventStoreDbEventStore(new FakeKurrentClient() as unknown as KurrentDBClient, { resubscribe: { baseDelayMs: 1, maxDelayMs: 20 } }),
  { refusesIdsOfOtherStreams: false, gappedPositions: true, largeReadEvents: 3000 },
);
