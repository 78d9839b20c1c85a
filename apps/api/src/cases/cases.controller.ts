/**
 * Cases (API.md "Cases"): create, read (with `?asOf=` / `?atPosition=`), PATCH the paper, the
 * nine commands and `amend`, history. Each write: the AccessGuard's 401, 404 (unknown case) and 403
 * (`case.advance`: the secretariat of the case's committee), then the body (415/413/400),
 * `If-Match` (400 malformed), then the workflow (400 that needs the records, 412 stale, 409 state).
 */
import { Body, Controller, Get, HttpCode, Inject, Module, Param, Patch, Post, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ClassConstructor } from 'class-transformer';
import type { EventStore } from '@saksflyt/event-store';
import { publicWrittenProcedure, type CaseCommandName, type CaseView, type Workflow } from '@saksflyt/workflow';
import type { FastifyReply } from 'fastify';
import {
  Allow,
  ApiProblems,
  CurrentAccess,
  DeferBody,
  EVENT_STORE,
  Problems,
  RequestCtx,
  mayReadPrivate,
  requireAllowed,
  setETag,
  validateBody,
  type Access,
  type User,
} from '../platform.js';
import { awaitMinPosition, commandContext, parsePosition, singleQuery } from '../workflow/access.js';
import { FieldPathInterceptor } from '../workflow/access.js';
import { WORKFLOW } from '../workflow/workflow.module.js';
import { AtMoment, TimeMachineService } from '../projections/time-machine.js';
import {
  AmendDto,
  CaseDoc,
  CaseWriteResultDoc,
  CreateCaseDto,
  EditCaseDto,
  EndorseDto,
  HistoryEntryDoc,
  NoteDto,
  PresentDto,
  ReasonDto,
  RecordDiscussionDto,
  ReferDto,
  ScheduleDto,
  VoteDto,
  WrittenAnswerDto,
  WrittenProcedureDto,
} from './cases.dto.js';

const IF_MATCH = { name: 'If-Match', required: false, description: '"<revision>" of the case; 412 when stale' } as const;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Whether `user` may read the case: public once it has been on a noticed agenda, else `read.private` of its committee. */
export async function mayReadCase(wf: Workflow, user: User | null, caseId: string, committee: string): Promise<boolean> {
  return mayReadPrivate(user, committee) || (await wf.getCase(caseId)).public;
}

