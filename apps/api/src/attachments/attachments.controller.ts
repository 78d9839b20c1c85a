/**
 * Vedlegg (API.md "Attachments (vedlegg) and exemption from public access"):
 *
 * - `POST /api/cases/{id}/attachments?filename=NAME`, the file as the raw body with its
 *   Content-Type, at most 20 MiB (the one route with a larger limit than 1 MiB: its body is not
 *   parsed but streamed, `acceptRawBody`) → 201 `{ id, filename, contentType, size, sha256, … }`.
 *   Order of the answers: the guard's 401/404/403 (`case.advance`), then 415 (a type not taken),
 *   413 (over 20 MiB), 400 (empty body, bad filename), 415 (the bytes are not the declared type),
 *   412/409 (the command: draft, or scheduled before notice). The bytes are stored (synced and
 *   renamed, blob-store.ts) before the event is appended; a refusal stores nothing.
 * - `DELETE /api/cases/{id}/attachments/{attId}` likewise (404 for an unknown attachment).
 * - `GET /api/cases/{id}/attachments/{attId}`: the bytes, `ETag: "<sha256>"`, `Content-Disposition`,
 *   `If-None-Match` → 304, one `Range: bytes=…` → 206 (416 when it cannot be met). Readable as
 *   the case is (public once noticed), and an exempt case's only by `read.exempt`.
 */
import { Controller, Delete, Get, HttpCode, Inject, Module, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Workflow } from '@saksflyt/workflow';
import { APP_CONFIG, Allow, ApiProblems, CurrentAccess, DeferBody, ProblemError, Problems, RequestCtx, requireAllowed, setETag, type Access, type AppConfig } from '../platform.js';
import { acceptRawBody, isRawUpload } from '../http/body.js';
import { commandContext } from '../workflow/access.js';
import { WORKFLOW } from '../workflow/workflow.module.js';
import { AttachmentWriteResultDoc, CaseWriteResultDoc } from '../cases/cases.dto.js';
import { BlobStore } from './blob-store.js';
import { ATTACHMENT_TYPES, TEXT_TYPES, declaredType, mismatch } from './media.js';

/** 20 MiB: the upload limit of this route (every other body: 1 MiB). */
export const ATTACHMENT_LIMIT = 20 * 1024 * 1024;
const UPLOAD_ROUTE = '/api/cases/:id/attachments';
acceptRawBody('POST', UPLOAD_ROUTE);

export const BLOB_STORE = Symbol('BLOB_STORE');

const IF_MATCH = { name: 'If-Match', required: false, description: '"<revision>" of the case; 412 when stale' } as const;
/** One line, no path, no control characters; 1–255 characters. */
const FILENAME_BAD = /[\u0000-\u001f\u007f/\\]/;

