import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
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
  @ApiProperty({ nullable: true, example: '47/18' }) number: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['approval', 'orientation', 'endorsement', 'discussion'] }) type: string;
  @ApiProperty({ enum: ['draft', 'scheduled', 'discussion', 'endorsement', 'orientation', 'withdrawn'] }) state: string;
  @ApiPropertyOptional({ enum: ['notice-approval', 'minutes-approval', 'any-other-business'] }) standardItem?: string;
  @ApiPropertyOptional({ description: 'a late case (tilleggssak): scheduled after notice, numbered at once' }) late?: boolean;
}

export class MeetingSummaryDoc {
  @ApiProperty() id: string;
  @ApiProperty() committee: string;
  @ApiProperty({ example: '8/2018' }) number: string;
  @ApiProperty() year: number;
  @ApiProperty({ example: '2018-12-06' }) date: string;
  @ApiProperty({ enum: ['planned', 'noticed', 'in_session', 'held'] }) state: string;
  @ApiProperty({ enum: ['draft', 'approved'] }) minutes: string;
}

export class MeetingDoc extends MeetingSummaryDoc {
  @ApiPropertyOptional() startTime?: string;
  @ApiPropertyOptional() endTime?: string;
  @ApiProperty() place: string;
  @ApiPropertyOptional() previousMeetingId?: string;
  @ApiProperty({ type: [AgendaItemDoc] }) agenda: AgendaItemDoc[];
  @ApiProperty({ type: [String] }) allowedCommands: string[];
  @ApiProperty() revision: number;
  @ApiPropertyOptional({ description: 'PUT agenda: the position written' }) position?: number;
}

export class MeetingWriteResultDoc {
  @ApiProperty() id: string;
  @ApiProperty() committee: string;
  @ApiProperty({ example: '8/2018' }) number: string;
  @ApiProperty({ enum: ['planned', 'noticed', 'in_session', 'held'] }) state: string;
  @ApiProperty() revision: number;
  @ApiProperty() position: number;
}
