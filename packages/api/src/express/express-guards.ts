import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceServer } from '../core/resource-server.js';
import { ApiError } from '../errors/api-error.js';
import { authorize } from '../guards/authorize.js';
import type { GatehouseIdentity } from '../guards/gatehouse-identity.js';
import type { RoutePolicy } from '../guards/route-policy.js';
import { errorAnswer } from '../http/error-answer.js';
import { logFailure } from '../http/error-handler.js';

/** A request as a guard leaves it: `gatehouse` holds the verified identity. */
export type GuardedRequest = IncomingMessage & { gatehouse?: GatehouseIdentity };

/**
 * An Express middleware guarding a route (`app.get('/x', gatehouse.requireUser(), handler)`): typed on Node's
 * own request and response, so it fits Express 5 (and Connect) without tying Gatehouse to their types.
 */
export type ExpressGuard = (
  req: GuardedRequest,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * The middleware of a guarded route: the bearer verified and the policy checked ({@link authorize}), the
 * identity set on `req.gatehouse`, and a refusal answered here with its RFC 6750 challenge and `no-store`
 * (never by the app's error middleware, which could answer it otherwise). A token seen before is decided
 * synchronously from the verifier's cache.
 */
export function expressGuard(server: ResourceServer, policy: RoutePolicy): ExpressGuard {
  const refuse = (
    req: GuardedRequest,
    res: ServerResponse,
    next: (error?: unknown) => void,
    error: unknown,
  ) => {
    if (!(error instanceof ApiError)) {
      next(error);
      return;
    }
    const url = (req as { originalUrl?: string }).originalUrl ?? req.url;
    logFailure(server.logger, { method: req.method, url }, error);
    const answer = errorAnswer(error);
    res.statusCode = answer.status;
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.setHeader('cache-control', 'no-store');
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(answer.body));
  };
  return (req, res, next) => {
    let decided: GatehouseIdentity | Promise<GatehouseIdentity>;
    try {
      decided = authorize(server.bearer, req.headers.authorization, policy);
    } catch (error) {
      refuse(req, res, next, error);
      return;
    }
    if (decided instanceof Promise) {
      decided.then(
        (identity) => {
          req.gatehouse = identity;
          next();
        },
        (error: unknown) => refuse(req, res, next, error),
      );
      return;
    }
    req.gatehouse = decided;
    next();
  };
}
