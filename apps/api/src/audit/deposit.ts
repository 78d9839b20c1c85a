/**
 * The archive deposit (`GET /api/audit/export` with `Accept: application/zip`, and
 * `saksflyt export --format zip`): one function both call, without Nest, so the server and the
 * command line write the same zip. `prepareDeposit` checks what must be known before the first
 * byte (the committee exists, the minutes views have reached the export's position, the last event
 * and its hash) and gives a `DepositStream` (`@saksflyt/archive`), which reads the committee's log
 * from the store page by page as the zip is consumed, renders every notice and minutes PDF of the
 * year's meetings from the projection views (`@saksflyt/documents`, through the same mapping the
 * documents route uses) when the zip reaches it, and reads every attachment from the blob store in
 * pieces.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { DepositStream, attachmentPath, committeeEvents, committeeStreams, meetingDocumentPath, type BuiltFrom, type LazyDocument } from '@saksflyt/archive';
import { renderMinutesPdf, renderNoticePdf } from '@saksflyt/documents';
import { StreamNotFound, type EventStore } from '@saksflyt/event-store';
import type { Minutes, MinutesWithPapers, ProjectionRunner } from '@saksflyt/projections';
import { builtFromAt, minutesDocument, noticeDocument, noticeJson } from '../documents/documents.controller.js';

export interface DepositSource {
  store: EventStore;
  /** The projection runner (its `minutes` views give the documents). */
  runner: ProjectionRunner;
  /** The file of an attachment's bytes by its SHA-256 (the blob store). */
  blobPath(sha256: string): string;
}

export class DepositUnknownCommittee extends Error {}
/** The minutes views did not reach the export's position in time (the documents would be older than the log). */
export class DepositViewsBehind extends Error {
  constructor(readonly reached: bigint) {
    super(`the views have reached position ${reached}, not the export's position, within 30 s`);
  }
}

export interface PreparedDeposit {
  builtFrom: BuiltFrom;
  /** The zip's bytes as they are read (nothing is read from the store before the first is asked for). */
  zip: DepositStream;
}

/** True when the committee's stream has an event at or before `position`. */
async function committeeExists(store: EventStore, code: string, position: bigint): Promise<boolean> {
  try {
    for await (const e of store.readStream(`committee-${code}`, { maxCount: 1 })) return e.position <= position;
  } catch (error) {
    if (!(error instanceof StreamNotFound)) throw error;
  }
  return false;
}

/**
 * Everything that can refuse the deposit before its first byte (unknown committee, views behind),
 * then the deposit of `committee`'s `year` from the log up to `position` (a position the store gave), as a stream.
 */
export async function prepareDeposit(src: DepositSource, options: { committee: string; year: number; generatedAt: string; position: bigint }): Promise<PreparedDeposit> {
  const { committee, year, position } = options;
  if (!(await committeeExists(src.store, committee, position))) throw new DepositUnknownCommittee(`unknown committee ${committee}`);
  const views = await src.runner.waitFor(position, 30_000, ['minutes']);
  if (!views.reached) throw new DepositViewsBehind(views.position);
  const builtFrom = (await src.store.lastEvent({ atOrBefore: position })) ?? { position: 0n, hash: null };
  const streams = await committeeStreams(src.store, committee, position);
  const zip = new DepositStream({
    options: { committee, year, generatedAt: options.generatedAt },
    log: () => committeeEvents(src.store, committee, position, streams),
    position,
    builtFrom,
    documents: async (archive, attachments) => {
      const documents: LazyDocument[] = [];
      for (const meeting of archive.meetings) {
        const owner = { unit: 'moetemappe' as const, id: meeting.id };
        const { position: at, view } = src.runner.query<MinutesWithPapers | null>('minutes-papers', { meetingId: meeting.id });
        if (!view) continue;
        const m: Minutes = view.minutes;
        if (m.state !== 'planned') {
          const read = async () => renderNoticePdf(noticeDocument(noticeJson(view, at, await builtFromAt(src.store, at))));
          documents.push({ kind: 'innkalling', path: meetingDocumentPath(m.number, 'innkalling'), title: `Innkalling og saksliste, møte ${m.number}`, filename: `innkalling-${m.committee}-${m.number.replace('/', '-')}.pdf`, mimeType: 'application/pdf', owner, createdAt: meeting.noticedAt, createdBy: null, read });
        }
        if (!['planned', 'noticed', 'cancelled'].includes(m.state)) {
          // the same bytes as the documents route: approved minutes name the event they were built from
          const read = async () => renderMinutesPdf({ ...minutesDocument(m, at), ...(m.status === 'approved' ? { builtFrom: await builtFromAt(src.store, at) } : {}) });
          documents.push({ kind: 'referat', path: meetingDocumentPath(m.number, 'referat'), title: `Referat${m.status === 'approved' ? '' : ' (utkast)'}, møte ${m.number}`, filename: `referat-${m.committee}-${m.number.replace('/', '-')}.pdf`, mimeType: 'application/pdf', owner, createdAt: m.approvedAt, createdBy: null, read });
        }
      }
      for (const a of attachments) {
        const file = src.blobPath(a.sha256);
        // checked before the first attachment is written (a missing file cuts the deposit off either way)
        await access(file).catch(() => {
          throw new Error(`attachment ${a.attachmentId} (${a.filename}): the blob store holds no file ${a.sha256}`);
        });
        documents.push({ kind: 'vedlegg', path: attachmentPath(a.sha256, a.filename), title: a.filename, filename: a.filename, mimeType: a.contentType, owner: { unit: 'saksmappe', id: a.caseId }, createdAt: a.at, createdBy: a.actor, read: async () => createReadStream(file) as AsyncIterable<Uint8Array> });
      }
      return documents;
    },
  });
  return { builtFrom, zip };
}
