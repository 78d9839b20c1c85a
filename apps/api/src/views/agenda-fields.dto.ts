/**
 * OpenAPI shapes of the register row and the minutes/notice JSON (documentation only: these are
 * answers, not bodies), with the fields of late cases and amendments (API.md "The agenda before
 * and after notice", "Corrections before the minutes are approved").
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class DecisionRowDoc {
  @ApiProperty({ nullable: true }) caseId: string | null;
  @ApiProperty() committee: string;
  @ApiProperty({ nullable: true, example: '47/18' }) number: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, enum: ['approval', 'orientation', 'endorsement', 'discussion'] }) type: string | null;
  @ApiProperty({ nullable: true, enum: ['endorsement', 'orientation'] }) outcome: string | null;
  @ApiProperty({ description: 'the vedtak (the amended text when amended)' }) resolution: string;
  @ApiProperty({ nullable: true }) meetingId: string | null;
  @ApiProperty({ nullable: true, example: '8/2018' }) meetingNumber: string | null;
  @ApiProperty({ nullable: true, example: '2018-12-06' }) date: string | null;
  @ApiProperty() minutesApproved: boolean;
  @ApiPropertyOptional({ description: 'the vedtak was amended before the minutes were approved' }) amended?: boolean;
  @ApiPropertyOptional({ type: [Object], description: 'dissens: { memberId, name, organisation, text }' }) dissent?: unknown[];
  @ApiPropertyOptional({ type: Object, description: 'votering: { meetingId, tally: { for, against, abstained }, for, against, abstained } with names' }) votes?: unknown;
  @ApiPropertyOptional({ type: [Object], description: 'numbered sub-items { label, title, proposedResolution?, resolution? }; q=50/18 NR. 2 finds the row' }) items?: unknown[];
  @ApiPropertyOptional({ description: 'decided by written procedure (skriftlig behandling)' }) writtenProcedure?: boolean;
  @ApiPropertyOptional({ example: '2019-01-25', description: 'written procedure: the day it was concluded (Norwegian time)' }) decidedOn?: string;
  @ApiPropertyOptional({ type: Object, description: 'written procedure: { deadline, tally: { agree, disagree }, answers: [{ memberId, name, organisation, answer, comment? }] }' }) writtenProcedureOutcome?: unknown;
}

export class AmendmentDoc {
  @ApiProperty() reason: string;
  @ApiProperty({ nullable: true, description: 'when it was amended' }) at: string | null;
  @ApiProperty({ type: [String], enum: ['resolution', 'conditions', 'summary', 'points', 'input'] }) fields: string[];
}

export class MinutesCaseDoc {
  @ApiProperty() caseId: string;
  @ApiProperty({ nullable: true, example: '47/18' }) number: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['approval', 'orientation', 'endorsement', 'discussion'] }) type: string;
  @ApiProperty({ nullable: true }) resolution: string | null;
  @ApiProperty({ nullable: true }) conditions: string | null;
  @ApiPropertyOptional({ description: 'a late case (tilleggssak): marked Tilleggssak in the documents' }) late?: boolean;
  @ApiPropertyOptional({ description: 'amended before the minutes were approved (the texts are the amended ones)' }) amended?: boolean;
  @ApiPropertyOptional({ type: [AmendmentDoc] }) amendments?: AmendmentDoc[];
  @ApiPropertyOptional({ type: Object, description: 'votering (tally and names)' }) votes?: unknown;
  @ApiPropertyOptional({ type: [Object], description: 'dissens: { memberId, name, organisation, text }' }) dissent?: unknown[];
  @ApiPropertyOptional({ type: [Object], description: 'numbered sub-items { label, title, proposedResolution?, resolution? }' }) items?: unknown[];
}

export class MinutesDoc {
  @ApiProperty() meetingId: string;
  @ApiProperty() committee: string;
  @ApiProperty({ example: '8/2018' }) number: string;
  @ApiProperty() date: string;
  @ApiProperty({ enum: ['draft', 'approved'] }) status: string;
  @ApiProperty({ type: [MinutesCaseDoc] }) cases: MinutesCaseDoc[];
  @ApiProperty() position: number;
  @ApiPropertyOptional({ type: [Object], description: 'Saker behandlet ved skriftlig behandling: { caseId, number, title, outcome, resolution, concludedOn, deadline, tally, answers, dissent? }' }) writtenProcedures?: unknown[];
}

export class NoticeCaseDoc {
  @ApiProperty() caseId: string;
  @ApiProperty({ nullable: true, example: '47/18' }) number: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true }) proposedResolution: string | null;
  @ApiPropertyOptional({ description: 'a late case (tilleggssak): marked Tilleggssak in the documents' }) late?: boolean;
  @ApiPropertyOptional({ type: Object, description: 'opened by refer: { fromCaseId, committee, number, resolution?, conditions?, input?, dissent?, reason? }' }) referral?: unknown;
  @ApiPropertyOptional({ type: [Object], description: 'numbered sub-items { label, title, proposedResolution? }' }) items?: unknown[];
}

export class NoticeDoc {
  @ApiProperty() meetingId: string;
  @ApiProperty() committee: string;
  @ApiProperty({ example: '8/2018' }) number: string;
  @ApiProperty({ type: [NoticeCaseDoc] }) cases: NoticeCaseDoc[];
  @ApiProperty() position: number;
}
