/**
 * Shape rules the DTOs share beyond class-validator's own (issue 9 point 7: shape validation
 * happens once, in the DTOs; the workflow keeps only the checks that need state):
 *
 * - `Omittable()`: the field may be left out, but when it is there it must pass the other rules:
 *   JSON `null` is not a string, an array or a boolean (class-validator's `IsOptional` lets `null`
 *   through, which would store `null` where the records hold text).
 * - `NotBlank()`: a string with something other than white space in it.
 * - `IsCalendarDate()`: `YYYY-MM-DD` that names a real day (not 2018-02-30).
 * - cross-field rules: a DTO class may declare `static crossFieldErrors(dto)`; `validateBody` runs
 *   it once every field is valid on its own and answers its errors as any other 400.
 */
import { ValidateIf, registerDecorator, type ValidationOptions } from 'class-validator';
import type { FieldError } from '../problem/problem.js';

/** Left out is fine; present means it is validated (null included, and refused by the type rules). */
export function Omittable(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined, options);
}

/** A string with at least one character that is not white space. */
export function NotBlank(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'notBlank',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: options?.each ? 'each value in $property must not be empty' : '$property must not be empty', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && value.trim() !== '' },
    });
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is `YYYY-MM-DD` and a real calendar day. */
export function isCalendarDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** `YYYY-MM-DD`, a real day. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be a date YYYY-MM-DD', ...options },
      validator: { validate: (value: unknown) => isCalendarDate(value) },
    });
}

/** A DTO class with rules over several fields, run after every field passed its own. */
export interface CrossFieldRules<T> {
  crossFieldErrors(dto: T): FieldError[];
}

export function hasCrossFieldRules<T>(dto: unknown): dto is CrossFieldRules<T> {
  return typeof (dto as Partial<CrossFieldRules<T>>)?.crossFieldErrors === 'function';
}
