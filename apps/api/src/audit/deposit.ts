/**
 * The archive deposit (`GET /api/audit/export` with `Accept: application/zip`, and
 * `saksflyt export --format zip`): one function both call, without Nest, so the server and the
 * command line write the same zip. It reads the log, folds the committee's part into the archive
 * (`@saksflyt/archive`), renders every notice and minutes PDF of the year's meetings from the
 * projection views (`@saksflyt/documents`, through the same mapping the documents route uses) and
 * takes every attachment's bytes from the blob store; `buildDeposit` zips and lists them.
 */
import { attachmentPath, buildArchive, buildDeposit, committeeLog, meetingDocumentPath, withBuiltFrom, type BuiltDeposit, type DepositDocument } from '@saksflyt/archive';
import { renderMinutesPdf, renderNoticePdf } from '@saksflyt/documents';
import type { EventStore, RecordedEvent } from '@saksflyt/event-store';
import type { Minutes, MinutesWithPapers, ProjectionRunner } from '@saksflyt/projections';
import { builtFromAt, minutesDocument, noticeDocument, noticeJson } from '../documents/documents.controller.js';

export interface DepositSource {
  store: EventStore;
  /** The projection runner (its `minutes` views give the documents). */
  runner: ProjectionRunner;
  /** The bytes of an attachment by its SHA-256 (the blob store); null when absent. */
  blob(sha256: string): Promise<Uint8Array | null>;
}

export class DepositUnknownCommittee extends Error {}
/** The minutes views did not reach the export's position in time (the documents would be older than the log). */
export class DepositViewsBehind extends Error {
  constructor(readonly reached: bigint) {
    super(`the views have reached position ${reached}, not the export's position, within 30 s`);
  }
}


async function readLog(store: EventStore, head: bigint): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const e of store.readAll()) {
    if (e.position > head) break;
    all.push(e);
  }
  return all;
}

/** Builds the deposit of `committee`'s `year` from the log up to `position` (a position the store gave). */
export async function exportDeposit(src: DepositSource, options: { committee: string; year: number; generatedAt: string; position: bigint }): Promise<BuiltDeposit> {
  const { committee, year, position } = options;
  const all = await readLog(src.store, position);
  const log = committeeLog(all, committee);
  const archive = buildArchive(log, { committee, year, generatedAt: options.generatedAt });
  if (archive === null) throw new DepositUnknownCommittee(`unknown committee ${committee}`);
  archive.header.position = Number(position);
  const views = await src.runner.waitFor(position, 30_000, ['minutes']);
  if (!views.reached) throw new DepositViewsBehind(views.position);
  const documents: DepositDocument[] = [];
  for (const meeting of archive.meetings) {
    const owner = { unit: 'moetemappe' as const, id: meeting.id };
    const { position: at, view } = src.runner.query<MinutesWithPapers | null>('minutes-papers', { meetingId: meeting.id });
    if (!view) continue;
    const m: Minutes = view.minutes;
    if (m.state !== 'planned') {
      const bytes = await renderNoticePdf(noticeDocument(noticeJson(view, at, await builtFromAt(src.store, at))));
      documents.push({ kind: 'innkalling', path: meetingDocumentPath(m.number, 'innkalling'), title: `Innkalling og saksliste, møte ${m.number}`, filename: `innkalling-${m.committee}-${m.number.replace('/', '-')}.pdf`, mimeType: 'application/pdf', owner, createdAt: meeting.noticedAt, createdBy: null, bytes });
    }
    if (!['planned', 'noticed', 'cancelled'].includes(m.state)) {
      // the same bytes as the documents route: approved minutes name the event they were built from
      const proof = m.status === 'approved' ? { builtFrom: await builtFromAt(src.store, at) } : {};
      const bytes = await renderMinutesPdf({ ...minutesDocument(m, at), ...proof });
      documents.push({ kind: 'referat', path: meetingDocumentPath(m.number, 'referat'), title: `Referat${m.status === 'approved' ? '' : ' (utkast)'}, møte ${m.number}`, filename: `referat-${m.committee}-${m.number.replace('/', '-')}.pdf`, mimeType: 'application/pdf', owner, createdAt: m.approvedAt, createdBy: null, bytes });
    }
  }
  const cases = new Set(archive.cases.map((c) => c.id));
  for (const e of log) {
    if (e.type !== 'AttachmentAdded' || !cases.has(e.stream.slice('case-'.length))) continue;
    const d = e.data as { attachmentId: string; filename: string; contentType: string; sha256: string };
    const bytes = await src.blob(d.sha256);
    if (bytes === null) throw new Error(`attachment ${d.attachmentId} (${d.filename}): the blob store holds no file ${d.sha256}`);
    documents.push({ kind: 'vedlegg', path: attachmentPath(d.sha256, d.filename), title: d.filename, filename: d.filename, mimeType: d.contentType, owner: { unit: 'saksmappe', id: e.stream.slice('case-'.length) }, createdAt: e.metadata.at, createdBy: e.metadata.actor, bytes });
  }
  const builtFrom = (await src.store.lastEvent({ atOrBefore: position })) ?? { position: 0n, hash: null };
  withBuiltFrom(archive, builtFrom.hash === null && builtFrom.position === 0n ? null : builtFrom);
  return buildDeposit({ archive, events: log, documents, builtFrom });
}

