/**
 * Typed errors of the application service, each mapping to one HTTP status and RFC 9457 problem
 * JSON (`toProblem()`). Nothing is written when one of these is thrown by a command.
 */

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  allowedCommands?: string[];
  [extra: string]: unknown;
}

export abstract class WorkflowError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  /** A short, stable kind, used as the problem `type` suffix. */
  abstract readonly kind: string;
  toProblem(): Problem {
    return { type: `https://saksflyt.no/problems/${this.kind}`, title: this.title, status: this.status, detail: this.message };
  }
}

/** 404: unknown committee, meeting, case, member or matter. */
export class NotFound extends WorkflowError {
  readonly status = 404;
  readonly title = 'Not Found';
  readonly kind = 'not-found';
  constructor(
    readonly what: 'committee' | 'meeting' | 'case' | 'member' | 'matter' | 'attachment',
    readonly id: string,
  ) {
    super(`unknown ${what} ${id}`);
    this.name = 'NotFound';
  }
}

/** 403: the actor's roles do not allow it. */
export class Forbidden extends WorkflowError {
  readonly status = 403;
  readonly title = 'Forbidden';
  readonly kind = 'forbidden';
  constructor(detail: string) {
    super(detail);
    this.name = 'Forbidden';
  }
}

/** 400: semantic checks of a body (unknown memberId, unknown meeting, bad date, ...), every field named. */
export class ValidationFailed extends WorkflowError {
  readonly status = 400;
  readonly title = 'Bad Request';
  readonly kind = 'validation';
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'ValidationFailed';
  }
  override toProblem(): Problem {
    return { ...super.toProblem(), errors: this.errors };
  }
}

/** 412: `If-Match` named a revision that is not the current one. */
export class StaleRevision extends WorkflowError {
  readonly status = 412;
  readonly title = 'Precondition Failed';
  readonly kind = 'stale-revision';
  constructor(
    readonly stream: string,
    readonly expected: bigint,
    readonly actual: bigint,
  ) {
    super(`${stream} is at revision ${actual}, not ${expected}: someone else changed it first`);
    this.name = 'StaleRevision';
  }
  override toProblem(): Problem {
    return { ...super.toProblem(), expected: Number(this.expected), actual: Number(this.actual) };
  }
}

/** 409: the current state (of this record or another: `blocking`) does not allow the command. */
export class InvalidCommand extends WorkflowError {
  readonly status = 409;
  readonly title = 'Conflict';
  readonly kind = 'invalid-command';
  constructor(
    detail: string,
    readonly allowedCommands: string[],
    readonly blocking: { meetingId?: string; caseIds?: string[] } = {},
  ) {
    super(detail);
    this.name = 'InvalidCommand';
  }
  override toProblem(): Problem {
    return { ...super.toProblem(), allowedCommands: this.allowedCommands, ...(Object.keys(this.blocking).length ? { blocking: this.blocking } : {}) };
  }
}

/** 409: a domain rule (numbering only moves forward, committee exists, member already left, ...). */
export class DomainRuleViolation extends WorkflowError {
  readonly status = 409;
  readonly title = 'Conflict';
  readonly kind = 'domain-rule';
  constructor(
    readonly rule: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'DomainRuleViolation';
  }
  override toProblem(): Problem {
    return { ...super.toProblem(), rule: this.rule };
  }
}
