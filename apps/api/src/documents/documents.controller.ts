/**
 * The meeting documents (API.md "Meetings"): `GET /api/meetings/{id}/minutes` (the minutes
 * projection) and `GET /api/meetings/{id}/notice` (the notice: agenda with the proposed
 * resolutions). JSON by default; `Accept: text/markdown`, `text/html` or `application/pdf` give
 * the document rendered by `@saksflyt/documents`. Each states the event position it was built from
 * (`position` in JSON, `X-Saksflyt-Position`); approved minutes and notices also the last event at
 * or before it with its hash (`builtFrom` in JSON, "Bygget fra hendelse N, sjekksum …" in the
 * document, the store's `lastEvent`; drafts say "Bygget fra hendelsesposisjon N", as the live feed's
 * minutes carry no `builtFrom`): the same position always gives the same bytes.
 *
 * Reads: approved minutes and noticed meetings' notices are public; draft minutes and a planned
 * meeting's notice are `read.private` of the meeting's committee (401/403, `requirePrivateRead`).
 */
import { Controller, Get, Inject, Module, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  DOCUMENT_MEDIA_TYPES,
  renderMinutesHtml,
  renderMinutesMarkdown,
  renderMinutesPdf,
  renderNoticeHtml,
  renderNoticeMarkdown,
  renderNoticePdf,
  type MinutesDocument,
  type NoticeDocument,
} from '@saksflyt/documents';
import type { Minutes, MinutesWithPapers, NoticeAttachment } from '@saksflyt/projections';
import { exemptReader, redactExempt, type ReferralCarried } from '@saksflyt/workflow';
import type { EventStore } from '@saksflyt/event-store';
import { ApiProblems, CurrentUser, EVENT_STORE, ProblemError, Problems, Public, requirePrivateRead, type User } from '../platform.js';
import { ProjectionsService } from '../projections/projections.module.js';
import { AtMoment, TimeMachineService, askedMoment } from '../projections/time-machine.js';
import { POSITION_HEADER } from '../views/views.controller.js';
import { negotiate, type DocFormat } from '../http/accept.js';
import { MinutesDoc, NoticeDoc } from '../views/agenda-fields.dto.js';


export type MinutesJson = Minutes & { position: number; builtFrom?: BuiltFromJson | null };

/** The last event a document was built from and its hash ("Bygget fra hendelse N, sjekksum …"). */
export interface BuiltFromJson {
  position: number;
  hash: string | null;
}

/** The store's last event at or before the position the document reflects, as the documents print it. */
export async function builtFromAt(store: EventStore, position: bigint): Promise<BuiltFromJson | null> {
  const from = await store.lastEvent({ atOrBefore: position });
  return from ? { position: Number(from.position), hash: from.hash } : null;
}

export interface NoticeCaseJson {
  caseId: string;
  number: string | null;
  title: string;
  type: Minutes['cases'][number]['type'];
  standardItem: Minutes['cases'][number]['standardItem'];
  purpose: string | null;
  background: string | null;
  responsible: string | null;
  caseOfficer: string | null;
  proposedResolution: string | null;
  /** A late case (tilleggssak). */
  late?: true;
  exemption: { basis: string } | null;
  /** Vedlegg, numbered per meeting in agenda order at notice. */
  attachments: NoticeAttachment[];
  /** Opened by `refer`: what the referring committee decided. */
  referral?: ReferralCarried;
  /** Numbered sub-items with their proposals. */
  items?: { label: string; title: string; proposedResolution?: string }[];
}

export interface NoticeJson {
  meetingId: string;
  committee: string;
  committeeName: string;
  number: string;
  date: string;
  startTime: string | null;
  endTime: string | null;
  place: string;
  state: Minutes['state'];
  members: Minutes['members'];
  observers: Minutes['observers'];
  deputies: Minutes['deputies'];
  cases: NoticeCaseJson[];
  position: number;
  kind: Minutes['kind'];
  endDate: string | null;
  format: Minutes['format'];
  cancelledReason: string | null;
  /** Changes after notice: a changed notice (endret innkalling). */
  changedNotice: boolean;
  changes: Minutes['noticeChanges'];
  builtFrom?: BuiltFromJson | null;
}

