import type {} from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { FlowRecorder } from '../flow/flow-recorder.js';
import { safeReturnTo } from '../http/return-to.js';
import type { RouteRateLimit } from '../http/route-rate-limit.js';
import { handleCallback } from '../oidc/handle-callback.js';
import { readLoginChallenge } from '../oidc/read-login-challenge.js';
import { startLogin } from '../oidc/start-login.js';
import { setTransactionCookie } from '../oidc/transaction-cookie.js';
import type { ApiContext } from '../server/api-context.js';

/**
 * The SPA flow: `GET /api/login` (steps 1–2) and `GET /api/callback` (steps 7–10), both XHRs from our own
 * page, so the transaction cookie can be SameSite=Strict.
 */
export function registerLoginRoutes(app: FastifyInstance, ctx: ApiContext, rateLimit: RouteRateLimit): void {
  app.get('/api/login', { onRequest: rateLimit }, async (request, reply) => {
    const recorder = new FlowRecorder(ctx.now, ctx.config.flowInspector);
    recorder.mark(
      { step: 1, from: 'spa', to: 'api', label: 'SPA asks the API for a login URL' },
      'GET /api/login',
    );
    const query = request.query as Record<string, unknown>;
    const returnTo = safeReturnTo(query.return_to, ctx.config.publicUrl);
    const loginChallenge = readLoginChallenge(request);
    const login = await recorder.run(
      {
        step: 2,
        from: 'api',
        to: 'spa',
        label: 'Authorization URL built from discovery; transaction bound to this browser and tab',
      },
      (result) =>
        result === undefined
          ? 'building the authorization URL'
          : `login_url ${result.url.href} (state, nonce: 256 random bits; PKCE S256; verifier kept server-side; the tab's login challenge stored)`,
      () => startLogin(ctx, 'spa', returnTo, loginChallenge),
    );
    setTransactionCookie(reply, login.cookie, 'spa');
    return ctx.config.flowInspector
      ? { login_url: login.url.href, flow: recorder.steps }
      : { login_url: login.url.href };
  });

  app.get('/api/callback', { onRequest: rateLimit }, async (request, reply) => {
    const done = await handleCallback(ctx, request, reply, 'spa');
    const body = {
      access_token: done.accessToken,
      token_type: 'Bearer',
      expires_in: done.expiresIn,
      user: done.user,
      return_to: done.returnTo,
    };
    return ctx.config.flowInspector ? { ...body, flow: done.recorder.steps } : body;
  });
}
