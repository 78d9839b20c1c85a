/**
 * The decisions register's row (`GET /api/decisions`, the live feed's rows) for the OpenAPI
 * document: the shape of `DecisionRow` (libs/projections/src/views/decisions.ts). Response only;
 * nothing is validated with it. A field added to the row is added here.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class DecisionRowDto {
  @ApiProperty({ type: String, nullable: true, description: 'null for a historical decision' }) caseId!: string | null;
  @ApiProperty() committee!: string;
  @ApiProperty({ type: String, nullable: true, example: '52/18' }) number!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['approval', 'orientation', 'endorsement', 'discussion'], nullable: true }) type!: string | null;
  @ApiProperty({ enum: ['endorsement', 'orientation'], nullable: true }) outcome!: string | null;
  @ApiProperty({ description: 'the vedtak, verbatim' }) resolution!: string;
  @ApiProperty({ type: String, nullable: true }) meetingId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '8/2018' }) meetingNumber!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date', description: "the meeting's date" }) date!: string | null;
  @ApiProperty() minutesApproved!: boolean;
  @ApiPropertyOptional({ description: 'the conditions of a conditional endorsement; absent when there are none' }) conditions?: string;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date',
    description: 'the day it was decided: the meeting’s date (not when it was recorded); for a historical decision the date the records give',
  })
  decidedOn!: string | null;
  @ApiPropertyOptional({ enum: [true], description: 'a historical decision, known only as the records quote it' }) history?: true;
  @ApiPropertyOptional({ example: 'history-NEHS-39-17' }) historyId?: string;
  @ApiPropertyOptional() matterId?: string;
}
