/** The read models answered by the queries: a case, a meeting (with its agenda), a summary, a history entry. */
import { votesOf } from '../case/vote.js';
import { writtenProcedureView } from '../case/written-procedure.js';
import { resolveCitations, type ResolvedCitation } from '../case/items.js';
import type { RecordedEvent } from '@saksflyt/event-store';
import { caseState, type CaseSnapshot } from '../machines/case.machine.js';
import { allowedCommands, allowedMeetingCommands } from '../machines/commands.js';
import type { Actor, CaseState } from '../machines/guard-input.js';
import { meetingState, type MeetingSnapshot } from '../machines/meeting.machine.js';
import { agendaOrder } from '../meeting/agenda.js';
import { pick } from '../case/decide.js';
import { ValidationFailed } from '../application/errors.js';
import type { AgendaItemView, CaseView, HistoryEntry, MeetingSummary, MeetingView } from '../application/types.js';
import type { Loaded, Loader } from '../core/load.js';

export function summary(s: MeetingSnapshot): MeetingSummary {
  const c = s.context;
  return {
    id: c.meetingId,
    committee: c.committee,
    number: c.number,
    year: c.year,
    date: c.date,
    state: meetingState(s),
    minutes: c.minutes,
    kind: c.kind,
    ...(c.endDate !== null ? { endDate: c.endDate } : {}),
    format: c.format,
    ...(c.cancelled ? { cancelledReason: c.cancelled.reason } : {}),
  };
}

/** A read as of a global position or a time (`metadata.at`): which events to keep. */
export function cutOff(at: { atPosition?: bigint; asOf?: string }): (e: RecordedEvent) => boolean {
  if (at.atPosition !== undefined) {
    const p = at.atPosition;
    return (e) => e.position <= p;
  }
  if (at.asOf !== undefined) {
    const t = Date.parse(at.asOf);
    if (Number.isNaN(t)) throw new ValidationFailed([{ field: 'asOf', message: 'must be an ISO 8601 time' }]);
    return (e) => Date.parse(e.metadata.at) <= t;
  }
  return () => true;
}

export function historyEntry(e: RecordedEvent): HistoryEntry {
  return {
    id: e.id,
    position: e.position,
    revision: e.revision,
    type: e.type,
    at: e.metadata.at,
    recordedAt: e.recordedAt,
    actor: e.metadata.actor,
    data: e.data,
    correlationId: e.metadata.correlationId,
    causationId: e.metadata.causationId ?? null,
    hash: e.hash ?? null,
  };
}

export async function meetingView(load: Loader, m: Loaded<MeetingSnapshot>, actor?: Actor): Promise<MeetingView> {
  const s = m.snapshot;
  const agenda: AgendaItemView[] = [];
  const states: Record<string, CaseState> = {};
  for (const a of agendaOrder(s.context.agenda)) {
    const k = (await load.case(a.caseId)).snapshot;
    states[a.caseId] = caseState(k);
    agenda.push({
      caseId: a.caseId,
      number: k.context.number ?? a.number,
      title: k.context.paper.title,
      type: k.context.paper.type,
      state: caseState(k),
      ...(a.standardItem ? { standardItem: a.standardItem } : {}),
      ...(a.late ? { late: true as const } : {}),
      ...(a.standardItem === 'minutes-approval' && (k.context.approvesMinutesOf ?? s.context.previousMeetingId)
        ? { approvesMinutesOf: (k.context.approvesMinutesOf ?? s.context.previousMeetingId)! }
        : {}),
    });
  }
  // the meeting whose minutes this one's own approval item approves (re-targeted as the calendar changed)
  const ownApproval = agenda.find((a) => a.standardItem === 'minutes-approval' && a.state !== 'withdrawn');
  const c = s.context;
  return {
    ...summary(s),
    ...(c.startTime !== null ? { startTime: c.startTime } : {}),
    ...(c.endTime !== null ? { endTime: c.endTime } : {}),
    place: c.place,
    ...(ownApproval?.approvesMinutesOf ? { previousMeetingId: ownApproval.approvesMinutesOf, ...(await previousDate(load, ownApproval.approvesMinutesOf)) } : {}),
    agenda,
    attendance: c.attendance,
    minutesApprovedBy: c.minutesApprovedBy,
    ...(c.minutesCorrections !== null ? { minutesCorrections: c.minutesCorrections } : {}),
    changes: c.changes.map((x) => ({ changes: { ...x.changes }, previous: { ...x.previous }, afterNotice: x.afterNotice, at: x.at })),
    allowedCommands: allowedMeetingCommands(s, { actor, agendaCases: states }),
    public: meetingState(s) !== 'planned',
    revision: m.revision,
    position: m.events[m.events.length - 1]!.position,
  };
}

