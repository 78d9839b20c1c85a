/**
 * OpenAPI shapes of the views' answers that had none (documentation only: answers, not bodies):
 * the portfolio, the annual cycle, the audit log and verification, and the parts of the minutes
 * JSON (members, attendance, follow-ups, sub-items, written procedures). The workbench's client
 * types are generated from these (openapi-typescript), so a field the web reads is a field here.
 */
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { MeetingSummaryDoc } from '../meetings/meetings.dto.js';
import { DissentDoc, WrittenAnswerDoc, WrittenTallyDoc } from '../cases/cases.dto.js';

const OUTCOMES = ['endorsement', 'orientation'];
const MEETING_STATES = ['planned', 'noticed', 'in_session', 'held', 'cancelled'];

export class ProjectDecisionDoc {
  @ApiProperty() committee: string;
  @ApiProperty({ type: String, nullable: true, example: '47/18' }) number: string | null;
  @ApiProperty({ enum: OUTCOMES }) outcome: 'endorsement' | 'orientation';
  @ApiProperty({ format: 'date' }) date: string;
}

export class PortfolioProjectDoc {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() owner: string;
  @ApiProperty({ type: String, nullable: true }) phase: string | null;
  @ApiProperty({ type: String, nullable: true }) status: string | null;
  @ApiProperty({ type: String, nullable: true }) risk: string | null;
  @ApiProperty({ type: [ProjectDecisionDoc], description: 'the decisions that touched the project' }) decisions: ProjectDecisionDoc[];
}

/** A meeting of the annual cycle: the meeting's summary (by `meetingId`) with its times, place and case counts. */
export class AnnualCycleMeetingDoc extends OmitType(MeetingSummaryDoc, ['id', 'endDate', 'cancelledReason'] as const) {
  @ApiProperty() meetingId: string;
  @ApiProperty({ type: String, nullable: true }) startTime: string | null;
  @ApiProperty({ type: String, nullable: true }) endTime: string | null;
  @ApiProperty() place: string;
  @ApiProperty({ description: 'cases on the agenda, standard items included' }) cases: number;
  @ApiProperty({ description: 'of those: endorsed or noted' }) decided: number;
  @ApiProperty({ type: String, nullable: true, format: 'date', description: 'the last day of a meeting over several days' }) endDate: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'state cancelled: why' }) cancelledReason: string | null;
}

export class MinutesMemberDoc {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() organisation: string;
  @ApiProperty({ enum: ['chair', 'member', 'observer', 'deputy'] }) role: string;
  @ApiPropertyOptional({ description: 'a deputy (vara): the member they stand in for' }) deputyFor?: string;
  @ApiPropertyOptional({ enum: [true], description: 'in attendance.present: took part remotely' }) remote?: true;
  @ApiPropertyOptional({ description: 'in attendance.present: a deputy standing in for this member id' }) standingInFor?: string;
}

export class MinutesAttendanceDoc {
  @ApiProperty({ type: [MinutesMemberDoc] }) present: MinutesMemberDoc[];
  @ApiProperty({ type: [MinutesMemberDoc] }) absent: MinutesMemberDoc[];
  @ApiProperty({ type: [String] }) guests: string[];
  @ApiProperty({ type: [String], description: "the secretariat's staff present" }) secretariat: string[];
}

export class MinutesFollowUpDoc {
  @ApiProperty() id: string;
  @ApiProperty() text: string;
}

export class MinutesItemDoc {
  @ApiProperty({ example: 'NR. 1' }) label: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional() proposedResolution?: string;
  @ApiPropertyOptional({ description: 'its vedtak, where one was given' }) resolution?: string;
}

export class MinutesNoticeChangeDoc {
  @ApiProperty() field: string;
  @ApiProperty({ type: String, nullable: true }) from: string | null;
  @ApiProperty() to: string;
}

export class MinutesWrittenCaseDoc {
  @ApiProperty() caseId: string;
  @ApiProperty({ type: String, nullable: true }) number: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: OUTCOMES }) outcome: 'endorsement' | 'orientation';
  @ApiProperty() resolution: string;
  @ApiProperty({ type: String, nullable: true }) conditions: string | null;
  @ApiProperty({ type: [String] }) input: string[];
  @ApiProperty({ format: 'date' }) concludedOn: string;
  @ApiProperty() deadline: string;
  @ApiProperty({ type: WrittenTallyDoc }) tally: WrittenTallyDoc;
  @ApiProperty({ type: [WrittenAnswerDoc] }) answers: WrittenAnswerDoc[];
  @ApiPropertyOptional({ type: [DissentDoc] }) dissent?: DissentDoc[];
  @ApiProperty({ type: () => ExemptionDoc, nullable: true, description: "unntatt offentlighet: outside the committee an exempt case's comments are null" }) exemption: ExemptionDoc | null;
}

export class ExemptionDoc {
  @ApiProperty({ example: 'offl. § 14' }) basis: string;
}

/** A register row's written procedure: the deadline, the tally and the answers. */
export class WrittenOutcomeDoc {
  @ApiProperty() deadline: string;
  @ApiProperty({ type: WrittenTallyDoc }) tally: WrittenTallyDoc;
  @ApiProperty({ type: [WrittenAnswerDoc] }) answers: WrittenAnswerDoc[];
}

export class AuditEventMetadataDoc {
  @ApiPropertyOptional({ format: 'date-time' }) at?: string;
  @ApiPropertyOptional() actor?: string;
  @ApiPropertyOptional() correlationId?: string;
  @ApiPropertyOptional() causationId?: string;
}

export class AuditEventDoc {
  @ApiProperty() position: number;
  @ApiProperty() stream: string;
  @ApiProperty() revision: number;
  @ApiProperty() type: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty({ type: AuditEventMetadataDoc }) metadata: AuditEventMetadataDoc;
  @ApiPropertyOptional({ description: 'the hash chain link' }) hash?: string;
}

export class AuditPageDoc {
  @ApiProperty({ type: [AuditEventDoc] }) events: AuditEventDoc[];
  @ApiProperty() headPosition: number;
  @ApiProperty({ type: Number, nullable: true, description: 'the position of the first event of the next page; null on the last page' }) nextPosition: number | null;
}

export class VerifyOkDoc {
  @ApiProperty({ enum: [true] }) ok: true;
  @ApiProperty() events: number;
  @ApiProperty() headHash: string;
}

export class VerifyBadDoc {
  @ApiProperty({ enum: [false] }) ok: false;
  @ApiProperty() firstBadPosition: number;
  @ApiProperty({ enum: ['altered', 'deleted', 'inserted', 'reordered', 'cut-off', 'rewritten'], description: 'what the check found' }) kind: string;
}
