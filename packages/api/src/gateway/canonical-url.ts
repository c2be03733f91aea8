import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { normalizeRequestTarget } from './normalize-request-target.js';

// Why a request's target could not be made canonical, kept from the rewrite (before routing) to the first hook.
const refusals = new WeakMap<IncomingMessage, string>();

/**
 * Fastify's `rewriteUrl` for an API with a gateway (docs/security.md 35): every request is routed on its
 * canonical target ({@link normalizeRequestTarget}), so the "own route or upstream" decision and the path the
 * upstream receives are one and the same string, computed once. A target that has no canonical form keeps
 * its URL and is refused by {@link refuseNonCanonicalTargets} before any route runs.
 */
export function canonicalUrl(request: IncomingMessage): string {
  const target = request.url ?? '/';
  const normalized = normalizeRequestTarget(target);
  if (!normalized.ok) {
    refusals.set(request, normalized.reason);
    return '/';
  }
  return `${normalized.path}${normalized.query}`;
}

/**
 * The first `onRequest` hook of the whole app: `400 invalid_request` for a target {@link canonicalUrl} could
 * not make canonical (an encoded slash, a backslash, …), whatever route the router chose for it.
 */
export function refuseNonCanonicalTargets(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const reason = refusals.get(request.raw);
    if (reason === undefined) {
      done();
      return;
    }
    done(
      new ApiError('invalid_request', {
        description: `The request path is not accepted: ${reason}.`,
        detail: `path ${reason}`,
      }),
    );
  });
}
