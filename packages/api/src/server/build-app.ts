import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import { serverTimeouts } from '@gatehouse/common';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { clientAddressFor } from '../http/client-address.js';
import { registerErrorHandler } from '../http/error-handler.js';
import { redactedRequest } from '../http/redacted-request.js';
import { routeRateLimit } from '../http/route-rate-limit.js';
import { registerSecurityHeaders } from '../http/security-headers.js';
import { registerBackchannelLogoutRoute } from '../routes/backchannel-logout-route.js';
import { registerLoginRoutes } from '../routes/login-routes.js';
import { registerMetaRoutes } from '../routes/meta-routes.js';
import { registerResourceRoutes } from '../routes/resource-routes.js';
import { registerSessionRoutes } from '../routes/session-routes.js';
import { registerSimpleFlowRoutes } from '../routes/simple-flow-routes.js';
import { NOT_SPA_PREFIXES, registerSpaRoutes } from '../routes/spa-routes.js';
import type { ApiContext } from './api-context.js';

/** Levels at which Fastify's own per-request lines ("incoming request", "request completed") are written. */
const REQUEST_LOG_LEVELS: ReadonlySet<string> = new Set(['debug', 'trace']);

/** Builds the Fastify application with every route, hook and plugin (not listening yet). */
export async function buildApp(ctx: ApiContext): Promise<FastifyInstance> {
  // Our own `req` serializer on a child, so request lines are redacted even with a caller's plain logger.
  const logger = ctx.logger.child({}, { serializers: { req: redactedRequest } }) as FastifyBaseLogger;
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
    keepAliveTimeout: ctx.config.connections.keepAliveTimeoutMs,
    requestTimeout: ctx.config.connections.requestTimeoutMs,
    http: serverTimeouts(ctx.config.connections),
    trustProxy: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 200 },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    keyGenerator: clientAddressFor(ctx.config.trustProxy),
    errorResponseBuilder: () => new ApiError('rate_limited'),
  });
  // Back-channel logout tokens arrive as a form (Back-Channel Logout 1.0, 2.5).
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );
  registerSecurityHeaders(app);
  registerErrorHandler(app);

  // RATE_LIMIT_PER_MINUTE per route and address; 0 turns limits off (benchmarks).
  const rateLimit = routeRateLimit(ctx.config.rateLimitPerMinute);

  registerMetaRoutes(app, ctx);
  registerLoginRoutes(app, ctx, rateLimit);
  registerSimpleFlowRoutes(app, ctx, rateLimit);
  registerSessionRoutes(app, ctx, rateLimit);
  registerResourceRoutes(app, ctx);
  registerBackchannelLogoutRoute(app, ctx);

  const spaDir = ctx.config.spaDir;
  if (spaDir !== undefined)
    await registerSpaRoutes(app, spaDir, { sourceMaps: ctx.config.nodeEnv !== 'production' });
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
