import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ConnectingStore, StoreCondition, createEventStore, watchWrites, type EventStore } from '@saksflyt/event-store';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/** Inject the store with `@Inject(EVENT_STORE) store: EventStore`. */
export const EVENT_STORE = Symbol('EVENT_STORE');
/** Inject `StoreCondition` (are the store's writes failing now, and why) with `@Inject(STORE_CONDITION)`. */
export const STORE_CONDITION = Symbol('STORE_CONDITION');

/** How long a KurrentDB call may take before the API answers 503 (ms). */
export const KURRENTDB_DEADLINE_MS = 900;

/**
 * Global: opens the store the configuration names (SQLite in dataDir, or KurrentDB); closes it on
 * shutdown. Its appends are watched (`STORE_CONDITION`, shown by `GET /api/health`). KurrentDB is
 * opened in the background (`ConnectingStore`): the api starts while it is unreachable, answers 503
 * at once meanwhile, and goes on by itself once it answers.
 */
@Global()
@Module({})
export class StoreModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Store');

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(): DynamicModule {
    const condition = new StoreCondition();
    return {
      module: StoreModule,
      providers: [
        { provide: STORE_CONDITION, useValue: condition },
        {
          provide: EVENT_STORE,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig): Promise<EventStore> => {
            const env = { SAKSFLYT_DATA_DIR: config.dataDir, EVENTSTORE_CONNECTION_STRING: config.eventStoreConnectionString };
            if (!config.eventStoreConnectionString) return watchWrites(await createEventStore(env), condition);
            const logger = new Logger('Store');
            let logged = '';
            const store = new ConnectingStore('eventstoredb', 'KurrentDB', () => createEventStore(env), {
              deadlineMs: KURRENTDB_DEADLINE_MS,
              onAttemptFailed: (reason) => {
                if (reason !== logged) logger.warn(`KurrentDB: ${reason}; retrying in the background (writes and store reads answer 503)`);
                logged = reason;
              },
              onOpened: () => logger.log('KurrentDB: connected'),
            });
            return watchWrites(store, condition);
          },
        },
      ],
      exports: [EVENT_STORE, STORE_CONDITION],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.store.close();
    } catch (e) {
      this.logger.error(`closing the event store failed: ${String(e)}`);
    }
  }
}
