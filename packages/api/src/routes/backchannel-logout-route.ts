import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { callerAddress } from '../http/caller-address.js';
import { verifyLogoutToken } from '../oidc/verify-logout-token.js';
import type { ApiContext } from '../server/api-context.js';

/**
 * `POST /api/backchannel-logout` (OpenID Connect Back-Channel Logout 1.0, 2.5): the provider tells us a session
 * ended; every API session of that provider `sid` (or `sub`) is revoked, its access tokens refused at once.
 */
export function registerBackchannelLogoutRoute(app: FastifyInstance, ctx: ApiContext): void {
  app.post('/api/backchannel-logout', async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const token = body?.logout_token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 16_384) {
      throw new ApiError('invalid_request', {
        description: 'Send logout_token as an application/x-www-form-urlencoded field.',
      });
    }
    let verified: Awaited<ReturnType<typeof verifyLogoutToken>>;
    try {
      verified = await verifyLogoutToken(ctx, token);
    } catch (error) {
      ctx.metrics.backchannelLogout('refused');
      throw error;
    }
    const { sid, sub } = verified;
    const match: { providerSid?: string; sub?: string } = {};
    if (sid !== undefined) match.providerSid = sid;
    if (sub !== undefined) match.sub = sub;
    const now = ctx.now();
    const revoked = await ctx.store.revokeProviderSessions(match, now);
    for (const id of revoked) ctx.revoked.add(id, now);
    request.log.info({ sessions: revoked.length }, 'back-channel logout');
    ctx.metrics.backchannelLogout('success');
    const address = callerAddress(ctx.config.trustProxy, request);
    ctx.audit.write({
      event: 'backchannel_logout',
      outcome: 'success',
      user: sub,
      client: ctx.config.oidcClientId,
      address,
      sessions: revoked.length,
    });
    for (const id of revoked) {
      ctx.audit.write({
        event: 'session.revoked',
        outcome: 'success',
        user: sub,
        client: ctx.config.oidcClientId,
        session: id,
        address,
        reason: 'backchannel_logout',
      });
    }
    // Back-Channel Logout 1.0, 2.8: 200 on success, no caching.
    return reply.status(200).send();
  });
}
