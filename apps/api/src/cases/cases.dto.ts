import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export const CASE_TYPES = ['approval', 'orientation', 'endorsement', 'discussion'] as const;
export type CaseTypeName = (typeof CASE_TYPES)[number];
const TYPES = CASE_TYPES as unknown as string[];

export class CreateCaseDto {
  @ApiProperty({ example: 'NEHS' }) @IsString() @IsNotEmpty() @MaxLength(20) committee: string;
  @ApiProperty({ example: 'Nasjonal e-helseportefølje 2019' }) @IsString() @IsNotEmpty() @MaxLength(2000) title: string;
  @ApiProperty({ enum: CASE_TYPES }) @IsIn(TYPES) type: CaseTypeName;
  @ApiProperty({ description: 'forslag til vedtak (may be "" when the records hold none)' }) @IsString() proposedResolution: string;
  @ApiPropertyOptional() @IsOptional() @IsString() background?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() purpose?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) caseOfficer?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) responsible?: string;
  @ApiPropertyOptional({ description: 'join an existing matter; default: a new matter' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) matterId?: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) projectIds?: string[];
  @ApiPropertyOptional({ type: [String], description: 'follow-up ids this case meets' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  meetsFollowUps?: string[];
}

/** PATCH: any of the case paper's fields (while draft, or scheduled before notice). */
export class EditCaseDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(2000) title?: string;
  @ApiPropertyOptional({ enum: CASE_TYPES }) @IsOptional() @IsIn(TYPES) type?: CaseTypeName;
  @ApiPropertyOptional() @IsOptional() @IsString() proposedResolution?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() background?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() purpose?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) caseOfficer?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) responsible?: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) projectIds?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) meetsFollowUps?: string[];
}

export class ScheduleDto {
  @ApiProperty({ description: 'a planned meeting of the case committee' }) @IsString() @IsNotEmpty() @MaxLength(200) meetingId: string;
}

export class ReasonDto {
  @ApiProperty() @IsString() @IsNotEmpty() reason: string;
}

export class PresentDto {
  @ApiProperty({ example: 'Karl Vestli, Direktoratet for e-helse' }) @IsString() @IsNotEmpty() @MaxLength(1000) presenter: string;
}

export class RecordDiscussionDto {
  @ApiPropertyOptional() @IsOptional() @IsString() summary?: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) points?: string[];
  @ApiPropertyOptional({ type: [String], description: 'follow-ups promised in the minutes' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  followUps?: string[];
}

export class EndorseDto {
  @ApiProperty({ description: 'the vedtak' }) @IsString() @IsNotEmpty() resolution: string;
  @ApiPropertyOptional() @IsOptional() @IsString() conditions?: string;
}

export class NoteDto {
  @ApiProperty({ description: 'the vedtak' }) @IsString() @IsNotEmpty() resolution: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) input?: string[];
}

export class ReferDto {
  @ApiProperty({ example: 'NUIT' }) @IsString() @IsNotEmpty() @MaxLength(20) toCommittee: string;
  @ApiProperty({ enum: CASE_TYPES }) @IsIn(TYPES) type: CaseTypeName;
}

export class CaseWriteResultDoc {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['draft', 'scheduled', 'discussion', 'endorsement', 'orientation', 'withdrawn'] }) state: string;
  @ApiProperty() revision: number;
  @ApiProperty() position: number;
  @ApiPropertyOptional({ description: 'refer: the new case in the other committee' }) referredCaseId?: string;
}

export class CaseDoc {
  @ApiProperty() id: string;
  @ApiProperty() committee: string;
  @ApiProperty({ nullable: true, example: '52/18' }) number: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: CASE_TYPES }) type: string;
  @ApiProperty({ enum: ['draft', 'scheduled', 'discussion', 'endorsement', 'orientation', 'withdrawn'] }) state: string;
  @ApiProperty() proposedResolution: string;
  @ApiProperty({ nullable: true }) resolution: string | null;
  @ApiProperty({ nullable: true }) meetingId: string | null;
  @ApiProperty() matterId: string;
  @ApiProperty() revision: number;
  @ApiProperty({ type: [String] }) allowedCommands: string[];
  @ApiProperty({ description: "its meeting's minutes are approved" }) recorded: boolean;
}

export class HistoryEntryDoc {
  @ApiProperty() position: number;
  @ApiProperty() revision: number;
  @ApiProperty() type: string;
  @ApiProperty() at: string;
  @ApiProperty() actor: string;
  @ApiProperty({ type: Object }) data: unknown;
  @ApiProperty() correlationId: string;
  @ApiProperty({ nullable: true }) causationId: string | null;
  @ApiProperty({ nullable: true }) hash: string | null;
}
