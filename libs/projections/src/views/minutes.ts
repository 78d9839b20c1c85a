/**
 * Minutes (referat) per meeting: header, members and observers at the meeting, attendance, and per
 * case in agenda order the number, title, type, presenter, summary, points, vedtak, conditions,
 * input points and follow-ups; `status` draft until the next meeting approves them (`approvedOn`:
 * that meeting's date; `approvedAt`: when it was recorded).
 *
 * Every case that stood on the noticed agenda is listed (API.md "What the minutes and the register
 * hold"): a case postponed after notice keeps its place and number, marked `postponed` with the
 * reason and the discussion recorded here before; a case withdrawn after notice has its number and
 * `withdrawn`; referrals made from here are `referrals` (*Oversendt til*). A case taken off before
 * notice never stood on it. An item is built by `minutesItem` from the case record and this
 * meeting: per-item extras (late case, amended, votes, dissent, sub-items) are optional fields
 * added there.
 *
 * Documents: `committee`, `meeting`, `case`; the minutes are rendered from them when read (query,
 * and `rows` for the live feed `/api/live/meetings/{id}`), so an event writes only what it changed.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import { numberAttachments, votesOf, type AgendaRemoval, type CaseType, type Dissent, type ReferralCarried, type StandardItem, type VotesView } from '@saksflyt/workflow';
import type { DocChange, DocReader, DocStore, Projection } from '../runner/types.js';
import { itemsOf, writtenListedAt, writtenProceduresFor, type MinutesItem, type WrittenMinutesCase } from './items.js';
import {
  approvedBy,
  caseMeetingId,
  discussionAt,
  seqOf,
  caseNumber,
  trackCase,
  trackCommittee,
  trackMeeting,
  type CaseDoc,
  type CaseState,
  type CommitteeDoc,
  type MeetingDoc,
  type MeetingState,
  type MemberDoc,
  COMMITTEE_TYPES,
  MEETING_TYPES,
  CASE_TYPES,
} from './common.js';

export interface MinutesCase {
  caseId: string;
  /** The number it had on this meeting's agenda (also when it was postponed or withdrawn after notice). */
  number: string | null;
  title: string;
  type: CaseType;
  standardItem: StandardItem | null;
  /** The case's status now (a case postponed from this meeting may be on a later one by now). */
  state: CaseState;
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
  /** *Utsatt*: postponed at this meeting after notice, with the reason (its discussion here is kept above). */
  postponed: { reason: string } | null;
  /** Withdrawn at this meeting after notice, with the reason. */
  withdrawn: { reason: string } | null;
  /** *Oversendt til {committee}*: the referrals made from this meeting, in order. */
  referrals: { committee: string; committeeName: string; caseId: string; type: CaseType }[];
  /** A late case (tilleggssak): scheduled after notice. */
  late?: true;
  /** The vedtak or discussion was amended before the minutes were approved (the texts above are the amended ones). */
  amended?: true;
  /** Each amendment: why and when (oldest first); only on an amended case. */
  amendments?: { reason: string; at: string | null; fields: string[] }[];
  /** Unntatt offentlighet (null: public); the api's redaction empties the paper and discussion for readers outside the committee. */
  exemption: { basis: string } | null;
  /** The approval of minutes endorsed with corrections (printed under the item). */
  corrections: string | null;
  /** Votering: the latest vote's tally and names (only when a vote was taken). */
  votes?: VotesView;
  /** Dissens with the vedtak: name, organisation and text (only when recorded). */
  dissent?: Dissent[];
  /** Numbered sub-items (NR. 1…) with their own vedtak where one was given (only when the paper has them). */
  items?: MinutesItem[];
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
  /** When the approval was recorded (the event's time). */
  approvedAt: string | null;
  /** The date of the meeting that approved them (its minutes-approval item's meeting). */
  approvedOn: string | null;
  approvedBy: { caseId: string; meetingId: string } | null;
  /** Chair and members of the committee at the meeting. */
  members: MemberDoc[];
  observers: MemberDoc[];
  /** Vara: the committee's deputies (each with `deputyFor`, the member they stand in for). */
  deputies: MemberDoc[];
  attendance: MinutesAttendance | null;
  cases: MinutesCase[];
  kind: 'ordinary' | 'extraordinary';
  endDate: string | null;
  format: 'physical' | 'webinar' | 'hybrid';
  cancelledReason: string | null;
  /** The changes made after notice (endret innkalling), oldest first: field → [before, after]. */
  noticeChanges: { field: string; from: string | null; to: string }[];
  /** Godkjent med merknader: the corrections made when these minutes were approved. */
  approvedWithCorrections: string | null;
  /** Saker behandlet ved skriftlig behandling: written procedures concluded since (listed at the committee's next meeting). */
  writtenProcedures?: WrittenMinutesCase[];
}

