import { authorizationCodeGrant } from 'openid-client';
import { ApiError } from '../../errors/api-error.js';
import { mapClientError } from '../map-client-error.js';
import { redirectUriFor } from '../start-login.js';
import type { CallbackCheck } from './callback-state.js';

/**
 * Step 8: the token request, authenticated with the configured client method (secret in the Basic header or
 * the body, never a URL) plus the PKCE verifier. openid-client then checks the ID token claims it knows
 * (OIDC Core 3.1.3.7: iss, aud contains us, azp when several audiences, exp, iat, nonce, alg pinned to
 * `id_token_signed_response_alg`, no `crit`); the checks after this one add what it does not.
 */
export const exchangeCode: CallbackCheck = {
  name: 'exchange-code',
  step: 8,
  async run(state) {
    const tx = state.transaction;
    if (tx === undefined) throw new ApiError('login_transaction_not_found');
    const callbackUrl = new URL(redirectUriFor(state.ctx.config.publicUrl, tx.flow));
    for (const [key, value] of state.params) callbackUrl.searchParams.append(key, value);
    try {
      state.tokens = await authorizationCodeGrant(state.ctx.provider.provider.config, callbackUrl, {
        pkceCodeVerifier: tx.codeVerifier,
        expectedState: state.params.get('state') ?? '',
        expectedNonce: tx.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw mapClientError(error, 'provider_error');
    }
    const idToken = state.tokens.id_token;
    const claims = state.tokens.claims();
    if (idToken === undefined || claims === undefined) {
      throw new ApiError('provider_error', { detail: 'token response without id_token' });
    }
    state.idToken = idToken;
    state.claims = claims;
  },
};
