/**
 * The meeting record (møte) as one fold of its stream gives it: the superset the machine, the
 * meeting read, the projections (minutes, registers, annual cycle), the archive and the documents
 * need. Members (who sits on the committee) are the committee record's, not the meeting's.
 */
import type { RemovalReason, StandardItem } from '../events.js';
import type { Stamp } from '../core/fact.js';
import type { MeetingStatus } from './lifecycle.js';

export interface AgendaEntry {
  caseId: string;
  standardItem: StandardItem | null;
  /** Given at notice (a late case: when added). */
  number: string | null;
  /** A late case (tilleggssak): added after notice, last before Eventuelt. */
  late?: true;
}

/** A case taken off this meeting's agenda (unscheduled, postponed, withdrawn before notice). */
export interface AgendaRemoval extends Stamp {
  caseId: string;
  why: RemovalReason;
  reason: string;
  standardItem: StandardItem | null;
  /** The number it had on this agenda (given at notice), if any. */
  number: string | null;
}

export interface MeetingRecord {
  status: MeetingStatus;
  meetingId: string;
  committee: string;
  /** "8/2018" */
  number: string;
  year: number;
  /** YYYY-MM-DD */
  date: string;
  startTime: string | null;
  endTime: string | null;
  place: string;
  /** The committee's meeting before this one, whose minutes this one's minutes-approval case approves. */
  previousMeetingId: string | null;
  previousMeetingDate: string | null;
  planned: Stamp;
  noticed: Stamp | null;
  opened: Stamp | null;
  adjourned: Stamp | null;
  /** The agenda in agenda order: by rank while planned, the notice's order once noticed (late additions after). */
  agenda: AgendaEntry[];
  /** Every removal from the agenda, oldest first. */
  removed: AgendaRemoval[];
  attendance: { present: string[]; absent: string[]; guests: string[] } | null;
  minutes: 'draft' | 'approved';
  /** The minutes-approval case that approved them, and its meeting. */
  minutesApprovedBy: { byCaseId: string; byMeetingId: string } | null;
  minutesApprovedAt: string | null;
}
