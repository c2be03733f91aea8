import { jwtVerify } from 'jose';
import { ApiError } from '../../errors/api-error.js';
import { ID_TOKEN_CLOCK_TOLERANCE_S } from '../id-token-clock-tolerance.js';
import type { CallbackCheck } from './callback-state.js';

/**
 * docs/security.md 8 and 11 (RFC 8725 3.1 and 3.3): the ID token signature is verified even though it came over
 * TLS, with exactly the configured algorithm (`none`, HS256 keyed with a public key or the client secret, or
 * any other alg fail), against the provider's JWKS only (unknown `kid`: one refetch per cool-down), and an
 * unknown `crit` header is refused by jose.
 */
export const checkIdTokenSignature: CallbackCheck = {
  name: 'check-id-token-signature',
  step: 9,
  inspects: 'signature against the provider’s keys, with the pinned alg (and iss, aud, exp again)',
  async run(state) {
    const { config } = state.ctx;
    const discovered = state.ctx.provider.provider;
    if (state.idToken === undefined) throw new ApiError('id_token_invalid', { detail: 'no id_token' });
    try {
      await jwtVerify(state.idToken, discovered.jwks.resolve, {
        algorithms: [config.oidcIdTokenAlg],
        issuer: discovered.issuer,
        audience: config.oidcClientId,
        currentDate: new Date(state.ctx.now()),
        clockTolerance: ID_TOKEN_CLOCK_TOLERANCE_S,
      });
    } catch (error) {
      throw new ApiError('id_token_invalid', {
        detail: `ID token signature: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  },
};
