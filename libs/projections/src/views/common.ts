/**
 * Shared building blocks of the views: the committee, meeting and case documents (collections
 * `committee`, `meeting`, `case`). Each document IS the workflow's record of its stream, evolved
 * by the workflow's one fold (`evolveCommittee`, `evolveMeeting`, `evolveCase`) over upcast events,
 * so the views keep no fold, no state names and no agenda rank of their own; what a view answers is
 * mapped from the record when it is read (the helpers below). The one thing a meeting document
 * adds is the view's own snapshot of the committee's members (taken at planning, notice and
 * opening, for the minutes).
 *
 * The `registers` projection keeps one set for all its views; a single-view projection used on its
 * own keeps its own.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import {
  CASE_EVENT_TYPES,
  COMMITTEE_EVENT_TYPES,
  MEETING_EVENT_TYPES,
  emptyCommittee,
  evolveCase,
  evolveCommittee,
  evolveMeeting,
  startCase,
  startMeeting,
  upcastEvent,
  type CaseDrafted,
  type CaseFact,
  type CaseRecord,
  type CaseStatus,
  type CommitteeFact,
  type CommitteeRecord,
  type MeetingFact,
  type MeetingPlanned,
  type MeetingRecord,
  type MeetingStatus,
  type MemberRole,
} from '@saksflyt/workflow';
import type { DocReader, DocStore } from '../runner/types.js';

export interface MemberDoc {
  id: string;
  name: string;
  organisation: string;
  role: MemberRole;
}

/** `committee/<code>`: the committee record (current members: `currentMembers`). */
export type CommitteeDoc = CommitteeRecord;

export type MeetingState = MeetingStatus;

/** `meeting/<id>`: the meeting record, plus the view's snapshot of the committee's members. */
export interface MeetingDoc extends MeetingRecord {
  /** The committee's members when planned, refreshed at notice and at opening (then fixed); kept when tracked `withMembers` (for the minutes). */
  members: MemberDoc[];
}

export type CaseState = CaseStatus;

/** `case/<id>`: the case record. */
export type CaseDoc = CaseRecord;

export function streamId(stream: string, prefix: string): string | null {
  return stream.startsWith(prefix) ? stream.slice(prefix.length) : null;
}

// ---------- reading the records as the views answer them ----------

/** The committee's current members (those who left are not). */
export function currentMembers(c: CommitteeRecord): MemberDoc[] {
  const out: MemberDoc[] = [];
  for (const m of c.members) if (!m.left) out.push({ id: m.id, name: m.name, organisation: m.organisation, role: m.role });
  return out;
}

/** The meeting's case ids in agenda order (the record keeps its agenda in that order). */
export const agendaIds = (m: MeetingRecord): string[] => m.agenda.map((a) => a.caseId);

/** Where the case is on the meeting's agenda (-1: not on it). */
export function agendaIndex(m: MeetingRecord, caseId: string): number {
  for (let i = 0; i < m.agenda.length; i++) if (m.agenda[i]!.caseId === caseId) return i;
  return -1;
}

export const approvedBy = (m: MeetingRecord): { caseId: string; meetingId: string } | null =>
  m.minutesApprovedBy ? { caseId: m.minutesApprovedBy.byCaseId, meetingId: m.minutesApprovedBy.byMeetingId } : null;

/** The case's meeting as the views answer it: null for a withdrawn case (it is no longer on one). */
export const caseMeetingId = (c: CaseRecord): string | null => (c.status === 'withdrawn' ? null : c.meetingId);

/** The case's number as the views answer it: null for a withdrawn case. */
export const caseNumber = (c: CaseRecord): string | null => (c.status === 'withdrawn' ? null : c.number);

/**
 * The discussion at the case's current meeting: the last summary given, every point and follow-up
 * in order. A postponed case is on no meeting until scheduled again: nothing (the minutes of the
 * meeting it was postponed from read `discussionAt` that meeting).
 */
