import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { MEETING_FORMATS, MEETING_KINDS, meetingTimeErrors, type MeetingFormat, type MeetingKind } from '@saksflyt/workflow';
import type { FieldError } from '../problem/problem.js';
import { IsCalendarDate, NotBlank, Omittable } from '../validation/rules.js';

export const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The meeting bodies' shape (issue 9 point 7); unknown or departed members are the workflow's to answer. */
export class PlanMeetingDto {
  @ApiProperty({ example: '2018-12-06', description: 'YYYY-MM-DD; any date, past ones too' })
  @IsString()
  @IsCalendarDate({ message: 'date must be a date YYYY-MM-DD' })
  date: string;

  @ApiPropertyOptional({ example: '10:00', description: 'HH:MM' })
  @Omittable()
  @IsString()
  @Matches(TIME_PATTERN, { message: 'startTime must be a time HH:MM' })
  startTime?: string;

  @ApiPropertyOptional({ example: '15:00', description: 'HH:MM' })
  @Omittable()
  @IsString()
  @Matches(TIME_PATTERN, { message: 'endTime must be a time HH:MM' })
  endTime?: string;

  @ApiProperty({ example: 'Radisson Blu Gardermoen' })
  @IsString()
  @NotBlank()
  @MaxLength(500)
  place: string;

  @ApiPropertyOptional({ enum: MEETING_KINDS, default: 'ordinary' })
  @Omittable()
  @IsIn(MEETING_KINDS as string[])
  kind?: MeetingKind;

  @ApiPropertyOptional({ example: '2020-10-29', description: 'YYYY-MM-DD, the last day of a meeting over several days; not before date' })
  @Omittable()
  @IsString()
  @IsCalendarDate({ message: 'endDate must be a date YYYY-MM-DD' })
  endDate?: string;

  @ApiPropertyOptional({ enum: MEETING_FORMATS, default: 'physical' })
  @Omittable()
  @IsIn(MEETING_FORMATS as string[])
  format?: MeetingFormat;

  /** `endDate` not before `date`; `endTime` not before `startTime` on a one-day meeting. */
  static crossFieldErrors(dto: PlanMeetingDto): FieldError[] {
    return meetingTimeErrors(dto);
  }
}

/** PATCH /api/meetings/{id}: what moves or changes (while planned or noticed); the combined rules need the meeting, so the workflow checks them. */
export class ChangeMeetingDto {
  @ApiPropertyOptional({ example: '2018-12-07', description: 'YYYY-MM-DD, in the same year (the number belongs to it)' })
  @Omittable()
  @IsString()
  @IsCalendarDate({ message: 'date must be a date YYYY-MM-DD' })
  date?: string;

  @ApiPropertyOptional({ example: '2018-12-08' })
  @Omittable()
  @IsString()
  @IsCalendarDate({ message: 'endDate must be a date YYYY-MM-DD' })
  endDate?: string;

  @ApiPropertyOptional({ example: '10:00' })
  @Omittable()
  @IsString()
  @Matches(TIME_PATTERN, { message: 'startTime must be a time HH:MM' })
  startTime?: string;

  @ApiPropertyOptional({ example: '15:00' })
  @Omittable()
  @IsString()
  @Matches(TIME_PATTERN, { message: 'endTime must be a time HH:MM' })
  endTime?: string;

  @ApiPropertyOptional({ example: 'Teams' })
  @Omittable()
  @IsString()
  @NotBlank()
  @MaxLength(500)
  place?: string;

  @ApiPropertyOptional({ enum: MEETING_FORMATS })
  @Omittable()
  @IsIn(MEETING_FORMATS as string[])
  format?: MeetingFormat;

  /** A PATCH that names no field changes nothing: 400. */
  static crossFieldErrors(dto: ChangeMeetingDto): FieldError[] {
    return Object.values(dto).some((v) => v !== undefined) ? [] : [{ field: 'body', message: 'names no change' }];
  }
}

export class CancelMeetingDto {
  @ApiProperty({ example: 'For få saker' })
  @IsString()
  @NotBlank()
  reason: string;
}

export class OpenMeetingDto {
  @ApiProperty({ type: [String], description: 'member ids of the committee present' })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  present: string[];

