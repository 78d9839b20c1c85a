/**
 * A small, rule-following writer of domain-shaped events, for the projection tests and the rebuild
 * benchmark (not the workflow engine: it trusts its caller and checks only what keeps its own
 * bookkeeping sound). Events are collected in order and appended to a real store with `appendTo`.
 */
import type { EventStore, NewEvent } from '@saksflyt/event-store';
import { agendaOrder, type CaseStatus, type CaseType, type MeetingStatus, type StandardItem } from '@saksflyt/workflow';

export interface WorldCase {
  id: string;
  committee: string;
  title: string;
  type: CaseType;
  state: CaseStatus;
  meetingId: string | null;
  standardItem?: StandardItem;
  meetsFollowUps: string[];
  projectIds: string[];
}

export interface WorldMeeting {
  id: string;
  committee: string;
  number: string;
  year: number;
  date: string;
  state: MeetingStatus;
  agenda: { caseId: string; standardItem?: StandardItem }[];
  previousMeetingId?: string;
  minutesApproved: boolean;
}

export class World {
  readonly events: { stream: string; event: NewEvent }[] = [];
  readonly cases = new Map<string, WorldCase>();
  readonly meetings = new Map<string, WorldMeeting>();
  readonly committees = new Map<string, { members: string[]; lastMeetingId?: string; lastMeetingDate?: string }>();
  readonly followUps: string[] = [];
  readonly projects: string[] = [];
  private readonly numbering = new Map<string, { meeting: number; case: number }>();
  private clock: number;
  private ids = 0;

  constructor(start = '2018-01-01T09:00:00Z', private readonly actor = 'Anita Lindholt') {
    this.clock = Date.parse(start);
  }

  /** Deterministic ids (uuid-shaped), so two runs of one script write the same events. */
  id(): string {
    this.ids++;
    return `00000000-0000-4000-8000-${this.ids.toString(16).padStart(12, '0')}`;
  }

  /** The next event's time; `advance` moves the clock (ms). */
  now(): string {
    return new Date(this.clock).toISOString();
  }
  advance(ms: number): void {
    this.clock += ms;
  }

  private emit(stream: string, type: string, data: Record<string, unknown>): void {
    this.clock += 60_000;
    this.events.push({
      stream,
      event: { type, data: { v: 1, ...data }, metadata: { actor: this.actor, correlationId: `c-${this.events.length}`, causationId: null, at: this.now() } },
    });
  }

  createCommittee(code: string, name: string): void {
    this.committees.set(code, { members: [] });
    this.emit(`committee-${code}`, 'CommitteeCreated', { code, name });
  }

  join(code: string, name: string, organisation: string, role: 'chair' | 'member' | 'observer' = 'member'): string {
    const memberId = this.id();
    this.committees.get(code)!.members.push(memberId);
    this.emit(`committee-${code}`, 'MemberJoined', { memberId, name, organisation, role });
    return memberId;
  }

  leave(code: string, memberId: string): void {
    const c = this.committees.get(code)!;
    c.members = c.members.filter((m) => m !== memberId);
    this.emit(`committee-${code}`, 'MemberLeft', { memberId });
  }

  private counters(code: string, year: number) {
    const key = `${code}-${year}`;
    let n = this.numbering.get(key);
    if (!n) this.numbering.set(key, (n = { meeting: 1, case: 1 }));
    return n;
  }

  continueNumbering(code: string, year: number, nextMeetingNumber: number, nextCaseNumber: number): void {
    const n = this.counters(code, year);
    n.meeting = nextMeetingNumber;
    n.case = nextCaseNumber;
    this.emit(`numbering-${code}-${year}`, 'NumberingContinued', { committee: code, year, nextMeetingNumber, nextCaseNumber });
  }

