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
});
