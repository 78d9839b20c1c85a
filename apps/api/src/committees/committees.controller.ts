/**
 * Committees (API.md "Committees"): create (`committee.create`), list and read (public), members
 * (`member.change`: admin or the committee's secretariat; deputies, terms, no twins), a seat's login
 * (`member.link`, PATCH `{ userId }`, null unlinks), numbering continuation (`numbering.set`, forward only: 409 backwards), earlier
 * decisions (`history.record`). The AccessGuard answers 401, 404 and 403 (`@Allow`).
 */
import { Body, Controller, Delete, Get, HttpCode, Inject, Module, Param, Patch, Post, Put, Query, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@saksflyt/event-store';
import type { Workflow } from '@saksflyt/workflow';
import type { FastifyReply } from 'fastify';
import { Allow, ApiProblems, DeferBody, EVENT_STORE, Problems, Public, RequestCtx, setETag, validateBody } from '../platform.js';
import { assertEmptyBody, awaitMinPosition, commandContext, requireCommittee, singleQuery } from '../workflow/access.js';
import { FieldPathInterceptor } from '../workflow/access.js';
import { mayReadPrivate } from '../access/require.js';
import { WORKFLOW } from '../workflow/workflow.module.js';
import { AddMemberDto, CommitteeDoc, CreateCommitteeDto, LinkMemberLoginDto, NumberingDto, RecordHistoryDto, WriteResultDoc } from './committees.dto.js';

@UseInterceptors(FieldPathInterceptor)
@ApiTags('committees')
@ApiBearerAuth()
@Controller('committees')
export class CommitteesController {
  constructor(
    @Inject(WORKFLOW) private readonly wf: Workflow,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
  @Allow('committee.create')
  @ApiCreatedResponse({ type: WriteResultDoc })
  @ApiProblems(400, 401, 403, 409, 415)
  async create(@Body() dto: CreateCommitteeDto, @RequestCtx() ctx: RequestCtx) {
    return this.wf.createCommittee({ code: dto.code, name: dto.name }, commandContext(ctx));
  }

  @Get()
  @Public()
  @ApiQuery({ name: 'minPosition', required: false })
  @ApiOkResponse({ type: [CommitteeDoc], description: 'every committee, in the order they were created' })
  async list(@Query('minPosition') minPosition?: string) {
    await awaitMinPosition(this.store, singleQuery('minPosition', minPosition));
    return this.wf.listCommittees();
  }

  @Get(':code')
  @Public()
  @ApiQuery({ name: 'minPosition', required: false })
  @ApiOkResponse({ type: CommitteeDoc, headers: { ETag: { description: '"<revision>" of the committee stream' } } })
  @ApiProblems(404)
  async get(@Param('code') code: string, @Res({ passthrough: true }) reply: FastifyReply, @RequestCtx() ctx: RequestCtx, @Query('minPosition') minPosition?: string) {
    await requireCommittee(this.wf, code);
    await awaitMinPosition(this.store, singleQuery('minPosition', minPosition));
    const view = await this.wf.getCommittee(code);
    setETag(reply, view.revision);
    // a member's sign-in identity (OIDC `sub`, tokens-file id) is for the committee, not the public
    if (mayReadPrivate(ctx.user, code)) return view;
    const hide = ({ userId: _hidden, ...m }: (typeof view.members)[number]) => m;
    return { ...view, members: view.members.map(hide), formerMembers: view.formerMembers.map(hide) };
  }

  @Post(':code/members')
  @Allow('member.change', { committeeOf: 'committee' })
  @DeferBody()
  @ApiBody({ type: AddMemberDto })
  @ApiHeader({ name: 'If-Match', required: false, description: '"<revision>" of the committee' })
  @ApiCreatedResponse({ type: WriteResultDoc, description: '`id` is the new member id' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  async addMember(@Param('code') code: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx) {
    const dto = await validateBody(AddMemberDto, body);
    const { deputyFor, from, to, userId } = dto;
    return this.wf.addMember(
      code,
      { name: dto.name, organisation: dto.organisation, role: dto.role, ...(deputyFor !== undefined ? { deputyFor } : {}), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}), ...(userId !== undefined ? { userId } : {}) },
      commandContext(ctx),
    );
  }

  @Delete(':code/members/:id')
  @Allow('member.change', { committeeOf: 'member' })
  @DeferBody()
  @ApiHeader({ name: 'If-Match', required: false, description: '"<revision>" of the committee' })
  @ApiOkResponse({ type: WriteResultDoc, description: 'the membership ends; history keeps it' })
  @ApiProblems(401, 403, 404, 409, 412)
  async removeMember(@Param('code') code: string, @Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx) {
    assertEmptyBody(body);
    return this.wf.removeMember(code, id, commandContext(ctx));
  }

  @Patch(':code/members/:id')
  @Allow('member.link', { committeeOf: 'member' })
  @DeferBody()
  @ApiBody({ type: LinkMemberLoginDto })
  @ApiHeader({ name: 'If-Match', required: false, description: '"<revision>" of the committee' })
  @ApiOkResponse({ type: WriteResultDoc, description: "the seat's login is linked (`userId`) or unlinked (`null`); `id` is the member id; the committee's log keeps who linked which login when" })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  async linkMemberLogin(@Param('code') code: string, @Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx) {
    const dto = await validateBody(LinkMemberLoginDto, body);
    return this.wf.linkMemberLogin(code, id, { userId: dto.userId }, commandContext(ctx));
  }

  @Get(':code/numbering/:year')
  @Public()
  @ApiOkResponse({ description: '{ committee, year, nextMeetingNumber, nextCaseNumber, revision }: where the year\'s numbering continues', headers: { ETag: { description: '"<revision>" of the numbering stream (-1: untouched)' } } })
  @ApiProblems(400, 404)
  async getNumbering(@Param('code') code: string, @Param('year') year: string, @Res({ passthrough: true }) reply: FastifyReply) {
    await requireCommittee(this.wf, code);
    if (!/^\d{4}$/.test(year)) throw Problems.badRequest('year must be a four-digit year.', [{ field: 'year', message: 'must be a four-digit year' }]);
    const n = await this.wf.getNumbering(code, Number(year));
    if (n.revision >= 0n) setETag(reply, n.revision);
    return n;
  }

  @Put(':code/numbering/:year')
  @Allow('numbering.set', { committeeOf: 'committee' })
  @HttpCode(200)
  @DeferBody()
  @ApiBody({ type: NumberingDto })
  @ApiOkResponse({ type: WriteResultDoc })
  @ApiProblems(400, 401, 403, 404, 409, 412, 415)
  async numbering(@Param('code') code: string, @Param('year') year: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx) {
    const dto = await validateBody(NumberingDto, body);
    if (!/^[1-9]\d{3}$/.test(year)) throw Problems.badRequest('year must be a four-digit year.', [{ field: 'year', message: 'must be a four-digit year' }]);
    return this.wf.continueNumbering(code, Number(year), { nextMeetingNumber: dto.nextMeetingNumber, nextCaseNumber: dto.nextCaseNumber }, commandContext(ctx));
  }
}

/** Earlier decisions known only as the records quote them (no meeting, no number taken). */
@UseInterceptors(FieldPathInterceptor)
@ApiTags('committees')
@ApiBearerAuth()
@Controller('committees')
export class CommitteeHistoryController {
  constructor(
    @Inject(WORKFLOW) private readonly wf: Workflow,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post(':code/history')
  @Allow('history.record', { committeeOf: 'committee' })
  @DeferBody()
  @ApiBody({ type: RecordHistoryDto })
  @ApiCreatedResponse({
    type: WriteResultDoc,
    description: '`id` is the history stream (`history-NEHS-39-17`); the same decision with the same content again writes nothing and answers `repeated: true`',
  })
  @ApiProblems(400, 401, 403, 404, 409, 415)
  async record(@Param('code') code: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx) {
    const dto = await validateBody(RecordHistoryDto, body);
    const source = dto.source
      ? {
          ...(dto.source.citedBy !== undefined ? { citedBy: dto.source.citedBy } : {}),
          ...(dto.source.citedByCaseIds !== undefined ? { citedByCaseIds: dto.source.citedByCaseIds } : {}),
          ...(dto.source.seeds !== undefined ? { seeds: dto.source.seeds.map((x) => ({ seed: x.seed, lines: x.lines })) } : {}),
        }
      : undefined;
    const plain = Object.fromEntries(
      Object.entries({ ...dto, source }).filter(([, v]) => v !== undefined),
    ) as unknown as Parameters<Workflow['recordHistoricalDecision']>[1];
    return this.wf.recordHistoricalDecision(code, plain, commandContext(ctx));
  }

  @Get(':code/history')
  @Public()
  @ApiQuery({ name: 'minPosition', required: false })
  @ApiOkResponse({ description: 'the committee\'s historical decisions in the order they were recorded: { id, committee, number, year, title, wording, outcome, date, minutesApproved, matterId, source, note, at, actor, position }' })
  @ApiProblems(400, 404)
  async list(@Param('code') code: string, @Query('minPosition') minPosition?: string) {
    await requireCommittee(this.wf, code);
    await awaitMinPosition(this.store, singleQuery('minPosition', minPosition));
    return this.wf.listHistory(code);
  }
}

@Module({ controllers: [CommitteesController, CommitteeHistoryController] })
export class CommitteesModule {}
