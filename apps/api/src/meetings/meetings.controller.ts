/**
 * Meetings (API.md "Meetings"): planning (`meeting.plan`), reads (public from notice on; a planned
 * meeting is `read.private` of its committee), notice, open, adjourn (`meeting.run`), history.
 * The AccessGuard answers 401, 404 and 403 (`@Allow`); the minutes and notice documents are served
 * elsewhere (documents).
 */
import { Body, Controller, Get, HttpCode, Inject, Module, Param, Patch, Post, Put, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@saksflyt/event-store';
import type { Workflow } from '@saksflyt/workflow';
import type { FastifyReply } from 'fastify';
import { Allow, ApiProblems, CurrentAccess, DeferBody, EVENT_STORE, Problems, Public, RequestCtx, requireAllowed, setETag, validateBody, type Access } from '../platform.js';
import { assertEmptyBody, awaitMinPosition, commandContext, requireCommittee, singleQuery } from '../workflow/access.js';
import { FieldPathInterceptor } from '../workflow/access.js';
import { WORKFLOW } from '../workflow/workflow.module.js';
import { AtMoment, TimeMachineService, askedMoment } from '../projections/time-machine.js';
import { CancelMeetingDto, ChangeMeetingDto, MeetingDoc, MeetingSummaryDoc, MeetingWriteResultDoc, OpenMeetingDto, PlanMeetingDto, ReorderAgendaDto } from './meetings.dto.js';

const IF_MATCH = { name: 'If-Match', required: false, description: '"<revision>" of the meeting; 412 when stale' } as const;

@UseInterceptors(FieldPathInterceptor)
@ApiTags('meetings')
@ApiBearerAuth()
@Controller()
export class MeetingsController {
  constructor(
    @Inject(WORKFLOW) private readonly wf: Workflow,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly timeMachine: TimeMachineService,
  ) {}

  @Post('committees/:code/meetings')
  @Allow('meeting.plan', { committeeOf: 'committee' })
  @DeferBody()
  @ApiBody({ type: PlanMeetingDto })
  @ApiCreatedResponse({ type: MeetingWriteResultDoc, description: 'planned, with its standard agenda items as scheduled cases' })
  @ApiProblems(400, 401, 403, 404, 415)
  async plan(@Param('code') code: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx) {
    const dto = await validateBody(PlanMeetingDto, body);
    const { date, place, ...optional } = dto;
    return this.wf.planMeeting(code, { date, place, ...defined(optional) }, commandContext(ctx));
  }

  @Get('committees/:code/meetings')
  @Public()
  @ApiQuery({ name: 'year', required: false })
  @ApiQuery({ name: 'minPosition', required: false })
  @ApiOkResponse({ type: [MeetingSummaryDoc], description: "the committee's meetings in planning order (summaries, planned ones too)" })
  @ApiProblems(400, 404)
  async list(@Param('code') code: string, @Query('year') year?: string, @Query('minPosition') minPosition?: string) {
    await awaitMinPosition(this.store, singleQuery('minPosition', minPosition));
    await requireCommittee(this.wf, code);
    const y = singleQuery('year', year);
    if (y !== undefined && !/^\d{4}$/.test(y)) throw Problems.badRequest('year must be a four-digit year.', [{ field: 'year', message: 'must be a four-digit year' }]);
    return this.wf.listMeetings(code, y === undefined ? {} : { year: Number(y) });
  }

  @Get('meetings/:id')
  @Allow('read.private', { committeeOf: 'meeting', public: true })
  @ApiQuery({ name: 'minPosition', required: false })
  @AtMoment('the meeting (with the rights of its history)')
  @ApiOkResponse({
    type: MeetingDoc,
    headers: {
      ETag: { description: '"<revision>" of the meeting stream' },
      'X-Saksflyt-Position': { description: 'the global position the answer was built at', schema: { type: 'integer' } },
    },
  })
  @ApiProblems(400, 401, 403, 404, 503)
  async get(
    @Param('id') id: string,
    @RequestCtx() ctx: RequestCtx,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentAccess() access: Access,
    @Query() query: Record<string, unknown>,
  ) {
    await awaitMinPosition(this.store, singleQuery('minPosition', query.minPosition));
    const actor = ctx.user ? { name: ctx.user.name, roles: ctx.user.roles } : undefined;
    const asked = askedMoment(query);
    if (asked) {
      requireAllowed(access);
      const moment = await this.timeMachine.resolve(asked);
      const then = await this.timeMachine.workflowAt(moment).getMeeting(id, { actor });
      setETag(reply, then.revision);
      reply.header('x-saksflyt-position', String(moment.position));
      return then;
    }
    const position = await this.store.headPosition();
    const view = await this.wf.getMeeting(id, { actor });
    if (!view.public) requireAllowed(access);
    setETag(reply, view.revision);
    reply.header('x-saksflyt-position', String(position));
    return view;
  }

  @Get('meetings/:id/history')
  @Allow('read.private', { committeeOf: 'meeting' })
  @ApiOkResponse({ description: 'every event of the meeting stream, oldest first' })
  @ApiProblems(401, 403, 404)
  async history(@Param('id') id: string) {
    return this.wf.meetingHistory(id);
  }

  @Post('meetings/:id/notice')
  @Allow('meeting.run', { committeeOf: 'meeting' })
  @HttpCode(200)
  @DeferBody()
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: MeetingWriteResultDoc, description: 'noticed: the agenda is frozen and its cases numbered N/YY in agenda order' })
  @ApiProblems(400, 401, 403, 404, 409, 412)
  async notice(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    assertEmptyBody(body);
    const r = await this.wf.noticeMeeting(id, commandContext(ctx));
    setETag(reply, r.revision);
    return r;
  }

  @Post('meetings/:id/open')
  @Allow('meeting.run', { committeeOf: 'meeting' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: OpenMeetingDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: MeetingWriteResultDoc, description: 'in_session, with the attendance' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  async open(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await validateBody(OpenMeetingDto, body);
    const c = commandContext(ctx);
    const r = await this.wf.openMeeting(
      id,
      {
        present: dto.present,
        ...(dto.absent !== undefined ? { absent: dto.absent } : {}),
        ...(dto.guests !== undefined ? { guests: dto.guests } : {}),
        ...(dto.secretariat !== undefined ? { secretariat: dto.secretariat } : {}),
        ...(dto.remote !== undefined ? { remote: dto.remote } : {}),
      },
      c,
    );
    setETag(reply, r.revision);
    return r;
  }

  @Post('meetings/:id/adjourn')
  @Allow('meeting.run', { committeeOf: 'meeting' })
  @HttpCode(200)
  @DeferBody()
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: MeetingWriteResultDoc, description: 'held (every case on the agenda dealt with, else 409 naming the open cases)' })
  @ApiProblems(400, 401, 403, 404, 409, 412)
  async adjourn(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    assertEmptyBody(body);
    const r = await this.wf.adjournMeeting(id, commandContext(ctx));
    setETag(reply, r.revision);
    return r;
  }

  @Put('meetings/:id/agenda')
  @Allow('meeting.run', { committeeOf: 'meeting' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: ReorderAgendaDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: MeetingDoc, description: 'before notice: the substantive cases in the order given (approvals first, Eventuelt last); the meeting' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  async reorderAgenda(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await validateBody(ReorderAgendaDto, body);
    const r = await this.wf.reorderAgenda(id, { order: dto.order }, commandContext(ctx));
    const view = await this.wf.getMeeting(id, { actor: { name: ctx.user!.name, roles: ctx.user!.roles } });
    setETag(reply, view.revision);
    return { ...view, position: view.position > r.position ? view.position : r.position };
  }

  @Patch('meetings/:id')
  @Allow('meeting.run', { committeeOf: 'meeting' })
  @DeferBody()
  @ApiBody({ type: ChangeMeetingDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: MeetingWriteResultDoc, description: 'moved or changed (while planned or noticed; after notice a changed notice); the approval chain re-targeted' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  async change(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await validateBody(ChangeMeetingDto, body);
    const r = await this.wf.changeMeeting(id, defined({ ...dto }), commandContext(ctx));
    setETag(reply, r.revision);
    return r;
  }

  @Post('meetings/:id/cancel')
  @Allow('meeting.run', { committeeOf: 'meeting' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: CancelMeetingDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: MeetingWriteResultDoc, description: 'cancelled (from planned or noticed): standard items withdrawn, other cases back to draft; the number is kept' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  async cancel(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await validateBody(CancelMeetingDto, body);
    const r = await this.wf.cancelMeeting(id, { reason: dto.reason }, commandContext(ctx));
    setETag(reply, r.revision);
    return r;
  }
}

/** The fields given (a DTO instance leaves the others undefined). */
function defined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}

@Module({ controllers: [MeetingsController] })
export class MeetingsModule {}
