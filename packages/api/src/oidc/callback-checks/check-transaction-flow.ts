import { ApiError } from '../../errors/api-error.js';
import type { CallbackCheck } from './callback-state.js';

/**
 * docs/security.md 2 (RFC 9700 4.7): a transaction is finished only at the callback of the flow that started it. The
 * two flows bind and answer differently: the simple flow's cookie is SameSite=Lax (sent on a cross-site
 * top-level navigation) and its callback answers with a redirect; the SPA's cookie is Strict and its callback
 * answers with the API's token in JSON. Finishing one at the other's route would lend the SPA's answer the
 * simple flow's laxer binding. The token request alone would not notice: it sends the redirect URI of the flow
 * that started, which is the one the provider saw.
 */
export const checkTransactionFlow: CallbackCheck = {
  name: 'check-transaction-flow',
  step: 7,
  async run(state) {
    if (state.transaction?.flow !== state.flow) {
      throw new ApiError('login_transaction_not_found', {
        description:
          'This login was started by the other sign-in flow (/api/login or /authorization-code/login) and can only be finished at its own callback: start the login again.',
      });
    }
  },
};
