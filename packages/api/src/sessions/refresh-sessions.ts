import { randomToken, sha256 } from '@gatehouse/common';
import { ApiError } from '../errors/api-error.js';
import type { ApiContext } from '../server/api-context.js';
import type { ApiSession, StoredUser } from '../store/api-store.js';

/** A new session's id and the opaque refresh token for its cookie. */
export interface IssuedSession {
  session: ApiSession;
  refreshToken: string;
}

/**
 * Opens an API session after a successful callback (step 10): an opaque 256-bit refresh token stored only as
 * its hash, idle and absolute lifetimes, and the provider's ID token sealed server-side for `id_token_hint`.
 */
export async function openSession(
  ctx: ApiContext,
  user: StoredUser,
  provider: { sid: string | undefined; idToken: string | undefined },
): Promise<IssuedSession> {
  const now = ctx.now();
  const id = randomToken(16);
  const refreshToken = randomToken(32);
  const session: ApiSession = {
    id,
    sub: user.sub,
    providerSid: provider.sid ?? null,
    idTokenSealed: provider.idToken === undefined ? null : ctx.box.seal(provider.idToken, `id_token:${id}`),
    createdAt: now,
    absoluteExpiresAt: now + ctx.config.refreshAbsoluteTtl * 1000,
    revokedAt: null,
  };
  await ctx.store.upsertUser(user, now);
  await ctx.store.createSession(session, sha256(refreshToken), now + ctx.config.refreshIdleTtl * 1000);
  return { session, refreshToken };
}

/**
 * Rotates a refresh token (RFC 9700 4.14.2): the presented one is spent and a new one issued. A token presented
 * a second time revokes the whole session, at once for its access tokens too (the `sid` revocation set).
 */
export async function rotateSession(
  ctx: ApiContext,
  refreshToken: string | undefined,
): Promise<{ session: ApiSession; user: StoredUser; refreshToken: string }> {
  if (refreshToken === undefined || refreshToken === '') throw new ApiError('invalid_refresh_token');
  const now = ctx.now();
  const next = randomToken(32);
  const result = await ctx.store.rotateRefreshToken(
    sha256(refreshToken),
    sha256(next),
    now,
    now + ctx.config.refreshIdleTtl * 1000,
  );
  switch (result.status) {
    case 'ok': {
      const user = result.user ?? { sub: result.session.sub };
      return { session: result.session, user, refreshToken: next };
    }
    case 'reused':
      ctx.revoked.add(result.sessionId, now);
      ctx.logger.warn({ sid: result.sessionId }, 'refresh token reused: session revoked');
      throw new ApiError('refresh_token_reused');
    case 'revoked':
      throw new ApiError('session_revoked');
    case 'expired':
      throw new ApiError('invalid_refresh_token', { description: 'The session expired: sign in again.' });
    default:
      throw new ApiError('invalid_refresh_token');
  }
}

/**
 * Ends a session server-side; returns the provider's ID token (for id_token_hint) if it was kept. A refresh
 * token that was already rotated away still ends its session: the browser holding it is the legitimate user
 * whose copy was used by someone else (RFC 9700 4.14.2), and leaving the session alive would let that party keep
 * refreshing after the user signed out. The ID token is then not handed out.
 */
export async function closeSession(
  ctx: ApiContext,
  refreshToken: string | undefined,
): Promise<string | undefined> {
  if (refreshToken === undefined || refreshToken === '') return undefined;
  const found = await ctx.store.findSessionByRefresh(sha256(refreshToken));
  if (found === undefined) return undefined;
  const { session, spent } = found;
  const now = ctx.now();
  await ctx.store.revokeSession(session.id, spent ? 'logout_with_spent_refresh_token' : 'logout', now);
  ctx.revoked.add(session.id, now);
  if (spent || session.revokedAt !== null || session.idTokenSealed === null) return undefined;
  try {
    return ctx.box.open(session.idTokenSealed, `id_token:${session.id}`);
  } catch {
    return undefined;
  }
}
