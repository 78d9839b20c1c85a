/**
 * Follow-ups (oppfølging) promised in minutes (`record-discussion` followUps). A follow-up is met
 * when a case naming it in `meetsFollowUps` is endorsed or noted; nothing else meets it.
 *
 * Documents: `followup/<id>`, plus `meeting` and `case` working docs.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import type { DocChange, DocReader, DocStore, Projection } from '../runner/types.js';
import { FOLLOWUP_EVENT_TYPES, upcastEvent, type DataOf } from '@saksflyt/workflow';
import { caseMeetingId, trackCase, trackMeeting, type MeetingDoc, type TrackedCase, CASE_TYPES, MEETING_TYPES } from './common.js';

export interface FollowUp {
  id: string;
  text: string;
  committee: string;
  caseId: string;
  meetingId: string | null;
  open: boolean;
  /** The case that met it. */
  metBy?: string;
  /** Who owns it, when given. */
  owner: string | null;
  /** Due date YYYY-MM-DD, when given. */
  due: string | null;
  /** Open and its due date is before today (the server's date when read). */
  overdue: boolean;
  /** Closed by hand (no case met it): why, when and by whom. */
  closed?: { reason: string; at: string; actor: string };
  /** Its case's exemption from public access when it was promised (the text is then hidden outside the committee). */
  exemption?: { basis: string };
}

export interface FollowUpDoc extends Omit<FollowUp, 'overdue' | 'owner' | 'due'> {
  /** Absent on documents built before follow-ups had them (read as null). */
  owner?: string | null;
  due?: string | null;
  /** When it was promised (`metadata.at`), for ordering. */
  promisedAt: string;
  position: number;
  /** Its place among the follow-ups of the same discussion (absent on older documents: 0). */
  seq?: number;
}

export interface FollowUpsQuery {
  open?: boolean;
  /**
   * Whether the caller may read follow-ups from draft minutes of this committee (members,
   * secretariat, auditor, admin). Without it, only follow-ups of approved minutes are returned.
   */
  canReadDraft?: (committee: string) => boolean;
  /** Today, YYYY-MM-DD, for `overdue` (the caller's clock; the view keeps none). Omitted: nothing is overdue. */
  today?: string;
}

export const toFollowUp = (d: FollowUpDoc, today?: string): FollowUp => ({
  id: d.id,
  text: d.text,
  committee: d.committee,
  caseId: d.caseId,
  meetingId: d.meetingId,
  open: d.open,
  ...(d.metBy ? { metBy: d.metBy } : {}),
  owner: d.owner ?? null,
  due: d.due ?? null,
  overdue: d.open && today !== undefined && d.due != null && d.due < today,
  ...(d.closed ? { closed: d.closed } : {}),
  ...(d.exemption ? { exemption: d.exemption } : {}),
});

export const followUpsProjection: Projection<FollowUpsQuery, FollowUp[]> & { rows(changes: DocChange[]): FollowUp[] } = {
  name: 'followups',
  /** 2: the meeting and case documents are the workflow's records. */
  version: 2,
  eventTypes: [...MEETING_TYPES, ...CASE_TYPES, ...FOLLOWUP_EVENT_TYPES],
  evolve(docs: DocStore, e: RecordedEvent) {
    trackMeeting(docs, e);
    evolveFollowUps(docs, e, trackCase(docs, e));
  },
  query: queryFollowUps,
  rows(changes) {
    return changes.filter((c) => c.collection === 'followup' && c.doc !== null).map((c) => toFollowUp(c.doc as FollowUpDoc));
  },
};

/** The follow-ups' own part of evolve, after the trackers ran. */
export function evolveFollowUps(docs: DocStore, e: RecordedEvent, c: TrackedCase | null): void {
  if (e.type === 'FollowUpClosed') {
    const d = upcastEvent(e).data as DataOf<'FollowUpClosed'>;
    const f = docs.get<FollowUpDoc>('followup', d.followUpId);
    if (f && f.open) docs.put('followup', f.id, { ...f, open: false, closed: { reason: d.reason, at: e.metadata.at, actor: e.metadata.actor } });
    return;
  }
  if (!c) return;
  if (e.type === 'DiscussionRecorded') {
    const promised = (upcastEvent(e).data as DataOf<'DiscussionRecorded'>).followUps ?? [];
    for (const [seq, f] of promised.entries()) {
      if (docs.get('followup', f.id)) continue;
      const doc: FollowUpDoc = {
        id: f.id,
        text: f.text,
        committee: c.after.committee,
        caseId: c.after.caseId,
        meetingId: caseMeetingId(c.after),
        open: true,
        owner: f.owner ?? null,
        due: f.due ?? null,
        promisedAt: e.metadata.at,
        position: Number(e.position),
        seq,
        ...(c.after.paper.exemption ? { exemption: { basis: c.after.paper.exemption.basis } } : {}),
      };
      docs.put('followup', f.id, doc);
    }
  } else if (e.type === 'ResolutionEndorsed' || e.type === 'CaseNoted') {
    for (const id of c.after.paper.meetsFollowUps) {
      const f = docs.get<FollowUpDoc>('followup', id);
      if (f && f.open) docs.put('followup', id, { ...f, open: false, metBy: c.after.caseId });
    }
  }
}

/** Oldest promise first. `canReadDraft` omitted: every follow-up (a trusted caller). */
export function queryFollowUps(docs: DocReader, params: FollowUpsQuery): FollowUp[] {
    return docs
      .list<FollowUpDoc>('followup')
      .filter((f) => params.open === undefined || f.open === params.open)
      .filter((f) => {
        if (!params.canReadDraft) return true;
        const m = f.meetingId ? docs.get<MeetingDoc>('meeting', f.meetingId) : undefined;
        return (m?.minutesApprovedAt ?? null) !== null || params.canReadDraft(f.committee);
      })
      .sort((a, b) => a.position - b.position || (a.seq ?? 0) - (b.seq ?? 0) || a.id.localeCompare(b.id))
      .map((f) => toFollowUp(f, params.today));
}