function checkFilename(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.normalize('NFC') : undefined;
  const errors = [];
  if (name === undefined) errors.push({ field: 'filename', message: Array.isArray(raw) ? 'give filename once' : 'filename is required (?filename=NAME)' });
  else if (name.trim() === '' || name.length > 255) errors.push({ field: 'filename', message: 'filename must be 1 to 255 characters' });
  else if (FILENAME_BAD.test(name) || name === '.' || name === '..') errors.push({ field: 'filename', message: 'filename must be a file name: no path separators or control characters' });
  if (errors.length) throw Problems.badRequest(errors[0]!.message, errors);
  return name!.trim();
}

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266 / 8187). */
export function contentDisposition(filename: string, kind: 'attachment' | 'inline' = 'attachment'): string {
  const ascii =
    filename
      .replace(/[æÆøØåÅ]/g, (c) => ({ æ: 'ae', Æ: 'Ae', ø: 'o', Ø: 'O', å: 'a', Å: 'A' })[c]!)
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\%]/g, '_') || 'vedlegg';
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** A single `bytes=` range of a file of `size` bytes: the range, 'unsatisfiable', or null (no or an unsupported Range: the whole file). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // several ranges or another unit: served whole (RFC 9110 lets us ignore it)
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return null; // invalid: ignored
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return { start, end };
}

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class AttachmentsController {
  constructor(
    @Inject(WORKFLOW) private readonly wf: Workflow,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  @Post(':id/attachments')
  @Allow('case.advance', { committeeOf: 'case' })
  @DeferBody()
  @HttpCode(201)
  @ApiConsumes(...Object.keys(ATTACHMENT_TYPES))
  @ApiBody({ description: 'the file itself (at most 20 MiB), with its Content-Type', schema: { type: 'string', format: 'binary' } })
  @ApiQuery({ name: 'filename', required: true, description: 'the file name shown in the notice and on download (1–255 characters, no path)' })
  @ApiHeader(IF_MATCH)
  @ApiCreatedResponse({ type: AttachmentWriteResultDoc, description: 'stored by SHA-256 and added to the case paper' })
  @ApiProblems(400, 401, 403, 404, 409, 412, 413, 415)
  async upload(@Param('id') id: string, @Query('filename') filename: unknown, @Req() req: FastifyRequest, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    const body = req.body;
    const declared = declaredType(isRawUpload(body) ? body.contentType : req.headers['content-type']);
    if (!isRawUpload(body)) {
      if ('refused' in declared) throw Problems.unsupportedMediaType(declared.refused);
      throw Problems.badRequest('The body is empty: send the file as the request body.', [{ field: 'body', message: 'empty' }]);
    }
    if ('refused' in declared) {
      body.stream.resume(); // not read: drained, so the answer reaches the client
      throw Problems.unsupportedMediaType(declared.refused);
    }
    if (body.declaredLength !== undefined && body.declaredLength > ATTACHMENT_LIMIT) {
      await drain(body.stream);
      throw tooLarge();
    }
    const got = await this.blobs.receive(body.stream, ATTACHMENT_LIMIT);
    if (got.kind === 'too-large') throw tooLarge();
    if (got.kind === 'broken') throw Problems.badRequest('The request body could not be read to its end.');
    let committed = false;
    try {
      if (got.size === 0) throw Problems.badRequest('The body is empty: send the file as the request body.', [{ field: 'body', message: 'empty' }]);
      const name = checkFilename(filename);
      const why = await mismatch(declared.type, got.temp, got);
      if (why) throw Problems.unsupportedMediaType(why);
      const context = commandContext(ctx); // (a malformed If-Match or Idempotency-Key: 400 before any byte is kept)
      // Store the bytes only when the case takes attachments now; else the command answers 409 and nothing is kept.
      const c = await this.wf.getCase(id);
      if (c.state === 'draft' || (c.state === 'scheduled' && c.meetingState === 'planned' && c.number === null)) {
        await this.blobs.commit(got);
        committed = true;
      }
      const r = await this.wf.addAttachment(id, { filename: name, contentType: declared.type, size: got.size, sha256: got.sha256 }, context);
      setETag(reply, r.revision);
      return r;
    } finally {
      if (!committed) await this.blobs.discard(got);
    }
  }

  @Delete(':id/attachments/:attId')
  @Allow('case.advance', { committeeOf: 'case' })
  @HttpCode(200)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CaseWriteResultDoc, description: 'the attachment is taken off the case paper (its bytes stay: the history names them)' })
  @ApiProblems(401, 403, 404, 409, 412)
  async remove(@Param('id') id: string, @Param('attId') attId: string, @RequestCtx() ctx: RequestCtx, @Res({ passthrough: true }) reply: FastifyReply) {
    const r = await this.wf.removeAttachment(id, attId, commandContext(ctx));
    setETag(reply, r.revision);
    return r;
  }

  @Get(':id/attachments/:attId')
  @Allow('read.private', { committeeOf: 'case', public: true })
  @ApiProduces(...Object.keys(ATTACHMENT_TYPES))
  @ApiHeader({ name: 'If-None-Match', required: false, description: '"<sha256>": 304 when it matches' })
  @ApiHeader({ name: 'Range', required: false, description: 'one byte range, bytes=START-END, bytes=START- or bytes=-SUFFIX: 206; 416 when it cannot be met' })
  @ApiOkResponse({ description: 'the bytes; ETag "<sha256>", Content-Disposition, Accept-Ranges: bytes', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 206, description: 'the range asked for (Content-Range)' })
  @ApiResponse({ status: 304, description: 'If-None-Match matched' })
  @ApiProblems(401, 403, 404, 416)
  async download(@Param('id') id: string, @Param('attId') attId: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentAccess() access: Access) {
    const c = await this.wf.getCase(id);
    if (!c.public) requireAllowed(access);
    const a = c.attachments.find((x) => x.id === attId);
    if (!a) throw Problems.notFound(`unknown attachment ${attId} of case ${c.number ?? id}`);
    if (c.exemption) requireAllowed({ ...access, action: 'read.exempt' });
    // an event without its bytes is the server's fault (a lost blob folder), never the client's
    if (!(await this.blobs.has(a.sha256))) throw new ProblemError(500, `The bytes of attachment ${a.filename} (sha256 ${a.sha256}) are missing from the blob store.`);
    const etag = `"${a.sha256}"`;
    reply
      .header('etag', etag)
      .header('cache-control', c.public && !c.exemption ? 'no-cache' : 'private, no-cache')
      .header('accept-ranges', 'bytes')
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', contentDisposition(a.filename));
    const inm = req.headers['if-none-match'];
    if (inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*' || t.trim() === `W/${etag}`)) return reply.status(304).send();
    const type = TEXT_TYPES.has(a.contentType) ? `${a.contentType}; charset=utf-8` : a.contentType;
    const ifRange = req.headers['if-range'];
    const range = ifRange !== undefined && ifRange !== etag ? null : parseRange(req.headers.range, a.size);
    if (range === 'unsatisfiable')
      throw new ProblemError(416, `The range ${req.headers.range} lies outside the ${a.size} bytes of ${a.filename}.`, { headers: { 'content-range': `bytes */${a.size}` } });
    if (!range) return reply.status(200).header('content-type', type).header('content-length', String(a.size)).send(this.blobs.read(a.sha256));
    return reply
      .status(206)
      .header('content-type', type)
      .header('content-range', `bytes ${range.start}-${range.end}/${a.size}`)
      .header('content-length', String(range.end - range.start + 1))
      .send(this.blobs.read(a.sha256, range));
  }
}

function tooLarge(): ProblemError {
  return Problems.payloadTooLarge(`An attachment is at most 20 MiB (${ATTACHMENT_LIMIT} bytes).`);
}

function drain(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.on('end', resolve);
    stream.on('error', () => resolve());
    stream.on('close', () => resolve());
    stream.resume();
  });
}

@Module({
  controllers: [AttachmentsController],
  providers: [{ provide: BLOB_STORE, inject: [APP_CONFIG], useFactory: (config: AppConfig) => BlobStore.open(config.blobDir) }],
  exports: [BLOB_STORE],
})
export class AttachmentsModule {}
