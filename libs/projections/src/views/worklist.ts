/**
 * The worklist of cases (`GET /api/cases`): one small row per case, kept by the `registers`
 * projection as its cases change, so a list is read from memory, never from the log.
 *
 * Order and paging: newest case first, by the global position of its `CaseDrafted` (then id).
 * That key never changes, so a row that changes between two pages (a new state, a number, a
 * meeting) keeps its place: paging with the cursor neither skips nor repeats it. A case created
 * after the first page sorts before it and so does not appear in later pages. The cursor is
 * opaque to clients (base64url of the last row's key).
 *
 * Reading: a case that has never been on a noticed agenda (a draft, `public: false`) is listed
 * only for callers who may read it (`canRead(committee)`, the same rule as `GET /api/cases/{id}`).
 *
 * Documents: `worklist/<caseId>`.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import type { CaseType } from '@saksflyt/workflow';
import type { DocReader, DocStore } from '../runner/types.js';
import { caseMeetingId, caseNumber, yearOf, type CaseState, type MeetingDoc, type TrackedCase } from './common.js';

export interface WorklistRow {
  id: string;
  committee: string;
  number: string | null;
  title: string;
  type: CaseType;
  state: CaseState;
  meetingId: string | null;
  /** When the case last changed (`metadata.at` of its last event). */
  updatedAt: string;
}

export interface WorklistDoc extends WorklistRow {
  /** The global position of its CaseDrafted: the sort key. */
  createdAt: number;
  /** Readable without a token: it has been on a noticed agenda. */
  public: boolean;
  /** The meeting it is or was last on (its year is the row's year), or null. */
  yearMeetingId: string | null;
  /** YYYY of the drafting, the year of a case that was never on a meeting. */
  draftedYear: number;
}

export interface WorklistQuery {
  committee?: string;
  state?: CaseState;
  year?: number;
  meetingId?: string;
  /** Free text, case-insensitive, over title and number. */
  q?: string;
  /** 1–200; default 50. */
  limit?: number;
  /** The `nextCursor` of the page before. */
  cursor?: string;
  /** Whether the caller may read the committee's cases that are not public yet. Omitted: every case (a trusted caller). */
  canRead?: (committee: string) => boolean;
}

export interface WorklistPage {
  items: WorklistRow[];
  /** Give it as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const WORKLIST_DEFAULT_LIMIT = 50;
export const WORKLIST_MAX_LIMIT = 200;

/** A cursor that is not one this list gave. */
export class BadCursor extends RangeError {}

export function encodeCursor(d: Pick<WorklistDoc, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([d.createdAt, d.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) throw new Error('not base64url');
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === 'string') return { createdAt: v[0] as number, id: v[1] as string };
  } catch {
    // fall through
  }
  throw new BadCursor('cursor is not one this list gave');
}

/** Newest first (the drafting's position, then id): a key no later event changes. */
function compare(a: WorklistDoc, b: WorklistDoc): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** The worklist's own part of evolve, after the case tracker ran: the case's row, rewritten. */
export function evolveWorklist(docs: DocStore, e: RecordedEvent, c: TrackedCase | null): void {
  if (!c) return;
  const k = c.after;
  const before = docs.get<WorklistDoc>('worklist', k.caseId);
  const row: WorklistDoc = {
    id: k.caseId,
    committee: k.committee,
    number: caseNumber(k),
    title: k.paper.title,
    type: k.paper.type,
    state: k.status,
    meetingId: caseMeetingId(k),
    updatedAt: e.metadata.at,
    createdAt: before?.createdAt ?? Number(e.position),
    public: (before?.public ?? false) || e.type === 'CaseNumbered' || k.lastNumber !== null,
    yearMeetingId: k.meetingId ?? k.lastMeetingId,
    draftedYear: before?.draftedYear ?? yearOf(e.metadata.at),
  };
  docs.put('worklist', k.caseId, row);
}

const toRow = (d: WorklistDoc): WorklistRow => ({
  id: d.id,
  committee: d.committee,
  number: d.number,
  title: d.title,
  type: d.type,
  state: d.state,
  meetingId: d.meetingId,
  updatedAt: d.updatedAt,
});

/** One page of the worklist (BadCursor for a cursor it did not give). */
export function queryWorklist(docs: DocReader, params: WorklistQuery): WorklistPage {
  const limit = Math.min(Math.max(1, Math.trunc(params.limit ?? WORKLIST_DEFAULT_LIMIT)), WORKLIST_MAX_LIMIT);
  const after = params.cursor !== undefined ? decodeCursor(params.cursor) : undefined;
  const q = params.q?.trim().toLocaleLowerCase('nb');
  const year = params.year;
  const yearOfRow = (d: WorklistDoc): number => {
    const m = d.yearMeetingId ? docs.get<MeetingDoc>('meeting', d.yearMeetingId) : undefined;
    return m ? yearOf(m.date) : d.draftedYear;
  };
  const readable = new Map<string, boolean>();
  const mayRead = (committee: string): boolean => {
    if (!params.canRead) return true;
    let ok = readable.get(committee);
    if (ok === undefined) readable.set(committee, (ok = params.canRead(committee)));
    return ok;
  };
  const hits: WorklistDoc[] = [];
  for (const d of docs.list<WorklistDoc>('worklist')) {
    if (after && (d.createdAt > after.createdAt || (d.createdAt === after.createdAt && d.id >= after.id))) continue;
    if (params.committee !== undefined && d.committee !== params.committee) continue;
    if (params.state !== undefined && d.state !== params.state) continue;
    if (params.meetingId !== undefined && d.meetingId !== params.meetingId) continue;
    if (!d.public && !mayRead(d.committee)) continue;
    if (year !== undefined && yearOfRow(d) !== year) continue;
    if (q && !d.title.toLocaleLowerCase('nb').includes(q) && !(d.number ?? '').includes(q)) continue;
    hits.push(d);
  }
  hits.sort(compare);
  const page = hits.slice(0, limit);
  return { items: page.map(toRow), nextCursor: hits.length > limit ? encodeCursor(page[page.length - 1]!) : null };
}
