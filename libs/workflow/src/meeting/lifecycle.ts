/**
 * The meeting's statuses and where each fact takes it: the one table the meeting machine (its
 * state nodes and transition targets) and `evolveMeeting` are built from. As for cases, a fact
 * decides the status it leads to; facts absent here leave the status as it is. The minutes
 * (`draft` → `approved`) are a field of the record, not a status.
 */
import type { MeetingEvent } from '../events.js';

export const MEETING_STATES = ['planned', 'noticed', 'in_session', 'held', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATES)[number];

export const MEETING_TARGETS: { readonly [T in MeetingEvent['type']]?: MeetingStatus } = {
  MeetingPlanned: 'planned',
  MeetingNoticed: 'noticed',
  MeetingOpened: 'in_session',
  MeetingAdjourned: 'held',
  MeetingCancelled: 'cancelled',
};

export const MEETING_INITIAL: MeetingStatus = MEETING_TARGETS.MeetingPlanned!;
