import type {} from '@fastify/cookie';
import { randomToken } from '@gatehouse/common';
import type { FastifyInstance } from 'fastify';
import { buildEndSessionUrl } from 'openid-client';
import { checkSameOrigin } from '../http/check-same-origin.js';
import { REFRESH_COOKIE } from '../http/cookie-names.js';
import type { RouteRateLimit } from '../http/route-rate-limit.js';
import { clearRefreshCookie, setRefreshCookie } from '../oidc/handle-callback.js';
import type { ApiContext } from '../server/api-context.js';
import { closeSession, rotateSession } from '../sessions/refresh-sessions.js';
import { mintSessionAccessToken } from '../tokens/mint-access-token.js';

/** `POST /api/refresh` and `POST /api/logout`: cookie-authenticated, so same-origin only (docs/security.md 20–22). */
export function registerSessionRoutes(
  app: FastifyInstance,
  ctx: ApiContext,
  rateLimit: RouteRateLimit,
): void {
  app.post('/api/refresh', { onRequest: rateLimit }, async (request, reply) => {
    checkSameOrigin(request, ctx.config.publicUrl);
    const presented = request.cookies[REFRESH_COOKIE];
    // No cookie at all is the ordinary signed-out page load (the SPA's silent restore), not an error: 204
    // keeps the browser console clean. A cookie that is unknown, expired, revoked or reused is still a 401.
    if (presented === undefined || presented === '')
      return reply.code(204).header('cache-control', 'no-store').send();
    let rotated: Awaited<ReturnType<typeof rotateSession>>;
    try {
      rotated = await rotateSession(ctx, presented);
    } catch (error) {
      clearRefreshCookie(reply);
      throw error;
    }
    const minted = await mintSessionAccessToken(ctx, rotated.user, rotated.session);
    setRefreshCookie(ctx, reply, rotated.refreshToken);
    return {
      access_token: minted.token,
      token_type: 'Bearer',
      expires_in: minted.expiresIn,
      user: rotated.user,
    };
  });

  app.post('/api/logout', async (request, reply) => {
    checkSameOrigin(request, ctx.config.publicUrl);
    const idToken = await closeSession(ctx, request.cookies[REFRESH_COOKIE]);
    clearRefreshCookie(reply);
    const fallback = `${ctx.config.publicUrl}/`;
    if (!ctx.provider.ready) return { logout_url: fallback };
    const { config } = ctx.provider.provider;
    if (config.serverMetadata().end_session_endpoint === undefined) return { logout_url: fallback };
    // OIDC RP-Initiated Logout 1.0, 2: client_id (added by buildEndSessionUrl) lets the provider check the
    // registered post_logout_redirect_uri. The provider's ID token goes along only when the operator opts in
    // (OIDC_LOGOUT_HINT=id_token_hint, for providers that require it): otherwise it would reach the browser,
    // which docs/security.md 14 forbids.
    const parameters: Record<string, string> = { post_logout_redirect_uri: fallback, state: randomToken(16) };
    if (ctx.config.oidcLogoutHint === 'id_token_hint' && idToken !== undefined)
      parameters.id_token_hint = idToken;
    return { logout_url: buildEndSessionUrl(config, parameters).href };
  });
}
