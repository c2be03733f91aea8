import { authorizationCodeGrant } from 'openid-client';
import { ApiError } from '../../errors/api-error.js';
import { mapClientError } from '../map-client-error.js';
import { redirectUriFor } from '../start-login.js';
import type { CallbackCheck } from './callback-state.js';

/**
 * The ID token checks openid-client makes as the token response arrives (in step 8's request), listed first
 * among step 9's checks by the flow inspector: with the ones after this check, they are every check of the token.
 */
export const ID_TOKEN_CHECKS_AT_EXCHANGE =
  'alg as configured; iss, aud, exp, iat and sub present; iss is the provider; aud has us; azp is us when set; not expired; nonce is this login’s';

/**
 * Step 8: the token request, authenticated with the configured client method (secret in the Basic header or
 * the body, never a URL) plus the PKCE verifier. openid-client then checks the ID token claims it knows
 * (OIDC Core 3.1.3.7: iss, aud contains us, azp when several audiences, exp, iat, nonce, alg pinned to
 * `id_token_signed_response_alg`, no `crit`); the checks after this one add what it does not.
 */
export const exchangeCode: CallbackCheck = {
  name: 'exchange-code',
  step: 8,
  inspects: 'code exchanged with the PKCE verifier, the client authenticated',
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
