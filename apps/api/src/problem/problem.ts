import { STATUS_CODES } from 'node:http';
import type { FieldError, Problem } from '@saksflyt/workflow';

/** One named bad field of a 400: `field` is a dotted path (`present.0`, `address.city`). The workflow's type: one shape for both. */
export type { FieldError };

/** RFC 9457 problem details, as every error of the api is rendered (`application/problem+json`): the workflow's `Problem` (what `WorkflowError.toProblem()` gives), one shape for both. */
export type ProblemBody = Problem;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/**
 * Throw this from anywhere (controllers, services, guards, pipes) to answer with a problem.
 * `extensions` are added as members (e.g. `{ position: 12 }` for a 503 of `minPosition`).
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly errors?: FieldError[];
  readonly allowedCommands?: string[];
  readonly type: string;
  readonly title: string;
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(
    status: number,
    detail: string,
    options: {
      errors?: FieldError[];
      allowedCommands?: string[];
      type?: string;
      title?: string;
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.status = status;
    this.errors = options.errors;
    this.allowedCommands = options.allowedCommands;
    this.type = options.type ?? 'about:blank';
    this.title = options.title ?? statusTitle(status);
    this.extensions = options.extensions;
    this.headers = options.headers;
  }

  toBody(): ProblemBody {
    const body: ProblemBody = {
      ...(this.extensions ?? {}),
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.message,
    };
    if (this.errors) body.errors = this.errors;
    if (this.allowedCommands) body.allowedCommands = this.allowedCommands;
    return body;
  }
}

/** Shorthands for the statuses of API.md. */
export const Problems = {
  badRequest: (detail: string, errors?: FieldError[]) => new ProblemError(400, detail, { errors }),
  unauthorized: (detail = 'A valid bearer token is required.') =>
    new ProblemError(401, detail, { headers: { 'www-authenticate': 'Bearer' } }),
  forbidden: (detail = 'Your roles do not allow this.') => new ProblemError(403, detail),
  notFound: (detail: string) => new ProblemError(404, detail),
  conflict: (detail: string, allowedCommands?: string[]) => new ProblemError(409, detail, { allowedCommands }),
  preconditionFailed: (detail: string, currentRevision?: bigint | number) =>
    new ProblemError(412, detail, {
      extensions: currentRevision === undefined ? undefined : { currentRevision: Number(currentRevision) },
    }),
  payloadTooLarge: (detail = 'The request body is larger than 1 MiB.') => new ProblemError(413, detail),
  unsupportedMediaType: (detail = 'The request body must be JSON (Content-Type: application/json).') =>
    new ProblemError(415, detail),
  unprocessable: (detail: string) => new ProblemError(422, detail),
  unavailable: (detail: string, extensions?: Record<string, unknown>) => new ProblemError(503, detail, { extensions }),
};
