/**
 * Every JSON answer to a read passes the one redaction (libs/workflow/src/access/redact.ts) for
 * its caller: what a case exempt from public access hides (paper, discussion, attachments) is
 * emptied unless the caller may `read.exempt` in the case's committee. Global, so a new read route
 * is covered without a line of its own; the documents (rendered text) and the live feeds (written
 * to the socket) apply the same function themselves before rendering or framing.
 */
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { exemptReader, redactExempt } from '@saksflyt/workflow';
import type { User } from '../auth/tokens.js';

@Injectable()
export class RedactInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: User | null }>();
    if (request.method !== 'GET' && request.method !== 'HEAD') return next.handle();
    const reader = exemptReader(request.user ?? null);
    return next.handle().pipe(map((v: unknown) => (v !== null && typeof v === 'object' ? redactExempt(v, reader) : v)));
  }
}
