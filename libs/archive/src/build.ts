/**
 * buildArchive: folds a log (the whole log, or only the committee's relevant streams as the API
 * passes them) into the archive of one committee's year.
 *
 * Two passes over the upcast log (`UnitSelector`, `ArchiveFolder`: one event at a time, so the
 * streamed deposit runs them over pages of the store; `buildArchive` over an array): the first finds the year's meetings of the
 * committee and every case that was ever on one of their agendas; the second folds the committee,
 * meeting, case and numbering records with the workflow's one evolve (`evolveCommittee`,
 * `evolveMeeting`, `evolveCase`, `evolveNumbering`) and, for the archived units, diffs the unit's
 * view (units.ts) before and after each event into one change-log entry per changed field.
 *
 * What stays the archive's own: which units a year holds, where a case stands in relation to the
 * year (on one of its meetings, or gone on to another year's: `frozen`, `later`), the positions
 * and event ids of the log, who acted on a case, and the members as the archive saw them at
 * planning, notice and opening.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import {
  CASE_EVENT_TYPES,
  COMMITTEE_EVENT_TYPES,
  MEETING_EVENT_TYPES,
  NUMBERING_EVENT_TYPES,
  emptyCommittee,
  evolveCase,
  evolveCommittee,
  evolveMeeting,
  evolveNumbering,
  initialNumbering,
  startCase,
  startMeeting,
  upcastEvent,
  type CaseDrafted,
  type CaseFact,
  type CaseRecord,
  type CommitteeFact,
  type DataOf,
  type DomainEventType,
  type MeetingFact,
  type MeetingPlanned,
  type NumberingEvent,
  type NumberingFact,
} from '@saksflyt/workflow';
import { assembleArchive, type CaseInfo, type CaseUnit, type Folded, type MeetingUnit } from './assemble.js';
import { ChangeLog } from './change-log.js';
import type { Archive, ArchiveChange, ArchiveOptions } from './model.js';
import { caseDoc, committeeView, currentMembers, meetingView, numberingView } from './units.js';

export { fieldText } from './change-log.js';

const data = <T extends DomainEventType>(e: RecordedEvent, _t: T): DataOf<T> => e.data as DataOf<T>;
const after = (stream: string, prefix: string): string | null => (stream.startsWith(prefix) ? stream.slice(prefix.length) : null);
/** Year of an ISO date or date-time as written (its own offset: the year the record gives). */
const yearOfIso = (iso: string): number => Number(iso.slice(0, 4));

const COMMITTEE_TYPES: ReadonlySet<string> = new Set(COMMITTEE_EVENT_TYPES);
const NUMBERING_TYPES: ReadonlySet<string> = new Set(NUMBERING_EVENT_TYPES);
const MEETING_TYPES: ReadonlySet<string> = new Set(MEETING_EVENT_TYPES);
const CASE_TYPES: ReadonlySet<string> = new Set(CASE_EVENT_TYPES);

/** Pass 1 (one event at a time, upcast): which meetings and cases the year archives, and whether the committee exists. */
export class UnitSelector {
  committeeExists = false;
  readonly meetingIds = new Set<string>();
  readonly caseIds = new Set<string>();

  constructor(
    private readonly code: string,
    private readonly year: number,
  ) {}

  add(e: RecordedEvent): void {
    const { code, year, meetingIds, caseIds } = this;
    if (e.stream === `committee-${code}`) this.committeeExists = true;
    if (e.type === 'MeetingPlanned') {
      const d = data(e, 'MeetingPlanned');
      if (d.committee === code && d.year === year) meetingIds.add(d.meetingId);
      return;
    }
    const meetingId = after(e.stream, 'meeting-');
    if (meetingId !== null && meetingIds.has(meetingId)) {
      if (e.type === 'CaseAddedToAgenda') caseIds.add(data(e, 'CaseAddedToAgenda').caseId);
      else if (e.type === 'CaseRemovedFromAgenda') caseIds.add(data(e, 'CaseRemovedFromAgenda').caseId);
      else if (e.type === 'MeetingNoticed') for (const a of data(e, 'MeetingNoticed').agenda) caseIds.add(a.caseId);
      return;
    }
    const caseId = after(e.stream, 'case-');
    if (caseId !== null && (e.type === 'CaseScheduled' || e.type === 'CaseNumbered')) {
      if (meetingIds.has((e.data as { meetingId: string }).meetingId)) caseIds.add(caseId);
    }
  }
}

/**
 * Where the case stands in relation to the year after one of its events (`before` → `next`, the
 * records): on one of the year's meetings, or gone on to a meeting of another year (the case is
 * then archived as it was when it left, `frozen`, and what happened there is `later` handling).
 */
