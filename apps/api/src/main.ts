import { Logger } from '@nestjs/common';
import { APP_INFO, createApp, type AppInfo } from './bootstrap.js';

const app = await createApp();
const info = app.get<AppInfo>(APP_INFO);
await app.listen(info.config.port, info.config.host);
const logger = new Logger('Saksflyt');
logger.log(`listening on ${await app.getUrl()}/api (docs: /api/docs)`);
logger.log(`store: ${info.config.eventStoreConnectionString ? 'EventStoreDB' : `SQLite in ${info.config.dataDir}`}`);
logger.log(`tokens: ${info.tokensFile}${info.tokensFileCreated ? ' (created now)' : ''}`);
