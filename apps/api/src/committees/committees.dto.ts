import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsObject, IsString, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import type { FieldError } from '../problem/problem.js';
import { IsCalendarDate, NotBlank, Omittable } from '../validation/rules.js';

export const MEMBER_ROLES = ['chair', 'member', 'observer', 'deputy'] as const;

export class CreateCommitteeDto {
  @ApiProperty({ example: 'NEHS', description: '1–20 capital letters, digits or hyphens, starting with a letter' })
  @IsString()
  @Matches(/^[A-Z][A-Z0-9-]{0,19}$/, { message: 'code must be 1–20 capital letters, digits or hyphens, starting with a letter' })
  code: string;

  @ApiProperty({ example: 'Nasjonalt e-helsestyre' })
  @IsString()
  @NotBlank()
  @MaxLength(500)
  name: string;
}

export class AddMemberDto {
  @ApiProperty({ example: 'Bjørn Guldvog' }) @IsString() @NotBlank() @MaxLength(500) name: string;
  @ApiProperty({ example: 'Helsedirektoratet' }) @IsString() @NotBlank() @MaxLength(500) organisation: string;
  @ApiProperty({ enum: MEMBER_ROLES, description: '`deputy` (vara) stands in for the member named in `deputyFor` when that member is absent' })
  @IsIn(MEMBER_ROLES as unknown as string[])
  role: (typeof MEMBER_ROLES)[number];
  @ApiProperty({ required: false, description: 'role `deputy` only: the member id (an active member of this committee, not a deputy) they stand in for' })
  @Omittable() @IsString() @NotBlank() @MaxLength(200)
  deputyFor?: string;
  @ApiProperty({ required: false, example: '2019-01-01', description: 'start of the term, YYYY-MM-DD' })
  @Omittable() @IsString() @IsCalendarDate({ message: 'from must be a date YYYY-MM-DD' })
  from?: string;
  @ApiProperty({ required: false, example: '2020-12-31', description: 'end of the term, YYYY-MM-DD (not before `from`)' })
  @Omittable() @IsString() @IsCalendarDate({ message: 'to must be a date YYYY-MM-DD' })
  to?: string;
  @ApiProperty({
    required: false,
    example: 'c3f1e0a2-5b7d-4e8f-9a10-b2c3d4e5f607',
    description: "the identity the member signs in with: an OIDC access token's `sub`, or a tokens-file entry's `id`; a written-procedure answer is the member whose userId is the caller's (one active seat per userId in a committee)",
  })
  @Omittable() @IsString() @NotBlank() @MaxLength(200)
  userId?: string;

  /** `deputyFor` only for a deputy; the term does not end before it starts. */
  static crossFieldErrors(dto: AddMemberDto): FieldError[] {
    const errors: FieldError[] = [];
    if (dto.deputyFor !== undefined && dto.role !== 'deputy') errors.push({ field: 'deputyFor', message: 'only a deputy (role deputy) stands in for a member' });
    if (dto.from !== undefined && dto.to !== undefined && dto.to < dto.from) errors.push({ field: 'to', message: 'must not be before from' });
    return errors;
  }
}

/** PATCH a seat: link it to a login, or (null) unlink it. */
export class LinkMemberLoginDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'c3f1e0a2-5b7d-4e8f-9a10-b2c3d4e5f607',
    description:
      "the login the seat signs in with: an OIDC access token's `sub`, or a tokens-file entry's `id`; it replaces the seat's earlier login. `null` unlinks it (nobody answers as the member until it is linked again). Required. One active seat per userId in a committee (another active seat's userId is 409); an ended seat is not linked (409)",
  })
  @ValidateIf((_o: object, v: unknown) => v !== null)
  @IsDefined({ message: 'userId is required: the login to link, or null to unlink' })
  @IsString()
  @NotBlank()
  @MaxLength(200)
  userId: string | null;
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
  @ApiProperty({ required: false, description: 'a deputy: the member id they stand in for' }) deputyFor?: string;
  @ApiProperty({ required: false, description: 'start of the term, YYYY-MM-DD' }) from?: string;
  @ApiProperty({ required: false, description: 'end of the term, YYYY-MM-DD' }) to?: string;
  @ApiProperty({ required: false, description: 'the identity the member signs in with (OIDC `sub`, tokens-file `id`)' }) userId?: string;
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

