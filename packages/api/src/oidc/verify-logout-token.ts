import { jwtVerify } from 'jose';
import { ApiError } from '../errors/api-error.js';
import type { ApiContext } from '../server/api-context.js';

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const LOGOUT_TOKEN_MAX_AGE_MS = 10 * 60 * 1000;
const CLOCK_TOLERANCE_S = 30;

/**
 * OpenID Connect Back-Channel Logout 1.0, 2.6: verifies a `logout_token` (signature with the provider's JWKS and
 * the ID token algorithm, iss, aud, iat, a fresh `jti`, the back-channel `events` member, no `nonce`, and `sid`
 * or `sub`), then returns what identifies the sessions to end.
 */
export async function verifyLogoutToken(
  ctx: ApiContext,
  token: string,
): Promise<{ sid: string | undefined; sub: string | undefined }> {
  const provider = ctx.provider.provider;
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, provider.jwks.resolve, {
      algorithms: [ctx.config.oidcIdTokenAlg],
      issuer: provider.issuer,
      audience: ctx.config.oidcClientId,
      currentDate: new Date(ctx.now()),
      clockTolerance: CLOCK_TOLERANCE_S,
      maxTokenAge: LOGOUT_TOKEN_MAX_AGE_MS / 1000,
      requiredClaims: ['iat', 'jti'],
    }));
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : 'verification failed');
  }
  const events = payload.events;
  if (typeof events !== 'object' || events === null || !(BACKCHANNEL_EVENT in events)) {
    throw invalid('events claim without the back-channel logout event');
  }
  if ('nonce' in payload) throw invalid('a logout token must not carry a nonce');
  const sid = typeof payload.sid === 'string' ? payload.sid : undefined;
  const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
  if (sid === undefined && sub === undefined) throw invalid('neither sid nor sub');
  const jti = String(payload.jti);
  // Remember the jti for as long as the token itself would still pass the checks above (exp or iat + max age,
  // each plus the clock tolerance), so a replay is refused until then, whenever the store sweeps.
  const acceptedUntil =
    Math.max(
      typeof payload.exp === 'number' ? payload.exp * 1000 : 0,
      (typeof payload.iat === 'number' ? payload.iat * 1000 : 0) + LOGOUT_TOKEN_MAX_AGE_MS,
      ctx.now() + LOGOUT_TOKEN_MAX_AGE_MS,
    ) +
    CLOCK_TOLERANCE_S * 1000;
  if (!(await ctx.store.rememberLogoutJti(jti, acceptedUntil))) {
    throw invalid('jti replayed');
  }
  return { sid, sub };
}

function invalid(detail: string): ApiError {
  return new ApiError('invalid_logout_token', { detail });
}