  planMeeting(code: string, date: string, place: string, startTime?: string, endTime?: string): string {
    const meetingId = this.id();
    const year = Number(date.slice(0, 4));
    const n = this.counters(code, year);
    const number = `${n.meeting++}/${year}`;
    const c = this.committees.get(code)!;
    this.emit(`numbering-${code}-${year}`, 'MeetingNumberAssigned', { meetingId, number, seq: Number(number.split('/')[0]) });
    const previous = c.lastMeetingId;
    this.emit(`meeting-${meetingId}`, 'MeetingPlanned', {
      meetingId,
      committee: code,
      number,
      year,
      date,
      ...(startTime ? { startTime } : {}),
      ...(endTime ? { endTime } : {}),
      place,
      ...(previous ? { previousMeetingId: previous, previousMeetingDate: c.lastMeetingDate } : {}),
    });
    this.meetings.set(meetingId, { id: meetingId, committee: code, number, year, date, state: 'planned', agenda: [], previousMeetingId: previous, minutesApproved: false });
    c.lastMeetingId = meetingId;
    c.lastMeetingDate = date;
    const dd = (d: string) => `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`;
    this.standard(code, meetingId, 'notice-approval', 'Godkjenning av innkalling og dagsorden', 'approval');
    if (previous) this.standard(code, meetingId, 'minutes-approval', `Godkjenning av referat fra møtet ${dd(this.meetings.get(previous)!.date)}`, 'approval');
    this.standard(code, meetingId, 'any-other-business', 'Eventuelt', 'orientation');
    return meetingId;
  }

  private standard(code: string, meetingId: string, standardItem: StandardItem, title: string, type: CaseType): void {
    const caseId = this.draftCase(code, { title, type, proposedResolution: type === 'approval' ? `${title} godkjennes.` : '' }, standardItem);
    this.schedule(caseId, meetingId);
  }

  draftCase(
    code: string,
    paper: { title: string; type: CaseType; proposedResolution: string; projectIds?: string[]; meetsFollowUps?: string[] },
    standardItem?: StandardItem,
  ): string {
    const caseId = this.id();
    this.emit(`case-${caseId}`, 'CaseDrafted', {
      caseId,
      committee: code,
      matterId: caseId,
      title: paper.title,
      type: paper.type,
      proposedResolution: paper.proposedResolution,
      projectIds: paper.projectIds ?? [],
      meetsFollowUps: paper.meetsFollowUps ?? [],
      ...(standardItem ? { standardItem } : {}),
    });
    this.cases.set(caseId, {
      id: caseId, committee: code, title: paper.title, type: paper.type, state: 'draft', meetingId: null, standardItem,
      meetsFollowUps: paper.meetsFollowUps ?? [], projectIds: paper.projectIds ?? [],
    });
    return caseId;
  }

  editTitle(caseId: string, title: string): void {
    this.cases.get(caseId)!.title = title;
    this.emit(`case-${caseId}`, 'CasePaperEdited', { changes: { title } });
  }

  schedule(caseId: string, meetingId: string): void {
    const c = this.cases.get(caseId)!;
    const m = this.meetings.get(meetingId)!;
    c.state = 'scheduled';
    c.meetingId = meetingId;
    m.agenda.push({ caseId, standardItem: c.standardItem });
    this.emit(`case-${caseId}`, 'CaseScheduled', { meetingId });
    this.emit(`meeting-${meetingId}`, 'CaseAddedToAgenda', { caseId, ...(c.standardItem ? { standardItem: c.standardItem } : {}) });
  }

  unschedule(caseId: string): void {
    const c = this.cases.get(caseId)!;
    const m = this.meetings.get(c.meetingId!)!;
    m.agenda = m.agenda.filter((a) => a.caseId !== caseId);
    this.emit(`case-${caseId}`, 'CaseUnscheduled', { meetingId: m.id, reason: 'ikke klar' });
    this.emit(`meeting-${m.id}`, 'CaseRemovedFromAgenda', { caseId, reason: 'ikke klar', why: 'unscheduled' });
    c.state = 'draft';
    c.meetingId = null;
  }

  notice(meetingId: string): void {
    const m = this.meetings.get(meetingId)!;
    m.agenda = agendaOrder(m.agenda);
    const n = this.counters(m.committee, m.year);
    const yy = String(m.year).slice(2);
    const numbers = m.agenda.map((a) => ({ caseId: a.caseId, number: `${n.case}/${yy}`, seq: n.case++ }));
    this.emit(`numbering-${m.committee}-${m.year}`, 'CaseNumbersAssigned', { meetingId, numbers });
    this.emit(`meeting-${meetingId}`, 'MeetingNoticed', { agenda: numbers.map(({ caseId, number }) => ({ caseId, number })) });
    for (const x of numbers) this.emit(`case-${x.caseId}`, 'CaseNumbered', { meetingId, number: x.number });
    m.state = 'noticed';
  }

