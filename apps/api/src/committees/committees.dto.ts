import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const MEMBER_ROLES = ['chair', 'member', 'observer'] as const;

export class CreateCommitteeDto {
  @ApiProperty({ example: 'NEHS', description: '1–20 capital letters, digits or hyphens, starting with a letter' })
  @IsString()
  @Matches(/^[A-Z][A-Z0-9-]{0,19}$/, { message: 'code must be 1–20 capital letters, digits or hyphens, starting with a letter' })
  code: string;

  @ApiProperty({ example: 'Nasjonalt e-helsestyre' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  name: string;
}

export class AddMemberDto {
  @ApiProperty({ example: 'Bjørn Guldvog' }) @IsString() @IsNotEmpty() @MaxLength(500) name: string;
  @ApiProperty({ example: 'Helsedirektoratet' }) @IsString() @IsNotEmpty() @MaxLength(500) organisation: string;
  @ApiProperty({ enum: MEMBER_ROLES }) @IsIn(MEMBER_ROLES as unknown as string[]) role: (typeof MEMBER_ROLES)[number];
}

export class NumberingDto {
  @ApiProperty({ example: 8, minimum: 1 }) @IsInt() @Min(1) @Max(1_000_000) nextMeetingNumber: number;
  @ApiProperty({ example: 47, minimum: 1 }) @IsInt() @Min(1) @Max(1_000_000) nextCaseNumber: number;
}

export class WriteResultDoc {
  @ApiProperty() id: string;
  @ApiProperty() state: string;
  @ApiProperty({ description: 'the aggregate stream revision after the command (0-based)' }) revision: number;
  @ApiProperty({ description: 'the highest global position written because of the command' }) position: number;
}

export class MemberDoc {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() organisation: string;
  @ApiProperty({ enum: MEMBER_ROLES }) role: string;
  @ApiProperty() joinedAt: string;
  @ApiProperty({ required: false }) leftAt?: string;
}

export class CommitteeDoc {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [MemberDoc] }) members: MemberDoc[];
  @ApiProperty({ type: [MemberDoc] }) formerMembers: MemberDoc[];
  @ApiProperty() revision: number;
}
