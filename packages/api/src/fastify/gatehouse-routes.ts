import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import type { ResourceServer } from '../core/resource-server.js';
import { registerErrorHandler } from '../http/error-handler.js';
import { routeRateLimit } from '../http/route-rate-limit.js';
import { hasSecurityHeaders, registerSecurityHeaders } from '../http/security-headers.js';
import { registerBackchannelLogoutRoute } from '../routes/backchannel-logout-route.js';
import { registerKeyRoutes } from '../routes/key-routes.js';
import { registerLoginRoutes } from '../routes/login-routes.js';
import { registerMeRoute } from '../routes/me-route.js';
import { registerSessionRoutes } from '../routes/session-routes.js';
import { registerSimpleFlowRoutes } from '../routes/simple-flow-routes.js';

/** Largest body Gatehouse's own routes read (a refresh's `{}`, a back-channel logout token). */
export const OWN_ROUTES_BODY_LIMIT = 64 * 1024;

/**
 * Gatehouse's own routes, in an encapsulated context of their own, so that what they need stays theirs: their
 * error handler, security headers (CSP, `no-store`), cookie parsing, rate limits, the form parser of
 * back-channel logout and a 64 KiB body limit apply to them and to none of the app's routes. What the app
 * already registered is used rather than registered twice (its `@fastify/cookie`, form parser; the headers when
 * `startApi` sets them on every response). Rate limits are Gatehouse's own, counted in the store (an app's own
 * `@fastify/rate-limit` goes on limiting the app's routes as it likes).
 */
export async function gatehouseRoutes(
  app: FastifyInstance,
  options: { server: ResourceServer },
): Promise<void> {
  const { server } = options;
  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  // Back-channel logout tokens arrive as a form (Back-Channel Logout 1.0, 2.5).
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );
  }
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= OWN_ROUTES_BODY_LIMIT;
  });
  if (!hasSecurityHeaders(app)) registerSecurityHeaders(app);
  registerErrorHandler(app, server.logger);

  // RATE_LIMIT_PER_MINUTE per route and address, shared by every process; 0 turns limits off (benchmarks).
  const rateLimit = routeRateLimit(server);
  registerKeyRoutes(app, server);
  registerLoginRoutes(app, server, rateLimit);
  registerSimpleFlowRoutes(app, server, rateLimit);
  registerSessionRoutes(app, server, rateLimit);
  registerMeRoute(app, server);
  registerBackchannelLogoutRoute(app, server);
}
