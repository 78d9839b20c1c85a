/**
 * The approval chain (API.md "Which minutes an approval item approves"), pure: which meeting's
 * minutes each minutes-approval item approves, and what planning, moving or cancelling a meeting
 * changes about it.
 *
 * - A meeting's *predecessor* is the committee's latest meeting BY DATE (then start time, then
 *   planning order) before it that is not cancelled.
 * - An item is *re-targetable* while it is its own meeting's item (it never left it), is scheduled
 *   there, and the meeting is still planned (not noticed). Every other live item (on a noticed or
 *   later agenda, postponed or unscheduled and kept in draft, scheduled again elsewhere, decided)
 *   is *frozen*: it keeps its target.
 * - After a change, every planned meeting wants an item approving its predecessor, unless there is
 *   none or a frozen item approves that meeting already (an item postponed from a later meeting):
 *   the chain creates, re-targets or withdraws the planned meetings' own items to match.
 * - A change that would need a frozen item changed is refused (409 naming the meeting): a meeting
 *   that is noticed or later whose predecessor would change, a frozen item whose target would be
 *   cancelled or dated on or after the meeting the item stands on. So every held meeting's minutes
 *   are approved by exactly one later meeting's item, and no item ever approves a later-dated or
 *   cancelled meeting.
 */
import type { CaseState } from '../machines/guard-input.js';
import type { MeetingStatus } from './lifecycle.js';

