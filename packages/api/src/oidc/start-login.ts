import { randomToken, sha256 } from '@gatehouse/common';
import {
  buildAuthorizationUrl,
  calculatePKCECodeChallenge,
  randomNonce,
  randomPKCECodeVerifier,
  randomState,
} from 'openid-client';
import { transactionCookieName } from '../http/cookie-names.js';
import type { ApiContext } from '../server/api-context.js';
import { loginScope } from './login-scope.js';

/** Lifetime of a login transaction (step 2 → step 7). */
export const LOGIN_TRANSACTION_TTL_MS = 10 * 60 * 1000;

/** The redirect URI registered at the provider for each flow. */
export function redirectUriFor(publicUrl: string, flow: 'spa' | 'simple'): string {
  return flow === 'spa' ? `${publicUrl}/callback` : `${publicUrl}/authorization-code/callback`;
}

/**
 * Steps 1–2: a new login transaction. State and nonce are 256 random bits each (≥128, docs/security.md A), new every
 * time; the PKCE verifier (RFC 7636, S256) never leaves the server. The transaction is stored under the hash of
 * its state and bound to this browser by a per-transaction cookie whose random value is stored hashed. An SPA
 * login is bound to its page too, by `loginChallenge` (docs/security.md 51; the callback refuses an SPA
 * transaction stored without one).
 */
export async function startLogin(
  ctx: ApiContext,
  flow: 'spa' | 'simple',
  returnTo: string,
  loginChallenge: string | null = null,
): Promise<{ url: URL; cookie: { name: string; value: string } }> {
  const { config } = ctx.provider.provider;
  const state = randomState();
  const nonce = randomNonce();
  const codeVerifier = randomPKCECodeVerifier();
  const binding = randomToken(32);
  const stateHash = sha256(state);
  const now = ctx.now();
  await ctx.store.createLoginTransaction({
    stateHash,
    bindingHash: sha256(binding),
    nonce,
    codeVerifier,
    returnTo,
    flow,
    loginChallenge,
    createdAt: now,
    expiresAt: now + LOGIN_TRANSACTION_TTL_MS,
  });
  const scope = loginScope(ctx.config, config.serverMetadata().scopes_supported);
  const url = buildAuthorizationUrl(config, {
    redirect_uri: redirectUriFor(ctx.config.publicUrl, flow),
    scope,
    // OIDC Core 11: offline access is asked for with prompt=consent (oidc-provider drops offline_access without
    // it); only with OIDC_SESSION_CHECK_INTERVAL on, which is when loginScope asks for offline_access.
    ...(scope.split(' ').includes('offline_access') ? { prompt: 'consent' } : {}),
    response_type: 'code',
    state,
    nonce,
    code_challenge: await calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { url, cookie: { name: transactionCookieName(stateHash), value: binding } };
}
