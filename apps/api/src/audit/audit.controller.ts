/**
 * Audit (API.md "Audit"), `audit.read` (auditors; everyone else with a token: 403; without: 401):
 * - `GET /api/audit/events?fromPosition=&limit=`: the global log, page by page, every stored field
 *   (hash included), with the position to ask for next.
 * - `GET /api/audit/verify`: recomputes the store's tamper evidence (`EventStore.verify`: SQLite's
 *   hash chain, KurrentDB's stream chains and seals), naming the first bad position and its kind; with `knownPosition` + `knownHash`
 *   (a head kept outside the server, e.g. from an earlier verify) it also proves the log was not cut
 *   off or rewritten up to there.
 * - `GET /api/audit/export?committee=&year=`: the committee's year as an archive (`@saksflyt/archive`):
 *   JSON by default, Noark 5 XML with `Accept: application/xml`. Reads only the committee's streams.
 *   With `Accept: application/zip` the Noark 5-style deposit (`deposit.ts`: the XML, the change log,
 *   the event log, every notice and minutes PDF and attachment, each with its SHA-256 in the XML).
 * Exports and verifications run one at a time.
 */
import { Controller, Get, Inject, Module, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiProduces, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AuditPageDoc, VerifyBadDoc, VerifyOkDoc } from '../views/view-rows.dto.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { archiveToXml, buildArchive, withBuiltFrom, type Archive } from '@saksflyt/archive';
import { StreamNotFound, type EventStore, type RecordedEvent } from '@saksflyt/event-store';
import type { Workflow } from '@saksflyt/workflow';
import { Allow, ApiProblems, EVENT_STORE, ProblemError, Problems } from '../platform.js';
import { negotiateArchive } from '../http/accept.js';
import { bad, intParam, textParam, yearParam } from '../views/query.js';
import { POSITION_HEADER } from '../views/views.controller.js';
import { WORKFLOW } from '../workflow/workflow.module.js';
import { Readable } from 'node:stream';
import { AttachmentsModule, BLOB_STORE } from '../attachments/attachments.controller.js';
import type { BlobStore } from '../attachments/blob-store.js';
import { ProjectionsService } from '../projections/projections.module.js';
import { DepositUnknownCommittee, DepositViewsBehind, prepareDeposit, type PreparedDeposit } from './deposit.js';

const MAX_LIMIT = 1000;

/**
 * Exports and verifications read much of the log: they run one at a time (in arrival order), so a
 * burst of them cannot multiply the server's memory or starve the commands.
 */
