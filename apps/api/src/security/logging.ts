/**
 * Logs: Fastify's own pino logger, JSON lines on stdout. Every line of a request carries its
 * `correlationId` (the `X-Correlation-Id` it answered with); one line per answer names the
 * method, the path with secrets taken out, the route, the status, the time and the `actor` (the
 * token's user); a 401/403 is a `warn` line "denied" with who (actor, or whether a token was sent)
 * and what (method, route, the refusal's detail; `bearer: sent|none`). Nest's own messages go to the same logger.
 *
 * Never logged: the Authorization header (and cookies), and any `token`, `access_token`,
 * `id_token`, `code` or `api_key` query parameter (replaced by `[redacted]`). `LOG_LEVEL` (default
 * `info`; `warn` keeps only refusals and failures). `createApp({ logger: false })` logs nothing.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LoggerService } from '@nestjs/common';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type Env = Record<string, string | undefined>;

const CORRELATION_RE = /^[A-Za-z0-9._:\-]{1,128}$/;
const SECRET_PARAMS = /^(token|access_token|id_token|refresh_token|code|api_key|apikey|key|password|secret)$/i;
const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The detail of the problem answered (set by the ProblemFilter), for the log line. */
    problemDetail?: string;
  }
}

/** The URL with the values of secret-looking query parameters replaced. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        /* keep it raw */
      }
      return SECRET_PARAMS.test(decoded) && eq >= 0 ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

/** The request id Fastify gives a request (and every log line of it): its sane X-Correlation-Id, else a uuid. */
export function genReqId(req: IncomingMessage): string {
  const sent = req.headers['x-correlation-id'];
  return typeof sent === 'string' && CORRELATION_RE.test(sent) ? sent : randomUUID();
}

/** Fastify's `logger` option: false, or pino with redaction and our request serializer. */
export function loggerOptions(enabled: boolean, env: Env, stream?: NodeJS.WritableStream): false | Record<string, unknown> {
  if (!enabled) return false;
  const level = env.LOG_LEVEL?.trim().toLowerCase() || 'info';
  if (!LEVELS.has(level)) throw new Error(`LOG_LEVEL must be one of ${[...LEVELS].join(', ')}, got ${JSON.stringify(env.LOG_LEVEL)}`);
  return {
    level,
    ...(stream ? { stream } : {}),
    base: { service: 'saksflyt-api' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'authorization', 'token'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: redactUrl(req.url) }),
    },
  };
}

/**
 * One line per answer, and the correlation id on every line. Register after the correlation id
 * hook (http/request-context.ts), so that `request.id` and `request.correlationId` are one value.
 */
export function installRequestLog(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (request.correlationId && request.correlationId !== request.id) {
      // The X-Correlation-Id header was not sane: both made their own uuid; keep the log's.
      request.correlationId = request.id;
      reply.header('x-correlation-id', request.id);
    }
    done();
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const status = reply.statusCode;
    const entry: Record<string, unknown> = {
      method: request.method,
      url: redactUrl(request.url),
      route: request.routeOptions?.url ?? null,
      status,
      ms: Math.round(reply.elapsedTime),
      actor: request.user?.name ?? null,
    };
    if (status === 401 || status === 403) {
      request.log.warn(
        { ...entry, denied: status, bearer: request.headers.authorization ? 'sent' : 'none', detail: request.problemDetail },
        'denied',
      );
    } else if (status >= 500) request.log.error({ ...entry, detail: request.problemDetail }, 'failed');
    else request.log.info(entry, 'answered');
    done();
  });
}

/** Nest's messages (startup, the ProblemFilter's unexpected errors) as lines of the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: FastifyBaseLogger) {}

  private split(params: unknown[]): { context?: string; rest: unknown[] } {
    if (params.length > 0 && typeof params[params.length - 1] === 'string') {
      return { context: params[params.length - 1] as string, rest: params.slice(0, -1) };
    }
    return { rest: params };
  }

  private text(message: unknown): string {
    return message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message);
  }

  log(message: unknown, ...params: unknown[]): void {
    const { context } = this.split(params);
    this.pino.info({ context }, this.text(message));
  }

  warn(message: unknown, ...params: unknown[]): void {
    const { context } = this.split(params);
    this.pino.warn({ context }, this.text(message));
  }

  error(message: unknown, ...params: unknown[]): void {
    const { context, rest } = this.split(params);
    const stack = typeof rest[0] === 'string' ? rest[0] : message instanceof Error ? message.stack : undefined;
    this.pino.error({ context, ...(stack ? { stack } : {}) }, this.text(message));
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.pino.debug({ context: this.split(params).context }, this.text(message));
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.pino.trace({ context: this.split(params).context }, this.text(message));
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.pino.fatal({ context: this.split(params).context }, this.text(message));
  }
}