/**
 * One item of the minutes: a case as it stood on this meeting's agenda. `left` is set when it left
 * the agenda after notice (postponed, with the number it had here); a case withdrawn after notice
 * stays on the agenda (its `withdrawal` names this meeting).
 */
export interface MinutesItemAt {
  docs: DocReader;
  meeting: MeetingDoc;
  case: CaseDoc;
  left: AgendaRemoval | null;
  /** On this agenda as a late case (tilleggssak). */
  late?: boolean;
}

/**
 * The noticed agenda as it stood: the agenda now, with every case that left it after notice (it had
 * a number here) put back in its place by number (numbers are given in agenda order at notice, and
 * a late case gets the next one). Before notice: the agenda as it is.
 */
export function standingAgenda(m: MeetingDoc): { caseId: string; left: AgendaRemoval | null; late: boolean }[] {
  const items: { caseId: string; left: AgendaRemoval | null; late: boolean; seq: number; aob: boolean }[] = m.agenda.map((a) => ({
    caseId: a.caseId,
    left: null,
    late: a.late === true,
    seq: a.number ? seqOf(a.number) : Infinity,
    aob: a.standardItem === 'any-other-business',
  }));
  for (const r of m.removed) {
    if (r.number === null) continue; // taken off before notice: never on the noticed agenda
    const seq = seqOf(r.number);
    let at = items.findIndex((x) => x.seq > seq);
    if (at < 0) at = items.length;
    // a late case (numbered after Eventuelt) stood before it
    while (at > 0 && items[at - 1]!.aob && r.standardItem !== 'any-other-business') at--;
    items.splice(at, 0, { caseId: r.caseId, left: r, late: false, seq, aob: r.standardItem === 'any-other-business' });
  }
  return items.map(({ caseId, left, late }) => ({ caseId, left, late }));
}

/** The minutes' item of a case at this meeting (see `MinutesItemAt`); per-item extras are added here, as optional fields. */
export function minutesItem({ docs, meeting, case: c, left, late }: MinutesItemAt): MinutesCase {
  const here = meeting.meetingId;
  const postponement = left?.why === 'postponed' ? [...c.postponements].reverse().find((p) => p.meetingId === here) : undefined;
  const withdrawnHere = !left && c.status === 'withdrawn' && c.withdrawal?.meetingId === here ? c.withdrawal : null;
  const decided = !left && c.decision && (c.decision.meetingId ?? here) === here ? c.decision : null;
  const { summary, points, followUps } = discussionAt(c, here);
  const amendments = left ? [] : (c.amendments ?? []);
  return {
    caseId: c.caseId,
    number: left ? left.number : withdrawnHere ? withdrawnHere.number : caseNumber(c),
    title: c.paper.title,
    type: c.paper.type,
    standardItem: c.standardItem,
    state: c.status,
    proposedResolution: c.paper.proposedResolution,
    presenter: left ? (postponement?.presenter ?? null) : c.presenter,
    summary,
    points,
    input: decided?.input ?? [],
    outcome: decided?.outcome ?? null,
    resolution: decided?.resolution ?? null,
    conditions: decided?.conditions ?? null,
    followUps,
    postponed: left?.why === 'postponed' ? { reason: left.reason } : null,
    withdrawn: withdrawnHere ? { reason: withdrawnHere.reason } : left?.why === 'withdrawn' ? { reason: left.reason } : null,
    referrals: left
      ? []
      : c.referrals
          .filter((r) => (r.meetingId ?? here) === here)
          .map((r) => ({ committee: r.toCommittee, committeeName: docs.get<CommitteeDoc>('committee', r.toCommittee)?.name ?? r.toCommittee, caseId: r.referredCaseId, type: r.type })),
    ...(late ? { late: true as const } : {}),
    ...(amendments.length ? { amended: true as const, amendments: amendments.map((a) => ({ reason: a.reason, at: a.at, fields: [...a.fields] })) } : {}),
    exemption: c.paper.exemption ? { basis: c.paper.exemption.basis } : null,
    corrections: left ? null : (c.decision?.corrections ?? null),
    ...(!left && c.vote && c.vote.meetingId === here ? { votes: votesOf(c.vote) } : {}),
    ...(decided?.dissent?.length ? { dissent: decided.dissent } : {}),
    ...(itemsOf(c) ? { items: itemsOf(c) } : {}),
  };
}

