import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ALLOWED, CALLER_GRANT, ROUTES, allowedCallers, openApiPath, refusals, type RouteAccess } from '../access/matrix.js';


/** The Swagger UI assets, from swagger-ui-dist (a dependency of @nestjs/swagger). */
function swaggerUiDir(): string {
  const here = createRequire(import.meta.url);
  try {
    return dirname(here.resolve('swagger-ui-dist/package.json'));
  } catch {
    return dirname(createRequire(here.resolve('@nestjs/swagger')).resolve('swagger-ui-dist/package.json'));
  }
}

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/**
 * OpenAPI generated from the code: `/api/docs-json` (and `/api/docs-yaml`) through SwaggerModule,
 * and the UI at `/api/docs` served here from swagger-ui-dist: SwaggerModule's own UI needs
 * @fastify/static, which cannot be loaded under jest's ESM runtime on Node 20.
 */
/** Who a row lets through, as role grants (`member:{committee}`, `secretariat:*`, `auditor`; `public`: no token needed). */
function grants(r: RouteAccess): string[] {
  if (!r.action) return ['public'];
  return [...(r.public ? ['public'] : []), ...allowedCallers(r).map((c) => CALLER_GRANT[c])];
}

/** The access sentence of a row, for the operation's description. */
function accessSentence(r: RouteAccess): string {
  const variant = r.query ? `With \`${Object.keys(r.query).join('`, `')}\`: ` : '';
  if (!r.action) return `${variant}public: every caller, no token needed.`;
  const who = allowedCallers(r).map((c) => `\`${CALLER_GRANT[c]}\``).join(', ');
  const rest = r.denied === 'rows' ? 'others get the rows they may read' : r.denied === 'unknown' ? 'for others it is unknown (404)' : 'without a token 401, others 403';
  return r.public
    ? `${variant}public ${r.public === 'minutes-approved' ? 'once the minutes are approved' : 'while the record is public (noticed, numbered)'}; its private part (\`${r.action}\`): ${who}; ${rest}.`
    : `${variant}\`${r.action}\`: ${who}; ${rest}.`;
}

/**
 * Each operation says who may call it, from the access matrix (apps/api/src/access/matrix.ts):
 * `x-saksflyt-access: { action, committeeOf, allowed, public?, denied? }` (its row without a
 * query variant), `x-saksflyt-roles` (the grants let through), an access sentence per row in the
 * description, 401 (always: an unknown token is refused everywhere; without a token only where
 * the table says so) and 403 exactly when the table refuses some token.
 */
export function withAccess(doc: OpenAPIObject): OpenAPIObject {
  const byOperation = new Map<string, RouteAccess[]>();
  for (const r of ROUTES) {
    const key = `${r.method.toLowerCase()} ${openApiPath(r.path)}`;
    byOperation.set(key, [...(byOperation.get(key) ?? []), r]);
  }
  for (const [key, rows] of byOperation) {
    const [method, path] = key.split(' ') as [string, string];
    const op = doc.paths[path]?.[method as 'get'] as unknown as Record<string, any> | undefined;
    if (!op) continue;
    const base = rows.find((r) => !r.query) ?? rows[0]!;
    op['x-saksflyt-access'] = {
      action: base.action ?? null,
      committeeOf: base.committeeOf ?? null,
      allowed: [...allowedCallers(base)],
      ...(base.public ? { public: base.public } : {}),
      ...(base.denied ? { denied: base.denied } : {}),
    };
    op['x-saksflyt-roles'] = grants(base);
    const sentence = rows.map(accessSentence).join(' ');
    op.description = `${op.description ? `${op.description}\n\n` : ''}**Access**: ${sentence}`;
    const refused = rows.map(refusals);
    op.responses ??= {};
    op.responses['401'] = problemResponse(
      refused.some((x) => x.unauthorized) ? 'Unauthorized: no token, or an unknown, invalid or expired one' : 'Unauthorized: an unknown, invalid or expired token (no token is needed)',
    );
    const forbidden = rows.filter((r, i) => refused[i]!.forbidden);
    const allowed = (r: RouteAccess) => `${r.query ? `with ${Object.keys(r.query).join(', ')}: ` : ''}${ALLOWED[r.action!].map((c) => CALLER_GRANT[c]).join(', ')}`;
    if (forbidden.length) op.responses['403'] = problemResponse(`Forbidden: a token whose roles do not allow it (allowed: ${forbidden.map(allowed).join('; ')})`);
    else delete op.responses['403'];
  }
  return doc;
}

