/**
 * Minutes (referat) per meeting: header, members and observers at the meeting, attendance, and per
 * case in agenda order the number, title, type, presenter, summary, points, vedtak, conditions,
 * input points and follow-ups; `status` draft until the next meeting approves them.
 *
 * Documents: `committee`, `meeting`, `case`; the minutes are rendered from them when read (query,
 * and `rows` for the live feed `/api/live/meetings/{id}`), so an event writes only what it changed.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import { numberAttachments, votesOf, type CaseType, type Dissent, type ReferralCarried, type StandardItem, type VotesView } from '@saksflyt/workflow';
import type { DocChange, DocReader, DocStore, Projection } from '../runner/types.js';
import { itemsOf, writtenProceduresFor, type MinutesItem, type WrittenMinutesCase } from './items.js';
import {
  approvedBy,
  caseDiscussion,
  caseMeetingId,
  caseNumber,
  trackCase,
  trackCommittee,
  trackMeeting,
  type CaseDoc,
  type CaseState,
  type CommitteeDoc,
  type MeetingDoc,
  type MeetingState,
  type MemberDoc,
  COMMITTEE_TYPES,
  MEETING_TYPES,
  CASE_TYPES,
} from './common.js';

export interface MinutesCase {
  caseId: string;
  number: string | null;
  title: string;
  type: CaseType;
  standardItem: StandardItem | null;
  state: CaseState;
  proposedResolution: string;
  presenter: string | null;
  summary: string | null;
  /** Points raised in the discussion (record-discussion `points`). */
  points: string[];
  /** Numbered input points of a noted case (note `input`). */
  input: string[];
  outcome: 'endorsement' | 'orientation' | null;
  /** Vedtak. */
  resolution: string | null;
  conditions: string | null;
  followUps: { id: string; text: string }[];
  /** A late case (tilleggssak): scheduled after notice. */
  late?: true;
  /** The vedtak or discussion was amended before the minutes were approved (the texts above are the amended ones). */
  amended?: true;
  /** Each amendment: why and when (oldest first); only on an amended case. */
  amendments?: { reason: string; at: string | null; fields: string[] }[];
  /** Unntatt offentlighet (null: public); the api's redaction empties the paper and discussion for readers outside the committee. */
  exemption: { basis: string } | null;
  /** Votering: the latest vote's tally and names (only when a vote was taken). */
  votes?: VotesView;
  /** Dissens with the vedtak: name, organisation and text (only when recorded). */
  dissent?: Dissent[];
  /** Numbered sub-items (NR. 1…) with their own vedtak where one was given (only when the paper has them). */
  items?: MinutesItem[];
}

export interface Minutes {
  meetingId: string;
  committee: string;
  committeeName: string;
  /** "8/2018" */
  number: string;
  date: string;
  startTime: string | null;
  endTime: string | null;
  place: string;
  state: MeetingState;
  status: 'draft' | 'approved';
  approvedAt: string | null;
  approvedBy: { caseId: string; meetingId: string } | null;
  /** Chair and members of the committee at the meeting. */
  members: MemberDoc[];
  observers: MemberDoc[];
  attendance: { present: MemberDoc[]; absent: MemberDoc[]; guests: string[] } | null;
  cases: MinutesCase[];
  /** Saker behandlet ved skriftlig behandling: written procedures concluded since (listed at the committee's next meeting). */
  writtenProcedures?: WrittenMinutesCase[];
}

function render(docs: DocReader, m: MeetingDoc): Minutes {
  const committee = docs.get<CommitteeDoc>('committee', m.committee);
  const byId = new Map(m.members.map((x) => [x.id, x]));
  const person = (id: string): MemberDoc => byId.get(id) ?? { id, name: id, organisation: '', role: 'member' };
  const cases: MinutesCase[] = [];
  for (const { caseId, late } of m.agenda) {
    const c = docs.get<CaseDoc>('case', caseId);
    if (!c) continue;
    const amendments = c.amendments ?? [];
    const { summary, points, followUps } = caseDiscussion(c);
    cases.push({
      caseId,
      number: caseNumber(c),
      title: c.paper.title,
      type: c.paper.type,
      standardItem: c.standardItem,
      state: c.status,
      proposedResolution: c.paper.proposedResolution,
      presenter: c.presenter,
      summary,
      points,
      input: c.decision?.input ?? [],
      outcome: c.decision?.outcome ?? null,
      resolution: c.decision?.resolution ?? null,
      conditions: c.decision?.conditions ?? null,
      followUps,
      ...(late ? { late: true as const } : {}),
      ...(amendments.length ? { amended: true as const, amendments: amendments.map((a) => ({ reason: a.reason, at: a.at, fields: [...a.fields] })) } : {}),
      exemption: c.paper.exemption ? { basis: c.paper.exemption.basis } : null,
      ...(c.vote && c.vote.meetingId === m.meetingId ? { votes: votesOf(c.vote) } : {}),
      ...(c.decision?.dissent?.length ? { dissent: c.decision.dissent } : {}),
      ...(itemsOf(c) ? { items: itemsOf(c) } : {}),
    });
  }
  return {
    meetingId: m.meetingId,
    committee: m.committee,
    committeeName: committee?.name ?? m.committee,
    number: m.number,
    date: m.date,
    startTime: m.startTime,
    endTime: m.endTime,
    place: m.place,
    state: m.status,
    status: m.minutesApprovedAt ? 'approved' : 'draft',
    approvedAt: m.minutesApprovedAt,
    approvedBy: approvedBy(m),
    members: m.members.filter((x) => x.role !== 'observer'),
    observers: m.members.filter((x) => x.role === 'observer'),
    attendance: m.attendance
      ? { present: m.attendance.present.map(person), absent: m.attendance.absent.map(person), guests: m.attendance.guests }
      : null,
    cases,
    ...writtenProceduresFor(docs, m),
  };
}

