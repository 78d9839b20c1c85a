/**
 * The HTTP platform in one import, for endpoint authors:
 *   import { Allow, CurrentAccess, Public, CurrentUser, validateBody, DeferBody, RequestCtx, ... } from '../platform.js';
 * Access: a route says what it does, `@Allow(action, { committeeOf })`, and the AccessGuard asks the
 * policy (`may`); no handler compares roles. `Roles`/`requireRole` remain for the platform's own tests.
 * See apps/api/PLATFORM.md. (createApp is not in here, to keep feature modules free of import cycles: import it from ./bootstrap.js.)
 */
export { APP_CONFIG, type AppConfig } from './config/config.js';
export { EVENT_STORE } from './store/store.module.js';
export { Public, Authenticated, Roles, CurrentUser, requireUser, requireRole, TOKENS } from './auth/auth.js';
export { type User, type RoleGrant, type RoleName } from './auth/tokens.js';
export { Allow, CurrentAccess, type Access, type AccessRule, type CommitteeOf } from './access/allow.js';
export { requireAllowed, mayReadPrivate, requirePrivateRead } from './access/require.js';
export { ProblemError, Problems, type ProblemBody, type FieldError, PROBLEM_CONTENT_TYPE } from './problem/problem.js';
export { toProblem } from './problem/problem.filter.js';
export { ApiProblems, ProblemDoc } from './problem/api-problem.js';
export { validateBody, flattenValidationErrors } from './validation/validation.js';
export { DeferBody, assertJsonBody, isRejectedBody, BODY_LIMIT } from './http/body.js';
export {
  CorrelationId,
  IfMatch,
  RequestCtx,
  parseIfMatch,
  etagFor,
  setETag,
  CORRELATION_HEADER,
} from './http/request-context.js';
export { bigintAsNumber } from './http/json.js';
export { HealthRegistry } from './health/health.controller.js';