/** One person present: `remote` when they took part remotely, `standingInFor` (a member id) for a deputy present for a member who was not. */
export type Attendee = MemberDoc & { remote?: true; standingInFor?: string };

/** Who was there (Medlemmer til stede, Forfall, Vara, Observatører, Gjester, Sekretariat). */
export interface MinutesAttendance {
  present: Attendee[];
  absent: MemberDoc[];
  guests: string[];
  /** Names of the secretariat's staff present. */
  secretariat: string[];
}

function attendanceOf(m: MeetingDoc, person: (id: string) => MemberDoc): MinutesAttendance | null {
  const a = m.attendance;
  if (!a) return null;
  const remote = new Set(a.remote ?? []);
  const standing = new Map((a.standingIn ?? []).map((x) => [x.deputy, x.for]));
  return {
    present: a.present.map((id): Attendee => ({ ...person(id), ...(remote.has(id) ? { remote: true as const } : {}), ...(standing.has(id) ? { standingInFor: standing.get(id)! } : {}) })),
    absent: a.absent.map(person),
    guests: a.guests,
    secretariat: a.secretariat ?? [],
  };
}

function render(docs: DocReader, m: MeetingDoc): Minutes {
  const committee = docs.get<CommitteeDoc>('committee', m.committee);
  const byId = new Map(m.members.map((x) => [x.id, x]));
  const person = (id: string): MemberDoc => byId.get(id) ?? { id, name: id, organisation: '', role: 'member' };
  const cases: MinutesCase[] = [];
  for (const { caseId, left, late } of standingAgenda(m)) {
    const c = docs.get<CaseDoc>('case', caseId);
    if (c) cases.push(minutesItem({ docs, meeting: m, case: c, left, late }));
  }
  const approved = approvedBy(m);
  return {
    meetingId: m.meetingId,
    committee: m.committee,
    committeeName: committee?.name ?? m.committee,
    number: m.number,
    date: m.date,
    startTime: m.startTime,
    endTime: m.endTime,
    place: m.place,
    state: m.status,
    status: m.minutesApprovedAt ? 'approved' : 'draft',
    approvedAt: m.minutesApprovedAt,
    approvedOn: approved ? (docs.get<MeetingDoc>('meeting', approved.meetingId)?.date ?? null) : null,
    approvedBy: approved,
    members: m.members.filter((x) => x.role === 'chair' || x.role === 'member'),
    observers: m.members.filter((x) => x.role === 'observer'),
    deputies: m.members.filter((x) => x.role === 'deputy'),
    attendance: attendanceOf(m, person),
    cases,
    kind: m.kind ?? 'ordinary',
    endDate: m.endDate ?? null,
    format: m.format ?? 'physical',
    cancelledReason: m.cancelled?.reason ?? null,
    noticeChanges: (m.changes ?? [])
      .filter((x) => x.afterNotice)
      .flatMap((x) =>
        Object.entries(x.changes)
          .filter(([f, to]) => (x.previous as Record<string, string | undefined>)[f] !== to)
          .map(([field, to]) => ({ field, from: (x.previous as Record<string, string | undefined>)[field] ?? null, to: String(to) })),
      ),
    approvedWithCorrections: m.minutesCorrections ?? null,
    ...writtenProceduresFor(docs, m),
  };
}

export interface MinutesQuery {
  meetingId?: string;
}

/** The case paper fields a notice shows beyond the minutes (null when the paper has none). */
export interface NoticePaper {
  purpose: string | null;
  background: string | null;
  responsible: string | null;
  caseOfficer: string | null;
  /** Opened by `refer`: what the referring committee decided (its vedtak, input and dissent). */
  referral?: ReferralCarried;
  /** The paper's numbered sub-items, with their proposals. */
  items?: MinutesItem[];
  /** Vedlegg in the order added, numbered per meeting in agenda order once noticed (`number` null before). */
  attachments: NoticeAttachment[];
}

