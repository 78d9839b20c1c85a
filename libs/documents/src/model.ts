/**
 * Input of the document renderers: plain data, no behaviour.
 *
 * `MinutesDocument` mirrors the minutes projection of API.md (`GET /api/meetings/{id}/minutes`):
 * header, attendance and, per case of the noticed agenda, number, title, type, presenter, discussion
 * summary, input points, *vedtak*, referrals and follow-ups, or *Utsatt* / *Trukket* with the reason. `NoticeDocument` is the same header with the case papers'
 * proposed resolutions (`GET /api/meetings/{id}/notice`). The projection maps onto these with
 * plain field copies; names and organisations are resolved to strings before rendering.
 *
 * Texts are rendered verbatim (escaped for the output format). In long texts a blank line
 * separates paragraphs and a single line break is kept as a line break.
 */

/** A case's type as API.md names it. Rendered as Sakstype: see `CASE_TYPE_LABELS`. */
export type CaseType = 'approval' | 'orientation' | 'endorsement' | 'discussion';

/**
 * The standard agenda items a meeting gets when it is planned (API.md, Meetings), with the same
 * values as `StandardItem` in libs/workflow/src/events.ts:
 * - `notice-approval`: "Godkjenning av innkalling og dagsorden"
 * - `minutes-approval`: "Godkjenning av referat fra møtet DD.MM.YYYY"
 * - `any-other-business`: "Eventuelt" (always last; its Sakstype is left blank, as in the records)
 */
export type StandardItem = 'notice-approval' | 'minutes-approval' | 'any-other-business';

/**
 * A person in the attendance lists: a name, or a member record (the projection's member docs fit
 * as they are). A name that matches a `members` entry is shown with its organisation.
 */
export type PersonRef =
  | string
  | {
      name: string;
      organisation?: string | null;
      /** Took part remotely: shown "(digitalt)". */
      remote?: boolean | null;
      /** A deputy present for a member who was not: listed under "Vara", "vara for …". */
      standingInFor?: PersonRef | null;
    };

/** A follow-up as text, or as the projection's `{ id, text, owner?, due? }` (shown "– ansvarlig: …, frist …"). */
export type FollowUpRef = string | { id?: string; text: string; owner?: string | null; due?: string | null };

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
  /** The last day of a meeting over several days; rendered "28. oktober 2020 – 29. oktober 2020". */
  endDate?: string | null;
  /** Shown as "Møteform" unless physical. */
  format?: 'physical' | 'webinar' | 'hybrid' | null;
  /** Shown as "Ekstraordinært møte" when extraordinary. */
  kind?: 'ordinary' | 'extraordinary' | null;
}

/** A change made to the meeting after notice (endret innkalling): a field, its value before and after. */
export interface NoticeChange {
  field: string;
  from: string | null;
  to: string;
}

/** A member of the committee at the time of the meeting (API.md `POST /committees/{code}/members`). */
export interface MemberEntry {
  name: string;
  /** Shown in parentheses after the name, e.g. "Helse Vest RHF". */
  organisation?: string | null;
  role: 'chair' | 'member' | 'observer' | 'deputy';
  /** A deputy's member (name, or name and organisation), shown "vara for …". */
  deputyFor?: PersonRef | null;
}

/**
 * Who was there. A name that matches a `members` entry, or a member record with an organisation,
 * is shown as "Lars Vorland (Helse Nord RHF)"; any other name is shown as given.
 */
export interface Attendance {
  /** Til stede. */
  present: PersonRef[];
  /** Forfall (members who sent apologies / were absent). */
  absent: PersonRef[];
  /** Observatører; when omitted, the members with role `observer` are listed. */
  observers?: PersonRef[] | null;
  /** Gjester (guests named when the meeting was opened). */
  guests?: PersonRef[] | null;
  /** Fra sekretariatet. */
  secretariat?: PersonRef[] | null;
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
  /** Points from the discussion (`record-discussion`'s `points`); shown under "Innspill". */
  points: string[];
  /** Input given when the case was noted (`note`'s `input`); shown under "Innspill" after `points`. */
  input?: string[] | null;
  /** The *vedtak* (`endorse`/`note` `resolution`); absent when the case was not decided. */
  resolution?: string | null;
  /** Conditions attached to an endorsement (`endorse`'s `conditions`). */
  conditions?: string | null;
  /** Follow-ups promised in the minutes (`record-discussion`'s `followUps`); shown under "Oppfølging". */
  followUps: FollowUpRef[];
  /** A late case (tilleggssak): marked "Tilleggssak" in the agenda and its heading. */
  late?: boolean | null;
  /** Amendments before approval (`amend`): the texts above are the amended ones; each shown with its date and reason. */
  amendments?: { reason: string; at?: string | null }[] | null;
  /** Unntatt offentlighet: its legal basis ("offl. § 14"), shown as "Unntatt offentlighet: offl. § 14". */
  exemption?: string | null;
  /** *Utsatt*: postponed at this meeting after notice, with the reason (shown where the vedtak would be). */
  postponed?: { reason: string } | null;
  /** *Trukket*: withdrawn at this meeting after notice, with the reason. */
  withdrawn?: { reason: string } | null;
  /** *Oversendt til {committee}*: referrals made from this meeting, in order (code, and the name when known). */
  referrals?: { committee: string; committeeName?: string | null }[] | null;
  // Per-item extras are optional fields here, each rendered by its own part in `MINUTES_CASE_PARTS` (layout.ts).
  /** The approval of minutes endorsed with corrections: shown under "Merknader". */
  corrections?: string | null;
  /** Votering (`vote`): the names for, against and abstaining; shown under "Votering" with the tally. */
  votes?: { for: VoterRef[]; against: VoterRef[]; abstained: VoterRef[] } | null;
  /** Dissens (`endorse`/`note` `dissent`): shown under "Dissens" with name, organisation and text. */
  dissent?: (VoterRef & { text: string })[] | null;
  /** Numbered sub-items ("NR. 2 Title"), each with its vedtak where one was given. */
  items?: SubItemRef[] | null;
}

