/**
 * The archive assembled from the folded records (build.ts): the year's meetings and cases in
 * archive order with their Noark sequence and mappe ids, the year's decisions and the historical
 * ones, the members, the header with its counts.
 */
import type { CaseRecord, CommitteeRecord, MeetingRecord } from '@saksflyt/workflow';
import type { ChangeLog } from './change-log.js';
import { ARCHIVE_FORMAT, type Archive, type ArchiveCase, type ArchiveDecision, type ArchiveLaterHandling, type ArchiveMeeting, type ArchivePerson } from './model.js';
import { caseDoc, currentMembers, type CaseDoc, type Member } from './units.js';

export interface MeetingUnit {
  record: MeetingRecord;
  /** The committee's members at the meeting: taken at planning, refreshed at notice and at opening. */
  members: Member[];
  /** The change log's view of the meeting as it stands (units.ts `meetingView`). */
  view: Record<string, unknown>;
  /** Where in the log each removal is: one entry per `record.removed` entry (same index). */
  removals: { position: number; eventId: string }[];
}

/** The archive's own bookkeeping of a case: where it stands in relation to the year. */
export interface CaseInfo {
  draftedPosition: number;
  /** The last number given at one of the year's meetings. */
  yearLastNumber: string | null;
  /** Has been on one of the year's agendas. */
  onYear: boolean;
  /** The case as it was when it left the year's meetings for a meeting of another year (null while it is in the year). */
  frozen: CaseRecord | null;
  later: Omit<ArchiveLaterHandling, 'meetingNumber' | 'meetingDate' | 'decidedOn'>[];
  /** The decision of this year (not a later year's handling): who, where in the log, at which meeting. */
  decidedBy: string | null;
  decidedPosition: number | null;
  decidedMeetingId: string | null;
  actors: string[];
}

export interface CaseUnit {
  record: CaseRecord;
  /** The change log's view as it stands; null for a case the year does not archive (folded for references only). */
  view: CaseDoc | null;
  info: CaseInfo;
}

/** Everything pass 2 folded. */
export interface Folded {
  code: string;
  year: number;
  generatedAt: string;
  committee: CommitteeRecord;
  meetings: Map<string, MeetingUnit>;
  cases: Map<string, CaseUnit>;
  /** The archived cases, in the order pass 1 found them. */
  caseIds: Set<string>;
  history: ArchiveDecision[];
  /** Number and date of every meeting of the committee (any year): for references to meetings outside the year. */
  allMeetings: Map<string, { number: string; date: string; year: number }>;
  changes: ChangeLog;
  lastPosition: number;
}

const seqOf = (n: string | null): number => (n ? Number(n.split('/')[0]) || Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER);

