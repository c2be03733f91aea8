import fastifyReplyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UpstreamConfig } from '../config/load-api-config.js';
import type { ResourceServer } from '../core/resource-server.js';
import { ApiError } from '../errors/api-error.js';
import { guardHook } from '../fastify/route-guards.js';
import { SIGNED_IN } from '../guards/route-policy.js';
import { errorAnswer } from '../http/error-answer.js';
import { logFailure, registerErrorHandler } from '../http/error-handler.js';
import { hasSecurityHeaders, registerSecurityHeaders } from '../http/security-headers.js';
import { BodyLimit, tooLarge } from './body-limit.js';
import { routedOnCanonicalTarget } from './canonical-url.js';
import { forwardedRequestHeaders } from './forwarded-request-headers.js';
import { identityHeaders } from './identity-headers.js';
import { upstreamError } from './upstream-error.js';
import { upstreamResponseHeaders } from './upstream-response-headers.js';

/** The methods the gateway forwards (TRACE, which echoes the request, is not one of them). */
const FORWARDED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** What {@link gatewayRoutes} needs. */
export interface GatewayOptions {
  readonly server: ResourceServer;
  readonly upstream: UpstreamConfig;
  /** Every path the app answers itself (Gatehouse's routes, the app's): never forwarded, whatever the method. */
  readonly ownPaths: ReadonlySet<string>;
}

/**
 * The gateway (docs/security.md 34): every request under `/api/` that is not one of the app's own paths is
 * verified like a guarded route (no valid, unrevoked token: 401, and the upstream sees nothing: the guard runs
 * before the body is read) and forwarded with `@fastify/reply-from` over undici: method, canonical path (the
 * one routed on, docs/security.md 35), query, headers and body, the body streamed and bounded by
 * UPSTREAM_BODY_LIMIT. Registered in a context of its own, so its raw-body parser and quiet logger are its own.
 */
export async function gatewayRoutes(app: FastifyInstance, options: GatewayOptions): Promise<void> {
  const { server, upstream, ownPaths } = options;
  const timeout = upstream.timeoutMs;
  await app.register(fastifyReplyFrom, {
    base: upstream.url,
    // reply-from logs two info lines per request: our one line per failure is enough.
    disableRequestLogging: true,
    undici: {
      connections: 128,
      pipelining: 1,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      // reply-from's default (`tls.rejectUnauthorized: false`) accepts any certificate: an https upstream must
      // prove who it is. `connect` is spread after `tls` by undici, so this wins.
      connect: { timeout, rejectUnauthorized: true },
    },
  });
  // The body is never parsed: the raw stream goes on to the upstream as it arrives, through the byte count.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > upstream.bodyLimit) {
      done(tooLarge(upstream.bodyLimit), undefined);
      return;
    }
    done(null, payload.pipe(new BodyLimit(upstream.bodyLimit)));
  });
  registerErrorHandler(app, server.logger);
  // On a team's app (the plugin), forwarded answers get Gatehouse's security headers as `startApi`'s all do.
  if (!hasSecurityHeaders(app)) registerSecurityHeaders(app);

  const guard = guardHook(server, SIGNED_IN);
  const publicUrl = new URL(server.config.publicUrl);
  app.route({
    method: FORWARDED_METHODS,
    url: '/api/*',
    // A path the app answers itself, asked with another method: not the upstream's either (404 before the
    // guard, so that no token is needed to learn nothing).
    onRequest: [
      (request, _reply, done) => {
        done(routedOnCanonicalTarget(request));
      },
      (request, _reply, done) => {
        done(ownPaths.has(pathOf(request.url)) ? new ApiError('not_found') : undefined);
      },
      guard,
    ],
    handler: (request: FastifyRequest, reply: FastifyReply) => {
      const identity = identityHeaders(request.gatehouse);
      const address = server.config.trustProxy.clientAddress(
        request.socket.remoteAddress,
        request.headers['x-forwarded-for'],
      );
      return reply.from(pathOf(request.url), {
        rewriteRequestHeaders: (_request, headers) =>
          forwardedRequestHeaders(headers, identity, request.method, { address, publicUrl }),
        rewriteHeaders: (headers) => upstreamResponseHeaders(headers),
        // reply-from retries a GET answered 503 up to ten times by default: the upstream decides, not us.
        retryDelay: () => null,
        onError: (failed, { error }) => {
          const body = request.body;
          const apiError =
            body instanceof BodyLimit && body.exceeded ? tooLarge(upstream.bodyLimit) : upstreamError(error);
          logFailure(server.logger, request, apiError);
          const answer = errorAnswer(apiError);
          failed.code(answer.status).headers(answer.headers).send(answer.body);
        },
      });
    },
  });
}

function pathOf(url: string): string {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}
