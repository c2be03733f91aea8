import { ApiError } from '../../errors/api-error.js';
import type { CallbackCheck } from './callback-state.js';

/**
 * docs/security.md 4 (RFC 6749 4.1.2.1): an error callback is refused with the error named. The provider's
 * `error_description` is attacker-controllable text in a URL: it is never reflected.
 */
export const checkErrorResponse: CallbackCheck = {
  name: 'check-error-response',
  step: 7,
  async run(state) {
    const error = state.params.get('error');
    if (error === null) return;
    const named = /^[a-z_]{1,64}$/.test(error) ? error : 'unknown_error';
    if (named === 'access_denied') {
      throw new ApiError('access_denied');
    }
    throw new ApiError('provider_error', {
      description: `The provider refused the sign-in with error=${named}.`,
      detail: `authorization error ${named}`,
      expose: true,
    });
  },
};
