/**
 * Shared building blocks of the views: the committee, meeting and case documents (collections
 * `committee`, `meeting`, `case`) maintained by the same trackers. The `registers` projection keeps
 * one set for all its views; a single-view projection used on its own keeps its own.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import type { CaseType, DataOf, DomainEventType, MemberRole, StandardItem } from '@saksflyt/workflow';
import type { DocReader, DocStore } from '../runner/types.js';

export interface MemberDoc {
  id: string;
  name: string;
  organisation: string;
  role: MemberRole;
}

export interface CommitteeDoc {
  code: string;
  name: string;
  /** Current members (those who left are removed; meetings keep their own snapshot). */
  members: MemberDoc[];
}

export type MeetingState = 'planned' | 'noticed' | 'in_session' | 'held';

export interface MeetingDoc {
  id: string;
  committee: string;
  number: string;
  year: number;
  date: string;
  startTime: string | null;
  endTime: string | null;
  place: string;
  previousMeetingId: string | null;
  previousMeetingDate: string | null;
  state: MeetingState;
  /** Case ids in agenda order (the notice's order once noticed). */
  agenda: string[];
  /** Standard item per case id on the agenda, for ordering before notice. */
  standard: Record<string, StandardItem>;
  /** The committee's members when planned, refreshed at notice and at opening (then fixed); kept when tracked `withMembers` (for the minutes). */
  members: MemberDoc[];
  attendance: { present: string[]; absent: string[]; guests: string[] } | null;
  plannedAt: string;
  minutesApprovedAt: string | null;
  minutesApprovedBy: { caseId: string; meetingId: string } | null;
}

export type CaseState = 'draft' | 'scheduled' | 'discussion' | 'endorsement' | 'orientation' | 'withdrawn';

export interface CaseDoc {
  id: string;
  committee: string;
  matterId: string;
  title: string;
  type: CaseType;
  proposedResolution: string;
  standardItem: StandardItem | null;
  projectIds: string[];
  meetsFollowUps: string[];
  state: CaseState;
  number: string | null;
  meetingId: string | null;
  /** The last meeting the case was on (kept when it leaves the agenda), for feeds. */
  lastMeetingId: string | null;
  presenter: string | null;
  summary: string | null;
  points: string[];
  followUps: { id: string; text: string }[];
  outcome: 'endorsement' | 'orientation' | null;
  resolution: string | null;
  conditions: string | null;
  input: string[];
  /** `metadata.at` of the endorsement or note. */
  decidedAt: string | null;
}

export function streamId(stream: string, prefix: string): string | null {
  return stream.startsWith(prefix) ? stream.slice(prefix.length) : null;
}

const STANDARD_RANK: Record<string, number> = { 'notice-approval': 0, 'minutes-approval': 1, 'any-other-business': 3 };

/** Agenda order before notice: standard approvals first, then in scheduling order, Eventuelt last. */
export function orderAgenda(agenda: string[], standard: Record<string, StandardItem>): string[] {
  // A stable sort by rank (0–3), done as one pass into a bucket per rank.
  const buckets: string[][] = [[], [], [], []];
  for (const id of agenda) {
    const item = standard[id];
    buckets[item === undefined ? 2 : (STANDARD_RANK[item] ?? 2)].push(id);
  }
  return buckets[0].concat(buckets[1], buckets[2], buckets[3]);
}

const rankOf = (id: string, standard: Record<string, StandardItem>): number => {
  const item = standard[id];
  return item === undefined ? 2 : (STANDARD_RANK[item] ?? 2);
};

/**
 * `orderAgenda([...agenda, id], standard)` for an agenda already in that order (a planned meeting's
 * always is): `id` goes after the last case of its rank or lower, without re-sorting the agenda.
 */
function insertInOrder(agenda: string[], id: string, standard: Record<string, StandardItem>): string[] {
  const rank = rankOf(id, standard);
  let at = agenda.length;
  while (at > 0 && rankOf(agenda[at - 1], standard) > rank) at--;
  const out = agenda.slice();
  out.splice(at, 0, id);
  return out;
}

function data<T extends DomainEventType>(e: RecordedEvent, _t: T): DataOf<T> {
  return e.data as DataOf<T>;
}

