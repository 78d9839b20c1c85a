import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsObject, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import type { FieldError } from '../problem/problem.js';
import { NotBlank, Omittable, isCalendarDate } from '../validation/rules.js';

export const CASE_TYPES = ['approval', 'orientation', 'endorsement', 'discussion'] as const;
export type CaseTypeName = (typeof CASE_TYPES)[number];
const TYPES = CASE_TYPES as unknown as string[];

/*
 * The shape of every case body, checked here once (issue 9 point 7). What needs the records
 * (an unknown committee, meeting or follow-up, a meeting of another committee, referring to the
 * case's own committee) is the workflow's to answer, as 400 with the same field names.
 * Optional fields may be left out; `null` is not a value (`Omittable`).
 */

/**
 * The legal basis of an exemption from public access (unntatt offentlighet), as a reference:
 * the law's name or abbreviation, `§` and the section (a number, optionally a letter), then
 * optionally the rest of the reference on one line (ledd, nr., bokstav, `jf.` …), at most 200
 * characters. Accepted: "offl. § 14", "offl. § 13 første ledd, jf. fvl. § 13 første ledd nr. 1",
 * "offentleglova § 15 andre ledd", "sikkerhetsloven § 5-3". Refused: "§ 14" (no law), "offl. 14"
 * (no §), "hemmelig", two lines.
 */
export const EXEMPTION_BASIS = /^\p{L}[\p{L}\p{N}.\- ]{0,60} § ?\d{1,3}(-\d{1,3})?[a-z]?([ ,][^\r\n]{0,150})?$/u;

export class ExemptionDto {
  @ApiProperty({ example: 'offl. § 14', description: 'the legal basis: a law, `§` and its section, optionally ledd/nr./bokstav/jf. (one line, ≤ 200 characters)' })
  @IsString()
  @MaxLength(200)
  @Matches(EXEMPTION_BASIS, { message: 'basis must be a legal reference such as "offl. § 14" (a law, § and its section)' })
  basis: string;
}

/** A numbered sub-item of the paper (50/18 NR. 1–4); the label as written. */
export class PaperItemDto {
  @ApiProperty({ example: 'NR. 2', description: 'as written; citable as "N/YY LABEL" once the case has its number' }) @IsString() @NotBlank() @MaxLength(50) label: string;
  @ApiProperty({ example: 'Nasjonal tjenesteleverandør' }) @IsString() @NotBlank() @MaxLength(2000) title: string;
  @ApiPropertyOptional() @Omittable() @IsString() proposedResolution?: string;
}

/** The vedtak of one sub-item (its label one of the paper's). */
export class ItemResolutionDto {
  @ApiProperty({ example: 'NR. 2' }) @IsString() @NotBlank() @MaxLength(50) label: string;
  @ApiProperty() @IsString() @NotBlank() resolution: string;
}

/** Each label once (compared as a citation compares them: case and spacing aside). */
function labelErrors(items: { label: string }[] | undefined): FieldError[] {
  const seen = new Set<string>();
  return (items ?? []).flatMap((it, i) => {
    const k = it.label.replace(/\s+/g, ' ').trim().toLocaleUpperCase('nb');
    if (seen.has(k)) return [{ field: `items[${i}].label`, message: `sub-item ${it.label} is given twice` }];
    seen.add(k);
    return [];
  });
}

const PAPER_ITEMS: ApiPropertyOptions = { type: [PaperItemDto], description: 'numbered sub-items (NR. 1, NR. 2, …), each citable as "N/YY NR. n"' };
const ITEM_RESOLUTIONS: ApiPropertyOptions = { type: [ItemResolutionDto], description: 'the vedtak per sub-item of the paper' };

