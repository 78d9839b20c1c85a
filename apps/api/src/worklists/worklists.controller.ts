/**
 * Worklists and follow-ups (API.md "Worklists, members, follow-ups"):
 * - `GET /api/cases?committee=&state=&year=&meetingId=&q=&limit=&cursor=`: the worklist, from the
 *   `registers` projection (`worklist` view), newest case first, cursor-paged; cases that are not
 *   public yet only for callers who may read them (`read.private`, as `GET /api/cases/{id}`).
 *   `?committee=` unknown is 404 (the guard); any other bad filter is 400 naming it.
 * - `POST /api/followups/{id}/close` `{ reason }`: the secretariat of the follow-up's committee
 *   closes it without a case (`followup.close`); closed or met already: 409.
 */
import { Body, Controller, Get, HttpCode, Inject, Module, Param, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { BadCursor, WORKLIST_MAX_LIMIT, type WorklistPage } from '@saksflyt/projections';
import { CASE_STATES, type CaseStatus, type Workflow } from '@saksflyt/workflow';
import { Allow, ApiProblems, CurrentAccess, DeferBody, Problems, RequestCtx, mayReadPrivate, setETag, validateBody, type Access } from '../platform.js';
import { ProjectionsService } from '../projections/projections.module.js';
import { POSITION_HEADER } from '../views/views.controller.js';
import { AtMoment, TimeMachineService, askedMoment } from '../projections/time-machine.js';
import { bad, intParam, textParam, yearParam } from '../views/query.js';
import { commandContext, FieldPathInterceptor } from '../workflow/access.js';
import { WORKFLOW } from '../workflow/workflow.module.js';
import { CloseFollowUpDto, FollowUpInputDoc } from '../cases/cases.dto.js';
import { FollowUpWriteResultDoc, WorklistPageDoc } from './worklists.dto.js';

@ApiTags('cases')
@ApiExtraModels(FollowUpInputDoc)
@Controller('cases')
export class WorklistController {
  constructor(
    private readonly views: ProjectionsService,
    @Inject(WORKFLOW) private readonly wf: Workflow,
    private readonly timeMachine: TimeMachineService,
  ) {}

  @Get()
  @Allow('read.private', { committeeOf: 'query.committee', public: true })
  @ApiQuery({ name: 'committee', required: false, description: 'a committee code (404 when unknown)' })
  @ApiQuery({ name: 'state', required: false, enum: CASE_STATES })
  @ApiQuery({ name: 'year', required: false, description: 'YYYY: the year of the meeting the case is or was last on (else of its drafting)' })
  @ApiQuery({ name: 'meetingId', required: false, description: 'cases on this meeting (404 when unknown)' })
  @ApiQuery({ name: 'q', required: false, description: 'free text over title and number' })
  @ApiQuery({ name: 'limit', required: false, description: `1–${WORKLIST_MAX_LIMIT}, default 50` })
  @ApiQuery({ name: 'cursor', required: false, description: 'the nextCursor of the page before (opaque)' })
  @ApiQuery({ name: 'minPosition', required: false })
  @AtMoment('the worklist')
  @ApiOkResponse({ type: WorklistPageDoc, headers: { 'X-Saksflyt-Position': { description: 'the global position the answer was built at', schema: { type: 'integer' } } } })
  @ApiProblems(400, 404, 503)
  async list(@Query() query: Record<string, unknown>, @CurrentAccess() access: Access, @Res({ passthrough: true }) reply: FastifyReply): Promise<WorklistPage> {
    const committee = textParam('committee', query.committee, 64);
    const stateText = textParam('state', query.state, 64);
    if (stateText !== undefined && !(CASE_STATES as readonly string[]).includes(stateText)) bad('state', `must be one of ${CASE_STATES.join(', ')}`);
    const year = yearParam('year', query.year);
    const meetingId = textParam('meetingId', query.meetingId, 200);
    const q = textParam('q', query.q);
    const limit = intParam('limit', query.limit, 1, WORKLIST_MAX_LIMIT);
    const cursor = textParam('cursor', query.cursor, 400);
    const known = new Set(['committee', 'state', 'year', 'meetingId', 'q', 'limit', 'cursor', 'minPosition', 'asOf', 'atPosition']);
    const asked = askedMoment(query);
    for (const k of Object.keys(query)) if (!known.has(k)) bad(k, 'is not a filter of the worklist');
    if (meetingId !== undefined) {
      if (!this.wf.catalogue.meetings.has(meetingId)) await this.wf.catalogue.catchUp();
      if (!this.wf.catalogue.meetings.has(meetingId)) throw Problems.notFound(`unknown meeting ${meetingId}`);
    }
    await this.views.awaitMinPosition(query.minPosition, ['worklist']);
    const user = access.user;
    try {
      const params = {
        ...(committee !== undefined ? { committee } : {}),
        ...(stateText !== undefined ? { state: stateText as CaseStatus } : {}),
        ...(year !== undefined ? { year } : {}),
        ...(meetingId !== undefined ? { meetingId } : {}),
        ...(q !== undefined ? { q } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
        canRead: (code: string) => mayReadPrivate(user, code),
      };
      if (asked) return await this.timeMachine.view<WorklistPage>(reply, await this.timeMachine.resolve(asked), 'worklist', params);
      const { position, view } = this.views.runner.query<WorklistPage>('worklist', params);
      reply.header(POSITION_HEADER, String(position));
      return view;
    } catch (e) {
      if (e instanceof BadCursor) bad('cursor', 'is not a cursor this list gave');
      throw e;
    }
  }
}

@UseInterceptors(FieldPathInterceptor)
@ApiTags('views')
@ApiBearerAuth()
@Controller('followups')
export class FollowUpsController {
  constructor(@Inject(WORKFLOW) private readonly wf: Workflow) {}

  @Post(':id/close')
  @Allow('followup.close', { committeeOf: 'followup' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: CloseFollowUpDto })
  @ApiHeader({ name: 'If-Match', required: false, description: '"<revision>" of the follow-up\'s own stream (-1 before it is closed)' })
  @ApiOkResponse({ type: FollowUpWriteResultDoc, description: 'closed by hand, without a case; closed or met already: 409' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  async close(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await validateBody(CloseFollowUpDto, body);
    const r = await this.wf.closeFollowUp(id, { reason: dto.reason }, commandContext(ctx));
    setETag(reply, r.revision);
    return r;
  }
}

@Module({ controllers: [WorklistController, FollowUpsController] })
export class WorklistsModule {}
