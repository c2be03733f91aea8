import { randomToken } from '@gatehouse/common';
import { SignJWT } from 'jose';
import type { ApiKeyRing } from '../keys/api-key-ring.js';
import type { ApiContext } from '../server/api-context.js';
import type { StoredUser } from '../store/api-store.js';

/**
 * Signs one of the API's own access tokens (step 10): `typ: at+jwt` (RFC 9068 2.1) so that no other kind of
 * JWT (an ID token, the provider's access token) can pass for it, the API's own key and `kid`, `aud` distinct
 * from any client id, and the session id in `sid` so revocation reaches it at once.
 */
export async function mintAccessToken(options: {
  keys: ApiKeyRing;
  issuer: string;
  audience: string;
  user: StoredUser;
  sessionId: string;
  ttlSeconds: number;
  now: number;
}): Promise<{ token: string; expiresIn: number }> {
  const { keys, user } = options;
  const iat = Math.floor(options.now / 1000);
  const extra: Record<string, string> = {};
  if (user.email !== undefined) extra.email = user.email;
  if (user.name !== undefined) extra.name = user.name;
  const signing = keys.signing;
  const token = await new SignJWT({ sid: options.sessionId, ...extra })
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'at+jwt' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(user.sub)
    .setJti(randomToken(16))
    .setIssuedAt(iat)
    .setExpirationTime(iat + options.ttlSeconds)
    .sign(signing.key);
  return { token, expiresIn: options.ttlSeconds };
}

/**
 * The access token the API hands out for a session, at sign-in and at each refresh: {@link mintAccessToken} with
 * the API's own key, issuer (PUBLIC_URL), audience (API_AUDIENCE), ACCESS_TOKEN_TTL and clock.
 */
export function mintSessionAccessToken(
  ctx: ApiContext,
  user: StoredUser,
  sessionId: string,
): Promise<{ token: string; expiresIn: number }> {
  return mintAccessToken({
    keys: ctx.keys,
    issuer: ctx.config.publicUrl,
    audience: ctx.config.apiAudience,
    user,
    sessionId,
    ttlSeconds: ctx.config.accessTokenTtl,
    now: ctx.now(),
  });
}