async function previousDate(load: Loader, meetingId: string): Promise<{ previousMeetingDate?: string }> {
  try {
    return { previousMeetingDate: (await load.meeting(meetingId)).snapshot.context.date };
  } catch {
    return {};
  }
}

/** The sub-item citations among a paper's `meetsFollowUps` that resolve (case/items.ts). */
export function resolvedCitations(load: Loader, entries: readonly string[] | undefined, committee: string): Promise<ResolvedCitation[]> {
  return resolveCitations(entries, committee, (c, n) => load.catalogue.caseNumbers.get(`${c} ${n}`), async (id) => (await load.case(id)).snapshot.context.paper);
}

/** The citation texts that resolve (for the create/edit check). */
export async function citedItems(load: Loader, entries: readonly string[] | undefined, committee: string): Promise<Set<string>> {
  return new Set((await resolvedCitations(load, entries, committee)).map((r) => r.citation));
}

async function citationsOf(load: Loader, entries: readonly string[], committee: string): Promise<{ citedItems?: ResolvedCitation[] }> {
  if (!entries.length) return {};
  await load.catalogue.catchUp();
  const cited = await resolvedCitations(load, entries, committee);
  return cited.length ? { citedItems: cited } : {};
}

export async function caseView(load: Loader, k: Loaded<CaseSnapshot>, actor?: Actor, keep?: (e: RecordedEvent) => boolean): Promise<CaseView> {
  const s = k.snapshot;
  const c = s.context;
  const own = await load.ownMeeting(s, keep);
  return {
    id: c.caseId,
    committee: c.committee,
    number: c.number,
    title: c.paper.title,
    type: c.paper.type,
    state: caseState(s),
    proposedResolution: c.paper.proposedResolution,
    resolution: c.decision?.resolution ?? null,
    conditions: c.decision?.conditions ?? null,
    input: c.decision?.input ?? [],
    meetingId: c.meetingId,
    matterId: c.matterId,
    revision: k.revision,
    position: k.events[k.events.length - 1]!.position,
    allowedCommands: allowedCommands(s, { actor, meeting: own?.facts, previousMeeting: own?.previous?.facts }),
    recorded: !!own && own.loaded.snapshot.context.minutes === 'approved',
    meetingState: own?.facts.state ?? null,
    public: k.events.some((e) => e.type === 'CaseNumbered' || e.type === 'WrittenProcedureOpened'),
    ...pick(c.paper, ['background', 'purpose', 'caseOfficer', 'responsible']),
    projectIds: c.paper.projectIds,
    meetsFollowUps: c.paper.meetsFollowUps,
    ...(c.standardItem ? { standardItem: c.standardItem } : {}),
    ...(c.referredFromCaseId ? { referredFromCaseId: c.referredFromCaseId } : {}),
    presenter: c.presenter,
    discussion: c.discussions.map((d) => ({ summary: d.summary, points: d.points, followUps: d.followUps })),
    referrals: c.referrals.map((r) => ({ toCommittee: r.toCommittee, type: r.type, referredCaseId: r.referredCaseId })),
    withdrawnReason: c.withdrawal?.reason ?? null,
    postponedFrom: c.postponements.map((p) => p.meetingId),
    exemption: c.paper.exemption ? { basis: c.paper.exemption.basis } : null,
    attachments: (c.attachments ?? []).map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, addedAt: a.at })),
    ...(c.standardItem === 'minutes-approval' && (c.approvesMinutesOf ?? own?.loaded.snapshot.context.previousMeetingId)
      ? { approvesMinutesOf: (c.approvesMinutesOf ?? own?.loaded.snapshot.context.previousMeetingId)! }
      : {}),
    ...(c.decision?.corrections !== undefined ? { corrections: c.decision.corrections } : {}),
    ...(c.decision?.dissent.length ? { dissent: c.decision.dissent } : {}),
    ...(c.vote ? { votes: votesOf(c.vote) } : {}),
    ...(c.referral ? { referral: c.referral } : {}),
    ...(c.paper.items?.length ? { items: c.paper.items } : {}),
    ...(c.decision?.items?.length ? { itemResolutions: c.decision.items } : {}),
    ...(await citationsOf(load, c.paper.meetsFollowUps, c.committee)),
    ...(c.writtenProcedure ? { writtenProcedure: writtenProcedureView(c.writtenProcedure) } : {}),
  };
}
