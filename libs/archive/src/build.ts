/**
 * buildArchive: folds a log (the whole log, or only the committee's relevant streams as the API
 * passes them) into the archive of one committee's year.
 *
 * Two passes over the (materialised) log: the first finds the year's meetings of the committee and
 * every case that was ever on one of their agendas; the second folds the committee, meeting and
 * case documents event by event and, for the archived units, diffs each document before and after
 * the event into one change-log entry per changed field.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import { agendaOrder, type DataOf, type DomainEventType, type MemberRole, type RemovalReason, type StandardItem } from '@saksflyt/workflow';
import {
  ARCHIVE_FORMAT,
  type Archive,
  type ArchiveCase,
  type ArchiveChange,
  type ArchiveDecision,
  type ArchiveDiscussion,
  type ArchiveLaterHandling,
  type ArchiveMeeting,
  type ArchiveMeetingState,
  type ArchiveOptions,
  type ArchivePerson,
  type ArchiveUnitKind,
} from './model.js';

// ---------- the documents folded ----------

interface Member {
  id: string;
  name: string;
  organisation: string;
  role: MemberRole;
}

interface CommitteeDoc {
  code: string;
  name: string;
  members: Member[];
}

interface MeetingDoc {
  number: string;
  year: number;
  date: string;
  startTime: string | null;
  endTime: string | null;
  place: string;
  previousMeetingId: string | null;
  state: ArchiveMeetingState;
  agenda: string[];
  /** Numbers given at notice, by case id. */
  agendaNumbers: Record<string, string>;
  standard: Record<string, StandardItem>;
  members: Member[];
  attendance: { present: string[]; absent: string[]; guests: string[] } | null;
  removed: { caseId: string; why: RemovalReason; reason: string }[];
  minutesStatus: 'draft' | 'approved';
  minutesApprovedAt: string | null;
  minutesApprovedBy: { caseId: string; meetingId: string } | null;
}

interface MeetingInfo {
  id: string;
  committee: string;
  plannedAt: string;
  plannedBy: string;
  noticedAt: string | null;
  openedAt: string | null;
  adjournedAt: string | null;
  /** Who removed, when and where in the log: one entry per `doc.removed` entry (same index). */
  removals: { at: string; actor: string; position: number; eventId: string }[];
}

/** The case as folded so far (the fields it shares with the served `ArchiveCase`, as they stand now). */
type CaseDoc = Pick<
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

interface CaseInfo {
  id: string;
  committee: string;
  draftedAt: string;
  draftedBy: string;
  draftedPosition: number;
  lastNumber: string | null;
  /** The last number given at one of the year's meetings. */
  yearLastNumber: string | null;
  lastMeetingId: string | null;
  /** Has been on one of the year's agendas. */
  onYear: boolean;
  /** The case as it was when it left the year's meetings for a meeting of another year (null while it is in the year). */
  frozen: CaseDoc | null;
  later: Omit<ArchiveLaterHandling, 'meetingNumber' | 'meetingDate'>[];
  decidedBy: string | null;
  decidedPosition: number | null;
  decidedMeetingId: string | null;
  actors: string[];
}

const data = <T extends DomainEventType>(e: RecordedEvent, _t: T): DataOf<T> => e.data as DataOf<T>;
const after = (stream: string, prefix: string): string | null => (stream.startsWith(prefix) ? stream.slice(prefix.length) : null);
const num = (p: bigint): number => Number(p);
/** Year of an ISO date or date-time as written (its own offset: the year the record gives). */
const yearOfIso = (iso: string): number => Number(iso.slice(0, 4));
const seqOf = (n: string | null): number => (n ? Number(n.split('/')[0]) || Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER);

/** Agenda order before notice: the domain's rule (`agendaOrder`: approvals first, Eventuelt last, else scheduling order). */
const orderAgenda = (agenda: string[], standard: Record<string, StandardItem>): string[] =>
  agendaOrder(agenda.map((caseId) => ({ caseId, standardItem: standard[caseId], number: null }))).map((e) => e.caseId);

// ---------- the change log: field-level diff ----------

/** Change-log text of a field value: strings as they are, arrays and objects as JSON, absent as null. */
export function fieldText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function diffFields(before: Record<string, unknown> | undefined, next: Record<string, unknown>): { field: string; previous: string | null; next: string | null }[] {
  const out: { field: string; previous: string | null; next: string | null }[] = [];
  const fields = new Set<string>([...Object.keys(before ?? {}), ...Object.keys(next)]);
  for (const field of fields) {
    const p = fieldText(before?.[field]);
    const n = fieldText(next[field]);
    if (p !== n) out.push({ field, previous: p, next: n });
  }
  return out;
}