  @ApiPropertyOptional({ type: [String], description: 'member ids of the committee absent' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  absent?: string[];

  @ApiPropertyOptional({ type: [String], description: 'names of guests' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  guests?: string[];

  @ApiPropertyOptional({ type: [String], description: "names of the secretariat's staff present (Sekretariat)", example: ['Karl Vestli', 'Bodil Rabben'] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @NotBlank({ each: true })
  @MaxLength(500, { each: true })
  secretariat?: string[];

  @ApiPropertyOptional({ type: [String], description: 'member ids among `present` who took part remotely' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  remote?: string[];
}

/** PUT agenda: the substantive cases in their order (each exactly once); the standard items keep their places. */
export class ReorderAgendaDto {
  @ApiProperty({ type: [String], description: 'case ids of the substantive cases, each exactly once' })
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  order: string[];
}

export class AgendaItemDoc {
  @ApiProperty() caseId: string;
  @ApiProperty({ type: String, nullable: true, example: '47/18' }) number: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['approval', 'orientation', 'endorsement', 'discussion'] }) type: string;
  @ApiProperty({ enum: ['draft', 'scheduled', 'discussion', 'endorsement', 'orientation', 'withdrawn'] }) state: string;
  @ApiPropertyOptional({ enum: ['notice-approval', 'minutes-approval', 'any-other-business'] }) standardItem?: string;
  @ApiPropertyOptional({ description: 'a late case (tilleggssak): scheduled after notice, numbered at once' }) late?: boolean;
  @ApiPropertyOptional({ description: 'a minutes-approval item: the meeting whose minutes it approves' }) approvesMinutesOf?: string;
}

export class MeetingSummaryDoc {
  @ApiProperty() id: string;
  @ApiProperty() committee: string;
  @ApiProperty({ example: '8/2018' }) number: string;
  @ApiProperty() year: number;
  @ApiProperty({ example: '2018-12-06' }) date: string;
  @ApiProperty({ enum: ['planned', 'noticed', 'in_session', 'held', 'cancelled'] }) state: string;
  @ApiProperty({ enum: ['draft', 'approved'] }) minutes: string;
  @ApiProperty({ enum: MEETING_KINDS }) kind: string;
  @ApiPropertyOptional({ description: 'the last day of a meeting over several days' }) endDate?: string;
  @ApiProperty({ enum: MEETING_FORMATS }) format: string;
  @ApiPropertyOptional({ description: 'state cancelled: why' }) cancelledReason?: string;
}

export class MeetingChangeDoc {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'the fields changed, with their new values' }) changes: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'their values before' }) previous: Record<string, string>;
  @ApiProperty({ description: 'after notice: a changed notice (endret innkalling)' }) afterNotice: boolean;
  @ApiProperty({ nullable: true, type: String }) at: string | null;
}

export class StandingInDoc {
  @ApiProperty({ description: 'the deputy (vara) present' }) deputy: string;
  @ApiProperty({ description: 'the member they stood in for' }) for: string;
}

export class AttendanceDoc {
  @ApiProperty({ type: [String], description: 'member ids present' }) present: string[];
  @ApiProperty({ type: [String], description: 'member ids absent (forfall)' }) absent: string[];
  @ApiProperty({ type: [String] }) guests: string[];
  @ApiProperty({ type: [String], description: "names of the secretariat's staff present" }) secretariat: string[];
  @ApiProperty({ type: [String], description: 'member ids among `present` who took part remotely' }) remote: string[];
  @ApiProperty({ type: [StandingInDoc], description: 'deputies present for a member who was not' }) standingIn: StandingInDoc[];
}

export class MeetingDoc extends MeetingSummaryDoc {
  @ApiPropertyOptional() startTime?: string;
  @ApiPropertyOptional() endTime?: string;
  @ApiProperty() place: string;
  @ApiPropertyOptional({ description: 'the meeting whose minutes its minutes-approval item approves' }) previousMeetingId?: string;
  @ApiPropertyOptional() previousMeetingDate?: string;
  @ApiProperty({ type: [AgendaItemDoc] }) agenda: AgendaItemDoc[];
  @ApiProperty({ type: [MeetingChangeDoc] }) changes: MeetingChangeDoc[];
  @ApiPropertyOptional({ description: 'minutes approved with corrections (godkjent med merknader)' }) minutesCorrections?: string;
  @ApiProperty({ type: [String] }) allowedCommands: string[];
  @ApiProperty() revision: number;
  @ApiProperty({ type: AttendanceDoc, nullable: true, description: 'set when the meeting is opened' }) attendance: AttendanceDoc | null;
  @ApiPropertyOptional({ description: 'PUT agenda: the position written' }) position?: number;
}

export class MeetingWriteResultDoc {
  @ApiProperty() id: string;
  @ApiProperty() committee: string;
  @ApiProperty({ example: '8/2018' }) number: string;
  @ApiProperty({ enum: ['planned', 'noticed', 'in_session', 'held', 'cancelled'] }) state: string;
  @ApiProperty() revision: number;
  @ApiProperty() position: number;
}