// ---------- history: earlier decisions known from the records ----------
export const HISTORY_OUTCOMES = ['endorsement', 'orientation'] as const;
/** A case number as recorded, N/YY. */
export const HISTORY_NUMBER = /^([1-9]\d{0,5})\/(\d{2})$/;

export class HistorySeedDto {
  @ApiProperty({ example: '002_bd50ffa0f5a44d00.txt' }) @IsString() @NotBlank() @MaxLength(500) seed: string;
  @ApiProperty({ example: [721, 761], type: [Number] }) @IsArray() @ArrayMaxSize(100) @IsInt({ each: true }) @Min(1, { each: true }) lines: number[];
}

export class HistorySourceDto {
  @ApiProperty({ required: false, example: ['NEHS 4/19'], description: 'the cases whose papers quote it, as the record names them' })
  @Omittable() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(200, { each: true })
  citedBy?: string[];
  @ApiProperty({ required: false, type: [String], description: 'their case ids in this store, where known' })
  @Omittable() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(200, { each: true })
  citedByCaseIds?: string[];
  @ApiProperty({ required: false, type: [HistorySeedDto] })
  @Omittable() @IsArray() @ArrayMaxSize(100) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => HistorySeedDto)
  seeds?: HistorySeedDto[];
}

export class RecordHistoryDto {
  @ApiProperty({ example: '39/17', description: 'the case number as recorded, N/YY' })
  @IsString() @Matches(HISTORY_NUMBER, { message: 'number must be a case number N/YY, as recorded' })
  number: string;
  @ApiProperty({ required: false, example: 2017, description: 'four-digit year of the number (default 20YY); must agree with it' })
  @Omittable() @IsInt() @Min(1000, { message: 'year must be a four-digit year' }) @Max(9999, { message: 'year must be a four-digit year' })
  year?: number;
  @ApiProperty({ example: 'Tilleggsoppdrag: IKT-organisering i helse- og omsorgssektoren' }) @IsString() @NotBlank() @MaxLength(1000) title: string;
  @ApiProperty({ description: 'the vedtak as quoted, verbatim' }) @IsString() @NotBlank() @MaxLength(100_000) wording: string;
  @ApiProperty({ required: false, enum: HISTORY_OUTCOMES, description: 'only when the record says it' })
  @Omittable() @IsIn(HISTORY_OUTCOMES as unknown as string[])
  outcome?: (typeof HISTORY_OUTCOMES)[number];
  @ApiProperty({ required: false, example: '2017-12-07', description: 'YYYY-MM-DD, only when the record gives it' })
  @Omittable() @IsString() @IsCalendarDate({ message: 'date must be a date YYYY-MM-DD' })
  date?: string;
  @ApiProperty({ required: false, description: 'true only when the record says the minutes were approved' }) @Omittable() @IsBoolean() minutesApproved?: boolean;
  @ApiProperty({ required: false }) @Omittable() @IsString() @NotBlank() @MaxLength(200) matterId?: string;
  @ApiProperty({ required: false, type: HistorySourceDto }) @Omittable() @IsObject() @ValidateNested() @Type(() => HistorySourceDto) source?: HistorySourceDto;
  @ApiProperty({ required: false }) @Omittable() @IsString() @NotBlank() @MaxLength(10_000) note?: string;

  /**
   * Rules over several fields (no records needed): `year` is the number's (39/17 → 2017; default
   * 2000 + YY) and `date` lies in that year. Messages as the workflow gave them.
   */
  static crossFieldErrors(dto: RecordHistoryDto): FieldError[] {
    const errors: FieldError[] = [];
    const yy = Number(HISTORY_NUMBER.exec(dto.number)![2]);
    if (dto.year !== undefined && dto.year % 100 !== yy) errors.push({ field: 'year', message: `must be the year of the number ${dto.number}` });
    const year = dto.year ?? 2000 + yy;
    if (!errors.length && dto.date !== undefined && Number(dto.date.slice(0, 4)) !== year)
      errors.push({ field: 'date', message: `must be in ${year}, the year of the number` });
    return errors;
  }
}