const PROBLEM_REF = { $ref: '#/components/schemas/ProblemDoc' };
const problemResponse = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/problem+json': { schema: PROBLEM_REF } },
});
const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;
/** Reads besides the views (tag `views`) that answer `X-Saksflyt-Position` (documents, audit). */
const POSITION_PATHS = ['/api/meetings/{id}/minutes', '/api/meetings/{id}/notice', '/api/audit/events', '/api/audit/export'];

/**
 * What the platform does for every route, written into the document once (the decorators of the
 * routes cannot forget it): a header without a schema gets `{ type: string }` (OpenAPI 3 requires
 * one; client generators and validators refuse the document without it); every write documents
 * `Idempotency-Key` (the global idempotency interceptor) and its 422, 413 for a body over the
 * limit and 429 with `Retry-After` (the per-token write limit); every route behind a token
 * documents 401; the views, documents and audit reads answer `X-Saksflyt-Position`.
 */
export function withPlatform(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Record<string, any>>)) {
      if (typeof op !== 'object' || op === null || !op.responses) continue;
      for (const r of Object.values(op.responses as Record<string, any>)) {
        for (const h of Object.values((r?.headers ?? {}) as Record<string, any>)) {
          if (h && !h.schema && !h.content && !h.$ref) h.schema = { type: 'string' };
        }
      }
      if (!path.startsWith('/api/') || path.startsWith('/api/docs')) continue;
      if ((WRITE_METHODS as readonly string[]).includes(method)) {
        op.parameters ??= [];
        if (!op.parameters.some((p: any) => p?.in === 'header' && String(p.name).toLowerCase() === 'idempotency-key')) {
          op.parameters.push({
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'the same key and body again returns the first answer and writes nothing; another body is 422',
            schema: { type: 'string', maxLength: 200 },
          });
        }
        op.responses['413'] ??= problemResponse('Payload Too Large: a body over 1 MiB');
        op.responses['422'] ??= problemResponse('Unprocessable Entity: the Idempotency-Key was used with another body');
        op.responses['429'] ??= problemResponse('Too Many Requests: the per-token write limit', {
          'Retry-After': { description: 'seconds until writes are accepted again', schema: { type: 'integer' } },
        });
      }
      if (Array.isArray(op.security) && op.security.length > 0) op.responses['401'] ??= problemResponse('Unauthorized');
      if (method === 'get' && (op.tags?.includes('views') || POSITION_PATHS.includes(path))) {
        for (const [status, r] of Object.entries(op.responses as Record<string, any>)) {
          if (!status.startsWith('2') || !r) continue;
          r.headers ??= {};
          r.headers['X-Saksflyt-Position'] ??= { description: 'the global position the answer was built at', schema: { type: 'integer' } };
        }
      }
    }
  }
  return doc;
}

/** The OpenAPI document of the app (also written to a file by write-openapi.ts, for the web client's types). */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  return withPlatform(withAccess(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Saksflyt API')
      .setDescription(
        'Case handling for the national e-health committees. Every error is RFC 9457 problem JSON (application/problem+json).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  )));
}

export function installDocs(app: NestFastifyApplication): void {
  const document = () => openApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, {
    ui: false,
    jsonDocumentUrl: 'api/docs-json',
    yamlDocumentUrl: 'api/docs-yaml',
  });

  const fastify = app.getHttpAdapter().getInstance();
  const dir = swaggerUiDir();
  const cache = new Map<string, Buffer>();
  for (const [name, type] of Object.entries(ASSETS)) {
    fastify.get(`/api/docs/${name}`, async (_req, reply) => {
      let buf = cache.get(name);
      if (!buf) {
        buf = readFileSync(join(dir, name));
        cache.set(name, buf);
      }
      return reply.type(type).header('cache-control', 'public, max-age=3600').send(buf);
    });
  }
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Saksflyt API</title>
<link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png">
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/swagger-ui-init.js"></script></body></html>
`;
  const init = `window.ui = SwaggerUIBundle({ url: '/api/docs-json', dom_id: '#swagger-ui', persistAuthorization: true });\n`;
  // Under the app's Content-Security-Policy (security/headers.ts): no inline script, none needed.
  const page = async (_req: unknown, reply: FastifyReply) => reply.type('text/html; charset=utf-8').send(html);
  fastify.get('/api/docs', page);
  fastify.get('/api/docs/', page);
  fastify.get('/api/docs/swagger-ui-init.js', async (_req, reply) =>
    reply.type('application/javascript; charset=utf-8').send(init),
  );
}
