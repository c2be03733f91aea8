import { serverTimeouts } from '@gatehouse/common';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  LogController,
} from 'fastify';
import type { ResourceServer } from '../core/resource-server.js';
import { ApiError } from '../errors/api-error.js';
import { gatehouse } from '../fastify/gatehouse-plugin.js';
import { canonicalUrl, refuseNonCanonicalTargets } from '../gateway/canonical-url.js';
import { registerErrorHandler } from '../http/error-handler.js';
import { redactedRequest } from '../http/redacted-request.js';
import { registerSecurityHeaders } from '../http/security-headers.js';
import { NOT_SPA_PREFIXES, registerSpaRoutes } from '../routes/spa-routes.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerMetricsRoute } from './metrics-route.js';

/** Levels at which Fastify's own per-request lines ("incoming request", "request completed") are written. */
const REQUEST_LOG_LEVELS: ReadonlySet<string> = new Set(['debug', 'trace']);

/**
 * Builds the API's Fastify application (not listening yet): the server's own bounds and logging, the security
 * headers on every response, `/healthz`, `/readyz` and `/metrics`, the `gatehouse` plugin on `server`, then the
 * app's own `routes` (which can use its guards), the gateway to UPSTREAM_URL when one is set, and the built SPA
 * with its history fallback.
 */
export async function buildApp(
  server: ResourceServer,
  routes?: FastifyPluginAsync,
): Promise<FastifyInstance> {
  // Our own `req` serializer on a child, so request lines are redacted even with a caller's plain logger.
  const logger = server.logger.child({}, { serializers: { req: redactedRequest } }) as FastifyBaseLogger;
  // Two lines per request cost more than authenticating it: they are written only at debug/trace. Failures are
  // still logged, with the request id, by the error handler; without request lines no per-request child
  // logger is needed either (its bindings are serialized and redacted on every request).
  const requestLines = REQUEST_LOG_LEVELS.has(logger.level);
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: !requestLines }),
    ...(requestLines ? {} : { childLoggerFactory: (parent: FastifyBaseLogger) => parent }),
    bodyLimit: 64 * 1024,
    // docs/security.md 50: an idle or half-sent connection holds a descriptor; bound how long (Node checks
    // them every connectionsCheckingInterval, 30 s by default, so that is shortened too).
    keepAliveTimeout: server.config.connections.keepAliveTimeoutMs,
    requestTimeout: server.config.connections.requestTimeoutMs,
    http: serverTimeouts(server.config.connections),
    trustProxy: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
    // docs/security.md 35: with a gateway, routed on the canonical target, the one the upstream receives.
    ...(server.config.upstream === undefined ? {} : { rewriteUrl: canonicalUrl }),
  });
  const { upstream } = server.config;
  // Every path the app answers itself, whatever the method: the gateway never forwards one.
  const ownPaths = new Set<string>();
  if (upstream !== undefined) {
    refuseNonCanonicalTargets(app);
    app.addHook('onRoute', (route) => {
      if (!/[:*]/.test(route.url)) ownPaths.add(route.url);
    });
  }
  registerSecurityHeaders(app);
  registerErrorHandler(app);
  registerHealthRoutes(app, server);
  registerMetricsRoute(app, server);
  await app.register(gatehouse, { server });
  if (routes !== undefined) await app.register(routes);
  if (upstream !== undefined) {
    // Loaded only with UPSTREAM_URL: @fastify/reply-from brings undici (~135 ms and ~17 MB to load, issue 15).
    const { gatewayRoutes } = await import('../gateway/gateway-routes.js');
    await app.register(gatewayRoutes, { server, upstream, ownPaths });
  }

  const spaDir = server.config.spaDir;
  if (spaDir !== undefined)
    await registerSpaRoutes(app, spaDir, { sourceMaps: server.config.nodeEnv !== 'production' });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // A missing file is not a page of the app: a source map that is not served is a 404, not index.html.
    const isSpaPath =
      !NOT_SPA_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)) &&
      !path.endsWith('.map');
    if (spaDir !== undefined && isSpaPath && (request.method === 'GET' || request.method === 'HEAD')) {
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html');
    }
    throw new ApiError('not_found');
  });
  return app;
}
