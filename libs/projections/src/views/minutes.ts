/**
 * Minutes (referat) per meeting: header, members and observers at the meeting, attendance, and per
 * case in agenda order the number, title, type, presenter, summary, points, vedtak, conditions,
 * input points and follow-ups; `status` draft until the next meeting approves them.
 *
 * Documents: `minutes/<meetingId>` (the rendered minutes, re-rendered on every change: these are the
 * rows of the live feed `/api/live/meetings/{id}`), plus `committee`, `meeting`, `case` working docs.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import type { DocChange, DocReader, DocStore, Projection } from '../runner/types.js';
import { trackCase, trackCommittee, trackMeeting, type CaseDoc, type CommitteeDoc, type MeetingDoc, type MeetingState, type MemberDoc } from './common.js';

export interface MinutesCase {
  caseId: string;
  number: string | null;
  title: string;
  type: CaseDoc['type'];
  standardItem: CaseDoc['standardItem'];
  state: CaseDoc['state'];
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
}

function render(docs: DocReader, m: MeetingDoc): Minutes {
  const committee = docs.get<CommitteeDoc>('committee', m.committee);
  const byId = new Map(m.members.map((x) => [x.id, x]));
  const person = (id: string): MemberDoc => byId.get(id) ?? { id, name: id, organisation: '', role: 'member' };
  const cases: MinutesCase[] = [];
  for (const caseId of m.agenda) {
    const c = docs.get<CaseDoc>('case', caseId);
    if (!c) continue;
    cases.push({
      caseId,
      number: c.number,
      title: c.title,
      type: c.type,
      standardItem: c.standardItem,
      state: c.state,
      proposedResolution: c.proposedResolution,
      presenter: c.presenter,
      summary: c.summary,
      points: c.points,
      input: c.input,
      outcome: c.outcome,
      resolution: c.resolution,
      conditions: c.conditions,
      followUps: c.followUps,
    });
  }
  return {
    meetingId: m.id,
    committee: m.committee,
    committeeName: committee?.name ?? m.committee,
    number: m.number,
    date: m.date,
    startTime: m.startTime,
    endTime: m.endTime,
    place: m.place,
    state: m.state,
    status: m.minutesApprovedAt ? 'approved' : 'draft',
    approvedAt: m.minutesApprovedAt,
    approvedBy: m.minutesApprovedBy,
    members: m.members.filter((x) => x.role !== 'observer'),
    observers: m.members.filter((x) => x.role === 'observer'),
    attendance: m.attendance
      ? { present: m.attendance.present.map(person), absent: m.attendance.absent.map(person), guests: m.attendance.guests }
      : null,
    cases,
  };
}

export interface MinutesQuery {
  meetingId?: string;
}

export const minutesProjection: Projection<MinutesQuery, Minutes | null> & {
  rows(changes: DocChange[]): Minutes[];
} = {
  name: 'minutes',
  version: 1,
  evolve(docs: DocStore, e: RecordedEvent) {
    trackCommittee(docs, e);
    const affected = new Set<string>();
    const meetingId = trackMeeting(docs, e);
    if (meetingId) affected.add(meetingId);
    const c = trackCase(docs, e);
    if (c) {
      if (c.before?.meetingId) affected.add(c.before.meetingId);
      if (c.after.meetingId) affected.add(c.after.meetingId);
    }
    for (const id of affected) {
      const m = docs.get<MeetingDoc>('meeting', id);
      if (m) docs.put('minutes', id, render(docs, m));
    }
  },
  /** The minutes of one meeting (null when unknown). */
  query(docs, params) {
    return params.meetingId ? (docs.get<Minutes>('minutes', params.meetingId) ?? null) : null;
  },
  /** The changed minutes documents (the live feed's rows). */
  rows(changes) {
    return changes.filter((c) => c.collection === 'minutes' && c.doc !== null).map((c) => c.doc as Minutes);
  },
};

/** Feed filter for `/api/live/meetings/{id}`: only that meeting's minutes. */
export const minutesFeedFilter =
  (meetingId: string) =>
  (change: DocChange): boolean =>
    change.collection === 'minutes' && change.id === meetingId;
