import { Controller, Get, Global, Inject, Injectable, Module } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@saksflyt/event-store';
import { Public } from '../auth/auth.js';
import { EVENT_STORE } from '../store/store.module.js';

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
  @ApiProperty({ description: 'Global position of the last event in the store (0 when empty).' }) headPosition: number;
}

class Health {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty({ type: StoreHealth }) store: StoreHealth;
  @ApiPropertyOptional({ type: [Object], description: 'Projection status, when the projections module reports it.' })
  projections?: unknown[];
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly registry: HealthRegistry,
  ) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: Health })
  async health(): Promise<Health> {
    const body: Health = {
      status: 'ok',
      store: { kind: this.store.kind, headPosition: Number(await this.store.headPosition()) },
    };
    const projections = await this.registry.projectionStatus();
    if (projections) body.projections = projections;
    return body;
  }
}

@Global()
@Module({ controllers: [HealthController], providers: [HealthRegistry], exports: [HealthRegistry] })
export class HealthModule {}