function followYear(info: CaseInfo, e: RecordedEvent, before: CaseRecord, next: CaseRecord, meetingIds: ReadonlySet<string>): void {
  if (!info.actors.includes(e.metadata.actor)) info.actors.push(e.metadata.actor);
  const target = e.type === 'CaseScheduled' || e.type === 'CaseNumbered' ? next.meetingId : null;
  if (target !== null && meetingIds.has(target)) {
    info.onYear = true;
    info.frozen = null;
    if (e.type === 'CaseNumbered') info.yearLastNumber = next.number;
  } else if (target !== null && info.onYear) {
    if (!info.frozen) info.frozen = before;
    const last = info.later[info.later.length - 1];
    if (e.type === 'CaseScheduled' || !last || last.meetingId !== target) {
      info.later.push({ meetingId: target, number: null, outcome: null, resolution: null, decidedAt: null, decidedBy: null, left: null });
    }
    if (e.type === 'CaseNumbered') info.later[info.later.length - 1]!.number = next.number;
  }
  const open = info.frozen ? info.later[info.later.length - 1] : undefined;
  if ((e.type === 'ResolutionEndorsed' || e.type === 'CaseNoted') && next.decision) {
    const d = next.decision;
    if (open) {
      // Decided at a meeting of another year: that year's decision, here only as later handling.
      Object.assign(open, { outcome: d.outcome, resolution: d.resolution, decidedAt: d.at, decidedBy: d.actor });
    } else {
      info.decidedBy = d.actor;
      info.decidedPosition = Number(e.position);
      info.decidedMeetingId = d.meetingId;
    }
  } else if (open && open.left === null && open.outcome === null) {
    if (e.type === 'CasePostponed') open.left = 'postponed';
    else if (e.type === 'CaseUnscheduled') open.left = 'unscheduled';
    else if (e.type === 'CaseWithdrawn') open.left = 'withdrawn';
  }
}

/**
 * Pass 2 (one event at a time, upcast, in log order; after pass 1 over the same log): folds the
 * committee, meeting, case and numbering records and diffs the archived units into the change log.
 * With `onChange` the change-log entries go to it as they are made and are not kept (the archive's
 * `changeLog` is then empty and `header.counts.changes` counts them): what the streamed deposit
 * writes. Everything else it holds is bounded by the committee's register (its meetings and cases).
 */
export class ArchiveFolder {
  private readonly f: Folded;
  private numbering: ReturnType<typeof initialNumbering>;
  private numberingFields: Record<string, unknown> = {};
  private readonly committeeStreamName: string;
  private readonly numberingStreamName: string;

  constructor(
    options: ArchiveOptions,
    private readonly units: { meetingIds: ReadonlySet<string>; caseIds: Set<string> },
    onChange?: (c: ArchiveChange) => void,
  ) {
    const { committee: code, year } = options;
    this.committeeStreamName = `committee-${code}`;
    this.numberingStreamName = `numbering-${code}-${year}`;
    this.f = {
      code,
      year,
      generatedAt: options.generatedAt,
      committee: emptyCommittee(code),
      meetings: new Map<string, MeetingUnit>(),
      cases: new Map<string, CaseUnit>(),
      caseIds: units.caseIds,
      history: [],
      allMeetings: new Map(),
      changes: new ChangeLog(onChange),
      lastPosition: 0,
    };
    this.numbering = initialNumbering(code, year);
  }

  private onYear(caseId: string): void {
    const ci = this.f.cases.get(caseId)?.info;
    if (ci) ci.onYear = true;
  }

