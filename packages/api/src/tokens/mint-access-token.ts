import { randomToken } from '@gatehouse/common';
import { SignJWT } from 'jose';
import type { ApiKeyRing } from '../keys/api-key-ring.js';
import type { ApiContext } from '../server/api-context.js';
import type { StoredUser } from '../store/api-store.js';
import { MAX_AUTHORIZATION_HEADER } from './verify-bearer.js';

/** Longest token that fits the `Authorization: Bearer <token>` header the verifier accepts. */
const MAX_TOKEN_LENGTH = MAX_AUTHORIZATION_HEADER - 'Bearer '.length;

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
  /** The scopes granted at sign-in (space-separated), or null. */
  scope?: string | null;
  ttlSeconds: number;
  now: number;
}): Promise<{ token: string; expiresIn: number }> {
  const { user } = options;
  const profile: Record<string, string> = {};
  if (user.email !== undefined) profile.email = user.email;
  if (user.name !== undefined) profile.name = user.name;
  const token = await sign(options, profile);
  // The profile is capped where it comes from the provider (profileFromClaims), but a name of characters that
  // JSON escapes six bytes each, or one stored before that cap, could still overflow: never hand out a token
  // our own verifier refuses (docs/security.md 19). `email` and `name` are conveniences; `sub`, `sid`, the
  // roles and the scope are not (they are bounded so that they always fit).
  if (token.length > MAX_TOKEN_LENGTH)
    return { token: await sign(options, {}), expiresIn: options.ttlSeconds };
  return { token, expiresIn: options.ttlSeconds };
}

function sign(
  options: Parameters<typeof mintAccessToken>[0],
  profile: Record<string, string>,
): Promise<string> {
  const iat = Math.floor(options.now / 1000);
  const signing = options.keys.signing;
  const authorization: { roles?: string[]; scope?: string } = {};
  if (options.user.roles !== undefined && options.user.roles.length > 0)
    authorization.roles = options.user.roles;
  if (options.scope) authorization.scope = options.scope;
  return new SignJWT({ sid: options.sessionId, ...profile, ...authorization })
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'at+jwt' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(options.user.sub)
    .setJti(randomToken(16))
    .setIssuedAt(iat)
    .setExpirationTime(iat + options.ttlSeconds)
    .sign(signing.key);
}

/**
 * The access token the API hands out for a session, at sign-in and at each refresh: {@link mintAccessToken} with
 * the API's own key, issuer (PUBLIC_URL), audience (API_AUDIENCE), ACCESS_TOKEN_TTL and clock.
 */
export function mintSessionAccessToken(
  ctx: ApiContext,
  user: StoredUser,
  session: { readonly id: string; readonly scope: string | null },
): Promise<{ token: string; expiresIn: number }> {
  return mintAccessToken({
    keys: ctx.keys,
    issuer: ctx.config.publicUrl,
    audience: ctx.config.apiAudience,
    user,
    sessionId: session.id,
    scope: session.scope,
    ttlSeconds: ctx.config.accessTokenTtl,
    now: ctx.now(),
  });
}
