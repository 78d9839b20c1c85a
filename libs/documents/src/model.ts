/**
 * Input of the document renderers: plain data, no behaviour.
 *
 * `MinutesDocument` mirrors the minutes projection of API.md (`GET /api/meetings/{id}/minutes`):
 * header, attendance and, per case, number, title, type, presenter, discussion summary, input
 * points, *vedtak* and follow-ups. `NoticeDocument` is the same header with the case papers'
 * proposed resolutions (`GET /api/meetings/{id}/notice`). The projection maps onto these with
 * plain field copies; names and organisations are resolved to strings before rendering.
 *
 * Texts are rendered verbatim (escaped for the output format). In long texts a blank line
 * separates paragraphs and a single line break is kept as a line break.
 */

/** A case's type as API.md names it. Rendered as Sakstype: see `CASE_TYPE_LABELS`. */
export type CaseType = 'approval' | 'orientation' | 'endorsement' | 'discussion';

/**
 * The standard agenda items a meeting gets when it is planned (API.md, Meetings):
 * - `notice`: "Godkjenning av innkalling og dagsorden"
 * - `previousMinutes`: "Godkjenning av referat fra møtet DD.MM.YYYY"
 * - `anyOtherBusiness`: "Eventuelt" (always last; its Sakstype is left blank, as in the records)
 */
export type StandardItem = 'notice' | 'previousMinutes' | 'anyOtherBusiness';

export interface CommitteeRef {
  /** e.g. "NEHS" */
  code: string;
  /** e.g. "Nasjonalt e-helsestyre" */
  name: string;
}

export interface MeetingHeader {
  /** The meeting number, "N/YYYY", e.g. "8/2018". */
  number: string;
  /** ISO date "YYYY-MM-DD"; rendered "6. desember 2018". Also the PDF's fixed CreationDate. */
  date: string;
  /** "HH:MM" (or "HH.MM"); rendered "Kl. 10.00–15.00". */
  startTime?: string | null;
  endTime?: string | null;
  place: string;
}

/** A member of the committee at the time of the meeting (API.md `POST /committees/{code}/members`). */
export interface MemberEntry {
  name: string;
  /** Shown in parentheses after the name, e.g. "Helse Vest RHF". */
  organisation?: string | null;
  role: 'chair' | 'member' | 'observer';
}

/**
 * Who was there. Entries are names; a name that matches a `members` entry is shown with its
 * organisation ("Lars Vorland (Helse Nord RHF)"), any other string is shown as given.
 */
export interface Attendance {
  /** Til stede. */
  present: string[];
  /** Forfall (members who sent apologies / were absent). */
  absent: string[];
  /** Observatører; when omitted, the members with role `observer` are listed. */
  observers?: string[] | null;
  /** Gjester (guests named when the meeting was opened). */
  guests?: string[] | null;
  /** Fra sekretariatet. */
  secretariat?: string[] | null;
}

/** One case in the minutes, in agenda order. */
export interface MinutesCase {
  /** "N/YY", e.g. "47/18"; null for a case that never got a number. */
  number: string | null;
  title: string;
  type: CaseType;
  standardItem?: StandardItem | null;
  /** Who presented the case (`present` command's `presenter`). */
  presenter?: string | null;
  /** The discussion summary (`record-discussion`'s `summary`). */
  summary?: string | null;
  /** Input points from the discussion (`record-discussion`'s `points` and `note`'s `input`). */
  points: string[];
  /** The *vedtak* (`endorse`/`note` `resolution`); absent when the case was not decided. */
  resolution?: string | null;
  /** Conditions attached to an endorsement (`endorse`'s `conditions`). */
  conditions?: string | null;
  /** Follow-ups promised in the minutes (`record-discussion`'s `followUps`), as texts. */
  followUps: string[];
}

export interface MinutesDocument {
  committee: CommitteeRef;
  meeting: MeetingHeader;
  members: MemberEntry[];
  attendance: Attendance;
  /** `draft` until the next meeting's approval-of-minutes case is endorsed; a draft says "Utkast". */
  status: 'draft' | 'approved';
  cases: MinutesCase[];
  /** The global event position the projection had reached; printed in the document. */
  builtAtPosition: number;
}

/** One case in the notice (innkalling), in agenda order. */
export interface NoticeCase {
  number: string | null;
  title: string;
  type: CaseType;
  standardItem?: StandardItem | null;
  /** The case paper's purpose and background (API.md `POST /api/cases`), shown before the proposal. */
  purpose?: string | null;
  background?: string | null;
  /** Saksansvarlig / responsible, when given. */
  responsible?: string | null;
  /** *Forslag til vedtak*; absent for *Eventuelt*. */
  proposedResolution?: string | null;
}

export interface NoticeDocument {
  committee: CommitteeRef;
  meeting: MeetingHeader;
  /** Members (chair and member roles under "Medlemmer", observers under "Observatører"). */
  members: MemberEntry[];
  cases: NoticeCase[];
  builtAtPosition: number;
}
