import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { statusTitle } from './problem.js';

export class FieldErrorDoc {
  @ApiProperty({ example: 'present.0' }) field: string;
  @ApiProperty({ example: 'must be a UUID' }) message: string;
}

/** The OpenAPI schema of problem JSON (RFC 9457). */
export class ProblemDoc {
  @ApiProperty({ example: 'about:blank' }) type: string;
  @ApiProperty({ example: 'Conflict' }) title: string;
  @ApiProperty({ example: 409 }) status: number;
  @ApiProperty({ example: 'The case is in state draft.' }) detail: string;
  @ApiPropertyOptional({ type: [FieldErrorDoc] }) errors?: FieldErrorDoc[];
  @ApiPropertyOptional({ type: [String], example: ['schedule', 'withdraw'] }) allowedCommands?: string[];
}

/** Documents problem answers on a route: `@ApiProblems(400, 401, 403, 404, 409, 412)`. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ProblemDoc, FieldErrorDoc),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: statusTitle(status),
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDoc) } } },
      }),
    ),
  );
}
