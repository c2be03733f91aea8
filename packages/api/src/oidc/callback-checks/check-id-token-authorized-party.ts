import { ApiError } from '../../errors/api-error.js';
import type { CallbackCheck } from './callback-state.js';

/**
 * docs/security.md 9 (OIDC Core 3.1.3.7 (4)–(5)): an `azp` claim, when present, must be our client id, even with a
 * single audience (openid-client only checks it when there are several).
 */
export const checkIdTokenAuthorizedParty: CallbackCheck = {
  name: 'check-id-token-authorized-party',
  step: 9,
  inspects: 'azp, when present, is us',
  async run(state) {
    const azp = state.claims?.azp;
    if (azp !== undefined && azp !== state.ctx.config.oidcClientId) {
      throw new ApiError('id_token_invalid', { detail: 'ID token azp is not our client id' });
    }
  },
};