/** A numbered sub-item of a case (50/18 NR. 1–4). */
export interface SubItemRef {
  label: string;
  title: string;
  proposedResolution?: string | null;
  resolution?: string | null;
}

/** A member named in a vote or a dissent. */
export interface VoterRef {
  name: string;
  organisation?: string | null;
}

/** What a referred case carries from the committee that referred it (`referral`). */
export interface ReferralRef {
  committee: string;
  number: string | null;
  resolution?: string | null;
  conditions?: string | null;
  input?: string[] | null;
  dissent?: (VoterRef & { text: string })[] | null;
  reason?: string | null;
  /** The referring paper's sub-items, each with the referring committee's vedtak where given. */
  items?: SubItemRef[] | null;
}

export interface MinutesDocument {
  committee: CommitteeRef;
  meeting: MeetingHeader;
  members: MemberEntry[];
  /** Null before the meeting is opened: then all members are listed under "Medlemmer". */
  attendance: Attendance | null;
  /** `draft` until the next meeting's approval-of-minutes case is endorsed; a draft says "Utkast". */
  status: 'draft' | 'approved';
  /** ISO date of the meeting that approved them (not when that was recorded); shown with the status. */
  approvedOn?: string | null;
  /** Approved with corrections (godkjent med merknader): the text. */
  approvedWithCorrections?: string | null;
  cases: MinutesCase[];
  /** Saker behandlet ved skriftlig behandling (written procedures concluded since the previous meeting). */
  writtenProcedures?: WrittenProcedureRef[] | null;
  /** The global event position the projection had reached; printed in the document. */
  builtAtPosition: number | bigint;
  /** The last event it was built from and its hash (the store's `lastEvent`): printed instead, "Bygget fra hendelse N, sjekksum …". */
  builtFrom?: BuiltFromRef | null;
}

/** An event of the log and its tamper-evidence hash, as `saksflyt verify --position N --at-hash H` checks it. */
export interface BuiltFromRef {
  position: number | bigint;
  hash: string | null;
}

/** A case decided by written procedure, listed in the next meeting's minutes. */
export interface WrittenProcedureRef {
  number: string | null;
  title: string;
  resolution: string;
  concludedOn: string;
  answers: (VoterRef & { answer: 'agree' | 'disagree'; comment?: string | null })[];
  dissent?: (VoterRef & { text: string })[] | null;
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
  /** A late case (tilleggssak): marked "Tilleggssak" in the agenda and its heading. */
  late?: boolean | null;
  /** Unntatt offentlighet: its legal basis. */
  exemption?: string | null;
  /** Vedlegg, numbered per meeting at notice: `{ label: "Vedlegg 1", filename }`, listed under "Vedlegg". */
  attachments?: { label: string; filename: string }[] | null;
  /** Opened by a referral: the referring committee's vedtak, input and dissent. */
  referral?: ReferralRef | null;
  /** Numbered sub-items with their proposals. */
  items?: SubItemRef[] | null;
}

export interface NoticeDocument {
  committee: CommitteeRef;
  meeting: MeetingHeader;
  /** Members (chair and member roles under "Medlemmer", observers under "Observatører"). */
  members: MemberEntry[];
  cases: NoticeCase[];
  builtAtPosition: number | bigint;
  /** As the minutes' `builtFrom`. */
  builtFrom?: BuiltFromRef | null;
  /** Changes made after notice: the notice then says "Endret innkalling" and lists them. */
  changes?: NoticeChange[] | null;
}