export function caseDiscussion(c: CaseRecord): { summary: string | null; points: string[]; followUps: { id: string; text: string }[] } {
  return c.meetingId === null ? { summary: null, points: [], followUps: [] } : discussionAt(c, c.meetingId);
}

/** The discussion recorded at one meeting: the last summary given there, every point and follow-up in order. */
export function discussionAt(c: CaseRecord, meetingId: string): { summary: string | null; points: string[]; followUps: { id: string; text: string }[] } {
  let summary: string | null = null;
  let points: string[] = [];
  let followUps: { id: string; text: string }[] = [];
  for (const d of c.discussions) {
    if (d.meetingId !== meetingId) continue;
    if (d.summary !== undefined) summary = d.summary;
    if (d.points.length) points = points.concat(d.points);
    if (d.followUps.length) followUps = followUps.concat(d.followUps);
  }
  return { summary, points, followUps };
}

// ---------- tracking the records ----------

export function trackCommittee(docs: DocStore, e: RecordedEvent): void {
  const code = streamId(e.stream, 'committee-');
  if (code === null) return;
  const prev = docs.get<CommitteeDoc>('committee', code) ?? emptyCommittee(code);
  const next = evolveCommittee(prev, upcastEvent(e) as unknown as CommitteeFact);
  if (next !== prev) docs.put('committee', code, next);
}

/** Updates the meeting document; returns the meeting id the event concerned (or null). */
export function trackMeeting(docs: DocStore, e: RecordedEvent, withMembers = false): string | null {
  const id = streamId(e.stream, 'meeting-');
  if (id === null) return null;
  const fact = upcastEvent(e) as unknown as MeetingFact;
  const members = (committee: string, fallback: MemberDoc[]): MemberDoc[] => {
    if (!withMembers) return [];
    const c = docs.get<CommitteeDoc>('committee', committee);
    return c ? currentMembers(c) : fallback;
  };
  if (fact.type === 'MeetingPlanned') {
    const record = startMeeting(fact as MeetingPlanned & MeetingFact);
    const doc: MeetingDoc = { ...record, members: members(record.committee, []) };
    docs.put('meeting', record.meetingId, doc);
    return record.meetingId;
  }
  const m = docs.get<MeetingDoc>('meeting', id);
  if (!m) return null;
  const next = evolveMeeting(m, fact) as MeetingDoc;
  docs.put('meeting', id, fact.type === 'MeetingNoticed' || fact.type === 'MeetingOpened' ? { ...next, members: members(m.committee, m.members) } : next);
  return id;
}

export type TrackedCase = { before: CaseDoc | undefined; after: CaseDoc };

/** Updates the case document; returns it before and after (null when the event is not a case event of a known case). */
export function trackCase(docs: DocStore, e: RecordedEvent): TrackedCase | null {
  const id = streamId(e.stream, 'case-');
  if (id === null) return null;
  const fact = upcastEvent(e) as unknown as CaseFact;
  if (fact.type === 'CaseDrafted') {
    const doc = startCase(fact as CaseDrafted & CaseFact);
    docs.put('case', doc.caseId, doc);
    return { before: undefined, after: doc };
  }
  const before = docs.get<CaseDoc>('case', id);
  if (!before) return null;
  const after = evolveCase(before, fact);
  if (after !== before) docs.put('case', id, after);
  return { before, after };
}

/** Year of a `YYYY-MM-DD` date. */
export const yearOf = (date: string): number => Number(date.slice(0, 4));

/** Case numbers `N/YY` compare by N. */
export const seqOf = (number: string | null): number => (number ? Number(number.split('/')[0]) || 0 : 0);

export type { DocReader, DocStore };

/** Event type lists for `Projection.eventTypes`: the workflow's (one list per stream kind). */
export const COMMITTEE_TYPES = COMMITTEE_EVENT_TYPES;
export const MEETING_TYPES = MEETING_EVENT_TYPES;
/** Every case event: the case document is the record, folded over all of them. */
export const CASE_TYPES = CASE_EVENT_TYPES;
