import type {} from '@fastify/cookie';
import { FAVICON_SVG, STYLESHEET } from '@gatehouse/common';
import type { FastifyInstance, onSendHookHandler } from 'fastify';
import { LOGIN_PAGE_ASSETS, loginErrorPage } from '../http/login-error-page.js';
import { prefersHtml } from '../http/prefers-html.js';
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
 *
 * Both routes are where a person lands (a bookmarked or stale link, the provider's redirect), so a failure is
 * shown as a page with a link back to the app when the browser asks for HTML; `Accept: application/json` (and
 * `fetch`'s `*\/*`) keep the JSON error.
 */
export function registerSimpleFlowRoutes(
  app: FastifyInstance,
  ctx: ApiContext,
  rateLimit: RouteRateLimit,
): void {
  const onSend = errorPageForBrowsers(ctx.config.publicUrl);

  app.get('/authorization-code/login', { onRequest: rateLimit, onSend }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const login = await startLogin(ctx, 'simple', safeReturnTo(query.return_to, ctx.config.publicUrl));
    setTransactionCookie(reply, login.cookie, 'simple');
    return reply.redirect(login.url.href, 302);
  });

  app.get('/authorization-code/callback', { onRequest: rateLimit, onSend }, async (request, reply) => {
    const done = await handleCallback(ctx, request, reply, 'simple');
    return reply.redirect(`${ctx.config.publicUrl}${done.returnTo}`, 302);
  });

  // The error page's stylesheet and icon, from this origin (the CSP allows nothing else and nothing inline).
  for (const [path, type, body] of [
    [LOGIN_PAGE_ASSETS.stylesheet, 'text/css; charset=utf-8', STYLESHEET],
    [LOGIN_PAGE_ASSETS.icon, 'image/svg+xml', FAVICON_SVG],
  ] as const) {
    app.get(path, async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=86400').type(type).send(body),
    );
  }
}

/**
 * Turns the error handler's JSON (already logged, once) into the error page when the browser prefers HTML. Only
 * the API's own error code is read from it; nothing of the request is reflected.
 */
function errorPageForBrowsers(publicUrl: string): onSendHookHandler {
  return (request, reply, payload, done) => {
    if (reply.statusCode < 400) return done(null, payload);
    reply.header('vary', 'Accept');
    if (typeof payload !== 'string' || !prefersHtml(request.headers.accept)) return done(null, payload);
    reply.type('text/html; charset=utf-8');
    const query = request.query as Record<string, unknown> | undefined;
    const bareCallback =
      request.routeOptions.url === '/authorization-code/callback' &&
      ['code', 'state', 'error'].every((name) => query?.[name] === undefined);
    done(null, loginErrorPage(errorCodeOf(payload), publicUrl, { bareCallback }));
  };
}

function errorCodeOf(json: string): string | undefined {
  try {
    const error = (JSON.parse(json) as { error?: unknown } | null)?.error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}
