import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@nestjs/common';
import type { EventStore } from '@saksflyt/event-store';
import { describeCounts, importRecords, loadRecordFile, recordFilesInOrder } from '@saksflyt/records';
import { APP_INFO, createApp, type AppInfo } from './bootstrap.js';
import { EVENT_STORE } from './store/store.module.js';

const app = await createApp({ shutdownHooks: false });
const info = app.get<AppInfo>(APP_INFO);
const logger = new Logger('Saksflyt');

// Demo data: the real committee records (fixtures/records, in its README's order) into an empty
// store, through the same commands as the API. Not in createApp: tests start empty. SAKSFLYT_DEMO=0 skips it.
if (info.config.demo) {
  const store = app.get<EventStore>(EVENT_STORE);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const recordsDir = [process.cwd(), path.resolve(here, '../../..'), path.resolve(here, '../../../..')]
    .map((root) => path.join(root, 'fixtures', 'records'))
    .find((d) => existsSync(d));
  const head = await store.headPosition().catch(() => null); // KurrentDB may be unreachable at start
  if (head === null) logger.warn('demo records: the store cannot be read now, nothing imported');
  else if (head !== 0n) logger.log('demo records: the store is not empty, nothing imported');
  else if (!recordsDir) logger.warn('demo records: fixtures/records not found, starting empty');
  else {
    try {
      const result = await importRecords(store, recordFilesInOrder(recordsDir).map(loadRecordFile));
      for (const f of result.files) if (f.counts) logger.log(`demo records: ${f.fileId}: ${describeCounts(f.counts)}`);
      logger.log(`demo records: ${result.imported.files} files from ${recordsDir} loaded (head position ${result.position}); SAKSFLYT_DEMO=0 starts empty`);
    } catch (e) {
      // loud, but the server still starts: what was imported before the failure stays (see `npx saksflyt import`)
      logger.error(`demo records: import failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
}

// SIGTERM/SIGINT: stop listening (new connections are refused, requests on open connections 503),
// finish the requests in flight, flush the projections, close the store, exit 0; after 9 s, exit 1.
let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  logger.log(`${signal}: stopping (finishing requests in flight, flushing the views)`);
  const started = Date.now();
  setTimeout(() => {
    logger.error('not stopped within 9 s: exiting anyway');
    process.exit(1);
  }, 9000).unref();
  app.close().then(
    () => {
      logger.log(`stopped in ${Date.now() - started} ms`);
      process.exit(0);
    },
    (e: unknown) => {
      logger.error(`stopping failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));

await app.listen(info.config.port, info.config.host);
logger.log(`listening on ${await app.getUrl()}/api (docs: /api/docs)`);
logger.log(`store: ${info.config.eventStoreConnectionString ? 'EventStoreDB' : `SQLite in ${info.config.dataDir}`}`);
logger.log(`tokens: ${info.tokensFile}${info.tokensFileCreated ? ' (created now)' : ''}`);
