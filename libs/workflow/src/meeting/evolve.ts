/**
 * `evolveMeeting(state, event) → state`: the one fold of a meeting stream. Pure and total: every
 * meeting event type in every status; a fact that does not fit the status still updates what it
 * says (this replaces the machine's replay bypass, e.g. for `MinutesApproved` before `held`).
 * The status after a fact is `MEETING_TARGETS` (lifecycle.ts).
 *
 * Where the earlier folds disagreed, the truth chosen here:
 * - The agenda is kept in agenda order (projection, archive; the machine kept scheduling order and
 *   sorted on read): every reader then reads it as it is. While planned, a case is inserted after
 *   the last case of its rank or lower (= `agendaOrder` of the scheduling order).
 * - `MeetingNoticed` orders the agenda as the notice lists it and gives its numbers (all three); a
 *   case the notice names but never added is on it (projection, archive), and a case added and not
 *   removed but not named in the notice stays on it, after the named ones (machine: a recorded
 *   addition is not undone by a notice that does not mention it).
 * - `CaseAddedToAgenda` after notice puts the case at the end of the agenda (projection, archive:
 *   a late case; the machine ignored it on replay). A case already on the agenda is not added
 *   twice (the machine's replay added a second entry); a standard item it names is taken.
 * - `CaseAddedToAgenda` with `late: true` (a tilleggssak) puts the case last before Eventuelt, with
 *   the number it got at once; `AgendaReordered` puts the substantive cases in its order, each
 *   taking the place of one of them (the standard items keep theirs).
 * - `CaseRemovedFromAgenda` removes the case and is remembered in `removed`, with the number it
 *   had on this agenda (archive; the machine and projection only removed it).
 */
import type { MeetingEvent, MeetingPlanned } from '../events.js';
import { stampOf, type Stamped } from '../core/fact.js';
import { agendaOrder, agendaRank } from './agenda.js';
import { MEETING_INITIAL, MEETING_TARGETS } from './lifecycle.js';
import type { AgendaEntry, MeetingRecord } from './state.js';

export type MeetingFact = Stamped<MeetingEvent>;

/** The meeting right after `MeetingPlanned`. */
export function startMeeting(e: Stamped<MeetingPlanned>): MeetingRecord {
  const d = e.data;
  return {
    status: MEETING_INITIAL,
    meetingId: d.meetingId,
    committee: d.committee,
    number: d.number,
    year: d.year,
    date: d.date,
    startTime: d.startTime ?? null,
    endTime: d.endTime ?? null,
    place: d.place,
    previousMeetingId: d.previousMeetingId ?? null,
    previousMeetingDate: d.previousMeetingDate ?? null,
    planned: stampOf(e),
    noticed: null,
    opened: null,
    adjourned: null,
    agenda: [],
    removed: [],
    attendance: null,
    minutes: 'draft',
    minutesApprovedBy: null,
    minutesApprovedAt: null,
  };
}

/** Insert after the last entry of the same rank or lower (the agenda is in agenda order). */
function insertByRank(agenda: readonly AgendaEntry[], entry: AgendaEntry): AgendaEntry[] {
  const rank = agendaRank(entry.standardItem);
  let at = agenda.length;
  while (at > 0 && agendaRank(agenda[at - 1]!.standardItem) > rank) at--;
  return [...agenda.slice(0, at), entry, ...agenda.slice(at)];
}

/** A late case (tilleggssak): last before the trailing Eventuelt. */
function insertLate(agenda: readonly AgendaEntry[], entry: AgendaEntry): AgendaEntry[] {
  let at = agenda.length;
  while (at > 0 && agenda[at - 1]!.standardItem === 'any-other-business') at--;
  return [...agenda.slice(0, at), entry, ...agenda.slice(at)];
}

/**
 * The substantive cases in the order given, each in the place of one of them (the standard items
 * keep theirs); cases the order does not name keep their order after the named ones.
 */