export class CreateCaseDto {
  @ApiProperty({ example: 'NEHS' }) @IsString() @NotBlank() @MaxLength(20) committee: string;
  @ApiProperty({ example: 'Nasjonal e-helseportefølje 2019' }) @IsString() @NotBlank() @MaxLength(2000) title: string;
  @ApiProperty({ enum: CASE_TYPES }) @IsIn(TYPES) type: CaseTypeName;
  @ApiProperty({ description: 'forslag til vedtak (may be "" when the records hold none)' }) @IsString() proposedResolution: string;
  @ApiPropertyOptional() @Omittable() @IsString() background?: string;
  @ApiPropertyOptional() @Omittable() @IsString() purpose?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(500) caseOfficer?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(500) responsible?: string;
  @ApiPropertyOptional({ description: 'join an existing matter; default: a new matter' }) @Omittable() @IsString() @NotBlank() @MaxLength(200) matterId?: string;
  @ApiPropertyOptional({ type: [String] }) @Omittable() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) projectIds?: string[];
  @ApiPropertyOptional({ type: [String], description: 'follow-up ids this case meets, or citations of another case\'s sub-item ("50/18 NR. 2", "NUFA 12/19 NR. 1")' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  meetsFollowUps?: string[];
  @ApiPropertyOptional({ type: ExemptionDto, description: 'unntatt offentlighet: number, title and vedtak stay public; paper, discussion and attachments only for the committee, auditors and admins' })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => ExemptionDto)
  exemption?: ExemptionDto;
  @ApiPropertyOptional(PAPER_ITEMS) @Omittable() @IsArray() @ArrayMaxSize(100) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => PaperItemDto) items?: PaperItemDto[];

  static crossFieldErrors(dto: CreateCaseDto): FieldError[] {
    return labelErrors(dto.items);
  }
}

/** PATCH: any of the case paper's fields (while draft, or scheduled before notice); at least one. */
export class EditCaseDto {
  @ApiPropertyOptional() @Omittable() @IsString() @NotBlank() @MaxLength(2000) title?: string;
  @ApiPropertyOptional({ enum: CASE_TYPES }) @Omittable() @IsIn(TYPES) type?: CaseTypeName;
  @ApiPropertyOptional() @Omittable() @IsString() proposedResolution?: string;
  @ApiPropertyOptional() @Omittable() @IsString() background?: string;
  @ApiPropertyOptional() @Omittable() @IsString() purpose?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(500) caseOfficer?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(500) responsible?: string;
  @ApiPropertyOptional({ type: [String] }) @Omittable() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) projectIds?: string[];
  @ApiPropertyOptional({ type: [String] }) @Omittable() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) meetsFollowUps?: string[];
  @ApiPropertyOptional({ type: ExemptionDto, nullable: true, description: 'set the exemption from public access; null lifts it' })
  @ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => ExemptionDto)
  exemption?: ExemptionDto | null;
  @ApiPropertyOptional(PAPER_ITEMS) @Omittable() @IsArray() @ArrayMaxSize(100) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => PaperItemDto) items?: PaperItemDto[];

  /** A PATCH that names no field changes nothing: 400 (field `body`, as the workflow named it). */
  static crossFieldErrors(dto: EditCaseDto): FieldError[] {
    return Object.values(dto).some((v) => v !== undefined) ? labelErrors(dto.items) : [{ field: 'body', message: 'names no change' }];
  }
}

export class ScheduleDto {
  @ApiProperty({ description: 'a planned meeting of the case committee (with late: true a noticed or in-session one)' }) @IsString() @NotBlank() @MaxLength(200) meetingId: string;
  @ApiPropertyOptional({ description: 'a late case (tilleggssak) onto a noticed or in-session meeting: last before Eventuelt, numbered at once' })
  @Omittable()
  @IsBoolean()
  late?: boolean;
}

export class ReasonDto {
  @ApiProperty() @IsString() @NotBlank() reason: string;
}

export class PresentDto {
  @ApiProperty({ example: 'Karl Vestli, Direktoratet for e-helse' }) @IsString() @NotBlank() @MaxLength(1000) presenter: string;
}

/** A follow-up with its owner and due date (OpenAPI shape; `RecordDiscussionDto.crossFieldErrors` checks it). */
export class FollowUpInputDoc {
  @ApiProperty({ example: 'Settes på agendaen for neste møte' }) text: string;
  @ApiPropertyOptional({ example: 'Direktoratet for e-helse', description: 'who owns it' }) owner?: string;
  @ApiPropertyOptional({ example: '2019-02-15', description: 'due date YYYY-MM-DD; `overdue` in GET /api/followups once it has passed' }) due?: string;
}

const FOLLOW_UP_KEYS = new Set(['text', 'owner', 'due']);

