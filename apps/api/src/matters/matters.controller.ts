/** Matters (API.md "Cases"): a matter's cases across committees, in the order they were opened; cases the caller cannot read are left out. */
import { Controller, Get, Inject, Module, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@saksflyt/event-store';
import type { Workflow } from '@saksflyt/workflow';
import { ApiProblems, EVENT_STORE, Problems, Public, RequestCtx } from '../platform.js';
import { mayReadCase } from '../cases/cases.controller.js';
import { awaitMinPosition, singleQuery } from '../workflow/access.js';
import { FieldPathInterceptor } from '../workflow/access.js';
import { WORKFLOW } from '../workflow/workflow.module.js';

@UseInterceptors(FieldPathInterceptor)
@ApiTags('matters')
@ApiBearerAuth()
@Controller('matters')
export class MattersController {
  constructor(
    @Inject(WORKFLOW) private readonly wf: Workflow,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get(':matterId')
  @Public()
  @ApiQuery({ name: 'minPosition', required: false })
  @ApiOkResponse({ description: '{ matterId, cases: [{ id, committee, number, title, type, state, meetingId }] }' })
  @ApiProblems(404)
  async get(@Param('matterId') matterId: string, @RequestCtx() ctx: RequestCtx, @Query('minPosition') minPosition?: unknown) {
    await this.wf.catalogue.catchUp();
    if (!this.wf.catalogue.matters.get(matterId)?.length) throw Problems.notFound(`unknown matter ${matterId}`);
    await awaitMinPosition(this.store, singleQuery('minPosition', minPosition));
    const view = await this.wf.getMatter(matterId);
    const cases = [];
    for (const c of view.cases) if (await mayReadCase(this.wf, ctx.user, c.id, c.committee)) cases.push(c);
    if (!cases.length) throw Problems.notFound(`unknown matter ${matterId}`);
    return { matterId, cases };
  }
}

@Module({ controllers: [MattersController] })
export class MattersModule {}
