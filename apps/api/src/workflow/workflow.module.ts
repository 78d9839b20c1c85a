/**
 * The workflow application service (`@saksflyt/workflow`) as a Nest provider, built on the global
 * EVENT_STORE. Inject with `@Inject(WORKFLOW) wf: Workflow`. Its catalogue catches up with the
 * store at start (every command and read catches up again anyway).
 */
import { Global, Inject, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { storeFault, type EventStore } from '@saksflyt/event-store';
import { Workflow } from '@saksflyt/workflow';
import { EVENT_STORE } from '../platform.js';

export const WORKFLOW = Symbol('WORKFLOW');

@Injectable()
class WorkflowWarmUp implements OnApplicationBootstrap {
  constructor(@Inject(WORKFLOW) private readonly wf: Workflow) {}
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.wf.catchUp();
    } catch (e) {
      // a store that cannot be read at start (KurrentDB unreachable): start anyway, catch up later
      const fault = storeFault(e);
      if (fault === null) throw e;
      new Logger('Workflow').warn(`warm-up skipped: ${fault}`);
    }
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
