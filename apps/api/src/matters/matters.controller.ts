/** Matters (API.md "Cases"): a matter's cases across committees, in the order they were opened; cases the caller cannot read are left out. */
import { Controller, Get, Inject, Module, Param, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@saksflyt/event-store';
import type { Workflow } from '@saksflyt/workflow';
import { ApiProblems, EVENT_STORE, Problems, Public, RequestCtx } from '../platform.js';
import { mayReadCase } from '../cases/cases.controller.js';
import { awaitMinPosition, singleQuery } from '../workflow/access.js';
import { FieldPathInterceptor } from '../workflow/access.js';
import { WORKFLOW } from '../workflow/workflow.module.js';
import { AtMoment, TimeMachineService, askedMoment } from '../projections/time-machine.js';
import type { FastifyReply } from 'fastify';

@UseInterceptors(FieldPathInterceptor)
@ApiTags('matters')
@ApiBearerAuth()
@Controller('matters')
export class MattersController {
  constructor(
    @Inject(WORKFLOW) private readonly wf: Workflow,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly timeMachine: TimeMachineService,
  ) {}

  @Get(':matterId')
  @Public()
  @ApiQuery({ name: 'minPosition', required: false })
  @AtMoment('the matter')
  @ApiOkResponse({
    description: '{ matterId, cases: [{ id, committee, number, title, type, state, meetingId }] }',
    headers: { 'X-Saksflyt-Position': { description: 'the global position the answer was built at', schema: { type: 'integer' } } },
  })
  @ApiProblems(400, 404, 503)
  async get(@Param('matterId') matterId: string, @RequestCtx() ctx: RequestCtx, @Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.wf.catalogue.catchUp();
    if (!this.wf.catalogue.matters.get(matterId)?.length) throw Problems.notFound(`unknown matter ${matterId}`);
    await awaitMinPosition(this.store, singleQuery('minPosition', query.minPosition));
    const asked = askedMoment(query);
    const moment = asked ? await this.timeMachine.resolve(asked) : undefined;
    const position = moment?.position ?? (await this.store.headPosition());
    const view = await (moment ? this.timeMachine.workflowAt(moment) : this.wf).getMatter(matterId);
    const cases = [];
    for (const c of view.cases) if (await mayReadCase(this.wf, ctx.user, c.id, c.committee)) cases.push(c);
    if (!cases.length) throw Problems.notFound(`unknown matter ${matterId}`);
    reply.header('x-saksflyt-position', String(position));
    return { matterId, cases };
  }
}

@Module({ controllers: [MattersController] })
export class MattersModule {}
