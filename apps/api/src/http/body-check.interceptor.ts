import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { DEFER_BODY, RejectedBody } from './body.js';

/**
 * Runs after the guards (401 and route roles): a body that was rejected by the parser
 * (413/415/malformed 400) is answered here, unless the route declared `@DeferBody()`.
 */
@Injectable()
export class BodyCheckInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
      if (body instanceof RejectedBody) {
        const deferred = this.reflector.getAllAndOverride<boolean>(DEFER_BODY, [context.getHandler(), context.getClass()]);
        if (!deferred) throw body.problem;
      }
    }
    return next.handle();
  }
}