export class RecordDiscussionDto {
  @ApiPropertyOptional() @Omittable() @IsString() summary?: string;
  @ApiPropertyOptional({ type: [String] }) @Omittable() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) points?: string[];
  @ApiPropertyOptional({
    description: 'follow-ups promised in the minutes: each a text, or { text, owner?, due? }',
    type: 'array',
    items: { oneOf: [{ type: 'string', minLength: 1 }, { $ref: '#/components/schemas/FollowUpInputDoc' }] },
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(1000)
  followUps?: (string | FollowUpInputDoc)[];

  /** Each follow-up: a non-empty text, or an object with a non-empty `text`, an optional non-blank `owner` and an optional `due` date; nothing else. */
  static crossFieldErrors(dto: RecordDiscussionDto): FieldError[] {
    const errors: FieldError[] = [];
    (dto.followUps ?? []).forEach((f: unknown, i) => {
      const at = `followUps[${i}]`;
      if (typeof f === 'string') {
        if (f === '') errors.push({ field: at, message: 'must not be empty' });
        return;
      }
      if (!f || typeof f !== 'object' || Array.isArray(f)) {
        errors.push({ field: at, message: 'must be a text or { text, owner?, due? }' });
        return;
      }
      const o = f as Record<string, unknown>;
      for (const k of Object.keys(o)) if (!FOLLOW_UP_KEYS.has(k)) errors.push({ field: `${at}.${k}`, message: 'is not a field of a follow-up' });
      if (typeof o.text !== 'string' || o.text.trim() === '') errors.push({ field: `${at}.text`, message: 'must be a non-empty text' });
      else if (o.text.length > 10_000) errors.push({ field: `${at}.text`, message: 'must be at most 10000 characters' });
      if (o.owner !== undefined && (typeof o.owner !== 'string' || o.owner.trim() === '' || o.owner.length > 500))
        errors.push({ field: `${at}.owner`, message: 'must be a non-empty text of at most 500 characters' });
      if (o.due !== undefined && !isCalendarDate(o.due)) errors.push({ field: `${at}.due`, message: 'must be a date YYYY-MM-DD' });
    });
    return errors;
  }
}

export class CloseFollowUpDto {
  @ApiProperty({ example: 'Løst i linjen; ingen egen sak' }) @IsString() @NotBlank() @MaxLength(10_000) reason: string;
}

/** Dissens: a present member of the committee and what they disagree with. */
export class DissentDto {
  @ApiProperty({ description: 'a present member of the committee' }) @IsString() @NotBlank() @MaxLength(200) memberId: string;
  @ApiProperty({ description: 'the dissent, verbatim' }) @IsString() @NotBlank() @MaxLength(100_000) text: string;
}

const DISSENT_DOC: ApiPropertyOptions = { type: [DissentDto], description: 'dissens: each a present member, at most once; printed in the minutes and the register' };

/** Nobody dissents twice. */
function dissentErrors(dissent: DissentDto[] | undefined): FieldError[] {
  const seen = new Set<string>();
  return (dissent ?? []).flatMap((d, i) => {
    if (seen.has(d.memberId)) return [{ field: `dissent[${i}].memberId`, message: `member ${d.memberId} dissents twice` }];
    seen.add(d.memberId);
    return [];
  });
}

export class EndorseDto {
  @ApiProperty({ description: 'the vedtak' }) @IsString() @NotBlank() resolution: string;
  @ApiPropertyOptional() @Omittable() @IsString() conditions?: string;
  @ApiPropertyOptional({ description: 'the approval of minutes only: corrections to the approved minutes (godkjent med merknader)' })
  @Omittable()
  @IsString()
  @NotBlank()
  corrections?: string;
  @ApiPropertyOptional(DISSENT_DOC) @Omittable() @IsArray() @ArrayMaxSize(100) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => DissentDto) dissent?: DissentDto[];
  @ApiPropertyOptional(ITEM_RESOLUTIONS) @Omittable() @IsArray() @ArrayMaxSize(100) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => ItemResolutionDto) items?: ItemResolutionDto[];

  static crossFieldErrors(dto: EndorseDto): FieldError[] {
    return [...dissentErrors(dto.dissent), ...labelErrors(dto.items)];
  }
}

