import { resolve } from 'node:path';
import { Global, Module, type DynamicModule } from '@nestjs/common';

/** The typed configuration of the api, read once from the environment at start. */
export interface AppConfig {
  port: number;
  host: string;
  /** Absolute path of the data directory (SQLite files, default tokens file). */
  dataDir: string;
  /** When set, the EventStoreDB adapter is used instead of the embedded SQLite store. */
  eventStoreConnectionString?: string;
  /** When unset, `<dataDir>/tokens.json` is created (admin, NEHS secretariat, auditor) and reused. */
  authTokensFile?: string;
  /** Demo data on (default) unless SAKSFLYT_DEMO is '0', 'false' or 'off'. */
  demo: boolean;
  /** SAKSFLYT_BLOB_DIR: the content-addressed folder of attachment bytes (default `<dataDir>/blobs`; with KurrentDB too). */
  blobDir: string;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export type Env = Record<string, string | undefined>;

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

export function loadConfig(env: Env = process.env, overrides: { dataDir?: string } = {}): AppConfig {
  const portRaw = nonEmpty(env.PORT);
  const port = portRaw === undefined ? 3000 : Number(portRaw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer 0..65535, got ${JSON.stringify(env.PORT)}`);
  }
  const demoRaw = nonEmpty(env.SAKSFLYT_DEMO)?.toLowerCase();
  const dataDir = resolve(overrides.dataDir ?? nonEmpty(env.SAKSFLYT_DATA_DIR) ?? './data');
  return {
    port,
    host: nonEmpty(env.HOST) ?? '0.0.0.0',
    dataDir,
    eventStoreConnectionString: nonEmpty(env.EVENTSTORE_CONNECTION_STRING),
    authTokensFile: nonEmpty(env.AUTH_TOKENS_FILE) ? resolve(nonEmpty(env.AUTH_TOKENS_FILE)!) : undefined,
    demo: !(demoRaw === '0' || demoRaw === 'false' || demoRaw === 'off' || demoRaw === 'no'),
    blobDir: resolve(dataDir, nonEmpty(env.SAKSFLYT_BLOB_DIR) ?? 'blobs'),
  };
}

/** Global: inject with `@Inject(APP_CONFIG) config: AppConfig`. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
