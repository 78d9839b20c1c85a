/**
 * The archive's units as the workflow's records give them. Each record (committee, meeting, case,
 * numbering) is folded by the workflow's one evolve; what this file adds is the archive's view of
 * a record, the fields the change log compares (units.ts → change-log.ts) and the archive
 * documents are built from. No state, agenda rank or fold of its own: a plain mapping.
 */
import type { CaseRecord, CommitteeRecord, MeetingRecord, MemberRole, NumberingRecord, NumberingEvent } from '@saksflyt/workflow';
import type { ArchiveCase } from './model.js';

export interface Member {
  id: string;
  name: string;
  organisation: string;
  role: MemberRole;
}

/** The committee's current members (those who left are not). */
export function currentMembers(c: CommitteeRecord): Member[] {
  const out: Member[] = [];
  for (const m of c.members) if (!m.left) out.push({ id: m.id, name: m.name, organisation: m.organisation, role: m.role });
  return out;
}

/** What the change log compares of a committee: one field per current member, so a join is one entry. */
export function committeeView(c: CommitteeRecord): Record<string, unknown> {
  const view: Record<string, unknown> = { code: c.code, name: c.name };
  for (const m of c.members) if (!m.left) view[`members.${m.id}`] = { name: m.name, organisation: m.organisation, role: m.role };
  return view;
}

/**
 * What the change log compares of a meeting: the record's facts, its agenda as case ids with the
 * numbers given at notice, who was on the committee (the archive's snapshot at planning, notice and
 * opening, as ids), the removals and the minutes.
 */
export function meetingView(m: MeetingRecord, members: readonly Member[]): Record<string, unknown> {
  const agendaNumbers: Record<string, string> = {};
  for (const a of m.agenda) if (a.number !== null) agendaNumbers[a.caseId] = a.number;
  return {
    number: m.number,
    year: m.year,
    date: m.date,
    startTime: m.startTime,
    endTime: m.endTime,
    place: m.place,
    previousMeetingId: m.previousMeetingId,
    state: m.status,
    agenda: m.agenda.map((a) => a.caseId),
    agendaNumbers,
    members: members.map((x) => x.id),
    attendance: m.attendance,
    removed: m.removed.map((r) => ({ caseId: r.caseId, why: r.why, reason: r.reason })),
    minutesStatus: m.minutes,
    minutesApprovedAt: m.minutesApprovedAt,
    minutesApprovedBy: m.minutesApprovedBy ? { caseId: m.minutesApprovedBy.byCaseId, meetingId: m.minutesApprovedBy.byMeetingId } : null,
  };
}

/** The case as the archive shows it (the fields it shares with the served `ArchiveCase`). */
export type CaseDoc = Pick<
  ArchiveCase,
  | 'title'
  | 'type'
  | 'proposedResolution'
  | 'background'
  | 'purpose'
  | 'caseOfficer'
  | 'responsible'
  | 'projectIds'
  | 'meetsFollowUps'
  | 'matterId'
  | 'standardItem'
  | 'referredFromCaseId'
  | 'state'
  | 'number'
  | 'meetingId'
  | 'presenter'
  | 'discussions'
  | 'outcome'
  | 'resolution'
  | 'conditions'
  | 'input'
  | 'decidedAt'
  | 'referrals'
  | 'withdrawnReason'
>;

/**
 * The case record as the archive shows it (also what the change log compares, field by field). A
 * withdrawn case is on no meeting and has no number here (the record keeps both in `withdrawal`).
 */
export function caseDoc(c: CaseRecord): CaseDoc {
  const p = c.paper;
  const d = c.decision;
  const withdrawn = c.status === 'withdrawn';
  return {
    title: p.title,
    type: p.type,
    proposedResolution: p.proposedResolution,
    background: p.background ?? null,
    purpose: p.purpose ?? null,
    caseOfficer: p.caseOfficer ?? null,
    responsible: p.responsible ?? null,
    projectIds: p.projectIds,
    meetsFollowUps: p.meetsFollowUps,
    matterId: c.matterId,
    standardItem: c.standardItem,
    referredFromCaseId: c.referredFromCaseId,
    state: c.status,
    number: withdrawn ? null : c.number,
    meetingId: withdrawn ? null : c.meetingId,
    presenter: c.presenter,
    discussions: c.discussions.map((x) => ({ summary: x.summary ?? null, points: x.points, followUps: x.followUps, at: x.at ?? '', actor: x.actor ?? '', meetingId: x.meetingId })),
    outcome: d?.outcome ?? null,
    resolution: d?.resolution ?? null,
    conditions: d?.conditions ?? null,
    input: d?.input ?? [],
    decidedAt: d?.at ?? null,
    referrals: c.referrals.map((r) => ({ committee: r.toCommittee, caseId: r.referredCaseId, type: r.type, at: r.at ?? '', actor: r.actor ?? '' })),
    withdrawnReason: c.withdrawal?.reason ?? null,
  };
}

/**
 * What the change log compares of the year's numbering: the next numbers and every number given,
 * one field each (`meetings.<id>`, `cases.<id>`), values from the numbering record. The stream's
 * first event starts from no fields (`{}`), and a field appears once a fact names it (so
 * `nextCaseNumber` only once a fact sets it), in the order the fact names them.
 */
export function numberingView(before: Record<string, unknown>, n: NumberingRecord, e: NumberingEvent): Record<string, unknown> {
  const next: Record<string, unknown> = { ...before };
  switch (e.type) {
    case 'NumberingContinued':
      next.nextMeetingNumber = n.nextMeetingNumber;
      next.nextCaseNumber = n.nextCaseNumber;
      break;
    case 'MeetingNumberAssigned':
      next[`meetings.${e.data.meetingId}`] = n.meetings[e.data.meetingId];
      next.nextMeetingNumber = n.nextMeetingNumber;
      break;
    case 'CaseNumbersAssigned':
      for (const x of e.data.numbers ?? []) {
        next[`cases.${x.caseId}`] = n.cases[x.caseId];
        next.nextCaseNumber = n.nextCaseNumber;
      }
      break;
  }
  return next;
}
