/**
 * Registers and views (API.md "Registers and views"): the decisions register, the portfolio (with
 * its two writes), the annual cycle, follow-ups. Every query accepts `?minPosition=N` and answers
 * from the projections (`@saksflyt/projections`) at the position they serve, given in the
 * `X-Saksflyt-Position` header.
 */
import { Body, Controller, Get, Inject, Module, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { EventStore } from '@saksflyt/event-store';
import { registerProject, reportProjectStatus } from '@saksflyt/portfolio';
import type { AnnualCycleMeeting, DecisionRow, FollowUp, PortfolioProject } from '@saksflyt/projections';
import {
  Allow,
  ApiProblems,
  CurrentUser,
  DeferBody,
  EVENT_STORE,
  Problems,
  Public,
  RequestCtx,
  mayReadPrivate,
  requireUser,
  validateBody,
  type User,
} from '../platform.js';
import { ProjectionsService } from '../projections/projections.module.js';
import { AtMoment, TimeMachineService, askedMoment } from '../projections/time-machine.js';
import { RegisterProjectDto, ReportProjectStatusDto } from './portfolio.dto.js';
import { DecisionRowDoc } from './agenda-fields.dto.js';
import { AnnualCycleMeetingDoc, PortfolioProjectDoc } from './view-rows.dto.js';
import { boolParam, textParam, yearParam } from './query.js';
import { FollowUpRowDoc } from '../worklists/worklists.dto.js';

export const POSITION_HEADER = 'x-saksflyt-position';

/** Today in Norway (YYYY-MM-DD) by the server's clock: what `overdue` compares a follow-up's due date with. */
export function osloToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

const MIN_POSITION = { name: 'minPosition', required: false, description: 'wait (up to 5 s) until the view has reached this global position; else 503' } as const;

@ApiTags('views')
@Controller()
export class ViewsController {
  constructor(
    private readonly views: ProjectionsService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly timeMachine: TimeMachineService,
  ) {}

  /** The view now (the runner), or at the moment `?asOf` / `?atPosition` asks for (the time machine). */
  private async answer<V>(reply: FastifyReply, query: Record<string, unknown>, name: string, params: unknown | ((atMs: number | null) => unknown)): Promise<V> {
    const asked = askedMoment(query);
    const paramsAt = (atMs: number | null) => (typeof params === 'function' ? (params as (a: number | null) => unknown)(atMs) : params);
    if (asked) {
      const moment = await this.timeMachine.resolve(asked);
      return this.timeMachine.view<V>(reply, moment, name, paramsAt(moment.atMs));
    }
    const { position, view } = this.views.runner.query<V>(name, paramsAt(null));
    reply.header(POSITION_HEADER, String(position));
    return view;
  }

  @Get('decisions')
  @Public()
  @ApiQuery({ name: 'committee', required: false })
  @ApiQuery({ name: 'year', required: false, description: "the meeting's year" })
  @ApiQuery({ name: 'q', required: false, description: 'free text over title and resolution' })
  @AtMoment('the register')
  @ApiQuery(MIN_POSITION)
  @ApiOkResponse({ type: [DecisionRowDoc], description: 'one row per endorsed or noted case, newest meeting first, then agenda order' })
  @ApiProblems(400, 503)
  async decisions(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply): Promise<DecisionRow[]> {
    const committee = textParam('committee', query.committee, 64);
    const year = yearParam('year', query.year);
    const q = textParam('q', query.q);
    await this.views.awaitMinPosition(query.minPosition, ['decisions']);
    return this.answer(reply, query, 'decisions', {
      ...(committee !== undefined ? { committee } : {}),
      ...(year !== undefined ? { year } : {}),
      ...(q !== undefined ? { q } : {}),
    });
  }

  @Get('portfolio')
  @Public()
  @ApiQuery({ name: 'year', required: false, description: 'keep only decisions of meetings in this year' })
  @AtMoment('the portfolio')
  @ApiQuery(MIN_POSITION)
  @ApiOkResponse({ type: [PortfolioProjectDoc], description: 'portfolio projects with phase, status, risk and the decisions that touched them' })
  @ApiProblems(400, 503)
  async portfolio(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply): Promise<PortfolioProject[]> {
    const year = yearParam('year', query.year);
    await this.views.awaitMinPosition(query.minPosition, ['portfolio']);
    return this.answer(reply, query, 'portfolio', year !== undefined ? { year } : {});
  }

  @Post('portfolio/projects')
  @Allow('portfolio.write')
  @DeferBody()
  @ApiBearerAuth()
  @ApiBody({ type: RegisterProjectDto })
  @ApiCreatedResponse({ description: '{ id, revision, position }' })
  @ApiProblems(400, 401, 403, 409, 415)
  async registerProject(@Body() body: unknown, @RequestCtx() ctx: RequestCtx) {
    const user = requireUser(ctx.user);
    const dto = await validateBody(RegisterProjectDto, body);
    const r = await registerProject(this.store, dto, { actor: user, correlationId: ctx.correlationId });
    return { id: r.id, state: 'registered', revision: r.revision, position: r.position };
  }

  @Post('portfolio/projects/:id/reports')
  @Allow('portfolio.write', { committeeOf: 'project' })
  @DeferBody()
  @ApiBearerAuth()
  @ApiBody({ type: ReportProjectStatusDto })
  @ApiCreatedResponse({ description: '{ id, revision, position }' })
  @ApiProblems(400, 401, 403, 404, 415)
  async reportStatus(@Param('id') id: string, @Body() body: unknown, @RequestCtx() ctx: RequestCtx) {
    const user = requireUser(ctx.user);
    const dto = await validateBody(ReportProjectStatusDto, body);
    const r = await reportProjectStatus(this.store, id, dto, { actor: user, correlationId: ctx.correlationId });
    return { id: r.id, state: 'reported', revision: r.revision, position: r.position };
  }

  @Get('committees/:code/annual-cycle')
  @Public()
  @ApiQuery({ name: 'year', required: false, description: 'the meetings of this year (all years when omitted)' })
  @AtMoment('the annual cycle')
  @ApiQuery(MIN_POSITION)
  @ApiOkResponse({ type: [AnnualCycleMeetingDoc], description: "the year's meetings (planned ones too) with dates, states and case counts" })
  @ApiProblems(400, 404, 503)
  async annualCycle(
    @Param('code') code: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AnnualCycleMeeting[]> {
    const year = yearParam('year', query.year);
    await this.views.awaitMinPosition(query.minPosition, ['annual-cycle', 'minutes']);
    const asked = askedMoment(query);
    const docs = asked ? await this.timeMachine.reader(await this.timeMachine.resolve(asked), 'minutes') : this.views.runner.reader('minutes');
    if (docs.get('committee', code) === undefined) throw Problems.notFound(`unknown committee ${code}`);
    return this.answer(reply, query, 'annual-cycle', { committee: code, ...(year !== undefined ? { year } : {}) });
  }

  @Get('followups')
  @Public()
  @ApiQuery({ name: 'open', required: false, description: 'true: open ones; false: met ones' })
  @AtMoment('the follow-ups (`overdue` against the date then)')
  @ApiQuery(MIN_POSITION)
  @ApiOkResponse({ type: [FollowUpRowDoc], description: 'follow-ups promised in minutes the caller may read, oldest first; `overdue` against the server\'s date' })
  @ApiProblems(400, 503)
  async followUps(
    @Query() query: Record<string, unknown>,
    @CurrentUser() user: User | null,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<FollowUp[]> {
    const open = boolParam('open', query.open);
    await this.views.awaitMinPosition(query.minPosition, ['followups']);
    return this.answer(reply, query, 'followups', (atMs: number | null) => ({
      ...(open !== undefined ? { open } : {}),
      canReadDraft: (committee: string) => mayReadPrivate(user, committee),
      today: osloToday(atMs === null ? new Date() : new Date(atMs)),
    }));
  }
}

@Module({ controllers: [ViewsController] })
export class ViewsModule {}
