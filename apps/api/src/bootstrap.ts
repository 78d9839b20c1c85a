import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { Logger, Module, type Type } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessModule } from './access/access.guard.js';
import { RedactInterceptor } from './access/redact.interceptor.js';
import { AuthModule } from './auth/auth.js';
import { OidcVerifier, loadOidcConfig } from './auth/oidc.js';
import { loadTokens, type TokenTable } from './auth/tokens.js';
import { ConfigModule, loadConfig, type AppConfig, type Env } from './config/config.js';
import { installDocs } from './docs/docs.js';
import { FEATURE_MODULES, type ModuleImport } from './features.js';
import { BodyCheckInterceptor } from './http/body-check.interceptor.js';
import { BODY_LIMIT, installBodyParser } from './http/body.js';
import { bigintAsNumber } from './http/json.js';
import { IdempotencyInterceptor, IdempotencyModule } from './http/idempotency.js';
import { CORRELATION_HEADER, installCorrelationId } from './http/request-context.js';
import { ProblemFilter, toProblem } from './problem/problem.filter.js';
import { PROBLEM_CONTENT_TYPE, statusTitle } from './problem/problem.js';
import { FALLBACK_SECURITY_HEADERS, corsOrigins, installCors, installSecurityHeaders } from './security/headers.js';
import { PinoNestLogger, genReqId, installRequestLog, loggerOptions } from './security/logging.js';
import { installRateLimit, loadRateLimitConfig } from './security/rate-limit.js';
import { StoreModule } from './store/store.module.js';
import { ProblemValidationPipe } from './validation/validation.js';

export interface CreateAppOptions {
  /** Overrides SAKSFLYT_DATA_DIR. */
  dataDir?: string;
  /** The environment to read (default process.env). */
  env?: Env;
  /** Nest's logger (default true). */
  logger?: boolean;
  /** Where the JSON log lines go (default stdout); tests read them. */
  logStream?: NodeJS.WritableStream;
  /** More modules (e.g. test-only ones). */
  extraModules?: ModuleImport[];
  /** More controllers (e.g. test-only ones), in a module that sees every global provider. */
  extraControllers?: Type<unknown>[];
  /** Nest's own signal handlers (default true); main.ts handles SIGTERM/SIGINT itself (exit 0). */
  shutdownHooks?: boolean;
}

/** The running configuration and tokens file of an app made by createApp. */
export const APP_INFO = Symbol('APP_INFO');
export interface AppInfo {
  config: AppConfig;
  tokensFile: string;
  tokensFileCreated: boolean;
}

/**
 * Builds the whole server (not yet listening): main.ts and every e2e test use it.
 * Tests: `const app = await createApp({ dataDir: tmp, logger: false }); await app.listen(0, '127.0.0.1');`
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const config = loadConfig(options.env ?? process.env, { dataDir: options.dataDir });
  const tokens: TokenTable = loadTokens(config);
  const oidc = loadOidcConfig(options.env ?? process.env);
  if (oidc) tokens.oidc = new OidcVerifier(oidc);
  const info: AppInfo = { config, tokensFile: tokens.file, tokensFileCreated: tokens.created };

  @Module({ controllers: options.extraControllers ?? [] })
  class ExtraControllersModule {}

  @Module({
    imports: [
      ConfigModule.forRoot(config),
      StoreModule.forRoot(),
      IdempotencyModule.forRoot(),
      AuthModule.forRoot(tokens),
      AccessModule,
      ...FEATURE_MODULES,
      ...(options.extraModules ?? []),
      ExtraControllersModule,
    ],
    providers: [{ provide: APP_INFO, useValue: info }],
    exports: [APP_INFO],
  })
  class AppModule {}

  const env = options.env ?? process.env;
  const logging = loggerOptions(options.logger !== false, env, options.logStream);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    // pino, JSON lines; the request id is the correlation id (security/logging.ts).
    logger: logging as never,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'correlationId' }),
    genReqId,
    // Errors Fastify answers before routing (a URL that is not valid percent-encoding, ...).
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) => {
      const { problem } = toProblem(error);
      const status = problem.status >= 500 ? 400 : problem.status;
      reply
        .status(status)
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .headers(FALLBACK_SECURITY_HEADERS)
        .header(CORRELATION_HEADER, randomUUID())
        .send(JSON.stringify({ ...problem.toBody(), status, title: statusTitle(status) }));
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    logger: options.logger === false ? false : new PinoNestLogger(adapter.getInstance().log),
    bodyParser: false,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  installBodyParser(fastify);
  installCorrelationId(fastify);
  installRequestLog(fastify);
  await installSecurityHeaders(fastify);
  installCors(fastify, corsOrigins(env));
  await installRateLimit(fastify, loadRateLimitConfig(env));
  // bigint inside, JSON numbers on the wire (revisions, positions): handlers may return bigints.
  fastify.setReplySerializer((payload) => JSON.stringify(payload, bigintAsNumber));
  fastify.decorateRequest('user', null);

  app.setGlobalPrefix('api');
  if (options.shutdownHooks !== false) app.enableShutdownHooks();
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(new ProblemValidationPipe());
  app.useGlobalInterceptors(new BodyCheckInterceptor(app.get(Reflector)), app.get(IdempotencyInterceptor), new RedactInterceptor());

  installDocs(app);

  if (tokens.created) {
    new Logger('Auth').log(`wrote a tokens file with an admin and a NEHS secretariat token: ${tokens.file}`);
  }
  return app;
}
