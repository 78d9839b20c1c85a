/**
 * The domain feature modules of the api: committees, meetings, cases, views, live feeds, audit.
 * Endpoint authors register their module here (one line each); createApp imports them after the
 * platform modules (config, store, idempotency, auth), which are global, so a feature module
 * can inject EVENT_STORE, APP_CONFIG, IDEMPOTENCY_STORE, TOKENS without importing anything.
 */
import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { HealthModule } from './health/health.controller.js';
import { WorkflowModule } from './workflow/workflow.module.js';
import { CommitteesModule } from './committees/committees.controller.js';
import { MeetingsModule } from './meetings/meetings.controller.js';
import { CasesModule } from './cases/cases.controller.js';
import { MattersModule } from './matters/matters.controller.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { ViewsModule } from './views/views.controller.js';
import { DocumentsModule } from './documents/documents.controller.js';
import { LiveModule } from './live/live.controller.js';
import { AuditModule } from './audit/audit.controller.js';
import { WebModule } from './web/web.module.js';
import { AttachmentsModule } from './attachments/attachments.controller.js';

export type ModuleImport = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

export const FEATURE_MODULES: ModuleImport[] = [
  HealthModule,
  WorkflowModule,
  CommitteesModule,
  MeetingsModule,
  CasesModule,
  MattersModule,
  ProjectionsModule,
  ViewsModule,
  DocumentsModule,
  LiveModule,
  AuditModule,
  WebModule,
  AttachmentsModule,
];
