/**
 * `evolveCase(state, event) → state`: the one fold of a case stream. Pure and total: every case
 * event type is handled in every status, and a fact that does not fit the current status (which
 * the machine would not have decided) still updates what it says; nothing throws, a recorded
 * fact is never refused. The status after a fact is `CASE_TARGETS` (lifecycle.ts), the table the
 * machine's targets are built from.
 *
 * Where the four earlier folds (machine, projections, archive, documents) disagreed, the truth
 * chosen here (each with its reason at the event):
 * - CasePostponed keeps the discussion (machine, archive; the projection cleared it): the minutes
 *   of the meeting it was postponed from show "any discussion recorded before it was postponed"
 *   (API.md), so each discussion names its meeting and a later meeting shows only its own.
 * - CaseWithdrawn keeps `meetingId` and `number` (machine; projection and archive cleared both):
 *   after notice a withdrawn case stays on the frozen agenda and the minutes list it "with its
 *   number and the reason"; the case read answers its meeting's state. `withdrawal` also names
 *   the meeting and number, so a view that lists only live cases maps `meetingId` to null.
 * - CaseNumbered sets `meetingId` as well as `number` (projection, archive; the machine only the
 *   number): the fact names the meeting that numbered it.
 * - CasePaperEdited applies every paper field (machine, archive, documents; the projection kept
 *   only title, type, proposedResolution, projectIds and meetsFollowUps).
 * - CaseScheduled clears `number` (machine; projection and archive kept it): a number belongs to
 *   one meeting's notice. (A draft case never has one, so only an odd stream tells the difference.)
 */
import type { AmendedFields, CaseDrafted, CaseEvent, CasePaper } from '../events.js';
import { stampOf, type Stamp, type Stamped } from '../core/fact.js';
import { CASE_INITIAL, CASE_TARGETS } from './lifecycle.js';
import type { CaseDiscussion, CaseRecord } from './state.js';

export type CaseFact = Stamped<CaseEvent>;

function paperOf(d: CaseDrafted['data']): CasePaper {
  const paper: CasePaper = {
    title: d.title,
    type: d.type,
    proposedResolution: d.proposedResolution,
    projectIds: d.projectIds ?? [],
    meetsFollowUps: d.meetsFollowUps ?? [],
  };
  for (const k of ['background', 'purpose', 'caseOfficer', 'responsible'] as const) if (d[k] !== undefined) paper[k] = d[k];
  if (d.exemption) paper.exemption = { basis: d.exemption.basis };
  if (d.items !== undefined) paper.items = d.items;
  return paper;
}

/** The case right after `CaseDrafted`. */
export function startCase(e: Stamped<CaseDrafted>): CaseRecord {
  const d = e.data;
  return {
    status: CASE_INITIAL,
    caseId: d.caseId,
    committee: d.committee,
    matterId: d.matterId,
    paper: paperOf(d),
    standardItem: d.standardItem ?? null,
    referredFromCaseId: d.referredFromCaseId ?? null,
    drafted: stampOf(e),
    meetingId: null,
    lastMeetingId: null,
    number: null,
    lastNumber: null,
    presenter: null,
    discussions: [],
    decision: null,
    postponements: [],
    unschedulings: [],
    referrals: [],
    withdrawal: null,
    amendments: [],
    attachments: [],
    approvesMinutesOf: d.approvesMinutesOf ?? null,
    vote: null,
    referral: d.referral ?? null,
    writtenProcedure: null,
  };
}

/** The fields `DecisionAmended` may replace, in the order they are named. */
export const AMENDABLE_FIELDS = ['resolution', 'conditions', 'summary', 'points', 'input'] as const satisfies readonly (keyof AmendedFields)[];

/**
 * The discussion at `meetingId` as amended: the new summary (points) on its last record there and
 * none on the earlier ones (the minutes show the last summary and every point); a case never
 * discussed there gets one record.
 */
