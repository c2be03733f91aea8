import {
  fetchUserInfo,
  ResponseBodyError,
  refreshTokenGrant,
  WWWAuthenticateChallengeError,
} from 'openid-client';
import { ApiError } from '../errors/api-error.js';
import type { ApiContext } from '../server/api-context.js';
import type { ApiSession, ProviderGrant } from '../store/api-store.js';

/** The provider's tokens as a token response gives them. */
export interface ProviderTokens {
  refresh_token?: string;
  access_token?: string;
  expires_in?: number;
}

/** What asking the provider about a session found. */
type ProviderAnswer =
  | { status: 'vouched'; grant: ProviderGrant }
  | { status: 'refused'; reason: string }
  | { status: 'unavailable'; reason: string }
  | { status: 'unverifiable' };

/**
 * The provider's tokens sealed for the store, each bound to its session (AES-GCM with the session id as
 * associated data: a sealed value moved to another row does not open). A token the answer leaves out keeps the
 * previous one (a provider that does not rotate its refresh tokens sends none back).
 */
export function sealProviderGrant(
  ctx: ApiContext,
  sessionId: string,
  tokens: ProviderTokens,
  nowMs: number,
  previous: ProviderGrant | null = null,
): ProviderGrant {
  const expiresIn = tokens.expires_in;
  return {
    refreshTokenSealed:
      tokens.refresh_token === undefined
        ? (previous?.refreshTokenSealed ?? null)
        : ctx.box.seal(tokens.refresh_token, `provider_refresh_token:${sessionId}`),
    accessTokenSealed:
      tokens.access_token === undefined
        ? (previous?.accessTokenSealed ?? null)
        : ctx.box.seal(tokens.access_token, `provider_access_token:${sessionId}`),
    accessTokenExpiresAt:
      tokens.access_token === undefined
        ? (previous?.accessTokenExpiresAt ?? null)
        : typeof expiresIn === 'number' && expiresIn > 0
          ? nowMs + expiresIn * 1000
          : null,
  };
}

/**
 * docs/security.md 49: at a refresh, once OIDC_SESSION_CHECK_INTERVAL has passed since the provider was last
 * asked, ask it again (a refresh grant with its refresh token, else userinfo with its access token while valid).
 * A no (invalid_grant, 401, another subject), or no way left to ask, ends the session everywhere; an outage is
 * tolerated until the next check, one interval later. Only the process that claims the check asks, so a
 * provider's refresh token is never used twice. Throws `provider_session_ended` when the session ends.
 */
export async function checkProviderSession(
  ctx: ApiContext,
  session: ApiSession,
  nowMs: number,
): Promise<void> {
  const interval = ctx.config.sessionCheckIntervalMs;
  if (interval === 0 || nowMs - (session.providerCheckedAt ?? 0) < interval) return;
  const claim = await ctx.store.claimProviderCheck(session.id, nowMs - interval, nowMs);
  if (claim === undefined) return;
  const answer = await askProvider(ctx, session, claim.grant, nowMs);
  switch (answer.status) {
    case 'vouched':
      await ctx.store.recordProviderCheck(session.id, { grant: answer.grant, failingSince: null });
      return;
    case 'unavailable': {
      const since = claim.failingSince ?? nowMs;
      if (nowMs - since < interval) {
        await ctx.store.recordProviderCheck(session.id, { failingSince: since });
        ctx.logger.warn(
          { sid: session.id, reason: answer.reason },
          'session check: the provider could not be asked; the session stands until the next check',
        );
        return;
      }
      return endSession(ctx, session, nowMs, 'provider_unreachable', answer.reason);
    }
    case 'refused':
      return endSession(ctx, session, nowMs, 'provider_refused', answer.reason);
    default:
      return endSession(ctx, session, nowMs, 'provider_unverifiable', 'no provider token left to ask with');
  }
}

async function endSession(
  ctx: ApiContext,
  session: ApiSession,
  nowMs: number,
  reason: string,
  detail: string,
): Promise<never> {
  // The same path as logout: the store's feed tells every process, this one at once.
  await ctx.store.revokeSession(session.id, reason, nowMs);
  ctx.revoked.add(session.id, nowMs);
  ctx.logger.warn({ sid: session.id, reason, detail }, 'session check: session ended');
  throw new ApiError('provider_session_ended');
}

async function askProvider(
  ctx: ApiContext,
  session: ApiSession,
  grant: ProviderGrant,
  nowMs: number,
): Promise<ProviderAnswer> {
  if (!ctx.provider.ready) return { status: 'unavailable', reason: 'provider not discovered' };
  const { config } = ctx.provider.provider;
  const refreshToken = open(ctx, grant.refreshTokenSealed, `provider_refresh_token:${session.id}`);
  if (refreshToken !== undefined) {
    try {
      const tokens = await refreshTokenGrant(config, refreshToken);
      const sub = tokens.claims()?.sub;
      if (sub !== undefined && sub !== session.sub) return { status: 'refused', reason: 'another subject' };
      return { status: 'vouched', grant: sealProviderGrant(ctx, session.id, tokens, nowMs, grant) };
    } catch (error) {
      return classify(error);
    }
  }
  const accessToken = open(ctx, grant.accessTokenSealed, `provider_access_token:${session.id}`);
  const accessValid = grant.accessTokenExpiresAt === null || grant.accessTokenExpiresAt > nowMs;
  if (accessToken === undefined || !accessValid || config.serverMetadata().userinfo_endpoint === undefined) {
    return { status: 'unverifiable' };
  }
  try {
    // The expected subject is checked by openid-client: userinfo about someone else is a refusal.
    await fetchUserInfo(config, accessToken, session.sub);
    return { status: 'vouched', grant };
  } catch (error) {
    return classify(error);
  }
}

/** The provider's no (invalid_grant at the token endpoint, 401 at userinfo, another subject) versus an outage. */
function classify(error: unknown): ProviderAnswer {
  if (error instanceof ResponseBodyError && error.status < 500 && error.error === 'invalid_grant') {
    return { status: 'refused', reason: 'invalid_grant' };
  }
  if (error instanceof WWWAuthenticateChallengeError && error.status === 401) {
    return { status: 'refused', reason: 'userinfo 401' };
  }
  const code = (error as { code?: unknown }).code;
  if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED')
    return { status: 'refused', reason: 'another subject' };
  // Network errors, timeouts, 5xx, and what is ours to fix (invalid_client): not the user's doing, so the grace.
  const name = error instanceof Error ? error.name : 'error';
  const status = (error as { status?: unknown }).status;
  return { status: 'unavailable', reason: typeof status === 'number' ? `${name} ${status}` : name };
}

function open(ctx: ApiContext, sealed: string | null, context: string): string | undefined {
  if (sealed === null) return undefined;
  try {
    return ctx.box.open(sealed, context);
  } catch {
    return undefined;
  }
}