export class NoteDto {
  @ApiProperty({ description: 'the vedtak' }) @IsString() @NotBlank() resolution: string;
  @ApiPropertyOptional({ type: [String] }) @Omittable() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) input?: string[];
  @ApiPropertyOptional(DISSENT_DOC) @Omittable() @IsArray() @ArrayMaxSize(100) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => DissentDto) dissent?: DissentDto[];
  @ApiPropertyOptional(ITEM_RESOLUTIONS) @Omittable() @IsArray() @ArrayMaxSize(100) @IsObject({ each: true }) @ValidateNested({ each: true }) @Type(() => ItemResolutionDto) items?: ItemResolutionDto[];

  static crossFieldErrors(dto: NoteDto): FieldError[] {
    return [...dissentErrors(dto.dissent), ...labelErrors(dto.items)];
  }
}

export class ReferDto {
  @ApiProperty({ example: 'NUIT' }) @IsString() @NotBlank() @MaxLength(20) toCommittee: string;
  @ApiProperty({ enum: CASE_TYPES }) @IsIn(TYPES) type: CaseTypeName;
  @ApiPropertyOptional({ description: 'why; required when referring from discussion (before a decision)' }) @Omittable() @IsString() @NotBlank() @MaxLength(10_000) reason?: string;
}

/** Skriftlig behandling: until when members answer. */
export class WrittenProcedureDto {
  @ApiProperty({ example: '2019-01-25', description: 'YYYY-MM-DD (answers through that day, Norwegian time) or an ISO time with offset; not passed' })
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/, { message: 'deadline must be a date YYYY-MM-DD or an ISO 8601 time with offset' })
  deadline: string;

  static crossFieldErrors(dto: WrittenProcedureDto): FieldError[] {
    const ok = dto.deadline.length === 10 ? isCalendarDate(dto.deadline) : !Number.isNaN(Date.parse(dto.deadline));
    return ok ? [] : [{ field: 'deadline', message: 'deadline must name a real day or time' }];
  }
}

/** A member's answer in a written procedure. */
export class WrittenAnswerDto {
  @ApiProperty({ enum: ['agree', 'disagree'] }) @IsIn(['agree', 'disagree']) answer: 'agree' | 'disagree';
  @ApiPropertyOptional({ description: 'part of the decision when concluded' }) @Omittable() @IsString() @NotBlank() @MaxLength(100_000) comment?: string;
}

const VOTERS: ApiPropertyOptions = { type: [String], description: 'member ids: each present and entitled to vote (a chair or member, or a deputy standing in for an absent member)' };

/** Votering: at least one voter, nobody twice (across the three lists). */
export class VoteDto {
  @ApiProperty(VOTERS) @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) @IsNotEmpty({ each: true }) for: string[];
  @ApiProperty(VOTERS) @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) @IsNotEmpty({ each: true }) against: string[];
  @ApiPropertyOptional(VOTERS) @Omittable() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) @IsNotEmpty({ each: true }) abstained?: string[];

  static crossFieldErrors(dto: VoteDto): FieldError[] {
    const errors: FieldError[] = [];
    const seen = new Map<string, string>();
    for (const field of ['for', 'against', 'abstained'] as const)
      (dto[field] ?? []).forEach((id, i) => {
        const first = seen.get(id);
        if (first) errors.push({ field: `${field}[${i}]`, message: `member ${id} votes twice (also ${first})` });
        else seen.set(id, `${field}[${i}]`);
      });
    if (seen.size === 0) errors.push({ field: 'for', message: 'a vote names at least one voter' });
    return errors;
  }
}

/** `amend`: the new texts of a decided case (while its minutes are a draft) and why; at least one text. */
export class AmendDto {
  @ApiProperty({ description: 'why the recorded text is corrected' }) @IsString() @NotBlank() reason: string;
  @ApiPropertyOptional({ description: 'the vedtak' }) @Omittable() @IsString() @NotBlank() resolution?: string;
  @ApiPropertyOptional({ description: 'an endorsement\'s conditions ("" removes them)' }) @Omittable() @IsString() conditions?: string;
  @ApiPropertyOptional({ description: 'the discussion summary at the meeting' }) @Omittable() @IsString() summary?: string;
  @ApiPropertyOptional({ type: [String], description: 'the discussion points at the meeting' }) @Omittable() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) points?: string[];
  @ApiPropertyOptional({ type: [String], description: "a noted case's input points" }) @Omittable() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) input?: string[];

  static crossFieldErrors(dto: AmendDto): FieldError[] {
    const named = (['resolution', 'conditions', 'summary', 'points', 'input'] as const).some((k) => dto[k] !== undefined);
    return named ? [] : [{ field: 'body', message: 'names nothing to amend besides reason (resolution, conditions, summary, points or input)' }];
  }
}