/** What the change log compares of a committee: one field per member, so a join is one entry. */
const committeeView = (c: CommitteeDoc): Record<string, unknown> => {
  const view: Record<string, unknown> = { code: c.code, name: c.name };
  for (const m of c.members) view[`members.${m.id}`] = { name: m.name, organisation: m.organisation, role: m.role };
  return view;
};
const meetingView = (m: MeetingDoc): Record<string, unknown> => {
  const { standard: _standard, ...rest } = m;
  return { ...rest, members: m.members.map((x) => x.id) };
};
const caseView = (c: CaseDoc): Record<string, unknown> => ({ ...c });

// ---------- buildArchive ----------

/** Folds a log (in position order: the whole log or the committee's relevant streams) into the archive of one committee's year. Returns null when the committee does not exist in the log. */
export function buildArchive(events: Iterable<RecordedEvent>, options: ArchiveOptions): Archive | null {
  const { committee: code, year } = options;
  const log = Array.isArray(events) ? (events as RecordedEvent[]) : [...events];
  const committeeStreamName = `committee-${code}`;

  // Pass 1: which meetings and cases are archived.
  let committeeExists = false;
  const meetingIds = new Set<string>();
  const caseIds = new Set<string>();
  for (const e of log) {
    if (e.stream === committeeStreamName) committeeExists = true;
    if (e.type === 'MeetingPlanned') {
      const d = data(e, 'MeetingPlanned');
      if (d.committee === code && d.year === year) meetingIds.add(d.meetingId);
      continue;
    }
    const meetingId = after(e.stream, 'meeting-');
    if (meetingId !== null && meetingIds.has(meetingId)) {
      if (e.type === 'CaseAddedToAgenda') caseIds.add(data(e, 'CaseAddedToAgenda').caseId);
      else if (e.type === 'CaseRemovedFromAgenda') caseIds.add(data(e, 'CaseRemovedFromAgenda').caseId);
      else if (e.type === 'MeetingNoticed') for (const a of data(e, 'MeetingNoticed').agenda) caseIds.add(a.caseId);
      continue;
    }
    const caseId = after(e.stream, 'case-');
    if (caseId !== null && (e.type === 'CaseScheduled' || e.type === 'CaseNumbered')) {
      if (meetingIds.has((e.data as { meetingId: string }).meetingId)) caseIds.add(caseId);
    }
  }
  if (!committeeExists) return null;

  // Pass 2: fold and diff.
  let committee: CommitteeDoc = { code, name: code, members: [] };
  /** Everyone who ever joined the committee (names for attendance, also of those who left). */
  const everyone = new Map<string, Member>();
  const meetings = new Map<string, { doc: MeetingDoc; info: MeetingInfo }>();
  const cases = new Map<string, { doc: CaseDoc; info: CaseInfo }>();
  const history: ArchiveDecision[] = [];
  /** Number and date of every meeting of the committee (any year): for references to meetings outside the year. */
  const allMeetings = new Map<string, { number: string; date: string; year: number }>();
  const numberingStreamName = `numbering-${code}-${year}`;
  let numbering: Record<string, unknown> = {};
  const changeLog: ArchiveChange[] = [];
  let archivedEvents = 0;
  let lastPosition = 0;

  const record = (e: RecordedEvent, kind: ArchiveUnitKind, id: string, before: Record<string, unknown> | undefined, next: Record<string, unknown>): void => {
    archivedEvents++;
    for (const d of diffFields(before, next)) {
      changeLog.push({
        position: num(e.position),
        eventId: e.id,
        at: e.metadata.at,
        actor: e.metadata.actor,
        unit: { kind, id },
        event: e.type,
        field: d.field,
        previous: d.previous,
        next: d.next,
      });
    }
  };

  const onYear = (caseId: string): void => {
    const ci = cases.get(caseId)?.info;
    if (ci) ci.onYear = true;
  };

  for (const e of log) {
    lastPosition = num(e.position);

    if (e.stream === committeeStreamName) {
      const before = committee;
      switch (e.type) {
        case 'CommitteeCreated': {
          const d = data(e, 'CommitteeCreated');
          committee = { ...committee, code: d.code, name: d.name };
          break;
        }
        case 'MemberJoined': {
          const d = data(e, 'MemberJoined');
          const m: Member = { id: d.memberId, name: d.name, organisation: d.organisation, role: d.role };
          everyone.set(m.id, m);
          committee = { ...committee, members: [...committee.members.filter((x) => x.id !== m.id), m] };
          break;
        }
        case 'MemberLeft': {
          const d = data(e, 'MemberLeft');
          committee = { ...committee, members: committee.members.filter((x) => x.id !== d.memberId) };
          break;
        }
        default:
          continue;
      }
      if (yearOfIso(e.metadata.at) === year) {
        // A CommitteeCreated has no "before": every field is new.
        record(e, 'committee', code, e.type === 'CommitteeCreated' ? undefined : committeeView(before), committeeView(committee));
      }
      continue;
    }

    if (e.stream === numberingStreamName) {
      const before = numbering;
      const next: Record<string, unknown> = { ...numbering };
      switch (e.type) {
        case 'NumberingContinued': {
          const d = data(e, 'NumberingContinued');
          next.nextMeetingNumber = d.nextMeetingNumber;
          next.nextCaseNumber = d.nextCaseNumber;
          break;
        }
        case 'MeetingNumberAssigned': {
          const d = data(e, 'MeetingNumberAssigned');
          next[`meetings.${d.meetingId}`] = d.number;
          next.nextMeetingNumber = Math.max(Number(next.nextMeetingNumber ?? 1), d.seq + 1);
          break;
        }
        case 'CaseNumbersAssigned': {
          const d = data(e, 'CaseNumbersAssigned');
          for (const n of d.numbers) {
            next[`cases.${n.caseId}`] = n.number;
            next.nextCaseNumber = Math.max(Number(next.nextCaseNumber ?? 1), n.seq + 1);
          }
          break;
        }
        default:
          continue;
      }
      numbering = next;
      record(e, 'numbering', numberingStreamName, before, next);
      continue;
    }

    if (e.type === 'HistoricalDecisionRecorded') {
      const d = data(e, 'HistoricalDecisionRecorded');
      if (d.committee === code && d.year === year && e.stream.startsWith(`history-${code}-`)) {
        record(e, 'history', e.stream, undefined, {
          committee: d.committee,
          number: d.number,
          year: d.year,
          title: d.title,
          wording: d.wording,
          outcome: d.outcome,
          date: d.date,
          minutesApproved: d.minutesApproved,
          matterId: d.matterId,
          source: d.source,
          note: d.note,
        });
        history.push({
          history: true,
          caseId: null,
          caseNumber: d.number,
          title: d.title,
          outcome: d.outcome ?? null,
          resolution: d.wording,
          conditions: null,
          input: [],
          meetingId: null,
          meetingNumber: null,
          meetingDate: null,
          date: d.date ?? null,
          decidedAt: null,
          decidedBy: e.metadata.actor,
          position: num(e.position),
          source: d.source,
          ...(d.note !== undefined ? { note: d.note } : {}),
        });
      }
      continue;
    }

    const meetingId = after(e.stream, 'meeting-');
    if (meetingId !== null) {
      if (e.type === 'MeetingPlanned') {
        const d = data(e, 'MeetingPlanned');
        if (d.committee === code) allMeetings.set(meetingId, { number: d.number, date: d.date, year: d.year });
      }
      if (!meetingIds.has(meetingId)) continue;
      const current = meetings.get(meetingId);
      if (e.type === 'MeetingPlanned') {
        const d = data(e, 'MeetingPlanned');
        const doc: MeetingDoc = {
          number: d.number,
          year: d.year,
          date: d.date,
          startTime: d.startTime ?? null,
          endTime: d.endTime ?? null,
          place: d.place,
          previousMeetingId: d.previousMeetingId ?? null,
          state: 'planned',
          agenda: [],
          agendaNumbers: {},
          standard: {},
          members: committee.members,
          attendance: null,
          removed: [],
          minutesStatus: 'draft',
          minutesApprovedAt: null,
          minutesApprovedBy: null,
        };
        const info: MeetingInfo = {
          id: meetingId,
          committee: d.committee,
          plannedAt: e.metadata.at,
          plannedBy: e.metadata.actor,
          noticedAt: null,
          openedAt: null,
          adjournedAt: null,
          removals: [],
        };
        meetings.set(meetingId, { doc, info });
        record(e, 'meeting', meetingId, undefined, meetingView(doc));
        continue;
      }
      if (!current) continue;
      const m = current.doc;
      let next: MeetingDoc;
      switch (e.type) {
        case 'CaseAddedToAgenda': {
          const d = data(e, 'CaseAddedToAgenda');
          const standard = d.standardItem ? { ...m.standard, [d.caseId]: d.standardItem } : m.standard;
          const known = m.agenda.includes(d.caseId);
          const agenda = m.state !== 'planned' ? (known ? m.agenda : [...m.agenda, d.caseId]) : orderAgenda(known ? m.agenda : [...m.agenda, d.caseId], standard);
          onYear(d.caseId);
          next = { ...m, agenda, standard };
          break;
        }
        case 'CaseRemovedFromAgenda': {
          const d = data(e, 'CaseRemovedFromAgenda');
          const numbers = { ...m.agendaNumbers };
          delete numbers[d.caseId];
          next = { ...m, agenda: m.agenda.filter((c) => c !== d.caseId), agendaNumbers: numbers, removed: [...m.removed, { caseId: d.caseId, why: d.why, reason: d.reason }] };
          current.info.removals.push({ at: e.metadata.at, actor: e.metadata.actor, position: num(e.position), eventId: e.id });
          break;
        }
        case 'MeetingNoticed': {
          const d = data(e, 'MeetingNoticed');
          next = {
            ...m,
            state: 'noticed',
            agenda: d.agenda.map((a) => a.caseId),
            agendaNumbers: Object.fromEntries(d.agenda.map((a) => [a.caseId, a.number])),
            members: committee.members,
          };
          current.info.noticedAt = e.metadata.at;
          for (const a of d.agenda) {
            onYear(a.caseId);
            const ci = cases.get(a.caseId)?.info;
            if (ci && !ci.frozen) ci.yearLastNumber = a.number;
          }
          break;
        }
        case 'MeetingOpened': {
          const d = data(e, 'MeetingOpened');
          next = { ...m, state: 'in_session', members: committee.members, attendance: { present: d.present, absent: d.absent ?? [], guests: d.guests ?? [] } };
          current.info.openedAt = e.metadata.at;
          break;
        }
        case 'MeetingAdjourned':
          next = { ...m, state: 'held' };
          current.info.adjournedAt = e.metadata.at;
          break;
        case 'MinutesApproved': {
          const d = data(e, 'MinutesApproved');
          next = { ...m, minutesStatus: 'approved', minutesApprovedAt: e.metadata.at, minutesApprovedBy: { caseId: d.byCaseId, meetingId: d.byMeetingId } };
          break;
        }
        default:
          continue;
      }
      current.doc = next;
      record(e, 'meeting', meetingId, meetingView(m), meetingView(next));
      continue;
    }

    const caseId = after(e.stream, 'case-');
    if (caseId !== null) {
      const current = cases.get(caseId);
      if (e.type === 'CaseDrafted') {
        const d = data(e, 'CaseDrafted');
        if (d.committee !== code) continue;
        const doc: CaseDoc = {
          title: d.title,
          type: d.type,
          proposedResolution: d.proposedResolution,
          background: d.background ?? null,
          purpose: d.purpose ?? null,
          caseOfficer: d.caseOfficer ?? null,
          responsible: d.responsible ?? null,
          projectIds: d.projectIds ?? [],
          meetsFollowUps: d.meetsFollowUps ?? [],
          matterId: d.matterId,
          standardItem: d.standardItem ?? null,
          referredFromCaseId: d.referredFromCaseId ?? null,
          state: 'draft',
          number: null,
          meetingId: null,
          presenter: null,
          discussions: [],
          outcome: null,
          resolution: null,
          conditions: null,
          input: [],
          decidedAt: null,
          referrals: [],
          withdrawnReason: null,
        };
        const info: CaseInfo = {
          id: caseId,
          committee: d.committee,
          draftedAt: e.metadata.at,
          draftedBy: e.metadata.actor,
          draftedPosition: num(e.position),
          lastNumber: null,
          yearLastNumber: null,
          lastMeetingId: null,
          onYear: false,
          frozen: null,
          later: [],
          decidedBy: null,
          decidedPosition: null,
          decidedMeetingId: null,
          actors: [e.metadata.actor],
        };
        cases.set(caseId, { doc, info });
        if (caseIds.has(caseId)) record(e, 'case', caseId, undefined, caseView(doc));
        continue;
      }
      if (!current) continue;
      const c = current.doc;
      let next: CaseDoc;
      switch (e.type) {
        case 'CasePaperEdited': {
          const ch = data(e, 'CasePaperEdited').changes;
          next = { ...c };
          if (ch.title !== undefined) next.title = ch.title;
          if (ch.type !== undefined) next.type = ch.type;
          if (ch.proposedResolution !== undefined) next.proposedResolution = ch.proposedResolution;
          if (ch.background !== undefined) next.background = ch.background;
          if (ch.purpose !== undefined) next.purpose = ch.purpose;
          if (ch.caseOfficer !== undefined) next.caseOfficer = ch.caseOfficer;
          if (ch.responsible !== undefined) next.responsible = ch.responsible;
          if (ch.projectIds !== undefined) next.projectIds = ch.projectIds;
          if (ch.meetsFollowUps !== undefined) next.meetsFollowUps = ch.meetsFollowUps;
          break;
        }
        case 'CaseScheduled':
          next = { ...c, state: 'scheduled', meetingId: data(e, 'CaseScheduled').meetingId };
          break;
        case 'CaseUnscheduled':
          next = { ...c, state: 'draft', meetingId: null, number: null };
          break;
        case 'CaseNumbered': {
          const d = data(e, 'CaseNumbered');
          next = { ...c, number: d.number, meetingId: d.meetingId };
          break;
        }
        case 'CasePresented':
          next = { ...c, state: 'discussion', presenter: data(e, 'CasePresented').presenter };
          break;
        case 'DiscussionRecorded': {
          const d = data(e, 'DiscussionRecorded');
          const discussion: ArchiveDiscussion = {
            summary: d.summary ?? null,
            points: d.points ?? [],
            followUps: d.followUps ?? [],
            at: e.metadata.at,
            actor: e.metadata.actor,
            meetingId: c.meetingId ?? current.info.lastMeetingId,
          };
          next = { ...c, discussions: [...c.discussions, discussion] };
          break;
        }
        case 'ResolutionEndorsed': {
          const d = data(e, 'ResolutionEndorsed');
          next = { ...c, state: 'endorsement', outcome: 'endorsement', resolution: d.resolution, conditions: d.conditions ?? null, decidedAt: e.metadata.at };
          break;
        }
        case 'CaseNoted': {
          const d = data(e, 'CaseNoted');
          next = { ...c, state: 'orientation', outcome: 'orientation', resolution: d.resolution, input: d.input ?? [], decidedAt: e.metadata.at };
          break;
        }
        case 'CasePostponed':
          // As the domain: off the agenda, number and presenter lost; the discussion is kept.
          next = { ...c, state: 'draft', meetingId: null, number: null, presenter: null };
          break;
        case 'CaseReferred': {
          const d = data(e, 'CaseReferred');
          next = { ...c, referrals: [...c.referrals, { committee: d.toCommittee, caseId: d.referredCaseId, type: d.type, at: e.metadata.at, actor: e.metadata.actor }] };
          break;
        }
        case 'CaseWithdrawn':
          next = { ...c, state: 'withdrawn', meetingId: null, number: null, withdrawnReason: data(e, 'CaseWithdrawn').reason };
          break;
        default:
          continue;
      }
      const info = current.info;
      if (!info.actors.includes(e.metadata.actor)) info.actors.push(e.metadata.actor);
      if (next.number !== null) info.lastNumber = next.number;
      if (next.meetingId !== null) info.lastMeetingId = next.meetingId;
      // Where the case is in relation to the year: on one of its meetings, or gone on to another year's.
      const target = e.type === 'CaseScheduled' || e.type === 'CaseNumbered' ? (e.data as { meetingId: string }).meetingId : null;
      if (target !== null && meetingIds.has(target)) {
        info.onYear = true;
        info.frozen = null;
        if (e.type === 'CaseNumbered') info.yearLastNumber = data(e, 'CaseNumbered').number;
      } else if (target !== null && info.onYear) {
        if (!info.frozen) info.frozen = c;
        const last = info.later[info.later.length - 1];
        if (e.type === 'CaseScheduled' || !last || last.meetingId !== target) {
          info.later.push({ meetingId: target, number: null, outcome: null, resolution: null, decidedAt: null, decidedBy: null, left: null });
        }
        if (e.type === 'CaseNumbered') info.later[info.later.length - 1]!.number = data(e, 'CaseNumbered').number;
      }
      const open = info.frozen ? info.later[info.later.length - 1] : undefined;
      if (e.type === 'ResolutionEndorsed' || e.type === 'CaseNoted') {
        if (open) {
          // Decided at a meeting of another year: that year's decision, here only as later handling.
          Object.assign(open, { outcome: next.outcome, resolution: next.resolution, decidedAt: e.metadata.at, decidedBy: e.metadata.actor });
        } else {
          info.decidedBy = e.metadata.actor;
          info.decidedPosition = num(e.position);
          info.decidedMeetingId = next.meetingId ?? info.lastMeetingId;
        }
      } else if (open && open.left === null && open.outcome === null) {
        if (e.type === 'CasePostponed') open.left = 'postponed';
        else if (e.type === 'CaseUnscheduled') open.left = 'unscheduled';
        else if (e.type === 'CaseWithdrawn') open.left = 'withdrawn';
      }
      current.doc = next;
      if (caseIds.has(caseId)) record(e, 'case', caseId, caseView(c), caseView(next));
    }
  }

  // ---------- assemble ----------
  const person = (id: string, at?: Member[]): ArchivePerson => {
    const m = at?.find((x) => x.id === id) ?? everyone.get(id);
    return m ? { id: m.id, name: m.name, organisation: m.organisation, role: m.role } : { id, name: id, organisation: null, role: null };
  };
  const titleOf = (caseId: string): string => cases.get(caseId)?.doc.title ?? caseId;

  const archivedMeetings: ArchiveMeeting[] = [...meetings.values()]
    .map(({ doc: m, info }) => {
      const approvedBy = m.minutesApprovedBy;
      return {
        id: info.id,
        number: m.number,
        year: m.year,
        date: m.date,
        startTime: m.startTime,
        endTime: m.endTime,
        place: m.place,
        state: m.state,
        previousMeetingId: m.previousMeetingId,
        plannedAt: info.plannedAt,
        plannedBy: info.plannedBy,
        noticedAt: info.noticedAt,
        openedAt: info.openedAt,
        adjournedAt: info.adjournedAt,
        members: m.members.map((x) => person(x.id, m.members)),
        attendance: m.attendance
          ? {
              present: m.attendance.present.map((id) => person(id, m.members)),
              absent: m.attendance.absent.map((id) => person(id, m.members)),
              guests: m.attendance.guests,
            }
          : null,
        agenda: m.agenda.map((caseId) => ({ caseId, number: m.agendaNumbers[caseId] ?? null, title: titleOf(caseId) })),
        removed: m.removed.map((r, i) => ({ caseId: r.caseId, title: titleOf(r.caseId), why: r.why, reason: r.reason, ...info.removals[i]! })),
        minutes: {
          status: m.minutesStatus,
          approvedAt: m.minutesApprovedAt,
          approvedBy: approvedBy
            ? {
                caseId: approvedBy.caseId,
                caseNumber: cases.get(approvedBy.caseId)?.doc.number ?? cases.get(approvedBy.caseId)?.info.lastNumber ?? null,
                meetingId: approvedBy.meetingId,
                // The approving meeting may be of another year (the next year's first meeting).
                meetingNumber: allMeetings.get(approvedBy.meetingId)?.number ?? null,
              }
            : null,
        },
      } satisfies ArchiveMeeting;
    })
    .sort((a, b) => a.date.localeCompare(b.date) || seqOf(a.number) - seqOf(b.number));
  const meetingById = new Map(archivedMeetings.map((m) => [m.id, m]));

  const archivedCases: ArchiveCase[] = [];
  for (const id of caseIds) {
    const entry = cases.get(id);
    if (!entry) continue; // on an agenda, but never drafted for this committee
    const { info } = entry;
    // The case as it was in this year: frozen when it went on to a meeting of another year.
    const c = info.frozen ?? entry.doc;
    const onMeetings = archivedMeetings.filter((m) => m.agenda.some((a) => a.caseId === id) || m.removed.some((r) => r.caseId === id)).map((m) => m.id);
    const meetingId = c.meetingId !== null && meetingById.has(c.meetingId) ? c.meetingId : (onMeetings[onMeetings.length - 1] ?? null);
    archivedCases.push({
      id,
      sequence: 0,
      mappeId: '',
      number: c.number,
      lastNumber: info.yearLastNumber,
      title: c.title,
      type: c.type,
      state: c.state,
      matterId: c.matterId,
      standardItem: c.standardItem,
      meetingId,
      meetingNumber: meetingId ? (meetingById.get(meetingId)?.number ?? null) : null,
      meetingIds: onMeetings,
      proposedResolution: c.proposedResolution,
      background: c.background,
      purpose: c.purpose,
      caseOfficer: c.caseOfficer,
      responsible: c.responsible,
      projectIds: c.projectIds,
      meetsFollowUps: c.meetsFollowUps,
      presenter: c.presenter,
      discussion: {
        summary: [...c.discussions].reverse().find((d) => d.summary !== null)?.summary ?? null,
        points: c.discussions.flatMap((d) => d.points),
        followUps: c.discussions.flatMap((d) => d.followUps),
      },
      discussions: c.discussions,
      outcome: c.outcome,
      resolution: c.resolution,
      conditions: c.conditions,
      input: c.input,
      decidedAt: c.decidedAt,
      decidedBy: c.outcome ? info.decidedBy : null,
      referredFromCaseId: c.referredFromCaseId,
      referredTo: c.referrals.length ? (({ committee, caseId, type }) => ({ committee, caseId, type }))(c.referrals[c.referrals.length - 1]!) : null,
      referrals: c.referrals,
      withdrawnReason: c.withdrawnReason,
      draftedAt: info.draftedAt,
      draftedBy: info.draftedBy,
      actors: info.actors,
      later: info.later.map((l) => ({ ...l, meetingNumber: allMeetings.get(l.meetingId)?.number ?? null, meetingDate: allMeetings.get(l.meetingId)?.date ?? null })),
    });
  }
  const caseMeetingDate = (c: ArchiveCase): string => (c.meetingId ? (meetingById.get(c.meetingId)?.date ?? '') : '');
  const draftedPos = (c: ArchiveCase): number => cases.get(c.id)!.info.draftedPosition;
  archivedCases.sort(
    (a, b) => caseMeetingDate(a).localeCompare(caseMeetingDate(b)) || seqOf(a.number ?? a.lastNumber) - seqOf(b.number ?? b.lastNumber) || draftedPos(a) - draftedPos(b),
  );

  archivedCases.forEach((c, i) => {
    c.sequence = i + 1;
    c.mappeId = `${code}-${year}-${i + 1}`;
  });

  // A decision of this year: decided at one of this year's meetings (never a later year's handling).
  const decided: ArchiveDecision[] = archivedCases
    .filter((c) => c.outcome !== null && c.resolution !== null && meetingById.has(cases.get(c.id)!.info.decidedMeetingId ?? ''))
    .map((c) => {
      const info = cases.get(c.id)!.info;
      const meeting = info.decidedMeetingId ? meetingById.get(info.decidedMeetingId) : undefined;
      return {
        history: false,
        caseId: c.id,
        caseNumber: c.number ?? c.lastNumber,
        title: c.title,
        outcome: c.outcome,
        resolution: c.resolution!,
        conditions: c.conditions,
        input: c.input,
        meetingId: meeting?.id ?? null,
        meetingNumber: meeting?.number ?? null,
        meetingDate: meeting?.date ?? null,
        date: meeting?.date ?? null,
        decidedAt: c.decidedAt,
        decidedBy: info.decidedBy ?? '',
        position: info.decidedPosition ?? 0,
      } satisfies ArchiveDecision;
    })
    .sort((a, b) => (a.meetingDate ?? '').localeCompare(b.meetingDate ?? '') || seqOf(a.caseNumber) - seqOf(b.caseNumber) || a.position - b.position);
  history.sort((a, b) => seqOf(a.caseNumber) - seqOf(b.caseNumber) || a.position - b.position);

  return {
    header: {
      format: ARCHIVE_FORMAT,
      committee: { code, name: committee.name },
      year,
      generatedAt: options.generatedAt,
      position: lastPosition,
      counts: {
        meetings: archivedMeetings.length,
        cases: archivedCases.length,
        decisions: decided.length,
        historicalDecisions: history.length,
        changes: changeLog.length,
        events: archivedEvents,
      },
    },
    members: committee.members.map((m) => person(m.id, committee.members)),
    meetings: archivedMeetings,
    cases: archivedCases,
    decisions: [...decided, ...history],
    changeLog,
  };
}
