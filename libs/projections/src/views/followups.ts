/**
 * Follow-ups (oppfølging) promised in minutes (`record-discussion` followUps). A follow-up is met
 * when a case naming it in `meetsFollowUps` is endorsed or noted; nothing else meets it.
 *
 * Documents: `followup/<id>`, plus `meeting` and `case` working docs.
 */
import type { RecordedEvent } from '@saksflyt/event-store';
import type { DocChange, DocReader, DocStore, Projection } from '../runner/types.js';
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
  /** Its case's exemption from public access when it was promised (the text is then hidden outside the committee). */
  exemption?: { basis: string };
}

export interface FollowUpDoc extends FollowUp {
  /** When it was promised (`metadata.at`), for ordering. */
  promisedAt: string;
  position: number;
}

export interface FollowUpsQuery {
  open?: boolean;
  /**
   * Whether the caller may read follow-ups from draft minutes of this committee (members,
   * secretariat, auditor, admin). Without it, only follow-ups of approved minutes are returned.
   */
  canReadDraft?: (committee: string) => boolean;
}

const toFollowUp = (d: FollowUpDoc): FollowUp => ({
  id: d.id,
  text: d.text,
  committee: d.committee,
  caseId: d.caseId,
  meetingId: d.meetingId,
  open: d.open,
  ...(d.metBy ? { metBy: d.metBy } : {}),
  ...(d.exemption ? { exemption: d.exemption } : {}),
});

export const followUpsProjection: Projection<FollowUpsQuery, FollowUp[]> & { rows(changes: DocChange[]): FollowUp[] } = {
  name: 'followups',
  /** 2: the meeting and case documents are the workflow's records. */
  version: 2,
  eventTypes: [...MEETING_TYPES, ...CASE_TYPES],
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
  if (!c) return;
  if (e.type === 'DiscussionRecorded') {
    const promised = (e.data as { followUps?: { id: string; text: string }[] }).followUps ?? [];
    for (const f of promised) {
      if (docs.get('followup', f.id)) continue;
      const doc: FollowUpDoc = {
        id: f.id,
        text: f.text,
        committee: c.after.committee,
        caseId: c.after.caseId,
        meetingId: caseMeetingId(c.after),
        open: true,
        promisedAt: e.metadata.at,
        position: Number(e.position),
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
      .sort((a, b) => a.position - b.position || a.id.localeCompare(b.id))
      .map(toFollowUp);
}