  open(meetingId: string, present?: string[], absent: string[] = [], guests: string[] = []): void {
    const m = this.meetings.get(meetingId)!;
    this.emit(`meeting-${meetingId}`, 'MeetingOpened', { present: present ?? this.committees.get(m.committee)!.members, absent, guests });
    m.state = 'in_session';
  }

  present(caseId: string, presenter: string): void {
    this.cases.get(caseId)!.state = 'discussion';
    this.emit(`case-${caseId}`, 'CasePresented', { presenter });
  }

  discuss(caseId: string, summary: string | undefined, points: string[], followUpTexts: string[] = []): string[] {
    const followUps = followUpTexts.map((text) => ({ id: this.id(), text }));
    this.followUps.push(...followUps.map((f) => f.id));
    this.emit(`case-${caseId}`, 'DiscussionRecorded', { ...(summary !== undefined ? { summary } : {}), points, followUps });
    return followUps.map((f) => f.id);
  }

  endorse(caseId: string, resolution: string, conditions?: string): void {
    const c = this.cases.get(caseId)!;
    c.state = 'endorsement';
    this.emit(`case-${caseId}`, 'ResolutionEndorsed', { resolution, ...(conditions ? { conditions } : {}) });
    this.afterDecision(c);
  }

  note(caseId: string, resolution: string, input: string[] = []): void {
    const c = this.cases.get(caseId)!;
    c.state = 'orientation';
    this.emit(`case-${caseId}`, 'CaseNoted', { resolution, input });
    this.afterDecision(c);
  }

  private afterDecision(c: WorldCase): void {
    if (c.standardItem !== 'minutes-approval' || c.state !== 'endorsement') return;
    const m = this.meetings.get(c.meetingId!)!;
    const prev = m.previousMeetingId ? this.meetings.get(m.previousMeetingId) : undefined;
    if (!prev || prev.minutesApproved) return;
    prev.minutesApproved = true;
    this.emit(`meeting-${prev.id}`, 'MinutesApproved', { byCaseId: c.id, byMeetingId: m.id });
  }

  postpone(caseId: string): void {
    const c = this.cases.get(caseId)!;
    const m = this.meetings.get(c.meetingId!)!;
    m.agenda = m.agenda.filter((a) => a.caseId !== caseId);
    this.emit(`case-${caseId}`, 'CasePostponed', { meetingId: m.id, reason: 'utsatt' });
    this.emit(`meeting-${m.id}`, 'CaseRemovedFromAgenda', { caseId, reason: 'utsatt', why: 'postponed' });
    c.state = 'draft';
    c.meetingId = null;
  }

  withdraw(caseId: string): void {
    const c = this.cases.get(caseId)!;
    this.emit(`case-${caseId}`, 'CaseWithdrawn', { reason: 'trukket' });
    if (c.meetingId) {
      const m = this.meetings.get(c.meetingId)!;
      m.agenda = m.agenda.filter((a) => a.caseId !== caseId);
      this.emit(`meeting-${m.id}`, 'CaseRemovedFromAgenda', { caseId, reason: 'trukket', why: 'withdrawn' });
    }
    c.state = 'withdrawn';
    c.meetingId = null;
  }

  adjourn(meetingId: string): void {
    this.meetings.get(meetingId)!.state = 'held';
    this.emit(`meeting-${meetingId}`, 'MeetingAdjourned', {});
  }

  registerProject(id: string, name: string, owner: string, phase?: string, status?: string): void {
    this.projects.push(id);
    this.emit(`project-${id}`, 'ProjectRegistered', { id, name, owner, ...(phase ? { phase } : {}), ...(status ? { status } : {}) });
  }

  reportStatus(id: string, report: { phase?: string; status?: string; risk?: string; note: string }): void {
    this.emit(`project-${id}`, 'ProjectStatusReported', report);
  }

  /**
   * Appends the events with index in [from, to), in order (concurrently in windows: the group commit
   * keeps call order); returns the last position written (0n when none).
   */
  async appendTo(store: EventStore, from = 0, window = 256, to = this.events.length): Promise<bigint> {
    let last = 0n;
    for (let i = from; i < to; i += window) {
      const slice = this.events.slice(i, Math.min(i + window, to));
      const results = await Promise.all(slice.map((e) => store.append(e.stream, [e.event], { expectedRevision: 'any' })));
      for (const r of results) if (r.position > last) last = r.position;
    }
    return last;
  }
}
