import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { ResourceServer } from '../core/resource-server.js';
import { ApiError } from '../errors/api-error.js';
import { authorize } from '../guards/authorize.js';
import type { GatehouseIdentity } from '../guards/gatehouse-identity.js';
import type { RoutePolicy } from '../guards/route-policy.js';
import { errorAnswer } from '../http/error-answer.js';
import { logFailure } from '../http/error-handler.js';
import { kIdentity } from './request-identity.js';

/** A route guard: an `onRequest` hook, so it runs before the body is read or parsed. */
export type GatehouseGuard = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
) => void;

/**
 * The `onRequest` hook of a guarded route: the bearer verified and the policy checked ({@link authorize}); the
 * identity left on the request; a refusal answered here, with its RFC 6750 challenge and `no-store`, by the
 * guard itself rather than the app's error handler, which could answer it otherwise. A token seen before is
 * decided synchronously (no promise, the hot path).
 */
export function guardHook(server: ResourceServer, policy: RoutePolicy): GatehouseGuard {
  const refuse = (
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
    error: unknown,
  ) => {
    if (!(error instanceof ApiError)) {
      done(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    logFailure(server.logger, request, error);
    const answer = errorAnswer(error);
    reply.code(answer.status).headers(answer.headers).header('cache-control', 'no-store').send(answer.body);
  };
  return function gatehouseGuard(request, reply, done) {
    let decided: GatehouseIdentity | Promise<GatehouseIdentity>;
    try {
      decided = authorize(server.bearer, request.headers.authorization, policy);
    } catch (error) {
      refuse(request, reply, done, error);
      return;
    }
    if (decided instanceof Promise) {
      decided.then(
        (identity) => {
          request[kIdentity] = identity;
          done();
        },
        (error: unknown) => refuse(request, reply, done, error),
      );
      return;
    }
    request[kIdentity] = decided;
    done();
  };
}