/** "2018-12-06" → "06.12.2018" */
export function norwegianDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}.${m}.${y}`;
}

/** The title and proposed resolution of the item approving the minutes of the meeting held on `date`. */
export function minutesApprovalTexts(committeeName: string, date: string): { title: string; proposedResolution: string } {
  const d = norwegianDate(date);
  return { title: `Godkjenning av referat fra møtet ${d}`, proposedResolution: `${committeeName} godkjenner referat fra møtet ${d}.` };
}

/** A meeting of the committee as the chain sees it. */
export interface CalendarEntry {
  meetingId: string;
  number: string;
  date: string;
  startTime: string | null;
  /** Planning order (the tie-break after date and start time). */
  seq: number;
  status: MeetingStatus;
}

/** A minutes-approval item (case) of the committee. */
export interface ApprovalItem {
  caseId: string;
  /** The meeting whose minutes it approves (null: none known). */
  target: string | null;
  /** The meeting it stands on now (null: in draft). */
  meetingId: string | null;
  state: CaseState;
  number: string | null;
  /** It never left the meeting it was created on (never postponed or unscheduled). */
  own: boolean;
  title: string;
}

export type ChainAction =
  | { kind: 'create'; meetingId: string; target: CalendarEntry }
  | { kind: 'retarget'; caseId: string; meetingId: string; target: CalendarEntry }
  | { kind: 'withdraw'; caseId: string; meetingId: string; reason: string };

export interface ChainBlock {
  /** The meeting whose frozen agenda blocks the change. */
  meetingId: string;
  detail: string;
}

/** By date, then start time, then planning order. */
export function compareMeetings(a: CalendarEntry, b: CalendarEntry): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  const at = a.startTime ?? '';
  const bt = b.startTime ?? '';
  if (at !== bt) return at < bt ? -1 : 1;
  return a.seq - b.seq;
}

/** Each meeting's predecessor (null: none); cancelled meetings have none and are none. */
export function predecessors(calendar: readonly CalendarEntry[]): Map<string, string | null> {
  const live = calendar.filter((m) => m.status !== 'cancelled').sort(compareMeetings);
  const out = new Map<string, string | null>();
  live.forEach((m, i) => out.set(m.meetingId, i > 0 ? live[i - 1]!.meetingId : null));
  return out;
}

const describe = (m: CalendarEntry | undefined) => (m ? `${m.number} (${m.date})` : 'none');

/**
 * What the chain needs after a change of the calendar (`before` → `after`, the same meetings, a new
 * one only in `after`), or why the change is refused. `items`: every minutes-approval item of the
 * committee as it stands before; `leaving`: items the command itself withdraws or takes to draft
 * (those of a meeting being cancelled).
 */
export function planChain(
  before: readonly CalendarEntry[],
  after: readonly CalendarEntry[],
  items: readonly ApprovalItem[],
  leaving: ReadonlySet<string> = new Set(),
  titleFor: (target: CalendarEntry) => string = () => '',
): { actions: ChainAction[] } | { blocked: ChainBlock } {
  const was = new Map(before.map((m) => [m.meetingId, m]));
  const now = new Map(after.map((m) => [m.meetingId, m]));
  const predBefore = predecessors(before);
  const predAfter = predecessors(after);

  // a noticed (or later) meeting keeps its predecessor: its agenda is frozen
  for (const f of [...after].sort(compareMeetings)) {
    if (f.status === 'planned' || f.status === 'cancelled' || !was.has(f.meetingId)) continue;
    const b = predBefore.get(f.meetingId) ?? null;
    const a = predAfter.get(f.meetingId) ?? null;
    if (a !== b)
      return {
        blocked: {
          meetingId: f.meetingId,
          detail:
            `meeting ${describe(f)} is ${f.status} and its agenda is frozen: its previous meeting, whose minutes it approves, ` +
            `is ${describe(b ? was.get(b) : undefined)} and would become ${describe(a ? now.get(a) : undefined)}`,
        },
      };
  }

  const live = items.filter((i) => i.state !== 'withdrawn' && !leaving.has(i.caseId));
  const retargetable = (i: ApprovalItem) =>
    i.own && i.state === 'scheduled' && i.number === null && i.meetingId !== null && now.get(i.meetingId)?.status === 'planned';
  const frozen = live.filter((i) => !retargetable(i));

  // a frozen item keeps its target: it must stay a meeting that is not cancelled, dated before the item's meeting
  for (const i of frozen) {
    if (!i.target || i.state === 'endorsement') continue;
    const t = now.get(i.target);
    const tb = was.get(i.target);
    if (!t || !tb) continue;
    const on = i.meetingId ? now.get(i.meetingId) : undefined;
    const onBefore = i.meetingId ? was.get(i.meetingId) : undefined;
    const where = on ? `on meeting ${describe(on)}` : 'in draft';
    if (t.status === 'cancelled' && tb.status !== 'cancelled')
      return { blocked: { meetingId: on?.meetingId ?? t.meetingId, detail: `the minutes-approval item ${i.number ?? `"${i.title}"`} ${where} approves the minutes of meeting ${describe(t)}, which would be cancelled` } };
    if (on && on.status !== 'cancelled' && onBefore && compareMeetings(t, on) >= 0 && compareMeetings(tb, onBefore) < 0)
      return {
        blocked: {
          meetingId: on.meetingId,
          detail: `the minutes-approval item ${i.number ?? `"${i.title}"`} ${where} approves the minutes of meeting ${describe(t)}, which would no longer be before it`,
        },
      };
  }

  const covered = new Set(frozen.map((i) => i.target).filter((t): t is string => t !== null));
  const actions: ChainAction[] = [];
  for (const p of [...after].sort(compareMeetings)) {
    if (p.status !== 'planned') continue;
    const own = live.filter((i) => i.meetingId === p.meetingId && retargetable(i));
    const pred = predAfter.get(p.meetingId) ?? null;
    const want = pred !== null && !covered.has(pred) ? now.get(pred)! : null;
    const [first, ...extra] = own;
    if (!want) {
      for (const i of own)
        actions.push({
          kind: 'withdraw',
          caseId: i.caseId,
          meetingId: p.meetingId,
          reason: pred === null ? 'Ingen tidligere møte: ingen referat å godkjenne' : `Referatet fra møtet ${norwegianDate(now.get(pred)!.date)} godkjennes i en annen sak`,
        });
      continue;
    }
    if (!first) actions.push({ kind: 'create', meetingId: p.meetingId, target: want });
    else if (first.target !== want.meetingId || first.title !== titleFor(want)) actions.push({ kind: 'retarget', caseId: first.caseId, meetingId: p.meetingId, target: want });
    for (const i of extra) actions.push({ kind: 'withdraw', caseId: i.caseId, meetingId: p.meetingId, reason: 'Referatet godkjennes i en annen sak' });
  }
  return { actions };
}