/** The minutes JSON with the position it was built from (also the SSE snapshot/change rows). */
export function minutesJson(m: Minutes, position: bigint): MinutesJson {
  return { ...m, position: Number(position) };
}

/** The committee's members as the renderers take them: a deputy's member by name and organisation. */
function memberEntries(m: Pick<Minutes, 'members' | 'observers' | 'deputies'>): MinutesDocument['members'] {
  const all = [...m.members, ...m.observers, ...(m.deputies ?? [])];
  const byId = new Map(all.map((x) => [x.id, x]));
  return all.map((x) => {
    const of = x.deputyFor !== undefined ? byId.get(x.deputyFor) : undefined;
    return { name: x.name, organisation: x.organisation, role: x.role, ...(of ? { deputyFor: { name: of.name, organisation: of.organisation } } : {}) };
  });
}

/** Attendance as the renderers take it: remote ones marked, a deputy standing in with the member's name. */
function attendanceEntries(m: Minutes): MinutesDocument['attendance'] {
  const a = m.attendance;
  if (!a) return null;
  const byId = new Map([...m.members, ...m.observers, ...(m.deputies ?? []), ...a.present, ...a.absent].map((x) => [x.id, x]));
  return {
    present: a.present.map((p) => {
      const of = p.standingInFor !== undefined ? byId.get(p.standingInFor) : undefined;
      return {
        name: p.name,
        organisation: p.organisation,
        role: p.role,
        ...(p.remote ? { remote: true } : {}),
        ...(p.standingInFor !== undefined ? { standingInFor: of ? { name: of.name, organisation: of.organisation } : p.standingInFor } : {}),
      };
    }),
    absent: a.absent,
    guests: a.guests,
    secretariat: a.secretariat,
  };
}

/** README mapping of the minutes projection onto the renderer's input. */
export function minutesDocument(m: Minutes, position: bigint): MinutesDocument {
  return {
    committee: { code: m.committee, name: m.committeeName },
    meeting: { number: m.number, date: m.date, startTime: m.startTime, endTime: m.endTime, place: m.place, endDate: m.endDate, format: m.format, kind: m.kind },
    members: memberEntries(m),
    attendance: attendanceEntries(m),
    status: m.status,
    approvedOn: m.approvedOn,
    approvedWithCorrections: m.approvedWithCorrections,
    cases: m.cases.map((c) => ({
      number: c.number,
      title: c.title,
      type: c.type,
      standardItem: c.standardItem,
      presenter: c.presenter,
      summary: c.summary,
      points: c.points,
      input: c.input,
      resolution: c.resolution,
      conditions: c.conditions,
      followUps: c.followUps,
      late: c.late === true,
      amendments: c.amendments ?? [],
      exemption: c.exemption?.basis ?? null,
      postponed: c.postponed,
      withdrawn: c.withdrawn,
      referrals: c.referrals.map((r) => ({ committee: r.committee, committeeName: r.committeeName })),
      corrections: c.corrections,
      ...(c.votes ? { votes: c.votes } : {}),
      ...(c.dissent ? { dissent: c.dissent } : {}),
      ...(c.items ? { items: c.items } : {}),
    })),
    ...(m.writtenProcedures ? { writtenProcedures: m.writtenProcedures } : {}),
    builtAtPosition: position,
  };
}

export function noticeDocument(n: NoticeJson): NoticeDocument {
  return {
    committee: { code: n.committee, name: n.committeeName },
    meeting: { number: n.number, date: n.date, startTime: n.startTime, endTime: n.endTime, place: n.place, endDate: n.endDate, format: n.format, kind: n.kind },
    members: memberEntries(n),
    changes: n.changes,
    cases: n.cases.map((c) => ({
      number: c.number,
      title: c.title,
      type: c.type,
      standardItem: c.standardItem,
      purpose: c.purpose,
      background: c.background,
      responsible: c.responsible,
      proposedResolution: c.proposedResolution,
      late: c.late === true,
      exemption: c.exemption?.basis ?? null,
      attachments: (c.attachments ?? []).map((a) => ({ label: a.number ?? '', filename: a.filename })).filter((a) => a.label !== ''),
      ...(c.referral ? { referral: c.referral } : {}),
      ...(c.items ? { items: c.items } : {}),
    })),
    builtAtPosition: n.position,
    builtFrom: n.builtFrom ?? null,
  };
}

