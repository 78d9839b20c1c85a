/**
 * The projection runner (`@saksflyt/projections`) as a Nest provider: started on the global
 * EVENT_STORE with its own SQLite file `<dataDir>/saksflyt-projections.db` (kept apart from the
 * store's file so view flushes never contend with the store's group commits), reporting its status
 * to `GET /api/health`, stopped on shutdown. Inject `ProjectionsService`.
 *
 * Options (tests and benches override them with `PROJECTIONS_OPTIONS` in a global module):
 * `minPositionTimeoutMs` (default 5000, API.md), `heartbeatMs` for SSE (default 15 000),
 * `sseMaxBufferedBytes` (default 1 MiB: a client whose socket holds more is dropped).
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventStore } from '@saksflyt/event-store';
import { ProjectionRunner, allProjections, type Projection } from '@saksflyt/projections';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { APP_CONFIG, EVENT_STORE, HealthRegistry, Problems, type AppConfig } from '../platform.js';
import { AtMomentInterceptor, TimeMachineService } from './time-machine.js';

export interface ProjectionsOptions {
  /** How long `?minPosition=N` waits before 503 (ms). */
  minPositionTimeoutMs?: number;
  /** SSE heartbeat comment interval (ms). */
  heartbeatMs?: number;
  /** SSE: bytes a client's socket may hold unsent before the client is dropped. */
  sseMaxBufferedBytes?: number;
  /** The projections to run (default `allProjections`); tests bump versions with it. */
  projections?: readonly Projection<any, any>[];
  /** Events between the time machine's snapshots, taken by the runner (default 1 000; history.ts). */
  snapshotEvery?: number;
}

export const PROJECTIONS_OPTIONS = Symbol('PROJECTIONS_OPTIONS');
export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');

export const PROJECTIONS_DB_FILE = 'saksflyt-projections.db';

const NON_NEGATIVE_INT = /^(0|[1-9][0-9]{0,18})$/;

/** Reads of the views with API.md's `?minPosition=N` rule. */
@Injectable()
export class ProjectionsService {
  readonly minPositionTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly sseMaxBufferedBytes: number;

  constructor(
    @Inject(PROJECTION_RUNNER) readonly runner: ProjectionRunner,
    @Optional() @Inject(PROJECTIONS_OPTIONS) options?: ProjectionsOptions,
  ) {
    this.minPositionTimeoutMs = options?.minPositionTimeoutMs ?? 5000;
    this.heartbeatMs = options?.heartbeatMs ?? 15_000;
    this.sseMaxBufferedBytes = options?.sseMaxBufferedBytes ?? 1024 * 1024;
  }

  /**
   * `?minPosition=N`: 400 when malformed or repeated; waits until the named projections serve
   * position N or later, else 503 problem JSON with `position` (the lowest reached).
   */
  async awaitMinPosition(raw: unknown, names: string[]): Promise<void> {
    if (raw === undefined) return;
    if (typeof raw !== 'string' || !NON_NEGATIVE_INT.test(raw))
      throw Problems.badRequest('minPosition must be a non-negative integer given once.', [
        { field: 'minPosition', message: 'must be a non-negative integer' },
      ]);
    const target = BigInt(raw);
    const r = await this.runner.waitFor(target, this.minPositionTimeoutMs, names);
    if (!r.reached)
      throw Problems.unavailable(
        `The views have reached position ${r.position}, not ${target}, within ${this.minPositionTimeoutMs / 1000} s.`,
        { position: Number(r.position) },
      );
  }
}

@Injectable()
class ProjectionsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projections');
  constructor(
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    private readonly health: HealthRegistry,
    private readonly timeMachine: TimeMachineService,
  ) {}

  onApplicationBootstrap(): void {
    this.health.reportProjections(() =>
      this.runner.status().map((s) => ({
        name: s.name,
        version: s.version,
        status: s.status,
        position: Number(s.position),
        ...(s.error ? { error: s.error } : {}),
        serving: s.serving ? { version: s.serving.version, position: Number(s.serving.position) } : null,
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.runner.stop();
    } catch (e) {
      this.logger.error(`stopping the projection runner failed: ${String(e)}`);
    }
    await this.timeMachine.close().catch((e) => this.logger.error(`closing the time machine failed: ${String(e)}`));
  }
}

@Global()
@Module({
  providers: [
    {
      provide: PROJECTION_RUNNER,
      inject: [EVENT_STORE, APP_CONFIG, { token: PROJECTIONS_OPTIONS, optional: true }],
      useFactory: (store: EventStore, config: AppConfig, options?: ProjectionsOptions): Promise<ProjectionRunner> => {
        mkdirSync(config.dataDir, { recursive: true });
        return ProjectionRunner.start({
          store,
          file: join(config.dataDir, PROJECTIONS_DB_FILE),
          projections: options?.projections ?? allProjections,
          ...(options?.snapshotEvery ? { snapshotEvery: options.snapshotEvery } : {}),
        });
      },
    },
    ProjectionsService,
    ProjectionsLifecycle,
    {
      provide: TimeMachineService,
      // reads the history the runner records from its own fold (its tables are in the runner's file)
      inject: [EVENT_STORE, APP_CONFIG, PROJECTION_RUNNER, { token: PROJECTIONS_OPTIONS, optional: true }],
      useFactory: (store: EventStore, config: AppConfig, runner: ProjectionRunner, options?: ProjectionsOptions) =>
        new TimeMachineService(store, config.dataDir, PROJECTIONS_DB_FILE, options?.projections ?? allProjections, runner),
    },
    { provide: APP_INTERCEPTOR, useClass: AtMomentInterceptor },
  ],
  exports: [PROJECTION_RUNNER, ProjectionsService, TimeMachineService],
})
export class ProjectionsModule {}
