/**
 * Live feeds (API.md "Live feeds"): `GET /api/live/decisions`, `/api/live/portfolio`,
 * `/api/live/meetings/{id}` as server-sent events. Without `Last-Event-ID` the first message is
 * `event: snapshot` (id: the position the view was built at, data: the same JSON as the query);
 * then `event: change` per event that changes the view (id: its global position, data: the changed
 * rows: register rows / portfolio projects as an array; for a meeting, its minutes JSON). With
 * `Last-Event-ID: N` (or `?lastEventId=N`, for a first EventSource connect) every change after N.
 * Comment lines every 15 s keep proxies from closing the connection.
 *
 * Beyond API.md's three, `/api/live/committees/{code}/annual-cycle?year=` (the Årshjul) and
 * `/api/live/followups` (the Oppfølging) in the same style.
 *
 * Reads: the decisions, portfolio and annual-cycle feeds are public; the follow-ups feed gives what
 * GET /api/followups gives the caller; a meeting's feed follows its minutes
 * (approved: public; draft: member/secretariat of the committee, auditor, admin).
 */
import { applyDecorators, Controller, Get, Module, Param, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Minutes } from '@saksflyt/projections';
import { ApiProblems, CurrentUser, Problems, Public, mayReadPrivate, requirePrivateRead, type User } from '../platform.js';
import { yearParam } from '../views/query.js';
import { osloToday } from '../views/views.controller.js';
import { ProjectionsService } from '../projections/projections.module.js';
import { LiveService, TOPICS, type TopicSpec } from './live.service.js';
import { exemptReader } from '@saksflyt/workflow';

const NON_NEGATIVE_INT = /^(0|[1-9][0-9]{0,18})$/;
/** Positions are SQLite integers (int64). */
const MAX_POSITION = 9223372036854775807n;

function lastEventId(req: FastifyRequest, query: unknown): bigint | undefined {
  const header = req.headers['last-event-id'];
  const raw = header !== undefined ? header : query;
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !NON_NEGATIVE_INT.test(raw.trim()) || BigInt(raw.trim()) > MAX_POSITION)
    throw Problems.badRequest('Last-Event-ID must be a global position (a non-negative integer).', [
      { field: 'Last-Event-ID', message: 'must be a non-negative integer' },
    ]);
  return BigInt(raw.trim());
}

function outgoingHeaders(reply: FastifyReply): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) out[k] = String(v);
  return out;
}

const LAST_EVENT_ID = { name: 'Last-Event-ID', required: false, description: 'resume: every change after this global position' } as const;

/** A feed's route: public (each says who may read what), resumable, text/event-stream, with its answers. */
function Feed(description: string, ...problems: Parameters<typeof ApiProblems>): MethodDecorator {
  return applyDecorators(
    Public(),
    ApiHeader(LAST_EVENT_ID),
    ApiQuery({ name: 'lastEventId', required: false }),
    ApiProduces('text/event-stream'),
    ApiOkResponse({ description }),
    ApiProblems(...problems),
  );
}

@ApiTags('live')
@Controller('live')
export class LiveController {
  constructor(
    private readonly live: LiveService,
    private readonly views: ProjectionsService,
  ) {}

  private start(req: FastifyRequest, reply: FastifyReply, spec: TopicSpec, resumeFrom: bigint | undefined): void {
    if (req.method === 'HEAD') {
      // the headers only (a stream opened for a HEAD sends nothing, not even its headers: it hung)
      void reply.code(200).header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache, no-transform').send();
      return;
    }
    this.live.open(
      reply.raw,
      () => {
        const headers = outgoingHeaders(reply);
        reply.hijack();
        return headers;
      },
      spec,
      resumeFrom,
    );
  }

  @Get('decisions')
  @Feed('snapshot: the register; change: the changed rows', 400)
  decisions(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() user: User | null, @Query('lastEventId') q: unknown): void {
    this.start(req, reply, TOPICS.decisions(this.views, exemptReader(user)), lastEventId(req, q));
  }

  @Get('portfolio')
  @Feed('snapshot: the portfolio; change: the changed projects', 400)
  portfolio(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() user: User | null, @Query('lastEventId') q: unknown): void {
    this.start(req, reply, TOPICS.portfolio(this.views, exemptReader(user)), lastEventId(req, q));
  }

  @Get('meetings/:id')
  @Feed("snapshot and change: the meeting's minutes JSON", 400, 401, 403, 404)
  meeting(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: User | null,
    @Query('lastEventId') q: unknown,
  ): void {
    const m = this.views.runner.query<Minutes | null>('minutes', { meetingId: id }).view;
    if (!m) throw Problems.notFound(`unknown meeting ${id}`);
    if (m.status !== 'approved') requirePrivateRead(user, m.committee);
    this.start(req, reply, TOPICS.meeting(this.views, id, exemptReader(user)), lastEventId(req, q));
  }

  @Get('committees/:code/annual-cycle')
  @ApiQuery({ name: 'year', required: false, description: 'the meetings of this year (all years when omitted)' })
  @Feed("snapshot: the committee's annual cycle (as GET /api/committees/{code}/annual-cycle); change: its meetings that changed", 400, 404)
  annualCycle(
    @Param('code') code: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query('year') y: unknown,
    @Query('lastEventId') q: unknown,
  ): void {
    const year = yearParam('year', y);
    if (this.views.runner.reader('minutes').get('committee', code) === undefined) throw Problems.notFound(`unknown committee ${code}`);
    this.start(req, reply, TOPICS.annualCycle(this.views, code, year), lastEventId(req, q));
  }

  @Get('followups')
  @Feed('snapshot: the follow-ups the caller may read (as GET /api/followups); change: the follow-ups that changed, and those of minutes just approved', 400)
  followUps(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() user: User | null, @Query('lastEventId') q: unknown): void {
    this.start(req, reply, TOPICS.followUps(this.views, exemptReader(user), (committee) => mayReadPrivate(user, committee), () => osloToday()), lastEventId(req, q));
  }
}

@Module({ controllers: [LiveController], providers: [LiveService], exports: [LiveService] })
export class LiveModule {}
