import { Injectable, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { getMetadataStorage, validate, type ValidationArguments, type ValidationError, type ValidatorOptions } from 'class-validator';
import { ProblemError, Problems, type FieldError } from '../problem/problem.js';
import { RejectedBody } from '../http/body.js';
import { hasCrossFieldRules } from './rules.js';

export const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
};

/**
 * For a constraint declared with `{ each: true }` on an array, the indices of the elements that
 * fail it (class-validator reports only the array). Undefined when it cannot tell (async, no target).
 */
function failingIndices(e: ValidationError, constraintName: string): number[] | undefined {
  const target = e.target as object | undefined;
  if (!target || !Array.isArray(e.value)) return undefined;
  const storage = getMetadataStorage();
  const metas = storage
    .getTargetValidationMetadatas(target.constructor, '', true, false)
    .filter((m) => m.propertyName === e.property && m.each);
  for (const m of metas) {
    for (const c of storage.getTargetValidatorConstraints(m.constraintCls)) {
      if ((c.name || m.type) !== constraintName) continue;
      const args: ValidationArguments = {
        targetName: target.constructor.name,
        property: e.property,
        object: target,
        value: e.value,
        constraints: m.constraints,
      };
      const bad: number[] = [];
      for (let i = 0; i < e.value.length; i++) {
        const ok = c.instance.validate(e.value[i], args);
        if (typeof ok !== 'boolean') return undefined;
        if (!ok) bad.push(i);
      }
      return bad.length ? bad : undefined;
    }
  }
  return undefined;
}

/**
 * Flattens class-validator's tree to `[{ field: 'present.0', message }]`, one entry per bad field:
 * nested objects as `place.city`, array elements as `present.0` (for `{ each: true }` checks too).
 */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own: string[] = [];
    const perIndex = new Map<number, string[]>();
    for (const [name, m] of Object.entries(e.constraints ?? {})) {
      if (name === 'whitelistValidation') {
        own.push(`${field} is not a known field`);
        continue;
      }
      const indices = m.startsWith('each value in ') ? failingIndices(e, name) : undefined;
      if (!indices) {
        own.push(m);
        continue;
      }
      const text = m.replace(/^each value in \S+/, 'value');
      for (const i of indices) perIndex.set(i, [...(perIndex.get(i) ?? []), text]);
    }
    if (own.length) out.push({ field, message: own.join('; ') });
    for (const [i, ms] of [...perIndex.entries()].sort((a, b) => a[0] - b[0])) {
      out.push({ field: `${field}.${i}`, message: ms.join('; ') });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export function validationProblem(errors: ValidationError[]): ProblemError {
  return fieldsProblem(flattenValidationErrors(errors));
}

/** The 400 naming each bad field: unknown ones first in the detail, then the invalid or missing ones. */
export function fieldsProblem(fields: FieldError[]): ProblemError {
  const unknown = fields.filter((f) => f.message.endsWith('is not a known field')).map((f) => f.field);
  const invalid = fields.filter((f) => !f.message.endsWith('is not a known field')).map((f) => f.field);
  const parts: string[] = [];
  if (unknown.length) parts.push(`unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
  if (invalid.length) parts.push(`invalid or missing: ${invalid.join(', ')}`);
  return Problems.badRequest(`The request body is not valid (${parts.join('; ')}).`, fields);
}

/**
 * Validates a request body against a class-validator DTO, in the handler (after the access guard's
 * 401/404/403). Throws the deferred body problem (413/415/malformed 400) first, then a 400 naming
 * every bad field (unknown fields included), then the DTO's cross-field rules (`crossFieldErrors`,
 * see rules.ts) once every field is valid on its own. A missing body counts as `{}`. Returns the
 * DTO instance.
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
  if (hasCrossFieldRules<T>(dto)) {
    const cross = dto.crossFieldErrors(instance);
    if (cross.length > 0) throw fieldsProblem(cross);
  }
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