export class CaseWriteResultDoc {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['draft', 'scheduled', 'discussion', 'endorsement', 'orientation', 'withdrawn'] }) state: string;
  @ApiProperty() revision: number;
  @ApiProperty() position: number;
  @ApiPropertyOptional({ description: 'refer: the new case in the other committee' }) referredCaseId?: string;
  @ApiPropertyOptional({ example: '53/18', description: 'schedule with late: true, and written-procedure: the number the case got at once' }) number?: string;
  @ApiPropertyOptional({ description: 'schedule with late: true: a late case (tilleggssak)' }) late?: boolean;
  @ApiPropertyOptional({ description: 'written-procedure: until when members answer' }) deadline?: string;
}

/** A member named in a vote or a dissent. */
export class NamedMemberDoc {
  @ApiProperty() memberId: string;
  @ApiProperty() name: string;
  @ApiProperty() organisation: string;
  @ApiPropertyOptional({ description: 'a deputy standing in for this member id' }) standingInFor?: string;
}

export class DissentDoc extends NamedMemberDoc {
  @ApiProperty() text: string;
}

export class VoteTallyDoc {
  @ApiProperty() for: number;
  @ApiProperty() against: number;
  @ApiProperty() abstained: number;
}

export class VotesDoc {
  @ApiProperty() meetingId: string;
  @ApiProperty({ type: VoteTallyDoc }) tally: VoteTallyDoc;
  @ApiProperty({ type: [NamedMemberDoc] }) for: NamedMemberDoc[];
  @ApiProperty({ type: [NamedMemberDoc] }) against: NamedMemberDoc[];
  @ApiProperty({ type: [NamedMemberDoc] }) abstained: NamedMemberDoc[];
}

export class ReferralDoc {
  @ApiProperty() fromCaseId: string;
  @ApiProperty() committee: string;
  @ApiProperty({ nullable: true, type: String }) number: string | null;
  @ApiPropertyOptional() resolution?: string;
  @ApiPropertyOptional() conditions?: string;
  @ApiPropertyOptional({ type: [String] }) input?: string[];
  @ApiPropertyOptional({ type: [DissentDoc] }) dissent?: DissentDoc[];
  @ApiPropertyOptional({ description: 'referred from discussion, before a decision: why' }) reason?: string;
  @ApiPropertyOptional({ type: () => [ReferralItemDoc], description: "the referring paper's sub-items, each with the referring committee's vedtak where given" }) items?: ReferralItemDoc[];
}

export class ReferralItemDoc {
  @ApiProperty({ example: 'NR. 2' }) label: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ description: "the referring committee's vedtak of this sub-item" }) resolution?: string;
}

export class CitedItemDoc {
  @ApiProperty({ example: '50/18 NR. 2' }) citation: string;
  @ApiProperty() caseId: string;
  @ApiProperty() committee: string;
  @ApiProperty({ nullable: true, type: String }) number: string | null;
  @ApiProperty() label: string;
  @ApiProperty() title: string;
}

export class WrittenAnswerDoc {
  @ApiProperty() memberId: string;
  @ApiProperty() name: string;
  @ApiProperty() organisation: string;
  @ApiProperty({ enum: ['agree', 'disagree'] }) answer: 'agree' | 'disagree';
  @ApiPropertyOptional() comment?: string;
  @ApiProperty({ nullable: true, type: String }) at: string | null;
}

export class WrittenTallyDoc {
  @ApiProperty() agree: number;
  @ApiProperty() disagree: number;
}

export class WrittenProcedureDoc {
  @ApiProperty() deadline: string;
  @ApiProperty({ nullable: true, type: String }) openedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) concludedAt: string | null;
  @ApiPropertyOptional({ type: WrittenTallyDoc }) tally?: WrittenTallyDoc;
  @ApiPropertyOptional({ type: [WrittenAnswerDoc] }) answers?: WrittenAnswerDoc[];
}

