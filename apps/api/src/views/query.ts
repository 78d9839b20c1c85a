/** Query-string helpers of the view endpoints: each parameter given at most once, typed, 400 naming it. */
import { Problems } from '../platform.js';

export function bad(field: string, message: string): never {
  throw Problems.badRequest(`${field} ${message}.`, [{ field, message }]);
}

/** A parameter given once as text (a repeated one is 400). */
export function textParam(name: string, value: unknown, max = 500): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') bad(name, 'must be given once');
  if (value.length > max) bad(name, `must be at most ${max} characters`);
  return value;
}

/** A whole number from `min` to `max`. */
export function intParam(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = textParam(name, value, 20);
  if (v === undefined) return undefined;
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) bad(name, `must be a whole number from ${min} to ${max}`);
  return Number(v);
}

/** A year `YYYY`. */
export function yearParam(name: string, value: unknown): number | undefined {
  const v = textParam(name, value);
  if (v === undefined) return undefined;
  if (!/^[0-9]{4}$/.test(v)) bad(name, 'must be a year YYYY');
  return Number(v);
}

/** An ISO 8601 time with offset (or a date `YYYY-MM-DD`, read as UTC midnight). */
export function timeParam(name: string, value: unknown): string | undefined {
  const v = textParam(name, value, 64);
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(v) || Number.isNaN(Date.parse(v)))
    bad(name, 'must be an ISO 8601 time with offset');
  return v;
}

/** `true` / `false`. */
export function boolParam(name: string, value: unknown): boolean | undefined {
  const v = textParam(name, value, 5);
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') bad(name, 'must be true or false');
  return v === 'true';
}