export function trackCommittee(docs: DocStore, e: RecordedEvent): void {
  const code = streamId(e.stream, 'committee-');
  if (code === null) return;
  switch (e.type) {
    case 'CommitteeCreated': {
      const d = data(e, 'CommitteeCreated');
      docs.put('committee', d.code, { code: d.code, name: d.name, members: [] } satisfies CommitteeDoc);
      return;
    }
    case 'MemberJoined': {
      const d = data(e, 'MemberJoined');
      const c = docs.get<CommitteeDoc>('committee', code) ?? { code, name: code, members: [] };
      const member: MemberDoc = { id: d.memberId, name: d.name, organisation: d.organisation, role: d.role };
      docs.put('committee', code, { ...c, members: [...c.members.filter((m) => m.id !== d.memberId), member] });
      return;
    }
    case 'MemberLeft': {
      const d = data(e, 'MemberLeft');
      const c = docs.get<CommitteeDoc>('committee', code);
      if (c) docs.put('committee', code, { ...c, members: c.members.filter((m) => m.id !== d.memberId) });
      return;
    }
  }
}

/** Updates the meeting document; returns the meeting id the event concerned (or null). */
export function trackMeeting(docs: DocStore, e: RecordedEvent, withMembers = false): string | null {
  const id = streamId(e.stream, 'meeting-');
  if (id === null) return null;
  if (e.type === 'MeetingPlanned') {
    const d = data(e, 'MeetingPlanned');
    const members = withMembers ? (docs.get<CommitteeDoc>('committee', d.committee)?.members ?? []) : [];
    const doc: MeetingDoc = {
      id: d.meetingId,
      committee: d.committee,
      number: d.number,
      year: d.year,
      date: d.date,
      startTime: d.startTime ?? null,
      endTime: d.endTime ?? null,
      place: d.place,
      previousMeetingId: d.previousMeetingId ?? null,
      previousMeetingDate: d.previousMeetingDate ?? null,
      state: 'planned',
      agenda: [],
      standard: {},
      members,
      attendance: null,
      plannedAt: e.metadata.at,
      minutesApprovedAt: null,
      minutesApprovedBy: null,
    };
    docs.put('meeting', d.meetingId, doc);
    return d.meetingId;
  }
  const m = docs.get<MeetingDoc>('meeting', id);
  if (!m) return null;
  const committeeMembers = (): MemberDoc[] => (withMembers ? (docs.get<CommitteeDoc>('committee', m.committee)?.members ?? m.members) : []);
  switch (e.type) {
    case 'CaseAddedToAgenda': {
      const d = data(e, 'CaseAddedToAgenda');
      const standard = d.standardItem ? { ...m.standard, [d.caseId]: d.standardItem } : m.standard;
      const known = m.agenda.includes(d.caseId);
      let agenda: string[];
      if (m.state !== 'planned') agenda = known ? m.agenda : [...m.agenda, d.caseId];
      else if (known) agenda = orderAgenda(m.agenda, standard);
      else agenda = insertInOrder(m.agenda, d.caseId, standard);
      docs.put('meeting', id, { ...m, agenda, standard });
      break;
    }
    case 'CaseRemovedFromAgenda': {
      const d = data(e, 'CaseRemovedFromAgenda');
      docs.put('meeting', id, { ...m, agenda: m.agenda.filter((c) => c !== d.caseId) });
      break;
    }
    case 'MeetingNoticed': {
      const d = data(e, 'MeetingNoticed');
      docs.put('meeting', id, { ...m, state: 'noticed', agenda: d.agenda.map((a) => a.caseId), members: committeeMembers() });
      break;
    }
    case 'MeetingOpened': {
      const d = data(e, 'MeetingOpened');
      docs.put('meeting', id, {
        ...m,
        state: 'in_session',
        members: committeeMembers(),
        attendance: { present: d.present, absent: d.absent ?? [], guests: d.guests ?? [] },
      });
      break;
    }
    case 'MeetingAdjourned':
      docs.put('meeting', id, { ...m, state: 'held' });
      break;
    case 'MinutesApproved': {
      const d = data(e, 'MinutesApproved');
      docs.put('meeting', id, { ...m, minutesApprovedAt: e.metadata.at, minutesApprovedBy: { caseId: d.byCaseId, meetingId: d.byMeetingId } });
      break;
    }
    default:
      return null;
  }
  return id;
}

export type TrackedCase = { before: CaseDoc | undefined; after: CaseDoc };