export interface MinutesQuery {
  meetingId?: string;
}

/** The case paper fields a notice shows beyond the minutes (null when the paper has none). */
export interface NoticePaper {
  purpose: string | null;
  background: string | null;
  responsible: string | null;
  caseOfficer: string | null;
  /** Opened by `refer`: what the referring committee decided (its vedtak, input and dissent). */
  referral?: ReferralCarried;
  /** The paper's numbered sub-items, with their proposals. */
  items?: MinutesItem[];
  /** Vedlegg in the order added, numbered per meeting in agenda order once noticed (`number` null before). */
  attachments: NoticeAttachment[];
}

export interface NoticeAttachment {
  /** "Vedlegg 1" (null before notice). */
  number: string | null;
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** The minutes with, per case (same index as `minutes.cases`), the rest of its paper: what the notice is built from. */
export interface MinutesWithPapers {
  minutes: Minutes;
  papers: NoticePaper[];
}

/** The minutes of one meeting and its cases' papers, from the same documents (null when the meeting is unknown). */
export function queryMinutesWithPapers(docs: DocReader, params: MinutesQuery): MinutesWithPapers | null {
  const m = params.meetingId ? docs.get<MeetingDoc>('meeting', params.meetingId) : undefined;
  if (!m) return null;
  const minutes = render(docs, m);
  const numbers = new Map(numberAttachments(minutes.cases.map((c) => c.caseId), (id) => docs.get<CaseDoc>('case', id)).map((n) => [n.attachmentId, n.label]));
  const papers = minutes.cases.map(({ caseId }): NoticePaper => {
    const doc = docs.get<CaseDoc>('case', caseId)!;
    const p = doc.paper;
    const items = itemsOf(doc)?.map(({ resolution: _, ...it }) => it);
    const attachments = (doc.attachments ?? []).map((a) => ({
      number: m.status === 'planned' ? null : (numbers.get(a.id) ?? null),
      id: a.id,
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      sha256: a.sha256,
    }));
    return { purpose: p.purpose ?? null, background: p.background ?? null, responsible: p.responsible ?? null, caseOfficer: p.caseOfficer ?? null, attachments, ...(doc.referral ? { referral: doc.referral } : {}), ...(items ? { items } : {}) };
  });
  return { minutes, papers };
}

export const minutesProjection: Projection<MinutesQuery, Minutes | null> & {
  rows(changes: DocChange[], docs: DocReader): Minutes[];
} = {
  name: 'minutes',
  /** 2: the committee, meeting and case documents are the workflow's records. */
  version: 2,
  eventTypes: [...COMMITTEE_TYPES, ...MEETING_TYPES, ...CASE_TYPES],
  evolve(docs: DocStore, e: RecordedEvent) {
    trackCommittee(docs, e);
    trackMeeting(docs, e, true);
    trackCase(docs, e);
  },
  /** The minutes of one meeting (null when unknown). */
  query(docs, params) {
    const m = params.meetingId ? docs.get<MeetingDoc>('meeting', params.meetingId) : undefined;
    return m ? render(docs, m) : null;
  },
  /** The minutes of every meeting the changes touched, rendered from the served documents (`runner.reader('minutes')`). */
  rows(changes, docs) {
    const ids = new Set<string>();
    for (const id of meetingsTouched(changes)) ids.add(id);
    return Array.from(ids)
      .map((id) => docs.get<MeetingDoc>('meeting', id))
      .filter((m): m is MeetingDoc => m !== undefined)
      .map((m) => render(docs, m));
  },
};

function meetingsTouched(changes: DocChange[]): string[] {
  const out: string[] = [];
  for (const c of changes) {
    if (c.collection === 'meeting') out.push(c.id);
    else if (c.collection === 'case' && c.doc) {
      const d = c.doc as CaseDoc;
      const meetingId = caseMeetingId(d);
      if (meetingId) out.push(meetingId);
      if (d.lastMeetingId && d.lastMeetingId !== meetingId) out.push(d.lastMeetingId);
    }
  }
  return out;
}

/** Feed filter for `/api/live/meetings/{id}`: the changes that touch that meeting's minutes. */
export const minutesFeedFilter =
  (meetingId: string) =>
  (change: DocChange): boolean =>
    meetingsTouched([change]).includes(meetingId);
