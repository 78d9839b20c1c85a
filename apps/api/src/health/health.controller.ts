import { Controller, Get, Inject, Module } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@saksflyt/event-store';
import { Public } from '../auth/auth.js';
import { EVENT_STORE } from '../store/store.module.js';

class StoreHealth {
  @ApiProperty({ enum: ['sqlite', 'eventstoredb'] }) kind: string;
  @ApiProperty({ description: 'Global position of the last event in the store (0 when empty).' }) headPosition: number;
}

class Health {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty({ type: StoreHealth }) store: StoreHealth;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: Health })
  async health(): Promise<Health> {
    return { status: 'ok', store: { kind: this.store.kind, headPosition: Number(await this.store.headPosition()) } };
  }
}

@Module({ controllers: [HealthController] })
export class HealthModule {}