export class CaseDoc {
  @ApiProperty() id: string;
  @ApiProperty() committee: string;
  @ApiProperty({ type: String, nullable: true, example: '52/18' }) number: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: CASE_TYPES }) type: string;
  @ApiProperty({ enum: ['draft', 'scheduled', 'discussion', 'endorsement', 'orientation', 'withdrawn'] }) state: string;
  @ApiProperty() proposedResolution: string;
  @ApiProperty({ type: String, nullable: true }) resolution: string | null;
  @ApiProperty({ type: String, nullable: true }) meetingId: string | null;
  @ApiProperty() matterId: string;
  @ApiProperty() revision: number;
  @ApiProperty({ type: [String] }) allowedCommands: string[];
  @ApiProperty({ description: "its meeting's minutes are approved" }) recorded: boolean;
  @ApiPropertyOptional({ type: () => [DissentDoc], description: 'dissens with the vedtak' }) dissent?: DissentDoc[];
  @ApiPropertyOptional({ type: () => VotesDoc, description: 'the latest vote (votering)' }) votes?: VotesDoc;
  @ApiPropertyOptional({ type: () => ReferralDoc, description: 'opened by refer: what the referring case carried' }) referral?: ReferralDoc;
  @ApiPropertyOptional({ type: [PaperItemDto], description: 'the numbered sub-items of the paper' }) items?: PaperItemDto[];
  @ApiPropertyOptional({ type: [ItemResolutionDto], description: 'the vedtak per sub-item' }) itemResolutions?: ItemResolutionDto[];
  @ApiPropertyOptional({ type: () => [CitedItemDoc], description: 'sub-item citations in meetsFollowUps, resolved' }) citedItems?: CitedItemDoc[];
  @ApiPropertyOptional({ type: () => WrittenProcedureDoc, description: 'skriftlig behandling (answers and tally only for the committee until concluded)' }) writtenProcedure?: WrittenProcedureDoc;
  @ApiProperty({ type: ExemptionDto, nullable: true, description: 'unntatt offentlighet; for readers outside the committee the paper, discussion and attachments are emptied' })
  exemption: ExemptionDto | null;
  @ApiProperty({ type: () => [AttachmentDoc] }) attachments: AttachmentDoc[];
  @ApiPropertyOptional({ description: 'a minutes-approval item: the meeting whose minutes it approves' }) approvesMinutesOf?: string;
  @ApiPropertyOptional({ description: 'a minutes-approval item endorsed with corrections' }) corrections?: string;
}

export class AttachmentDoc {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'Saksfremlegg 50-18.pdf' }) filename: string;
  @ApiProperty({ example: 'application/pdf' }) contentType: string;
  @ApiProperty({ description: 'bytes' }) size: number;
  @ApiProperty({ description: 'SHA-256 of the bytes, hex; also the download ETag' }) sha256: string;
  @ApiPropertyOptional({ type: String, nullable: true }) addedAt?: string | null;
}

export class AttachmentWriteResultDoc {
  @ApiProperty({ description: 'the attachment id' }) id: string;
  @ApiProperty() caseId: string;
  @ApiProperty() filename: string;
  @ApiProperty() contentType: string;
  @ApiProperty() size: number;
  @ApiProperty() sha256: string;
  @ApiProperty({ description: 'the case state' }) state: string;
  @ApiProperty({ description: 'the case revision' }) revision: number;
  @ApiProperty() position: number;
}

export class AmendedChangeDoc {
  @ApiProperty({ enum: ['resolution', 'conditions', 'summary', 'points', 'input'] }) field: string;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) from: string | string[] | null;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) to: string | string[] | null;
}

export class HistoryEntryDoc {
  @ApiProperty() position: number;
  @ApiProperty() revision: number;
  @ApiProperty() type: string;
  @ApiProperty() at: string;
  @ApiProperty() actor: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty() correlationId: string;
  @ApiProperty({ type: String, nullable: true }) causationId: string | null;
  @ApiProperty({ type: String, nullable: true }) hash: string | null;
  @ApiPropertyOptional({ type: [AmendedChangeDoc], description: 'DecisionAmended: each field it replaced, from what to what' }) changes?: AmendedChangeDoc[];
}

