import { ApiError } from '../../errors/api-error.js';
import type { CallbackCheck } from './callback-state.js';

/**
 * docs/security.md 5 (RFC 9207 2.4, mix-up defence): when the provider advertises
 * `authorization_response_iss_parameter_supported`, `iss` must be present and equal its issuer; when present
 * anyway, it must match too. This applies to error responses as well as to successful ones.
 */
export const checkResponseIssuer: CallbackCheck = {
  name: 'check-response-issuer',
  step: 7,
  async run(state) {
    const metadata = state.ctx.provider.provider.config.serverMetadata();
    const iss = state.params.get('iss');
    if (iss === null) {
      if (metadata.authorization_response_iss_parameter_supported === true) {
        throw new ApiError('invalid_callback', {
          description:
            'The callback has no iss parameter although the provider promises one (RFC 9207): possible mix-up attack.',
        });
      }
      return;
    }
    if (iss !== metadata.issuer) {
      throw new ApiError('invalid_callback', {
        description: 'The callback iss parameter names another issuer (RFC 9207): possible mix-up attack.',
      });
    }
  },
};
