/** A follow-up's own record (oppfølging): closed by hand or not. Its promise is the case's (DiscussionRecorded). */
import type { Stamp } from '../core/fact.js';

export interface FollowUpRecord {
  followUpId: string;
  /** Closed by the secretariat without a case, with the reason; null while not. */
  closed: (Stamp & { reason: string }) | null;
}
