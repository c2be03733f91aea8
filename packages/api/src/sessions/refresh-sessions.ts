import { ApiError } from '../errors/api-error.js';
import type { ApiContext } from '../server/api-context.js';
import type { ApiSession, StoredUser } from '../store/api-store.js';
import { newSessionId } from './new-session-id.js';
import { MAX_USER_AGENT_LENGTH, printableText } from './printable-text.js';
import { checkProviderSession, type ProviderTokens, sealProviderGrant } from './provider-session-check.js';

/** Where a sign-in came from, kept with its session for `gatehouse sessions list`. */
export interface SignInClient {
  /** The client address as the rate limit reads it (X-Forwarded-For only behind API_TRUST_PROXY). */
  address: string | undefined;
  userAgent: string | undefined;
}

/** A new session's id and the opaque refresh token for its cookie. */
export interface IssuedSession {
  session: ApiSession;
  refreshToken: string;
}

/**
 * Opens an API session after a successful callback (step 10): its first refresh token (generation 0, see
 * {@link RefreshTokens}), idle and absolute lifetimes, and the provider's ID token sealed server-side for
 * `id_token_hint`.
 */
export async function openSession(
  ctx: ApiContext,
  user: StoredUser,
  provider: {
    sid: string | undefined;
    idToken: string | undefined;
    scope: string | null;
    /** The provider's tokens, kept (sealed) only when OIDC_SESSION_CHECK_INTERVAL is on. */
    tokens?: ProviderTokens;
  },
  client?: SignInClient,
): Promise<IssuedSession> {
  const now = ctx.now();
  const id = newSessionId();
  const session: ApiSession = {
    id,
    sub: user.sub,
    providerSid: provider.sid ?? null,
    idTokenSealed: provider.idToken === undefined ? null : ctx.box.seal(provider.idToken, `id_token:${id}`),
    scope: provider.scope,
    createdAt: now,
    absoluteExpiresAt: now + ctx.config.refreshAbsoluteTtl * 1000,
    revokedAt: null,
    // Browser-sent text, stored bounded and without control characters; shown to an operator only.
    address: printableText(client?.address, 64),
    userAgent: printableText(client?.userAgent, MAX_USER_AGENT_LENGTH),
    providerGrant:
      ctx.config.sessionCheckIntervalMs > 0 && provider.tokens !== undefined
        ? sealProviderGrant(ctx, id, provider.tokens, now)
        : null,
    providerCheckedAt: now,
  };
  await ctx.store.upsertUser(user, now);
  await ctx.store.createSession(session, now + ctx.config.refreshIdleTtl * 1000);
  return { session, refreshToken: ctx.refreshTokens.issue(id, 0) };
}

/**
 * Rotates a refresh token (RFC 9700 4.14.2): the presented one is spent and a new one issued. A token presented
 * a second time revokes the whole session, at once for its access tokens too (the `sid` revocation set).
 */
export async function rotateSession(
  ctx: ApiContext,
  refreshToken: string | undefined,
  /** The caller's address, for the audit line of a reuse. */
  address?: string,
): Promise<{ session: ApiSession; user: StoredUser; refreshToken: string }> {
  // Not one this API issued (malformed, tampered, another key): unknown, and no session is touched.
  const named = refreshToken === undefined ? undefined : ctx.refreshTokens.read(refreshToken);
  if (named === undefined) throw new ApiError('invalid_refresh_token');
  const now = ctx.now();
  const result = await ctx.store.rotateRefreshToken(
    named.sessionId,
    named.generation,
    now,
    now + ctx.config.refreshIdleTtl * 1000,
    ctx.config.refreshGraceMs,
  );
  switch (result.status) {
    case 'ok': {
      // docs/security.md 49: the provider asked again when the interval has passed; a no throws.
      await checkProviderSession(ctx, result.session, now);
      const user = result.user ?? { sub: result.session.sub };
      return {
        session: result.session,
        user,
        refreshToken: ctx.refreshTokens.issue(result.session.id, result.generation),
      };
    }
    case 'reused':
      ctx.revoked.add(result.sessionId, now);
      ctx.logger.warn({ sid: result.sessionId }, 'refresh token reused: session revoked');
      ctx.audit.write({
        event: 'refresh.reuse_detected',
        outcome: 'failure',
        session: result.sessionId,
        client: ctx.config.oidcClientId,
        address,
      });
      ctx.audit.write({
        event: 'session.revoked',
        outcome: 'success',
        session: result.sessionId,
        client: ctx.config.oidcClientId,
        address,
        reason: 'refresh_token_reused',
      });
      throw new ApiError('refresh_token_reused');
    case 'revoked':
      throw new ApiError('session_revoked');
    case 'expired':
      throw new ApiError('invalid_refresh_token', {
        description: 'The session expired: sign in again.',
        detail: 'session_expired',
      });
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
  /** The caller's address, for the audit line. */
  address?: string,
): Promise<string | undefined> {
  const named = refreshToken === undefined ? undefined : ctx.refreshTokens.read(refreshToken);
  if (named === undefined) return undefined;
  const found = await ctx.store.findSessionByRefresh(named.sessionId, named.generation);
  if (found === undefined) return undefined;
  const { session, spent } = found;
  const now = ctx.now();
  const reason = spent ? 'logout_with_spent_refresh_token' : 'logout';
  await ctx.store.revokeSession(session.id, reason, now);
  ctx.revoked.add(session.id, now);
  ctx.audit.write({
    event: 'logout',
    outcome: 'success',
    user: session.sub,
    client: ctx.config.oidcClientId,
    session: session.id,
    address,
    reason,
  });
  if (spent || session.revokedAt !== null || session.idTokenSealed === null) return undefined;
  try {
    return ctx.box.open(session.idTokenSealed, `id_token:${session.id}`);
  } catch {
    return undefined;
  }
}