function reordered(agenda: readonly AgendaEntry[], order: readonly string[]): AgendaEntry[] {
  const substantive = agenda.filter((a) => a.standardItem === null);
  const byId = new Map(substantive.map((a) => [a.caseId, a]));
  const named = [...new Set(order)].filter((id) => byId.has(id)).map((id) => byId.get(id)!);
  const rest = substantive.filter((a) => !named.includes(a));
  const next = [...named, ...rest];
  let i = 0;
  return agenda.map((a) => (a.standardItem === null ? next[i++]! : a));
}

function apply(s: MeetingRecord, e: MeetingFact): MeetingRecord {
  const stamp = stampOf(e);
  switch (e.type) {
    case 'MeetingPlanned': {
      // Only ever the first event (startMeeting); a second one restates the meeting's facts.
      const { status: _status, agenda: _agenda, removed: _removed, minutes: _minutes, ...facts } = startMeeting(e);
      return { ...s, ...facts, planned: s.planned };
    }
    case 'CaseAddedToAgenda': {
      const { caseId } = e.data;
      const known = s.agenda.find((a) => a.caseId === caseId);
      const standardItem = e.data.standardItem ?? known?.standardItem ?? null;
      if (known) {
        if (standardItem === known.standardItem) return s;
        const agenda = s.agenda.map((a) => (a.caseId === caseId ? { ...a, standardItem } : a));
        // while planned: re-placed by its new rank, the others keeping their order (a stable sort)
        return { ...s, agenda: s.status === 'planned' ? agendaOrder(agenda) : agenda };
      }
      if (e.data.late) return { ...s, agenda: insertLate(s.agenda, { caseId, standardItem, number: e.data.number ?? null, late: true }) };
      const entry: AgendaEntry = { caseId, standardItem, number: null };
      return { ...s, agenda: s.status === 'planned' ? insertByRank(s.agenda, entry) : [...s.agenda, entry] };
    }
    case 'CaseRemovedFromAgenda': {
      const { caseId } = e.data;
      const entry = s.agenda.find((a) => a.caseId === caseId);
      return {
        ...s,
        agenda: s.agenda.filter((a) => a.caseId !== caseId),
        removed: [...s.removed, { caseId, why: e.data.why, reason: e.data.reason, standardItem: entry?.standardItem ?? null, number: entry?.number ?? null, ...stamp }],
      };
    }
    case 'MeetingNoticed': {
      const named = e.data.agenda ?? [];
      const byId = new Map(s.agenda.map((a) => [a.caseId, a]));
      const seen = new Set(named.map((a) => a.caseId));
      const agenda: AgendaEntry[] = named.map((a) => ({ caseId: a.caseId, standardItem: byId.get(a.caseId)?.standardItem ?? null, number: a.number }));
      for (const a of s.agenda) if (!seen.has(a.caseId)) agenda.push(a);
      return { ...s, agenda, noticed: stamp };
    }
    case 'AgendaReordered':
      return { ...s, agenda: reordered(s.agenda, e.data.order ?? []) };
    case 'MinutesAmended':
      // The texts are the case's (DecisionAmended); on the meeting the fact orders the amendment
      // before any approval of the minutes (the stream's revision), and its history names it.
      return s;
    case 'MeetingOpened':
      return { ...s, attendance: { present: e.data.present ?? [], absent: e.data.absent ?? [], guests: e.data.guests ?? [] }, opened: stamp };
    case 'MeetingAdjourned':
      return { ...s, adjourned: stamp };
    case 'MinutesApproved':
      // In any status: the approval is recorded by the next meeting (the machine needed a replay hack).
      return { ...s, minutes: 'approved', minutesApprovedBy: { byCaseId: e.data.byCaseId, byMeetingId: e.data.byMeetingId }, minutesApprovedAt: stamp.at };
    default:
      return s;
  }
}

export function evolveMeeting(s: MeetingRecord, e: MeetingFact): MeetingRecord {
  const next = apply(s, e);
  const status = MEETING_TARGETS[e.type] ?? next.status;
  if (status === next.status) return next;
  if (next === s) return { ...s, status };
  next.status = status; // this call's own fresh copy: no second copy of the record
  return next;
}