class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  private readonly heavy = new OneAtATime();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(WORKFLOW) private readonly wf: Workflow,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly views: ProjectionsService,
  ) {}

  /**
   * The committee's part of the log, in position order, up to `position`: its committee,
   * numbering and history streams, and the streams of its meetings and cases (found in the
   * workflow's catalogue), not the whole log.
   */
  private async committeeLog(code: string, position: bigint): Promise<RecordedEvent[]> {
    const cat = this.wf.catalogue;
    const years = new Set<number>();
    const streams = [`committee-${code}`];
    for (const id of cat.meetingsByCommittee.get(code) ?? []) {
      streams.push(`meeting-${id}`);
      const m = cat.meetings.get(id);
      if (m) years.add(m.year);
    }
    for (const c of cat.cases.values()) if (c.committee === code) streams.push(`case-${c.caseId}`);
    for (const stream of cat.history.get(code)?.keys() ?? []) streams.push(stream);
    for (const y of years) streams.push(`numbering-${code}-${y}`);
    const events: RecordedEvent[] = [];
    for (const stream of streams) {
      try {
        for await (const e of this.store.readStream(stream)) if (e.position <= position) events.push(e);
      } catch (error) {
        if (!(error instanceof StreamNotFound)) throw error;
      }
    }
    return events.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  }

  @Get('events')
  @Allow('audit.read')
  @ApiQuery({ name: 'fromPosition', required: false, description: 'first global position to return, inclusive: a nextPosition from an earlier page (default: the beginning of the log)' })
  @ApiQuery({ name: 'limit', required: false, description: `events per page, 1–${MAX_LIMIT} (default 100)` })
  @ApiOkResponse({ type: AuditPageDoc, description: '`{ events, headPosition, nextPosition }`: nextPosition (the position of the first event of the next page) is null on the last page' })
  @ApiProblems(400, 401, 403)
  async events(@Query() query: Record<string, unknown>, @Res({ passthrough: true }) reply: FastifyReply) {
    const from = intParam('fromPosition', query.fromPosition, 1);
    const limit = intParam('limit', query.limit, 1, MAX_LIMIT) ?? 100;
    const head = await this.store.headPosition();
    const events: Array<Omit<RecordedEvent, 'hash'> & { hash?: string }> = [];
    // Positions are the store's (not 1, 2, 3, …): read one event more than the page, up to the head,
    // and give that one's position as the next page's start.
    let nextPosition: bigint | null = null;
    if (from === undefined || BigInt(from) <= head) {
      const range = from === undefined ? { maxCount: limit + 1 } : { fromPosition: BigInt(from), maxCount: limit + 1 };
      for await (const e of this.store.readAll(range)) {
        if (e.position > head) break;
        if (events.length === limit) {
          nextPosition = e.position;
          break;
        }
        events.push(e);
      }
    }
    reply.header(POSITION_HEADER, String(head));
    return { events, headPosition: head, nextPosition };
  }

  @Get('verify')
  @Allow('audit.read')
  @ApiQuery({ name: 'knownPosition', required: false, description: 'with knownHash: a head kept outside the server (from an earlier verify)' })
  @ApiQuery({ name: 'knownHash', required: false, description: 'the headHash an earlier verify gave at knownPosition' })
  @ApiExtraModels(VerifyOkDoc, VerifyBadDoc)
  @ApiOkResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(VerifyOkDoc) }, { $ref: getSchemaPath(VerifyBadDoc) }] },
    description:
      '`{ ok: true, events, headHash }`, or `{ ok: false, firstBadPosition, kind }` with kind one of altered, deleted, inserted, reordered, cut-off (the log ends before the kept head), rewritten (another hash at the kept head). On both stores.',
  })
  @ApiProblems(400, 401, 403)
  async verify(@Query() query: Record<string, unknown>) {
    const knownPosition = intParam('knownPosition', query.knownPosition, 1);
    const knownHash = textParam('knownHash', query.knownHash, 64);
    if (knownHash !== undefined && !/^[0-9a-f]{64}$/.test(knownHash)) bad('knownHash', 'must be 64 lowercase hex digits');
    if ((knownPosition === undefined) !== (knownHash === undefined)) bad(knownPosition === undefined ? 'knownPosition' : 'knownHash', 'must be given with the other');
    // both stores: SQLite's global chain; KurrentDB's stream chains and seals (the same answer)
    return this.heavy.run(() => this.store.verify(knownPosition !== undefined ? { knownHead: { position: BigInt(knownPosition), hash: knownHash! } } : {}));
  }

  @Get('export')
  @Allow('audit.read', { committeeOf: 'query.committee' })
  @ApiQuery({ name: 'committee', required: true })
  @ApiQuery({ name: 'year', required: true, description: "the meetings' year" })
  @ApiProduces('application/json', 'application/xml', 'application/zip')
  @ApiOkResponse({
    description: 'the archive: JSON, Noark 5 XML (Accept: application/xml), or the Noark 5-style deposit zip (Accept: application/zip)',
    schema: { oneOf: [{ type: 'object', description: 'the archive (JSON)' }, { type: 'string', description: 'Noark 5 XML' }, { type: 'string', format: 'binary', description: 'the deposit zip' }] },
    headers: { 'X-Saksflyt-Event-Hash': { description: 'zip only: the hash of the last event the deposit was built from (X-Saksflyt-Position is its position)', schema: { type: 'string' } } },
  })
  @ApiProblems(400, 401, 403, 404, 406, 503)
  async export(
    @Query() query: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Archive | string | Readable> {
    // API.md's order: 401, 404 (unknown committee), 403 (not an auditor) from the AccessGuard, then 400 and 406
    const committee = typeof query.committee === 'string' ? query.committee : undefined;
    const position = await this.wf.catalogue.catchUp();
    if (textParam('committee', query.committee, 64) === undefined) bad('committee', 'is required');
    const year = yearParam('year', query.year);
    if (year === undefined) bad('year', 'is required');
    const format = negotiateArchive(req.headers.accept);
    if (!format) throw new ProblemError(406, 'Acceptable formats: application/json, application/xml, application/zip.');
    if (format === 'zip') return this.deposit(committee!, year, position, reply);
    const body = await this.heavy.run(async () => {
      const built = buildArchive(await this.committeeLog(committee!, position), { committee: committee!, year, generatedAt: new Date().toISOString() });
      if (built === null) throw Problems.notFound(`unknown committee ${committee}`);
      // the log position the archive reflects (every event up to it was considered), and the last
      // event up to it with its hash (printed proof: "Bygget fra hendelse N, sjekksum …")
      built.header.position = Number(position);
      withBuiltFrom(built, await this.store.lastEvent({ atOrBefore: position }));
      return format === 'json' ? built : archiveToXml(built);
    });
    reply.header(POSITION_HEADER, String(position)).header('vary', 'Accept');
    if (format === 'json') return body;
    const filename = `saksflyt-${committee!.replace(/[^A-Za-z0-9-]/g, '_')}-${year}`;
    reply.header('content-type', 'application/xml; charset=utf-8').header('content-disposition', `attachment; filename="${filename}.xml"`);
    return body;
  }

  /**
   * The deposit streamed to the answer (`prepareDeposit`): refusals (404, 503) come before the
   * first byte; afterwards the zip is read from the store as the client takes it. A failure or a
   * client gone mid-stream destroys the answer (Fastify cuts the connection: no end record, no
   * zip that looks whole) and ends the reading. The export holds its turn (`heavy`) until the
   * stream has ended or been destroyed.
   */
  private async deposit(committee: string, year: number, position: bigint, reply: FastifyReply): Promise<Readable> {
    const blobs = this.blobs;
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const prepared = await new Promise<PreparedDeposit>((resolve, reject) => {
      void this.heavy.run(async () => {
        try {
          resolve(await prepareDeposit({ store: this.store, runner: this.views.runner, blobPath: (sha) => blobs.pathOf(sha) }, { committee, year, generatedAt: new Date().toISOString(), position }));
        } catch (e) {
          release();
          if (e instanceof DepositUnknownCommittee) reject(Problems.notFound(e.message));
          else if (e instanceof DepositViewsBehind) reject(Problems.unavailable(`${e.message}; try again.`, { position: Number(e.reached) }));
          else reject(e);
        }
        await turn;
      });
    });
    const body = Readable.from(prepared.zip, { objectMode: false, highWaterMark: 64 * 1024 });
    body.once('close', release);
    const filename = `saksflyt-${committee.replace(/[^A-Za-z0-9-]/g, '_')}-${year}`;
    reply
      .header(POSITION_HEADER, String(prepared.builtFrom.position))
      .header('x-saksflyt-event-hash', prepared.builtFrom.hash ?? '')
      .header('vary', 'Accept')
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="${filename}.zip"`);
    return body;
  }
}

@Module({ imports: [AttachmentsModule], controllers: [AuditController] })
export class AuditModule {}