function amendDiscussions(list: readonly CaseDiscussion[], meetingId: string | null, d: AmendedFields, stamp: ReturnType<typeof stampOf>): CaseDiscussion[] {
  let last = -1;
  list.forEach((x, i) => {
    if (x.meetingId === meetingId) last = i;
  });
  if (last < 0) return [...list, { meetingId, ...(d.summary !== undefined ? { summary: d.summary } : {}), points: d.points ?? [], followUps: [], ...stamp }];
  return list.map((x, i) => {
    if (x.meetingId !== meetingId) return x;
    const { summary, ...rest } = x;
    const out: CaseDiscussion = { ...rest, points: d.points === undefined ? x.points : i === last ? d.points : [] };
    const keep = d.summary === undefined ? summary : i === last ? d.summary : undefined;
    if (keep !== undefined) out.summary = keep;
    return out;
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What the fact says, apart from the status. */
function apply(s: CaseRecord, e: CaseFact): CaseRecord {
  const stamp = stampOf(e);
  switch (e.type) {
    case 'CaseDrafted': {
      // Only ever the first event (startCase); a second one restates the paper and identity.
      const fresh = startCase(e);
      return { ...s, caseId: fresh.caseId, committee: fresh.committee, matterId: fresh.matterId, paper: fresh.paper, standardItem: fresh.standardItem, referredFromCaseId: fresh.referredFromCaseId, approvesMinutesOf: fresh.approvesMinutesOf, referral: fresh.referral };
    }
    case 'CasePaperEdited':
      return { ...s, paper: { ...s.paper, ...stripUndefined(e.data.changes ?? {}) } };
    case 'CaseScheduled':
      return { ...s, meetingId: e.data.meetingId, number: null };
    case 'CaseUnscheduled':
      return {
        ...s,
        meetingId: null,
        number: null,
        unschedulings: [...s.unschedulings, { meetingId: e.data.meetingId || (s.meetingId ?? ''), reason: e.data.reason, ...stamp }],
      };
    case 'CaseNumbered':
      return { ...s, number: e.data.number, lastNumber: e.data.number, meetingId: e.data.meetingId || s.meetingId };
    case 'CasePresented':
      return { ...s, presenter: e.data.presenter };
    case 'DiscussionRecorded':
      return {
        ...s,
        discussions: [
          ...s.discussions,
          { meetingId: s.meetingId ?? s.lastMeetingId, summary: e.data.summary, points: e.data.points ?? [], followUps: e.data.followUps ?? [], ...stamp },
        ],
      };
    case 'ResolutionEndorsed':
      return {
        ...s,
        decision: {
          outcome: 'endorsement',
          resolution: e.data.resolution,
          conditions: e.data.conditions ?? null,
          input: [],
          ...(e.data.corrections !== undefined ? { corrections: e.data.corrections } : {}),
          meetingId: s.meetingId ?? s.lastMeetingId,
          dissent: e.data.dissent ?? [],
          items: e.data.items ?? [],
          writtenProcedure: e.data.writtenProcedure ?? null,
          ...stamp,
        },
        ...concluded(s, stamp),
      };
    case 'CaseNoted':
      return {
        ...s,
        decision: { outcome: 'orientation', resolution: e.data.resolution, conditions: null, input: e.data.input ?? [], meetingId: s.meetingId ?? s.lastMeetingId, dissent: e.data.dissent ?? [], items: e.data.items ?? [], writtenProcedure: e.data.writtenProcedure ?? null, ...stamp },
        ...concluded(s, stamp),
      };
    case 'CasePostponed':
      // Off the agenda, back to draft; the number given at notice and the presenter are lost,
      // the discussions are kept (each names its meeting).
      return {
        ...s,
        meetingId: null,
        number: null,
        presenter: null,
        postponements: [...s.postponements, { meetingId: e.data.meetingId || (s.meetingId ?? ''), numberLost: s.number, reason: e.data.reason, presenter: s.presenter, ...stamp }],
      };
    case 'CaseReferred':
      return {
        ...s,
        referrals: [
          ...s.referrals,
          { toCommittee: e.data.toCommittee, type: e.data.type, referredCaseId: e.data.referredCaseId, ...(e.data.reason !== undefined ? { reason: e.data.reason } : {}), meetingId: s.meetingId ?? s.lastMeetingId, ...stamp },
        ],
      };
    case 'CaseWithdrawn':
      // Meeting and number kept (see the header): the withdrawal names them too.
      return { ...s, withdrawal: { reason: e.data.reason, meetingId: s.meetingId, number: s.number, ...stamp } };
    case 'DecisionAmended': {
      // The named fields replaced (the earlier texts stay in the stream: history keeps both).
      const d = e.data;
      const fields = AMENDABLE_FIELDS.filter((k) => d[k] !== undefined);
      const decision = s.decision && {
        ...s.decision,
        ...(d.resolution !== undefined ? { resolution: d.resolution } : {}),
        ...(d.conditions !== undefined ? { conditions: d.conditions === '' ? null : d.conditions } : {}),
        ...(d.input !== undefined ? { input: d.input } : {}),
      };
      const discussions = d.summary !== undefined || d.points !== undefined ? amendDiscussions(s.discussions, s.decision?.meetingId ?? s.meetingId, d, stamp) : s.discussions;
      return { ...s, decision, discussions, amendments: [...(s.amendments ?? []), { reason: d.reason, fields, ...stamp }] };
    }
    case 'AttachmentAdded': {
      const d = e.data;
      const rest = (s.attachments ?? []).filter((a) => a.id !== d.attachmentId);
      return { ...s, attachments: [...rest, { id: d.attachmentId, filename: d.filename, contentType: d.contentType, size: d.size, sha256: d.sha256, ...stamp }] };
    }
    case 'AttachmentRemoved':
      return { ...s, attachments: (s.attachments ?? []).filter((a) => a.id !== e.data.attachmentId) };
    case 'MinutesApprovalRetargeted':
      return { ...s, approvesMinutesOf: e.data.approvesMinutesOf, paper: { ...s.paper, title: e.data.title, proposedResolution: e.data.proposedResolution } };
    case 'WrittenProcedureOpened':
      return { ...s, number: e.data.number, lastNumber: e.data.number, writtenProcedure: { deadline: e.data.deadline, answers: [], concluded: null, ...stamp } };
    case 'WrittenProcedureAnswered': {
      const w = s.writtenProcedure ?? { deadline: '', answers: [], concluded: null, at: null, actor: null };
      const answer = { ...e.data, ...stamp };
      const i = w.answers.findIndex((a) => a.memberId === e.data.memberId);
      const answers = i < 0 ? [...w.answers, answer] : w.answers.map((a, j) => (j === i ? answer : a));
      return { ...s, writtenProcedure: { ...w, answers } };
    }
    case 'VoteRecorded':
      return { ...s, vote: { meetingId: e.data.meetingId || (s.meetingId ?? ''), for: e.data.for ?? [], against: e.data.against ?? [], abstained: e.data.abstained ?? [], ...stamp } };
    default:
      return s; // not a case event: nothing this record says changes
  }
}

/** A decision concludes an open written procedure. */
function concluded(s: CaseRecord, stamp: Stamp): Partial<CaseRecord> {
  return s.writtenProcedure && !s.writtenProcedure.concluded ? { writtenProcedure: { ...s.writtenProcedure, concluded: stamp } } : {};
}

export function evolveCase(s: CaseRecord, e: CaseFact): CaseRecord {
  const next = apply(s, e);
  const status = CASE_TARGETS[e.type] ?? next.status;
  const lastMeetingId = next.meetingId ?? next.lastMeetingId;
  if (status === next.status && lastMeetingId === next.lastMeetingId) return next;
  if (next === s) return { ...s, status, lastMeetingId };
  // `next` is this call's own fresh copy (apply copies for every case event): set the two fields
  // on it instead of copying the record a second time (the rebuild folds every case event).
  next.status = status;
  next.lastMeetingId = lastMeetingId;
  return next;
}
