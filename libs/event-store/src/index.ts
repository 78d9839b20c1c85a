import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EventStore } from './port.js';
import { openSqliteStore } from './sqlite/sqlite-event-store.js';

export * from './port.js';
export * from './sqlite/sqlite-event-store.js';
export * from './faults.js';
export * from './guarded-store.js';

/**
 * The store the environment asks for: EventStoreDB when EVENTSTORE_CONNECTION_STRING is set (the
 * adapter is imported only then), else the embedded SQLite file `$SAKSFLYT_DATA_DIR/saksflyt.db`
 * (default `./data`), creating the directory.
 */
export async function createEventStore(env: NodeJS.ProcessEnv = process.env): Promise<EventStore> {
  const connectionString = env.EVENTSTORE_CONNECTION_STRING;
  if (connectionString) {
    // imported only when asked for, so the SQLite default never loads the gRPC client
    const { openEventStoreDb } = await import('./eventstoredb/eventstoredb-event-store.js');
    return openEventStoreDb(connectionString);
  }
  const dir = env.SAKSFLYT_DATA_DIR ?? './data';
  mkdirSync(dir, { recursive: true });
  return openSqliteStore({ file: path.join(dir, 'saksflyt.db') });
}
export { storeAtPosition } from './at-position.js';
