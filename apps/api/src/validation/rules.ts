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

// ---------------------------------------------------------------------------------------------
// Rules of every JSON body, whatever its DTO (the body parser, http/body.ts, applies them once,
// before any DTO sees the body; a break answers 400 like any bad field):

/** How deep a body may nest arrays and objects (the deepest DTO nests 3; class-transformer recurses). */
export const MAX_JSON_DEPTH = 32;

/**
 * Member names no body may use: `__proto__` (prototype poisoning) and the other names of
 * `Object.prototype` (`constructor`, `toString`, ...), which class-transformer skips without a word,
 * so that an unknown field of that name would pass as if it were not there; and `prototype`, which
 * Nest's ValidationPipe deletes (with `constructor`) before it validates, with the same effect.
 */
export const RESERVED_MEMBERS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** A C0 control character other than tab, line feed and carriage return, or a lone surrogate. */
const BAD_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text that can be stored, printed and archived (XML 1.0 has no NUL, no other C0 control, no lone surrogate). */
export function isWellFormedText(s: string): boolean {
  return !BAD_TEXT.test(s);
}

/** The deepest nesting of arrays and objects in JSON text (strings skipped), stopping once past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // skip the string
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** The first break of the rules of every JSON body in `key: value` of a parsed body (JSON.parse's reviver), or undefined. */
export function jsonMemberError(key: string, value: unknown): FieldError | undefined {
  if (RESERVED_MEMBERS.has(key)) return { field: key, message: 'not allowed' };
  if (typeof value === 'string' && !isWellFormedText(value)) return { field: key, message: 'must not contain control characters (other than tab and line breaks) or lone surrogates' };
  if (!isWellFormedText(key)) return { field: key.replace(BAD_TEXT, '\uFFFD'), message: 'a member name must not contain control characters or lone surrogates' };
  return undefined;
}
