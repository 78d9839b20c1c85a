/**
 * The domain feature modules of the api: committees, meetings, cases, views, live feeds.
 * Endpoint authors register their module here (one line each); createApp imports them after the
 * platform modules (config, store, idempotency, auth), which are global, so a feature module
 * can inject EVENT_STORE, APP_CONFIG, IDEMPOTENCY_STORE, TOKENS without importing anything.
 */
import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { HealthModule } from './health/health.controller.js';

export type ModuleImport = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

export const FEATURE_MODULES: ModuleImport[] = [HealthModule];