/** The notice JSON of a meeting (every case's paper, unredacted) at the view's position. */
export function noticeJson(view: MinutesWithPapers, position: bigint, builtFrom?: NoticeJson['builtFrom']): NoticeJson {
  const m = view.minutes;
  const cases: NoticeCaseJson[] = m.cases.map((c, i) => ({
    caseId: c.caseId,
    number: c.number,
    title: c.title,
    type: c.type,
    standardItem: c.standardItem,
    ...view.papers[i]!,
    proposedResolution: c.proposedResolution || null,
    ...(c.late ? { late: true as const } : {}),
    exemption: c.exemption ?? null,
  }));
  return {
    meetingId: m.meetingId,
    committee: m.committee,
    committeeName: m.committeeName,
    number: m.number,
    date: m.date,
    startTime: m.startTime,
    endTime: m.endTime,
    place: m.place,
    state: m.state,
    members: m.members,
    observers: m.observers,
    deputies: m.deputies,
    cases,
    position: Number(position),
    kind: m.kind,
    endDate: m.endDate,
    format: m.format,
    cancelledReason: m.cancelledReason,
    changedNotice: m.noticeChanges.length > 0,
    changes: m.noticeChanges,
    ...(builtFrom !== undefined ? { builtFrom } : {}),
  };
}

/** Rendered documents by (kind, meeting, position, format): the same position gives the same bytes. */
class RenderCache {
  private readonly map = new Map<string, string | Buffer>();
  constructor(private readonly max = 64) {}
  async get(key: string, make: () => string | Buffer | Promise<string | Buffer>): Promise<string | Buffer> {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const value = await make();
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return value;
  }
}

const MIN_POSITION = { name: 'minPosition', required: false, description: 'wait (up to 5 s) until the minutes view has reached this global position; else 503' } as const;

@ApiTags('meetings')
@Controller('meetings')
export class DocumentsController {
  private readonly cache = new RenderCache();

  constructor(
    private readonly views: ProjectionsService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly timeMachine: TimeMachineService,
  ) {}

  /**
   * The named view of the meeting now (the runner), or at the moment `?asOf` / `?atPosition` asks
   * for: a past moment has the rights of the meeting's history (`read.private` of its committee,
   * as the meeting is now; 404 when it is unknown now, or did not exist then).
   */
  private async source<V>(id: string, query: Record<string, unknown>, user: User | null, name: string, committeeOf: (v: V) => string): Promise<{ position: bigint; view: V | null }> {
    const asked = askedMoment(query);
    if (!asked) return this.views.runner.query<V | null>(name, { meetingId: id });
    const now = this.views.runner.query<V | null>(name, { meetingId: id }).view;
    if (!now) throw Problems.notFound(`unknown meeting ${id}`);
    requirePrivateRead(user, committeeOf(now));
    const moment = await this.timeMachine.resolve(asked);
    const view = await this.timeMachine.machine.query<V | null>(name, moment.position, { meetingId: id });
    if (!view) throw Problems.notFound(`meeting ${id} did not exist at position ${moment.position}`);
    return { position: moment.position, view };
  }

  /** The read rule (404, then 401/403): public when `privateUnless` holds, else `read.private` of the meeting's committee. */
  private mayRead(id: string, minutes: Minutes | undefined, user: User | null, privateUnless: (m: Minutes) => boolean): Minutes {
    if (!minutes) throw Problems.notFound(`unknown meeting ${id}`);
    if (!privateUnless(minutes)) requirePrivateRead(user, minutes.committee);
    return minutes;
  }

  /** The minutes doc at the served position (or the moment asked for), with the read rule applied. */
  private async readMinutes(id: string, query: Record<string, unknown>, user: User | null, privateUnless: (m: Minutes) => boolean): Promise<{ minutes: Minutes; position: bigint }> {
    const { position, view } = await this.source<Minutes>(id, query, user, 'minutes', (m) => m.committee);
    return { minutes: this.mayRead(id, view ?? undefined, user, privateUnless), position };
  }

