/** Test harness: a real server (createApp) on a temporary data dir, listening on 127.0.0.1:<random>. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp, type CreateAppOptions } from '../src/bootstrap.js';

export const TEST_TOKENS = {
  'tok-secretariat-nehs': { name: 'Anita Lindholt', roles: [{ role: 'secretariat', committee: 'NEHS' }] },
  'tok-auditor': { name: 'Riksrevisjonen', roles: [{ role: 'auditor' }] },
  'tok-admin': { name: 'Admin', roles: [{ role: 'admin' }] },
};

export interface Server {
  app: NestFastifyApplication;
  url: string;
  dataDir: string;
  /** fetch(url + path) with JSON helpers; `token` adds the bearer header. */
  req(
    method: string,
    path: string,
    opts?: { token?: string; json?: unknown; body?: string | Buffer; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; text: string; json: any }>;
  close(): Promise<void>;
}

export function tempDir(prefix = 'saksflyt-api-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Starts a server. Without `env.AUTH_TOKENS_FILE`, writes TEST_TOKENS to a file and uses it (unless defaultTokens). */
export async function startServer(
  options: CreateAppOptions & { defaultTokens?: boolean; keepDir?: boolean } = {},
): Promise<Server> {
  const dataDir = options.dataDir ?? tempDir();
  const env: Record<string, string | undefined> = { ...(options.env ?? {}) };
  env.RATE_LIMIT_WRITES ??= '0'; // tests write fast with one token; the limit's own test (hygiene.e2e.ts) sets its own
  if (!options.defaultTokens && !env.AUTH_TOKENS_FILE) {
    const file = join(dataDir, 'test-tokens.json');
    writeFileSync(file, JSON.stringify(TEST_TOKENS));
    env.AUTH_TOKENS_FILE = file;
  }
  const app = await createApp({ ...options, dataDir, env, logger: options.logger ?? false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    url,
    dataDir,
    async req(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | Buffer | undefined = opts.body;
      if (opts.json !== undefined) {
        body = JSON.stringify(opts.json);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(url + path, { method, headers, body });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
    async close() {
      await app.close();
      if (!options.keepDir && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
