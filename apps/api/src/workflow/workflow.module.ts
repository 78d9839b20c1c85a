/**
 * The workflow application service (`@saksflyt/workflow`) as a Nest provider, built on the global
 * EVENT_STORE. Inject with `@Inject(WORKFLOW) wf: Workflow`. Its catalogue catches up with the
 * store at start (every command and read catches up again anyway).
 */
import { Global, Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { EventStore } from '@saksflyt/event-store';
import { Workflow } from '@saksflyt/workflow';
import { EVENT_STORE } from '../platform.js';

export const WORKFLOW = Symbol('WORKFLOW');

@Injectable()
class WorkflowWarmUp implements OnApplicationBootstrap {
  constructor(@Inject(WORKFLOW) private readonly wf: Workflow) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.wf.catchUp();
  }
}

@Global()
@Module({
  providers: [
    { provide: WORKFLOW, inject: [EVENT_STORE], useFactory: (store: EventStore) => new Workflow(store) },
    WorkflowWarmUp,
  ],
  exports: [WORKFLOW],
})
export class WorkflowModule {}
