import type {} from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { safeReturnTo } from '../http/return-to.js';
import type { RouteRateLimit } from '../http/route-rate-limit.js';
import { handleCallback } from '../oidc/handle-callback.js';
import { startLogin } from '../oidc/start-login.js';
import { setTransactionCookie } from '../oidc/transaction-cookie.js';
import type { ApiContext } from '../server/api-context.js';

/**
 * The simple (server-side) flow: a 302 to the provider, and a callback that validates exactly like the SPA
 * flow, sets the refresh cookie and redirects into the app. Its transaction cookie is SameSite=Lax: the callback
 * is a top-level cross-site navigation from the provider, on which Strict cookies are not sent.
 */
export function registerSimpleFlowRoutes(
  app: FastifyInstance,
  ctx: ApiContext,
  rateLimit: RouteRateLimit,
): void {
  app.get('/authorization-code/login', { config: { rateLimit } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const login = await startLogin(ctx, 'simple', safeReturnTo(query.return_to, ctx.config.publicUrl));
    setTransactionCookie(reply, login.cookie, 'simple');
    return reply.redirect(login.url.href, 302);
  });

  app.get('/authorization-code/callback', { config: { rateLimit } }, async (request, reply) => {
    const done = await handleCallback(ctx, request, reply, 'simple');
    return reply.redirect(`${ctx.config.publicUrl}${done.returnTo}`, 302);
  });
}
