/**
 * The demo data of `npm start` (SAKSFLYT_DEMO, default on): the real committee records
 * (fixtures/records, in its README's order) into an empty store, through the same commands as the
 * API, then the demo members' seats linked to the demo tokens (./logins.ts). Not in createApp:
 * tests start empty. main.ts runs it; a test runs it on an app of its own.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication, LoggerService } from '@nestjs/common';
import type { EventStore } from '@saksflyt/event-store';
import { describeCounts, importRecords, loadRecordFile, recordFilesInOrder } from '@saksflyt/records';
import type { Workflow } from '@saksflyt/workflow';
import { EVENT_STORE } from '../store/store.module.js';
import { WORKFLOW } from '../workflow/workflow.module.js';
import { linkDemoLogins } from './logins.js';

export async function loadDemo(app: INestApplication, logger: Pick<LoggerService, 'log' | 'warn' | 'error'>, options: { recordsDir?: string } = {}): Promise<void> {
  const store = app.get<EventStore>(EVENT_STORE);
  const here = path.dirname(fileURLToPath(import.meta.url));
  const recordsDir =
    options.recordsDir ??
    [process.cwd(), path.resolve(here, '../../../..'), path.resolve(here, '../../../../..')].map((root) => path.join(root, 'fixtures', 'records')).find((d) => existsSync(d));
  const head = await store.headPosition().catch(() => null); // KurrentDB may be unreachable at start
  if (head === null) logger.warn('demo records: the store cannot be read now, nothing imported');
  else if (head !== 0n) logger.log('demo records: the store is not empty, nothing imported');
  else if (!recordsDir) logger.warn('demo records: fixtures/records not found, starting empty');
  else {
    try {
      const wf = app.get<Workflow>(WORKFLOW);
      const result = await importRecords(store, recordFilesInOrder(recordsDir).map(loadRecordFile));
      for (const f of result.files) if (f.counts) logger.log(`demo records: ${f.fileId}: ${describeCounts(f.counts)}`);
      logger.log(`demo records: ${result.imported.files} files from ${recordsDir} loaded (head position ${result.position}); SAKSFLYT_DEMO=0 starts empty`);
      const logins = await linkDemoLogins(wf, { correlationId: randomUUID() });
      if (logins.linked.length) logger.log(`demo logins: the seats of ${logins.linked.join(', ')} are linked to the member tokens of the tokens file`);
      if (logins.missing.length) logger.warn(`demo logins: no seat for ${logins.missing.join(', ')} in the records`);
    } catch (e) {
      // loud, but the server still starts: what was imported before the failure stays (see `npx saksflyt import`)
      logger.error(`demo records: import failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
}
