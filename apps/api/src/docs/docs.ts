import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ALLOWED, ROUTES } from '../access/matrix.js';

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
/** Each operation of the access matrix says who may call it: `x-saksflyt-access: { action, committeeOf, allowed, public? }`. */
export function withAccess(doc: OpenAPIObject): OpenAPIObject {
  for (const r of ROUTES) {
    const op = doc.paths[r.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase() as 'get'];
    if (op) (op as unknown as Record<string, unknown>)['x-saksflyt-access'] = { action: r.action, committeeOf: r.committeeOf, allowed: ALLOWED[r.action], ...(r.public ? { public: true } : {}) };
  }
  return doc;
}

/** The OpenAPI document of the app (also written to a file by write-openapi.ts, for the web client's types). */
export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  return withAccess(SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Saksflyt API')
      .setDescription(
        'Case handling for the national e-health committees. Every error is RFC 9457 problem JSON (application/problem+json).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  ));
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
  fastify.get('/api/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
  fastify.get('/api/docs/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
  fastify.get('/api/docs/swagger-ui-init.js', async (_req, reply) =>
    reply.type('application/javascript; charset=utf-8').send(init),
  );
}
