import { Controller, Get, Global, Inject, Injectable, Module } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { storeFault, type EventStore, type StoreCondition } from '@saksflyt/event-store';
import { Public } from '../auth/auth.js';
import { EVENT_STORE, STORE_CONDITION } from '../store/store.module.js';

/**
 * Where other modules report into `GET /api/health`: the projections module calls
 * `health.reportProjections(() => runner.status())` once; its result is shown as `projections`.
 */
@Injectable()
export class HealthRegistry {
  private projections?: () => unknown[] | Promise<unknown[]>;

  reportProjections(fn: () => unknown[] | Promise<unknown[]>): void {
    this.projections = fn;
  }

  async projectionStatus(): Promise<unknown[] | undefined> {
    return this.projections ? await this.projections() : undefined;
  }
}

class StoreHealth {
  @ApiProperty({ enum: ['sqlite', 'eventstoredb'] }) kind: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Global position of the last event in the store (0 when empty); null when the store cannot be read.' })
  headPosition: number | null;
  @ApiProperty({ description: 'false while the store cannot be read, or its last write failed for a fault (disk full, read-only, unreachable).' })
  available: boolean;
  @ApiPropertyOptional({ description: 'Why the store is not available, in a few words.' }) reason?: string;
  @ApiPropertyOptional({ description: 'Since when writes have failed (ISO 8601).' }) since?: string;
}

class Health {
  @ApiProperty({ enum: ['ok', 'degraded'], description: 'degraded: the store is not available (see store.reason); the answer is still 200.' })
  status: 'ok' | 'degraded';
  @ApiProperty({ type: StoreHealth }) store: StoreHealth;
  @ApiPropertyOptional({ type: [Object], description: 'Projection status, when the projections module reports it.' })
  projections?: unknown[];
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(STORE_CONDITION) private readonly condition: StoreCondition,
    private readonly registry: HealthRegistry,
  ) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: Health })
  async health(): Promise<Health> {
    const store: StoreHealth = { kind: this.store.kind, headPosition: null, available: true };
    try {
      // the last durable event, read from the store itself (the SQLite store answers `headPosition`
      // from its writer's cache, which would not show that the file can no longer be read)
      const last = await this.store.lastEvent();
      store.headPosition = last ? Number(last.position) : 0;
    } catch (e) {
      store.available = false;
      store.reason = storeFault(e) ?? 'the store cannot be read';
    }
    if (store.available && this.condition.fault !== null) {
      store.available = false;
      store.reason = `writes fail: ${this.condition.fault}`;
      store.since = this.condition.since?.toISOString();
    }
    const body: Health = { status: store.available ? 'ok' : 'degraded', store };
    const projections = await this.registry.projectionStatus();
    if (projections) body.projections = projections;
    return body;
  }
}

@Global()
@Module({ controllers: [HealthController], providers: [HealthRegistry], exports: [HealthRegistry] })
export class HealthModule {}