export function assembleArchive(f: Folded): Archive {
  const { code, year, cases, allMeetings } = f;
  /** Everyone who ever joined the committee (names for attendance, also of those who left). */
  const everyone = new Map<string, Member>(f.committee.members.map((m) => [m.id, { id: m.id, name: m.name, organisation: m.organisation, role: m.role }]));
  const person = (id: string, at?: Member[]): ArchivePerson => {
    const m = at?.find((x) => x.id === id) ?? everyone.get(id);
    return m ? { id: m.id, name: m.name, organisation: m.organisation, role: m.role } : { id, name: id, organisation: null, role: null };
  };
  const titleOf = (caseId: string): string => cases.get(caseId)?.record.paper.title ?? caseId;
  const numberOf = (caseId: string): string | null => {
    const c = cases.get(caseId)?.record;
    return c ? ((c.status === 'withdrawn' ? null : c.number) ?? c.lastNumber) : null;
  };

  const archivedMeetings: ArchiveMeeting[] = [...f.meetings.entries()]
    .map(([id, { record: m, members, removals }]) => {
      const approvedBy = m.minutesApprovedBy;
      return {
        id,
        number: m.number,
        year: m.year,
        date: m.date,
        startTime: m.startTime,
        endTime: m.endTime,
        place: m.place,
        state: m.status,
        previousMeetingId: m.previousMeetingId,
        plannedAt: m.planned.at ?? '',
        plannedBy: m.planned.actor ?? '',
        noticedAt: m.noticed?.at ?? null,
        openedAt: m.opened?.at ?? null,
        adjournedAt: m.adjourned?.at ?? null,
        members: members.map((x) => person(x.id, members)),
        attendance: m.attendance
          ? {
              present: m.attendance.present.map((x) => person(x, members)),
              absent: m.attendance.absent.map((x) => person(x, members)),
              guests: m.attendance.guests,
            }
          : null,
        agenda: m.agenda.map((a) => ({ caseId: a.caseId, number: a.number, title: titleOf(a.caseId) })),
        removed: m.removed.map((r, i) => ({ caseId: r.caseId, title: titleOf(r.caseId), why: r.why, reason: r.reason, at: r.at ?? '', actor: r.actor ?? '', ...removals[i]! })),
        minutes: {
          status: m.minutes,
          approvedAt: m.minutesApprovedAt,
          approvedOn: approvedBy ? (allMeetings.get(approvedBy.byMeetingId)?.date ?? null) : null,
          approvedBy: approvedBy
            ? {
                caseId: approvedBy.byCaseId,
                caseNumber: numberOf(approvedBy.byCaseId),
                meetingId: approvedBy.byMeetingId,
                // The approving meeting may be of another year (the next year's first meeting).
                meetingNumber: allMeetings.get(approvedBy.byMeetingId)?.number ?? null,
              }
            : null,
        },
      } satisfies ArchiveMeeting;
    })
    .sort((a, b) => a.date.localeCompare(b.date) || seqOf(a.number) - seqOf(b.number));
  const meetingById = new Map(archivedMeetings.map((m) => [m.id, m]));

  const archivedCases: ArchiveCase[] = [];
  for (const id of f.caseIds) {
    const entry = cases.get(id);
    if (!entry) continue; // on an agenda, but never drafted for this committee
    const { info } = entry;
    // The case as it was in this year: frozen when it went on to a meeting of another year.
    const c = caseDoc(info.frozen ?? entry.record);
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
      decidedOn: c.outcome && info.decidedMeetingId ? (allMeetings.get(info.decidedMeetingId)?.date ?? null) : null,
      decidedAt: c.decidedAt,
      decidedBy: c.outcome ? info.decidedBy : null,
      referredFromCaseId: c.referredFromCaseId,
      referredTo: c.referrals.length ? (({ committee, caseId, type }) => ({ committee, caseId, type }))(c.referrals[c.referrals.length - 1]!) : null,
      referrals: c.referrals,
      withdrawnReason: c.withdrawnReason,
      draftedAt: entry.record.drafted.at ?? '',
      draftedBy: entry.record.drafted.actor ?? '',
      actors: info.actors,
      later: info.later.map((l) => {
        const meetingDate = allMeetings.get(l.meetingId)?.date ?? null;
        return { ...l, meetingNumber: allMeetings.get(l.meetingId)?.number ?? null, meetingDate, decidedOn: l.outcome ? meetingDate : null };
      }),
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
        decidedOn: meeting?.date ?? null,
        decidedAt: c.decidedAt,
        decidedBy: info.decidedBy ?? '',
        position: info.decidedPosition ?? 0,
      } satisfies ArchiveDecision;
    })
    .sort((a, b) => (a.meetingDate ?? '').localeCompare(b.meetingDate ?? '') || seqOf(a.caseNumber) - seqOf(b.caseNumber) || a.position - b.position);
  const history = [...f.history].sort((a, b) => seqOf(a.caseNumber) - seqOf(b.caseNumber) || a.position - b.position);

  const members = currentMembers(f.committee);
  return {
    header: {
      format: ARCHIVE_FORMAT,
      committee: { code, name: f.committee.name },
      year,
      generatedAt: f.generatedAt,
      position: f.lastPosition,
      counts: {
        meetings: archivedMeetings.length,
        cases: archivedCases.length,
        decisions: decided.length,
        historicalDecisions: history.length,
        changes: f.changes.count,
        events: f.changes.events,
      },
    },
    members: members.map((m) => person(m.id, members)),
    meetings: archivedMeetings,
    cases: archivedCases,
    decisions: [...decided, ...history],
    changeLog: f.changes.entries,
  };
}