  private format(req: FastifyRequest): DocFormat {
    const f = negotiate(req.headers.accept);
    if (!f)
      throw new ProblemError(406, 'Acceptable formats: application/json, text/markdown, text/html, application/pdf.');
    return f;
  }

  private async send(
    reply: FastifyReply,
    format: Exclude<DocFormat, 'json'>,
    key: string,
    filename: string,
    render: { markdown: () => string; html: () => string; pdf: () => Promise<Buffer> },
  ): Promise<string | Buffer> {
    const body = await this.cache.get(`${key}:${format}`, () => render[format]());
    reply.header('content-type', DOCUMENT_MEDIA_TYPES[format]);
    if (format === 'pdf') reply.header('content-disposition', `inline; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf"`);
    return body;
  }

  @Get(':id/minutes')
  @Public()
  @AtMoment('the minutes')
  @ApiQuery(MIN_POSITION)
  @ApiProduces('application/json', 'text/markdown', 'text/html', 'application/pdf')
  @ApiOkResponse({ type: MinutesDoc, description: 'the minutes projection (JSON, with `position`), or the document by Accept' })
  @ApiProblems(401, 403, 404, 406, 503)
  async minutes(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @CurrentUser() user: User | null,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MinutesJson | string | Buffer> {
    await this.views.awaitMinPosition(query.minPosition, ['minutes']);
    const read = await this.readMinutes(id, query, user, (m) => m.status === 'approved');
    const position = read.position;
    // the one redaction (exempt cases' paper and discussion) for this reader, before JSON or rendering
    const reader = exemptReader(user);
    const minutes = redactExempt(read.minutes, reader);
    const format = this.format(req);
    reply.header(POSITION_HEADER, String(position)).header('vary', 'Accept');
    // approved minutes are the record: they name the event they were built from and its hash
    const proof = minutes.status === 'approved' ? { builtFrom: await builtFromAt(this.store, position) } : {};
    if (format === 'json') return { ...minutesJson(minutes, position), ...proof };
    const doc = { ...minutesDocument(minutes, position), ...proof };
    return this.send(reply, format, `minutes:${id}:${position}:${minutes === read.minutes ? 'all' : reader.key}`, `referat-${minutes.committee}-${minutes.number.replace('/', '-')}`, {
      markdown: () => renderMinutesMarkdown(doc),
      html: () => renderMinutesHtml(doc),
      pdf: () => renderMinutesPdf(doc),
    });
  }

  @Get(':id/notice')
  @Public()
  @AtMoment('the notice')
  @ApiQuery(MIN_POSITION)
  @ApiProduces('application/json', 'text/markdown', 'text/html', 'application/pdf')
  @ApiOkResponse({ type: NoticeDoc, description: 'the notice (innkalling og dagsorden): JSON with `position`, or the document by Accept' })
  @ApiProblems(401, 403, 404, 406, 503)
  async notice(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @CurrentUser() user: User | null,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<NoticeJson | string | Buffer> {
    await this.views.awaitMinPosition(query.minPosition, ['minutes']);
    // The minutes and the cases' papers from the same served documents (the case records carry the whole paper).
    const { position, view } = await this.source<MinutesWithPapers>(id, query, user, 'minutes-papers', (v) => v.minutes.committee);
    const m = this.mayRead(id, view?.minutes, user, (x) => x.state !== 'planned');
    const format = this.format(req);
    const full = noticeJson(view!, position, await builtFromAt(this.store, position));
    const reader = exemptReader(user);
    const notice = redactExempt(full, reader);
    reply.header(POSITION_HEADER, String(position)).header('vary', 'Accept');
    if (format === 'json') return notice;
    const doc = noticeDocument(notice);
    return this.send(reply, format, `notice:${id}:${position}:${notice === full ? 'all' : reader.key}`, `innkalling-${m.committee}-${m.number.replace('/', '-')}`, {
      markdown: () => renderNoticeMarkdown(doc),
      html: () => renderNoticeHtml(doc),
      pdf: () => renderNoticePdf(doc),
    });
  }
}

@Module({ controllers: [DocumentsController] })
export class DocumentsModule {}
