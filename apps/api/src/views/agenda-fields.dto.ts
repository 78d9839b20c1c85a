/**
 * OpenAPI shapes of the register row and the minutes/notice JSON (documentation only: these are
 * answers, not bodies), with the fields of late cases and amendments (API.md "The agenda before
 * and after notice", "Corrections before the minutes are approved"), and of complete minutes
 * ("What the minutes and the register hold": postponed, withdrawn, referrals, conditions,
 * decidedOn, approvedOn). A field added to the row or the minutes is added here.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DissentDoc, VotesDoc } from '../cases/cases.dto.js';
import { ExemptionDoc, WrittenOutcomeDoc, MinutesAttendanceDoc, MinutesFollowUpDoc, MinutesItemDoc, MinutesMemberDoc, MinutesNoticeChangeDoc, MinutesWrittenCaseDoc } from './view-rows.dto.js';

export class DecisionRowDoc {
  @ApiProperty({ type: String, nullable: true }) caseId: string | null;
  @ApiProperty() committee: string;
  @ApiProperty({ type: String, nullable: true, example: '47/18' }) number: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true, enum: ['approval', 'orientation', 'endorsement', 'discussion'] }) type: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['endorsement', 'orientation'] }) outcome: string | null;
  @ApiProperty({ description: 'the vedtak (the amended text when amended)' }) resolution: string;
  @ApiProperty({ type: String, nullable: true }) meetingId: string | null;
  @ApiProperty({ type: String, nullable: true, example: '8/2018' }) meetingNumber: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2018-12-06' }) date: string | null;
  @ApiProperty() minutesApproved: boolean;
  @ApiPropertyOptional({ description: 'the vedtak was amended before the minutes were approved' }) amended?: boolean;
  @ApiPropertyOptional({ description: 'the conditions of a conditional endorsement; absent when there are none' }) conditions?: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date',
    description: "the day it was decided: the meeting's date (not when it was recorded); for a historical decision the date the records give",
  })
  decidedOn: string | null;
  @ApiPropertyOptional({ type: [DissentDoc], description: 'dissens: { memberId, name, organisation, text }' }) dissent?: DissentDoc[];
  @ApiPropertyOptional({ type: VotesDoc, description: 'votering: { meetingId, tally: { for, against, abstained }, for, against, abstained } with names' }) votes?: VotesDoc;
  @ApiPropertyOptional({ type: [MinutesItemDoc], description: 'numbered sub-items { label, title, proposedResolution?, resolution? }; q=50/18 NR. 2 finds the row' }) items?: MinutesItemDoc[];
  @ApiPropertyOptional({ description: 'decided by written procedure (skriftlig behandling)' }) writtenProcedure?: boolean;
  @ApiPropertyOptional({ type: WrittenOutcomeDoc, description: 'written procedure: { deadline, tally: { agree, disagree }, answers: [{ memberId, name, organisation, answer, comment? }] }' }) writtenProcedureOutcome?: WrittenOutcomeDoc;
  @ApiPropertyOptional({
    type: ExemptionDoc,
    description: "unntatt offentlighet { basis } (only on an exempt case's row): outside the committee the comments, dissent texts and sub-item proposals are null",
  })
  exemption?: ExemptionDoc;
  @ApiPropertyOptional({ enum: [true], description: 'a decision from the records before Saksflyt (HistoricalDecisionRecorded)' }) history?: true;
  @ApiPropertyOptional({ description: "a historical row's key" }) historyId?: string;
}

export class MinutesReasonDoc {
  @ApiProperty() reason: string;
}

export class MinutesReferralDoc {
  @ApiProperty({ example: 'NUIT' }) committee: string;
  @ApiProperty({ example: 'Prioriteringsutvalget' }) committeeName: string;
  @ApiProperty({ description: 'the case drafted for that committee' }) caseId: string;
  @ApiProperty({ enum: ['approval', 'orientation', 'endorsement', 'discussion'] }) type: string;
}

export class AmendmentDoc {
  @ApiProperty() reason: string;
  @ApiProperty({ type: String, nullable: true, description: 'when it was amended' }) at: string | null;
  @ApiProperty({ type: [String], enum: ['resolution', 'conditions', 'summary', 'points', 'input'] }) fields: string[];
}

export class MinutesCaseDoc {
  @ApiProperty() caseId: string;
  @ApiProperty({ type: String, nullable: true, example: '47/18' }) number: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['approval', 'orientation', 'endorsement', 'discussion'] }) type: string;
  @ApiProperty({ type: String, nullable: true }) resolution: string | null;
  @ApiProperty({ type: String, nullable: true }) conditions: string | null;
  @ApiPropertyOptional({ description: 'a late case (tilleggssak): marked Tilleggssak in the documents' }) late?: boolean;
  @ApiPropertyOptional({ description: 'amended before the minutes were approved (the texts are the amended ones)' }) amended?: boolean;
  @ApiPropertyOptional({ type: [AmendmentDoc] }) amendments?: AmendmentDoc[];
  @ApiProperty({ type: MinutesReasonDoc, nullable: true, description: '*Utsatt*: postponed at this meeting after notice (number, discussion here kept)' }) postponed: MinutesReasonDoc | null;
  @ApiProperty({ type: MinutesReasonDoc, nullable: true, description: 'withdrawn at this meeting after notice' }) withdrawn: MinutesReasonDoc | null;
  @ApiProperty({ type: [MinutesReferralDoc], description: '*Oversendt til {committee}*: referrals made from this meeting' }) referrals: MinutesReferralDoc[];
  @ApiPropertyOptional({ type: VotesDoc, description: 'votering (tally and names)' }) votes?: VotesDoc;
  @ApiPropertyOptional({ type: [DissentDoc], description: 'dissens: { memberId, name, organisation, text }' }) dissent?: DissentDoc[];
  @ApiPropertyOptional({ type: [MinutesItemDoc], description: 'numbered sub-items { label, title, proposedResolution?, resolution? }' }) items?: MinutesItemDoc[];
  @ApiProperty({ type: String, nullable: true, enum: ['notice-approval', 'minutes-approval', 'any-other-business'] }) standardItem: string | null;
  @ApiProperty({ enum: ['draft', 'scheduled', 'discussion', 'endorsement', 'orientation', 'withdrawn'], description: "the case's state now" }) state: string;
  @ApiProperty() proposedResolution: string;
  @ApiProperty({ type: String, nullable: true }) presenter: string | null;
  @ApiProperty({ type: String, nullable: true }) summary: string | null;
  @ApiProperty({ type: [String] }) points: string[];
  @ApiProperty({ type: [String] }) input: string[];
  @ApiProperty({ type: String, nullable: true, enum: ['endorsement', 'orientation'] }) outcome: string | null;
  @ApiProperty({ type: [MinutesFollowUpDoc] }) followUps: MinutesFollowUpDoc[];
  @ApiProperty({ type: ExemptionDoc, nullable: true }) exemption: ExemptionDoc | null;
  @ApiProperty({ type: String, nullable: true, description: 'the approval of minutes endorsed with corrections' }) corrections: string | null;
}

export class BuiltFromDoc {
  @ApiProperty({ description: 'the global position of the last event the document was built from' }) position: number;
  @ApiProperty({ type: String, nullable: true, description: "that event's SHA-256 hash as `GET /api/audit/verify` and `saksflyt verify --position N --at-hash H` check it" }) hash: string | null;
}

export class MinutesDoc {
  @ApiProperty() meetingId: string;
  @ApiProperty() committee: string;
  @ApiProperty({ example: '8/2018' }) number: string;
  @ApiProperty() date: string;
  @ApiProperty({ enum: ['draft', 'approved'] }) status: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'when the approval was recorded' }) approvedAt: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date', description: 'the date of the meeting that approved them' }) approvedOn: string | null;
  @ApiProperty({ type: [MinutesCaseDoc], description: 'every case that stood on the noticed agenda, in agenda order' }) cases: MinutesCaseDoc[];
  @ApiProperty() position: number;
  @ApiPropertyOptional({ type: BuiltFromDoc, nullable: true, description: 'approved minutes only: Bygget fra hendelse N, sjekksum …, the last event at or before `position` and its hash' }) builtFrom?: BuiltFromDoc | null;
  @ApiPropertyOptional({ type: [MinutesWrittenCaseDoc], description: 'Saker behandlet ved skriftlig behandling (an exempt case\'s comments are null outside the committee)' }) writtenProcedures?: MinutesWrittenCaseDoc[];
  @ApiProperty() committeeName: string;
  @ApiProperty({ type: String, nullable: true }) startTime: string | null;
  @ApiProperty({ type: String, nullable: true }) endTime: string | null;
  @ApiProperty() place: string;
  @ApiProperty({ enum: ['planned', 'noticed', 'in_session', 'held', 'cancelled'] }) state: string;
  @ApiProperty({ type: [MinutesMemberDoc], description: 'chair and members of the committee at the meeting' }) members: MinutesMemberDoc[];
  @ApiProperty({ type: [MinutesMemberDoc] }) observers: MinutesMemberDoc[];
  @ApiProperty({ type: [MinutesMemberDoc], description: 'vara: the deputies, each with deputyFor' }) deputies: MinutesMemberDoc[];
  @ApiProperty({ type: MinutesAttendanceDoc, nullable: true }) attendance: MinutesAttendanceDoc | null;
  @ApiProperty({ enum: ['ordinary', 'extraordinary'] }) kind: string;
  @ApiProperty({ type: String, nullable: true, format: 'date' }) endDate: string | null;
  @ApiProperty({ enum: ['physical', 'webinar', 'hybrid'] }) format: string;
  @ApiProperty({ type: String, nullable: true }) cancelledReason: string | null;
  @ApiProperty({ type: [MinutesNoticeChangeDoc], description: 'endret innkalling: the changes after notice, oldest first' }) noticeChanges: MinutesNoticeChangeDoc[];
  @ApiProperty({ type: String, nullable: true, description: 'godkjent med merknader' }) approvedWithCorrections: string | null;
}

export class NoticeCaseDoc {
  @ApiProperty() caseId: string;
  @ApiProperty({ type: String, nullable: true, example: '47/18' }) number: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) proposedResolution: string | null;
  @ApiPropertyOptional({ description: 'a late case (tilleggssak): marked Tilleggssak in the documents' }) late?: boolean;
  @ApiPropertyOptional({ type: Object, description: 'opened by refer: { fromCaseId, committee, number, resolution?, conditions?, input?, dissent?, reason?, items?: [{ label, title, resolution? }] }' }) referral?: unknown;
  @ApiPropertyOptional({ type: [Object], description: 'numbered sub-items { label, title, proposedResolution? }' }) items?: unknown[];
}

export class NoticeDoc {
  @ApiProperty() meetingId: string;
  @ApiProperty() committee: string;
  @ApiProperty({ example: '8/2018' }) number: string;
  @ApiProperty({ type: [NoticeCaseDoc] }) cases: NoticeCaseDoc[];
  @ApiProperty() position: number;
  @ApiProperty({ type: BuiltFromDoc, nullable: true, description: 'Bygget fra hendelse N, sjekksum …: the last event at or before `position` and its hash' }) builtFrom: BuiltFromDoc | null;
}