export interface NoticeAttachment {
  /** "Vedlegg 1" (null before notice). */
  number: string | null;
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** The minutes with, per case (same index as `minutes.cases`), the rest of its paper: what the notice is built from. */
export interface MinutesWithPapers {
  minutes: Minutes;
  papers: NoticePaper[];
}

/** The minutes of one meeting and its cases' papers, from the same documents (null when the meeting is unknown). */
export function queryMinutesWithPapers(docs: DocReader, params: MinutesQuery): MinutesWithPapers | null {
  const m = params.meetingId ? docs.get<MeetingDoc>('meeting', params.meetingId) : undefined;
  if (!m) return null;
  const minutes = render(docs, m);
  const numbers = new Map(numberAttachments(minutes.cases.map((c) => c.caseId), (id) => docs.get<CaseDoc>('case', id)).map((n) => [n.attachmentId, n.label]));
  const papers = minutes.cases.map(({ caseId }): NoticePaper => {
    const doc = docs.get<CaseDoc>('case', caseId)!;
    const p = doc.paper;
    const items = itemsOf(doc)?.map(({ resolution: _, ...it }) => it);
    const attachments = (doc.attachments ?? []).map((a) => ({
      number: m.status === 'planned' ? null : (numbers.get(a.id) ?? null),
      id: a.id,
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
      sha256: a.sha256,
    }));
    return { purpose: p.purpose ?? null, background: p.background ?? null, responsible: p.responsible ?? null, caseOfficer: p.caseOfficer ?? null, attachments, ...(doc.referral ? { referral: doc.referral } : {}), ...(items ? { items } : {}) };
  });
  return { minutes, papers };
}

export const minutesProjection: Projection<MinutesQuery, Minutes | null> & {
  rows(changes: DocChange[], docs: DocReader): Minutes[];
} = {
  name: 'minutes',
  /**
   * 2: the committee, meeting and case documents are the workflow's records.
   * 3: every case of the noticed agenda (postponed, withdrawn, referred), approvedOn.
   */
  version: 3,
  eventTypes: [...COMMITTEE_TYPES, ...MEETING_TYPES, ...CASE_TYPES],
  evolve(docs: DocStore, e: RecordedEvent) {
    trackCommittee(docs, e);
    trackMeeting(docs, e, true);
    trackCase(docs, e);
  },
  /** The minutes of one meeting (null when unknown). */
  query(docs, params) {
    const m = params.meetingId ? docs.get<MeetingDoc>('meeting', params.meetingId) : undefined;
    return m ? render(docs, m) : null;
  },
  /** The minutes of every meeting the changes touched, rendered from the served documents (`runner.reader('minutes')`). */
  rows(changes, docs) {
    const ids = new Set<string>();
    for (const id of meetingsTouched(changes, docs)) ids.add(id);
    return Array.from(ids)
      .map((id) => docs.get<MeetingDoc>('meeting', id))
      .filter((m): m is MeetingDoc => m !== undefined)
      .map((m) => render(docs, m));
  },
};

/**
 * The meetings whose minutes a change may alter: a meeting's own document; for a case, its meeting,
 * the last one it was on and those it was postponed from after notice; with `docs`, for a case
 * decided by written procedure, the meeting whose minutes list it (*Saker behandlet ved skriftlig
 * behandling*).
 */
function meetingsTouched(changes: DocChange[], docs?: DocReader): string[] {
  const out: string[] = [];
  for (const c of changes) {
    if (c.collection === 'meeting') out.push(c.id);
    else if (c.collection === 'case' && c.doc) {
      const d = c.doc as CaseDoc;
      const meetingId = caseMeetingId(d);
      if (meetingId) out.push(meetingId);
      if (d.lastMeetingId && d.lastMeetingId !== meetingId) out.push(d.lastMeetingId);
      // the meetings it was postponed from after notice list it too (with its state now)
      for (const p of d.postponements) if (p.numberLost !== null && p.meetingId !== meetingId && p.meetingId !== d.lastMeetingId) out.push(p.meetingId);
      const listedAt = docs && !meetingId ? writtenListedAt(docs, d) : null;
      if (listedAt) out.push(listedAt);
    }
  }
  return out;
}

/** Feed filter for `/api/live/meetings/{id}`: the changes that touch that meeting's minutes (`docs`: the served documents, for the written procedures they list). */
export const minutesFeedFilter =
  (meetingId: string, docs?: DocReader) =>
  (change: DocChange): boolean =>
    meetingsTouched([change], docs).includes(meetingId);
