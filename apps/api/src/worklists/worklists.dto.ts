/** OpenAPI shapes of the worklist and of the follow-up rows (API.md "Worklists, members, follow-ups"). */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class WorklistItemDoc {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'NEHS' }) committee: string;
  @ApiProperty({ nullable: true, example: '52/18', type: String }) number: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: ['approval', 'orientation', 'endorsement', 'discussion'] }) type: string;
  @ApiProperty({ enum: ['draft', 'scheduled', 'discussion', 'endorsement', 'orientation', 'withdrawn'] }) state: string;
  @ApiProperty({ nullable: true, type: String }) meetingId: string | null;
  @ApiProperty({ description: 'when the case last changed (ISO 8601)' }) updatedAt: string;
}

export class WorklistPageDoc {
  @ApiProperty({ type: [WorklistItemDoc], description: 'newest case first (by when it was drafted); a stable order, so paging neither skips nor repeats a case that changes meanwhile' })
  items: WorklistItemDoc[];
  @ApiProperty({ nullable: true, type: String, description: 'opaque: give it as `cursor` for the next page; null on the last page' })
  nextCursor: string | null;
}

export class FollowUpClosedDoc {
  @ApiProperty() reason: string;
  @ApiProperty() at: string;
  @ApiProperty() actor: string;
}

export class FollowUpRowDoc {
  @ApiProperty() id: string;
  @ApiProperty() text: string;
  @ApiProperty() committee: string;
  @ApiProperty() caseId: string;
  @ApiProperty({ nullable: true, type: String }) meetingId: string | null;
  @ApiProperty({ description: 'neither met by a case nor closed by hand' }) open: boolean;
  @ApiPropertyOptional({ description: 'the case that met it' }) metBy?: string;
  @ApiProperty({ nullable: true, type: String, description: 'who owns it' }) owner: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2019-02-15', description: 'due date YYYY-MM-DD' }) due: string | null;
  @ApiProperty({ description: "open and due before today (the server's date, Europe/Oslo, when read)" }) overdue: boolean;
  @ApiPropertyOptional({ type: FollowUpClosedDoc, description: 'closed by hand without a case' }) closed?: FollowUpClosedDoc;
}

export class FollowUpWriteResultDoc {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'closed' }) state: string;
  @ApiProperty() revision: number;
  @ApiProperty() position: number;
  @ApiProperty() committee: string;
  @ApiProperty() caseId: string;
}
