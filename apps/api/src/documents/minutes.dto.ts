/**
 * The minutes JSON (`GET /api/meetings/{id}/minutes`, the meeting's live feed) for the OpenAPI
 * document: the shape of `Minutes` (libs/projections/src/views/minutes.ts) plus `position`.
 * Response only. A per-item extra added to `MinutesCase` is added to `MinutesCaseDto` here.
 */
import { ApiProperty } from '@nestjs/swagger';

class MinutesMemberDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() organisation!: string;
  @ApiProperty({ enum: ['chair', 'member', 'observer'] }) role!: string;
}

class MinutesAttendanceDto {
  @ApiProperty({ type: [MinutesMemberDto] }) present!: MinutesMemberDto[];
  @ApiProperty({ type: [MinutesMemberDto] }) absent!: MinutesMemberDto[];
  @ApiProperty({ type: [String] }) guests!: string[];
}

class MinutesReasonDto {
  @ApiProperty() reason!: string;
}

class MinutesReferralDto {
  @ApiProperty({ example: 'NUIT' }) committee!: string;
  @ApiProperty({ example: 'Prioriteringsutvalget' }) committeeName!: string;
  @ApiProperty({ description: 'the case drafted for that committee' }) caseId!: string;
  @ApiProperty({ enum: ['approval', 'orientation', 'endorsement', 'discussion'] }) type!: string;
}

class MinutesFollowUpDto {
  @ApiProperty() id!: string;
  @ApiProperty() text!: string;
}

export class MinutesCaseDto {
  @ApiProperty() caseId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the number it had on this agenda (also when postponed or withdrawn after notice)' })
  number!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['approval', 'orientation', 'endorsement', 'discussion'] }) type!: string;
  @ApiProperty({ enum: ['notice-approval', 'minutes-approval', 'any-other-business'], nullable: true }) standardItem!: string | null;
  @ApiProperty({ description: "the case's state now" }) state!: string;
  @ApiProperty() proposedResolution!: string;
  @ApiProperty({ type: String, nullable: true }) presenter!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the discussion at this meeting' }) summary!: string | null;
  @ApiProperty({ type: [String] }) points!: string[];
  @ApiProperty({ type: [String] }) input!: string[];
  @ApiProperty({ enum: ['endorsement', 'orientation'], nullable: true }) outcome!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the vedtak' }) resolution!: string | null;
  @ApiProperty({ type: String, nullable: true }) conditions!: string | null;
  @ApiProperty({ type: [MinutesFollowUpDto] }) followUps!: MinutesFollowUpDto[];
  @ApiProperty({ type: MinutesReasonDto, nullable: true, description: '*Utsatt*: postponed at this meeting after notice' }) postponed!: MinutesReasonDto | null;
  @ApiProperty({ type: MinutesReasonDto, nullable: true, description: 'withdrawn at this meeting after notice' }) withdrawn!: MinutesReasonDto | null;
  @ApiProperty({ type: [MinutesReferralDto], description: '*Oversendt til {committee}*: referrals made from this meeting' }) referrals!: MinutesReferralDto[];
}

export class MinutesDto {
  @ApiProperty() meetingId!: string;
  @ApiProperty() committee!: string;
  @ApiProperty() committeeName!: string;
  @ApiProperty({ example: '8/2018' }) number!: string;
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ type: String, nullable: true }) startTime!: string | null;
  @ApiProperty({ type: String, nullable: true }) endTime!: string | null;
  @ApiProperty() place!: string;
  @ApiProperty() state!: string;
  @ApiProperty({ enum: ['draft', 'approved'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'when the approval was recorded' }) approvedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date', description: 'the date of the meeting that approved them' }) approvedOn!: string | null;
  @ApiProperty({ nullable: true, type: Object, example: { caseId: 'c', meetingId: 'm' } }) approvedBy!: { caseId: string; meetingId: string } | null;
  @ApiProperty({ type: [MinutesMemberDto] }) members!: MinutesMemberDto[];
  @ApiProperty({ type: [MinutesMemberDto] }) observers!: MinutesMemberDto[];
  @ApiProperty({ type: MinutesAttendanceDto, nullable: true }) attendance!: MinutesAttendanceDto | null;
  @ApiProperty({ type: [MinutesCaseDto], description: 'every case that stood on the noticed agenda, in agenda order' }) cases!: MinutesCaseDto[];
  @ApiProperty({ description: 'the global event position the minutes were built from' }) position!: number;
}
