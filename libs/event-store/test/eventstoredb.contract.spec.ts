/**
 * The shared contract against a real KurrentDB server (25.1.1 or later), when
 * EVENTSTORE_CONNECTION_STRING names one (e.g. `kurrentdb://localhost:2113?tls=false`, see
 * docker/compose.yaml); reported as skipped otherwise. Streams carry random suffixes, so the same
 * server can be reused across runs.
 */
import { describeEventStoreContract } from '../src/contract/event-store.contract.js';
import { openEventStoreDb } from '../src/eventstoredb/eventstoredb-event-store.js';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

describeEventStoreContract('eventstoredb', () => openEventStoreDb(connectionString!), {
  skip: connectionString ? undefined : 'no KurrentDB server (set EVENTSTORE_CONNECTION_STRING)',
  // KurrentDB checks event ids per stream only (see the port's idempotency notes)
  refusesIdsOfOtherStreams: false,
  // positions are byte offsets in the log: adjacent events always have room between them
  gappedPositions: true,
  // a remote server: enough to span many pages without writing 100 000 events per run
  largeReadEvents: 20_000,
});