/** Updates the case document; returns it before and after (null when the event is not a case event). */
export function trackCase(docs: DocStore, e: RecordedEvent): TrackedCase | null {
  const id = streamId(e.stream, 'case-');
  if (id === null) return null;
  if (e.type === 'CaseDrafted') {
    const d = data(e, 'CaseDrafted');
    const doc: CaseDoc = {
      id: d.caseId,
      committee: d.committee,
      matterId: d.matterId,
      title: d.title,
      type: d.type,
      proposedResolution: d.proposedResolution,
      standardItem: d.standardItem ?? null,
      projectIds: d.projectIds ?? [],
      meetsFollowUps: d.meetsFollowUps ?? [],
      state: 'draft',
      number: null,
      meetingId: null,
      lastMeetingId: null,
      presenter: null,
      summary: null,
      points: [],
      followUps: [],
      outcome: null,
      resolution: null,
      conditions: null,
      input: [],
      decidedAt: null,
    };
    docs.put('case', d.caseId, doc);
    return { before: undefined, after: doc };
  }
  const before = docs.get<CaseDoc>('case', id);
  if (!before) return null;
  let after: CaseDoc;
  switch (e.type) {
    case 'CasePaperEdited': {
      const ch = data(e, 'CasePaperEdited').changes;
      after = { ...before };
      if (ch.title !== undefined) after.title = ch.title;
      if (ch.type !== undefined) after.type = ch.type;
      if (ch.proposedResolution !== undefined) after.proposedResolution = ch.proposedResolution;
      if (ch.projectIds !== undefined) after.projectIds = ch.projectIds;
      if (ch.meetsFollowUps !== undefined) after.meetsFollowUps = ch.meetsFollowUps;
      break;
    }
    case 'CaseScheduled':
      after = { ...before, state: 'scheduled', meetingId: data(e, 'CaseScheduled').meetingId };
      break;
    case 'CaseUnscheduled':
      after = { ...before, state: 'draft', meetingId: null, number: null };
      break;
    case 'CaseNumbered': {
      const d = data(e, 'CaseNumbered');
      after = { ...before, number: d.number, meetingId: d.meetingId };
      break;
    }
    case 'CasePresented':
      after = { ...before, state: 'discussion', presenter: data(e, 'CasePresented').presenter };
      break;
    case 'DiscussionRecorded': {
      const d = data(e, 'DiscussionRecorded');
      after = {
        ...before,
        summary: d.summary ?? before.summary,
        points: [...before.points, ...(d.points ?? [])],
        followUps: [...before.followUps, ...(d.followUps ?? [])],
      };
      break;
    }
    case 'ResolutionEndorsed': {
      const d = data(e, 'ResolutionEndorsed');
      after = { ...before, state: 'endorsement', outcome: 'endorsement', resolution: d.resolution, conditions: d.conditions ?? null, decidedAt: e.metadata.at };
      break;
    }
    case 'CaseNoted': {
      const d = data(e, 'CaseNoted');
      after = { ...before, state: 'orientation', outcome: 'orientation', resolution: d.resolution, input: d.input ?? [], decidedAt: e.metadata.at };
      break;
    }
    case 'CasePostponed':
      after = { ...before, state: 'draft', meetingId: null, number: null, presenter: null, summary: null, points: [], followUps: [] };
      break;
    case 'CaseWithdrawn':
      after = { ...before, state: 'withdrawn', meetingId: null, number: null };
      break;
    default:
      return null;
  }
  if (after.meetingId !== null && after.meetingId !== after.lastMeetingId) after = { ...after, lastMeetingId: after.meetingId };
  docs.put('case', id, after);
  return { before, after };
}

/** Year of a `YYYY-MM-DD` date. */
export const yearOf = (date: string): number => Number(date.slice(0, 4));

/** Case numbers `N/YY` compare by N. */
export const seqOf = (number: string | null): number => (number ? Number(number.split('/')[0]) || 0 : 0);

export type { DocReader, DocStore };

/** Event type lists for `Projection.eventTypes`. */
export const COMMITTEE_TYPES = ['CommitteeCreated', 'MemberJoined', 'MemberLeft'] as const;
export const MEETING_TYPES = [
  'MeetingPlanned',
  'CaseAddedToAgenda',
  'CaseRemovedFromAgenda',
  'MeetingNoticed',
  'MeetingOpened',
  'MeetingAdjourned',
  'MinutesApproved',
] as const;
/** The case events that move a case between meetings or decide it (no discussion texts). */
export const CASE_CORE_TYPES = [
  'CaseDrafted',
  'CasePaperEdited',
  'CaseScheduled',
  'CaseUnscheduled',
  'CaseNumbered',
  'ResolutionEndorsed',
  'CaseNoted',
  'CasePostponed',
  'CaseWithdrawn',
] as const;
