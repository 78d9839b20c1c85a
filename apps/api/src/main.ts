import { Logger } from '@nestjs/common';
import { APP_INFO, createApp, type AppInfo } from './bootstrap.js';
import { loadDemo } from './demo/demo.js';

const app = await createApp({ shutdownHooks: false });
const info = app.get<AppInfo>(APP_INFO);
const logger = new Logger('Saksflyt');

// Demo data: the real committee records into an empty store, the demo members' seats linked to
// their tokens (demo/demo.ts). Not in createApp: tests start empty. SAKSFLYT_DEMO=0 skips it.
if (info.config.demo) await loadDemo(app, logger);

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
