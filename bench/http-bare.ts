/**
 * The ceiling of `http_commands` (bench/http.bench.ts): a bare Nest app on the same adapter
 * (@nestjs/platform-fastify, the same body limit as the api) with one POST route that parses the
 * JSON body and answers 200. Run as a child process: `node dist/bench/http-bare.js`; prints
 * `listening on http://127.0.0.1:PORT` once it listens (PORT=0 by default: any free port).
 */
import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

@Controller()
class BareController {
  @Post('bare')
  @HttpCode(200)
  take(@Body() body: unknown): { ok: true; fields: number } {
    return { ok: true, fields: body && typeof body === 'object' ? Object.keys(body).length : 0 };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter({ bodyLimit: 1024 * 1024 }), { logger: false });
await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
console.log(`listening on ${(await app.getUrl()).replace('[::1]', '127.0.0.1')}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
