import { Injectable, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError, type ValidatorOptions } from 'class-validator';
import { ProblemError, Problems, type FieldError } from '../problem/problem.js';
import { RejectedBody } from '../http/body.js';

export const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
};

/** Flattens class-validator's tree to `[{ field: 'present.0', message }]`, one entry per bad field. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints && Object.keys(e.constraints).length > 0) {
      const messages = Object.entries(e.constraints).map(([name, m]) =>
        name === 'whitelistValidation' ? `${field} is not a known field` : m,
      );
      out.push({ field, message: messages.join('; ') });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export function validationProblem(errors: ValidationError[]): ProblemError {
  const fields = flattenValidationErrors(errors);
  const unknown = fields.filter((f) => f.message.endsWith('is not a known field')).map((f) => f.field);
  const invalid = fields.filter((f) => !f.message.endsWith('is not a known field')).map((f) => f.field);
  const parts: string[] = [];
  if (unknown.length) parts.push(`unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  if (invalid.length) parts.push(`invalid or missing: ${invalid.join(', ')}`);
  return Problems.badRequest(`The request body is not valid (${parts.join('; ')}).`, fields);
}

/**
 * Validates a request body against a class-validator DTO, in the handler, after its own 404/403
 * checks. Throws the deferred body problem (413/415/malformed 400) first, then a 400 naming every
 * bad field (unknown fields included). A missing body counts as `{}`. Returns the DTO instance.
 */
export async function validateBody<T extends object>(dto: ClassConstructor<T>, body: unknown): Promise<T> {
  if (body instanceof RejectedBody) throw body.problem;
  const value = body === undefined || body === null ? {} : body;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw Problems.badRequest('The request body must be a JSON object.', [{ field: '', message: 'must be a JSON object' }]);
  }
  const instance = plainToInstance(dto, value);
  const errors = await validate(instance as object, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw validationProblem(errors);
  return instance;
}

/**
 * The global pipe: whitelist + forbidNonWhitelisted + transform, 400 problems naming each field.
 * A deferred body problem is thrown when a DTO-typed `@Body()` reaches it.
 */
@Injectable()
export class ProblemValidationPipe extends ValidationPipe {
  constructor() {
    super({
      ...VALIDATOR_OPTIONS,
      transform: true,
      exceptionFactory: (errors) => validationProblem(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (value instanceof RejectedBody) {
      if (metadata.type === 'body' && this.toValidate(metadata)) throw value.problem;
      return value;
    }
    if (metadata.type === 'body' && this.toValidate(metadata)) {
      if (value === undefined || value === null) value = {};
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw Problems.badRequest('The request body must be a JSON object.', [
          { field: '', message: 'must be a JSON object' },
        ]);
      }
    }
    return super.transform(value, metadata);
  }
}
