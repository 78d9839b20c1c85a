/**
 * Opening the KurrentDB adapter where no server listens fails with a clear error, not a hang (the real
 * `@kurrent/kurrentdb-client` against a closed local port; no server, fake or real, is involved).
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

test('openEventStoreDb rejects with "Cannot reach KurrentDB" when nothing listens, hiding credentials', async () => {
  const port = await closedPort();
  const started = Date.now();
  await expect(openEventStoreDb(`kurrentdb://admin:secret@127.0.0.1:${port}?tls=false`)).rejects.toThrow(
    new RegExp(`^Cannot reach KurrentDB at kurrentdb://\\*\\*\\*@127\\.0\\.0\\.1:${port}\\?tls=false: `),
  );
  expect(Date.now() - started).toBeLessThan(25_000);
}, 30_000);
