/**
 * Opening the EventStoreDB adapter where no server listens fails with a clear error, not a hang (the real
 * client against a closed local port; no server, fake or real, is involved).
 */
import net from 'node:net';
import { expect, test } from '@jest/globals';
import { openEventStoreDb } from '../src/eventstoredb/eventstoredb-event-store.js';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('openEventStoreDb rejects with "Cannot reach EventStoreDB" when nothing listens, hiding credentials', async () => {
  const port = await closedPort();
  await expect(openEventStoreDb(`esdb://admin:secret@127.0.0.1:${port}?tls=false`)).rejects.toThrow(
    new RegExp(`^Cannot reach EventStoreDB at esdb://\\*\\*\\*@127\\.0\\.0\\.1:${port}\\?tls=false: `),
  );
}, 30_000);
