import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { normalizeRequestTarget } from './normalize-request-target.js';

// Why a request's target could not be made canonical, kept from the rewrite (before routing) to the first hook.
const refusals = new WeakMap<IncomingMessage, string>();
// The requests routed on the canonical target by canonicalUrl, so the gateway need not compute it again.
const canonicalized = new WeakSet<IncomingMessage>();

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
  canonicalized.add(request);
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

/**
 * The gateway's own guard for docs/security.md 35, for an app whose router did not run on canonical targets (the
 * `gatehouse` plugin on a team's Fastify app, built without `rewriteUrl: canonicalUrl`): a request goes on only if
 * the target it was routed on is the canonical form of the one it came with, so that the "own route or upstream"
 * decision and the path the upstream receives are still one string; otherwise `400 invalid_request`, as
 * {@link refuseNonCanonicalTargets} answers. A request {@link canonicalUrl} routed passes at once.
 */
export function routedOnCanonicalTarget(request: FastifyRequest): ApiError | undefined {
  const raw = request.raw;
  if (canonicalized.has(raw)) return undefined;
  const normalized = normalizeRequestTarget(raw.url ?? '/');
  if (normalized.ok && `${normalized.path}${normalized.query}` === request.url) return undefined;
  const reason = normalized.ok ? 'not in canonical form' : normalized.reason;
  return new ApiError('invalid_request', {
    description: `The request path is not accepted: ${reason}.`,
    detail: `path ${reason}`,
  });
}
