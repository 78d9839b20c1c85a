import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  Global,
  Inject,
  Injectable,
  Module,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, of, type Observable } from 'rxjs';
import { mergeMap, tap } from 'rxjs/operators';
import { Problems } from '../problem/problem.js';
import { RejectedBody, RawUpload } from './body.js';
import { bigintAsNumber } from './json.js';
import { idempotencyScope } from '../workflow/command-id.js';

export interface StoredAnswer {
  fingerprint: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Answers of writes that carried an `Idempotency-Key`, in `<dataDir>/saksflyt-http.db`. */
export class IdempotencyStore {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement;
  private readonly putStmt: Database.Statement;

  constructor(readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotency (
      scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,
      status INTEGER NOT NULL, headers TEXT NOT NULL, body TEXT,
      created_at TEXT NOT NULL, PRIMARY KEY (scope, key))`);
    this.getStmt = this.db.prepare('SELECT fingerprint, status, headers, body FROM idempotency WHERE scope = ? AND key = ?');
    this.putStmt = this.db.prepare(
      'INSERT OR IGNORE INTO idempotency (scope, key, fingerprint, status, headers, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  get(scope: string, key: string): StoredAnswer | undefined {
    const row = this.getStmt.get(scope, key) as
      | { fingerprint: string; status: number; headers: string; body: string | null }
      | undefined;
    if (!row) return undefined;
    return {
      fingerprint: row.fingerprint,
      status: row.status,
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: row.body === null ? undefined : JSON.parse(row.body),
    };
  }

  put(scope: string, key: string, answer: StoredAnswer): void {
    this.putStmt.run(
      scope,
      key,
      answer.fingerprint,
      answer.status,
      JSON.stringify(answer.headers),
      answer.body === undefined ? null : JSON.stringify(answer.body, bigintAsNumber),
      new Date().toISOString(),
    );
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_RE = /^[\x21-\x7e]{1,255}$/;
/** Response headers replayed with the first answer. */
const KEPT_HEADERS = ['etag', 'location'];

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/**
 * `Idempotency-Key` on a write: the same key with the same method, path and body (for the same
 * user) again returns the first answer (status, body, ETag/Location) and runs nothing; another
 * body with that key is 422. Only successful (2xx) answers are kept: a failed write wrote nothing
 * and may be retried. Concurrent requests with one key wait for the first (in-process).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly pending = new Map<string, Promise<void>>();

  constructor(@Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const header = request.headers['idempotency-key'];
    // A streamed upload is not kept here: its command id comes from the key (commandContext), so a retry adds nothing twice.
    if (header === undefined || !WRITE_METHODS.has(request.method) || request.body instanceof RejectedBody || request.body instanceof RawUpload) {
      return next.handle();
    }
    const key = Array.isArray(header) ? header.join(',') : header;
    if (!KEY_RE.test(key)) {
      throw Problems.badRequest('Idempotency-Key must be 1 to 255 visible ASCII characters.', [
        { field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
      ]);
    }
    const scope = idempotencyScope(request.user);
    const fingerprint = createHash('sha256')
      .update(JSON.stringify([request.method, request.url, canonical(request.body ?? null)]))
      .digest('hex');
    const slot = `${scope}\u0000${key}`;

    return from(this.acquire(slot, scope, key, fingerprint)).pipe(
      mergeMap((acquired) => {
        if (acquired.kind === 'replay') {
          const a = acquired.answer;
          reply.status(a.status);
          for (const [k, v] of Object.entries(a.headers)) reply.header(k, v);
          reply.header('idempotent-replayed', 'true');
          return of(a.body);
        }
        let released = false;
        const release = () => {
          if (!released) {
            released = true;
            acquired.release();
          }
        };
        return next.handle().pipe(
          tap({
            next: (body) => {
              const status = reply.statusCode;
              if (status >= 200 && status < 300) {
                const headers: Record<string, string> = {};
                for (const h of KEPT_HEADERS) {
                  const v = reply.getHeader(h);
                  if (v !== undefined) headers[h] = String(v);
                }
                this.store.put(scope, key, { fingerprint, status, headers, body });
              }
              release();
            },
            error: release,
            complete: release,
            finalize: release,
          }),
        );
      }),
    );
  }

  private async acquire(
    slot: string,
    scope: string,
    key: string,
    fingerprint: string,
  ): Promise<{ kind: 'replay'; answer: StoredAnswer } | { kind: 'run'; release: () => void }> {
    for (;;) {
      const stored = this.store.get(scope, key);
      if (stored) {
        if (stored.fingerprint !== fingerprint) {
          throw Problems.unprocessable('This Idempotency-Key was used before with another request body.');
        }
        return { kind: 'replay', answer: stored };
      }
      const busy = this.pending.get(slot);
      if (busy) {
        await busy;
        continue;
      }
      let resolve!: () => void;
      const done = new Promise<void>((r) => (resolve = r));
      this.pending.set(slot, done);
      return {
        kind: 'run',
        release: () => {
          this.pending.delete(slot);
          resolve();
        },
      };
    }
  }
}

@Global()
@Module({})
export class IdempotencyModule implements OnApplicationShutdown {
  constructor(@Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore) {}

  static forRoot() {
    return {
      module: IdempotencyModule,
      providers: [
        {
          provide: IDEMPOTENCY_STORE,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => {
            mkdirSync(config.dataDir, { recursive: true });
            return new IdempotencyStore(join(config.dataDir, 'saksflyt-http.db'));
          },
        },
        IdempotencyInterceptor,
      ],
      exports: [IDEMPOTENCY_STORE, IdempotencyInterceptor],
    };
  }

  onApplicationShutdown(): void {
    this.store.close();
  }
}
