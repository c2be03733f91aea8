import { ApiError } from '../../errors/api-error.js';
import type { CallbackCheck } from './callback-state.js';

/**
 * docs/security.md 9 (OIDC Core 3.1.3.7 (3)): `aud` must be our client id and nothing else. openid-client accepts
 * extra audiences when `azp` names us; we do not trust any other audience.
 */
export const checkIdTokenAudience: CallbackCheck = {
  name: 'check-id-token-audience',
  step: 9,
  inspects: 'aud is exactly us',
  async run(state) {
    const aud = state.claims?.aud;
    const audiences = Array.isArray(aud) ? aud : aud === undefined ? [] : [aud];
    const clientId = state.ctx.config.oidcClientId;
    if (audiences.length === 0 || audiences.some((value) => value !== clientId)) {
      throw new ApiError('id_token_invalid', { detail: 'ID token aud is not exactly our client id' });
    }
  },
};