@UseInterceptors(FieldPathInterceptor)
@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(
    @Inject(WORKFLOW) private readonly wf: Workflow,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly timeMachine: TimeMachineService,
  ) {}

  @Post()
  @Allow('case.create', { committeeOf: 'body.committee' })
  @DeferBody()
  @ApiBody({ type: CreateCaseDto })
  @ApiCreatedResponse({ type: CaseWriteResultDoc, description: 'a draft case' })
  @ApiProblems(400, 401, 403, 415)
  async create(@Body() body: unknown, @RequestCtx() ctx: RequestCtx, @CurrentAccess() access: Access) {
    // The guard decided on the committee the body named, when it knew it (else: 403 only for a
    // caller who may create cases nowhere). A committee unknown then is the workflow's 400,
    // unless it was created meanwhile: then the policy answers for it now.
    const dto = await validateBody(CreateCaseDto, body);
    if (dto.committee !== access.committee && this.wf.catalogue.committees.has(dto.committee)) requireAllowed({ ...access, committee: dto.committee });
    const { committee, title, type, proposedResolution, ...rest } = dto;
    const optional = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    return this.wf.createCase({ committee, title, type, proposedResolution, ...optional }, commandContext(ctx));
  }

  @Get(':id')
  @Allow('read.private', { committeeOf: 'case', public: true })
  @AtMoment('the case (with the rights of its history)')
  @ApiQuery({ name: 'minPosition', required: false })
  @ApiOkResponse({ type: CaseDoc, headers: { ETag: { description: '"<revision>" of the case stream' } } })
  @ApiProblems(400, 401, 403, 404, 503)
  async get(
    @Param('id') id: string,
    @RequestCtx() ctx: RequestCtx,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentAccess() access: Access,
    @Query('asOf') asOf?: unknown,
    @Query('atPosition') atPosition?: unknown,
    @Query('minPosition') minPosition?: unknown,
  ): Promise<CaseView> {
    await awaitMinPosition(this.store, singleQuery('minPosition', minPosition));
    const actor = ctx.user ? { name: ctx.user.name, roles: ctx.user.roles } : undefined;
    let view: CaseView;
    if (asOf !== undefined || atPosition !== undefined) {
      requireAllowed(access);
      const a = singleQuery('asOf', asOf);
      const p = parsePosition('atPosition', singleQuery('atPosition', atPosition));
      if (a !== undefined && p !== undefined)
        throw Problems.badRequest('Give asOf or atPosition, not both.', [{ field: 'asOf', message: 'cannot be combined with atPosition' }]);
      if (a !== undefined && (!ISO_TIME.test(a) || Number.isNaN(Date.parse(a))))
        throw Problems.badRequest('asOf must be an ISO 8601 time.', [{ field: 'asOf', message: 'must be an ISO 8601 time' }]);
      // the same moment as every other read: asOf is the log up to the last event recorded by then; an unknown position is 400
      const moment = await this.timeMachine.resolve(a !== undefined ? { asOf: a } : { atPosition: p! });
      view = await this.wf.getCaseAt(id, { atPosition: moment.position }, { actor });
      reply.header('x-saksflyt-position', String(moment.position));
    } else {
      const head = await this.store.headPosition();
      view = await this.wf.getCase(id, { actor });
      reply.header('x-saksflyt-position', String(head));
      if (!view.public) requireAllowed(access);
      // a written procedure's answers are the committee's until it is concluded
      if (view.writtenProcedure && !mayReadPrivate(ctx.user, view.committee)) view = { ...view, writtenProcedure: publicWrittenProcedure(view.writtenProcedure) };
    }
    setETag(reply, view.revision);
    return view;
  }

  @Get(':id/history')
  @Allow('read.private', { committeeOf: 'case' })
  @ApiOkResponse({ type: [HistoryEntryDoc], description: 'every event of the case, oldest first' })
  @ApiProblems(401, 403, 404)
  async history(@Param('id') id: string) {
    return this.wf.caseHistory(id);
  }

  @Patch(':id')
  @Allow('case.advance', { committeeOf: 'case' })
  @DeferBody()
  @ApiBody({ type: EditCaseDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  async edit(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await validateBody(EditCaseDto, body);
    const changes = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
    const r = await this.wf.editCase(id, changes, commandContext(ctx));
    setETag(reply, r.revision);
    return r;
  }

  private async command(
    command: CaseCommandName,
    dto: ClassConstructor<object>,
    id: string,
    body: unknown,
    ctx: RequestCtx,
    reply: FastifyReply,
  ) {
    const valid = await validateBody(dto, body);
    const fields = Object.fromEntries(Object.entries(valid).filter(([, v]) => v !== undefined));
    const r = await this.wf.caseCommand(id, command, fields, commandContext(ctx));
    setETag(reply, r.revision);
    return r;
  }

  @Post(':id/schedule')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: ScheduleDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: 'draft → scheduled (onto a planned meeting of its committee)' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  schedule(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.command('schedule', ScheduleDto, id, body, ctx, reply);
  }

  @Post(':id/unschedule')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: ReasonDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: 'scheduled (before notice) → draft' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  unschedule(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.command('unschedule', ReasonDto, id, body, ctx, reply);
  }

  @Post(':id/present')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: PresentDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: 'scheduled (meeting in session) → discussion' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  present(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.command('present', PresentDto, id, body, ctx, reply);
  }

  @Post(':id/record-discussion')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: RecordDiscussionDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: 'discussion → discussion' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  recordDiscussion(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.command('record-discussion', RecordDiscussionDto, id, body, ctx, reply);
  }

  @Post(':id/endorse')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: EndorseDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: 'discussion → endorsement' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  endorse(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.command('endorse', EndorseDto, id, body, ctx, reply);
  }

  @Post(':id/note')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: NoteDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: 'discussion → orientation' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  note(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.command('note', NoteDto, id, body, ctx, reply);
  }

  @Post(':id/postpone')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: ReasonDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: 'scheduled or discussion → draft' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  postpone(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.command('postpone', ReasonDto, id, body, ctx, reply);
  }

  @Post(':id/refer')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: ReferDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({
    type: CaseWriteResultDoc,
    description: 'endorsement/orientation stays; discussion (with a reason) leaves its meeting as postponed → draft; opens a draft case of the same matter in toCommittee (referredCaseId) carrying `referral`',
  })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  refer(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.command('refer', ReferDto, id, body, ctx, reply);
  }

  @Post(':id/withdraw')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: ReasonDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: 'draft or scheduled → withdrawn' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  withdraw(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.command('withdraw', ReasonDto, id, body, ctx, reply);
  }

  @Post(':id/amend')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: AmendDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: 'endorsement/orientation stays: the named texts replaced while the minutes are a draft (history keeps both)' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  amend(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.command('amend', AmendDto, id, body, ctx, reply);
  }

  @Post(':id/vote')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: VoteDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: 'discussion → discussion (meeting in session): the vote; a later one replaces it' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  vote(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.command('vote', VoteDto, id, body, ctx, reply);
  }

  @Post(':id/written-procedure')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: WrittenProcedureDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: "draft → discussion: skriftlig behandling opened, the committee's next number given at once" })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  writtenProcedure(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.command('written-procedure', WrittenProcedureDto, id, body, ctx, reply);
  }

  @Post(':id/written-procedure/responses')
  @Allow('case.respond', { committeeOf: 'case' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: WrittenAnswerDto })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: "a member's answer (their own token); a later one replaces theirs; 409 after the deadline or the conclusion" })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  async writtenAnswer(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await validateBody(WrittenAnswerDto, body);
    const r = await this.wf.answerWrittenProcedure(id, { answer: dto.answer, ...(dto.comment !== undefined ? { comment: dto.comment } : {}) }, commandContext(ctx));
    setETag(reply, r.revision);
    return r;
  }
}

@Module({ controllers: [CasesController] })
export class CasesModule {}