  add(e: RecordedEvent): void {
    const { f, committeeStreamName, numberingStreamName } = this;
    const { code, year } = f;
    const { meetingIds, caseIds } = this.units;
    const changes = f.changes;
    const onYear = (caseId: string) => this.onYear(caseId);
    f.lastPosition = Number(e.position);

    if (e.stream === committeeStreamName) {
      if (!COMMITTEE_TYPES.has(e.type)) return;
      const before = f.committee;
      f.committee = evolveCommittee(before, e as unknown as CommitteeFact);
      // A CommitteeCreated has no "before": every field is new.
      if (yearOfIso(e.metadata.at) === year) changes.record(e, 'committee', code, e.type === 'CommitteeCreated' ? undefined : committeeView(before), committeeView(f.committee));
      return;
    }

    if (e.stream === numberingStreamName) {
      if (!NUMBERING_TYPES.has(e.type)) return;
      this.numbering = evolveNumbering(this.numbering, e as unknown as NumberingFact);
      const next = numberingView(this.numberingFields, this.numbering, e as unknown as NumberingEvent);
      changes.record(e, 'numbering', numberingStreamName, this.numberingFields, next);
      this.numberingFields = next;
      return;
    }

    if (e.type === 'HistoricalDecisionRecorded') {
      const d = data(e, 'HistoricalDecisionRecorded');
      if (d.committee === code && d.year === year && e.stream.startsWith(`history-${code}-`)) {
        changes.record(e, 'history', e.stream, undefined, {
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
        f.history.push({
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
          decidedOn: d.date ?? null,
          decidedAt: null,
          decidedBy: e.metadata.actor,
          position: Number(e.position),
          source: d.source,
          ...(d.note !== undefined ? { note: d.note } : {}),
        });
      }
      return;
    }

    const meetingId = after(e.stream, 'meeting-');
    if (meetingId !== null) {
      if (e.type === 'MeetingPlanned') {
        const d = data(e, 'MeetingPlanned');
        if (d.committee === code) f.allMeetings.set(meetingId, { number: d.number, date: d.date, year: d.year });
      }
      if (!meetingIds.has(meetingId) || !MEETING_TYPES.has(e.type)) return;
      const fact = e as unknown as MeetingFact;
      if (e.type === 'MeetingPlanned') {
        const record = startMeeting(fact as MeetingPlanned & MeetingFact);
        const members = currentMembers(f.committee);
        const unit: MeetingUnit = { record, members, view: meetingView(record, members), removals: [] };
        f.meetings.set(meetingId, unit);
        changes.record(e, 'meeting', meetingId, undefined, unit.view);
        return;
      }
      const unit = f.meetings.get(meetingId);
      if (!unit) return;
      unit.record = evolveMeeting(unit.record, fact);
      switch (e.type) {
        case 'CaseAddedToAgenda':
          onYear(data(e, 'CaseAddedToAgenda').caseId);
          break;
        case 'CaseRemovedFromAgenda':
          unit.removals.push({ position: Number(e.position), eventId: e.id });
          break;
        case 'MeetingNoticed':
          unit.members = currentMembers(f.committee);
          for (const a of data(e, 'MeetingNoticed').agenda) {
            onYear(a.caseId);
            const ci = f.cases.get(a.caseId)?.info;
            if (ci && !ci.frozen) ci.yearLastNumber = a.number;
          }
          break;
        case 'MeetingOpened':
          unit.members = currentMembers(f.committee);
          break;
      }
      const view = meetingView(unit.record, unit.members);
      changes.record(e, 'meeting', meetingId, unit.view, view);
      unit.view = view;
      return;
    }

    const caseId = after(e.stream, 'case-');
    if (caseId !== null) {
      if (!CASE_TYPES.has(e.type)) return;
      const fact = e as unknown as CaseFact;
      if (e.type === 'CaseDrafted') {
        const record = startCase(fact as CaseDrafted & CaseFact);
        if (record.committee !== code) return;
        const archived = caseIds.has(caseId);
        const info: CaseInfo = {
          draftedPosition: Number(e.position),
          yearLastNumber: null,
          onYear: false,
          frozen: null,
          later: [],
          decidedBy: null,
          decidedPosition: null,
          decidedMeetingId: null,
          actors: [e.metadata.actor],
        };
        const unit: CaseUnit = { record, view: archived ? caseDoc(record) : null, info };
        f.cases.set(caseId, unit);
        if (unit.view) changes.record(e, 'case', caseId, undefined, unit.view);
        return;
      }
      const unit = f.cases.get(caseId);
      if (!unit) return;
      const before = unit.record;
      unit.record = evolveCase(before, fact);
      followYear(unit.info, e, before, unit.record, meetingIds);
      if (unit.view) {
        const view = caseDoc(unit.record);
        changes.record(e, 'case', caseId, unit.view, view);
        unit.view = view;
      }
    }
  }

  finish(): Archive {
    return assembleArchive(this.f);
  }
}

/** Folds a log (in position order: the whole log or the committee's relevant streams) into the archive of one committee's year. Returns null when the committee does not exist in the log. */
export function buildArchive(events: Iterable<RecordedEvent>, options: ArchiveOptions): Archive | null {
  const log = (Array.isArray(events) ? (events as RecordedEvent[]) : [...events]).map(upcastEvent);
  const units = new UnitSelector(options.committee, options.year);
  for (const e of log) units.add(e);
  if (!units.committeeExists) return null;
  const folder = new ArchiveFolder(options, units);
  for (const e of log) folder.add(e);
  return folder.finish();
}
