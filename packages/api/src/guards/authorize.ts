import { ApiError } from '../errors/api-error.js';
import type { AccessTokenClaims } from '../tokens/access-token-claims.js';
import type { BearerVerifier } from '../tokens/verify-bearer.js';
import { type GatehouseIdentity, identityOf } from './gatehouse-identity.js';
import type { RoutePolicy } from './route-policy.js';

/**
 * Decides a guarded request: the bearer token verified (docs/security.md C; a revoked session refused at once),
 * then the route's roles and scopes. Answers synchronously from the verifier's cache for a token seen before
 * (no promise: the hot path), else a promise. Throws (or rejects with) an {@link ApiError}: `invalid_token` or
 * `session_revoked` (401), `insufficient_role` or `insufficient_scope` (403).
 */
export function authorize(
  bearer: BearerVerifier,
  authorization: string | undefined,
  policy: RoutePolicy,
): GatehouseIdentity | Promise<GatehouseIdentity> {
  const verified = bearer.verify(authorization);
  if (verified instanceof Promise) return verified.then((claims) => allow(claims, policy));
  return allow(verified, policy);
}

function allow(claims: AccessTokenClaims, policy: RoutePolicy): GatehouseIdentity {
  const identity = identityOf(claims);
  const { roles, scopes } = policy;
  if (roles !== undefined) {
    const missing = roles.filter((role) => !identity.roles.includes(role));
    if (missing.length > 0) {
      throw new ApiError('insufficient_role', {
        description: `This route requires the role${roles.length > 1 ? 's' : ''} ${roles.join(', ')}.`,
        detail: `missing ${missing.length} of ${roles.length} roles`,
        requirement: roles.join(' '),
      });
    }
  }
  if (scopes !== undefined) {
    const missing = scopes.filter((scope) => !identity.scopes.includes(scope));
    if (missing.length > 0) {
      throw new ApiError('insufficient_scope', {
        description: `This route requires the scope${scopes.length > 1 ? 's' : ''} ${scopes.join(' ')}.`,
        detail: `missing ${missing.length} of ${scopes.length} scopes`,
        requirement: scopes.join(' '),
      });
    }
  }
  return identity;
}
