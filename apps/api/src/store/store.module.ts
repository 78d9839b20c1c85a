import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { createEventStore, type EventStore } from '@saksflyt/event-store';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

/** Inject the store with `@Inject(EVENT_STORE) store: EventStore`. */
export const EVENT_STORE = Symbol('EVENT_STORE');

/** Global: opens the store the configuration names (SQLite in dataDir, or EventStoreDB); closes it on shutdown. */
@Global()
@Module({})
export class StoreModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Store');

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  static forRoot(): DynamicModule {
    return {
      module: StoreModule,
      providers: [
        {
          provide: EVENT_STORE,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig): Promise<EventStore> =>
            createEventStore({
              SAKSFLYT_DATA_DIR: config.dataDir,
              EVENTSTORE_CONNECTION_STRING: config.eventStoreConnectionString,
            }),
        },
      ],
      exports: [EVENT_STORE],
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
