import type { MeAnswer } from '@gatehouse/contract';
import type { AccessTokenClaims } from '../tokens/access-token-claims.js';

/**
 * Who a verified request comes from, as a route guard leaves it on the request (`request.gatehouse` in
 * Fastify, `req.gatehouse` in Express): read from the API's own token, never from anything else the client sent.
 */
export interface GatehouseIdentity {
  /** The user the token names, as `GET /api/me` answers it. */
  readonly user: MeAnswer;
  /** The roles the provider asserted at sign-in (docs/security.md 36); empty when it asserted none. */
  readonly roles: readonly string[];
  /** The scopes the provider granted at sign-in. */
  readonly scopes: readonly string[];
  /** Every claim of the verified token (`sub`, `sid`, `exp`, …). */
  readonly claims: AccessTokenClaims;
}

// One identity per verified token: the verifier caches the claims object by token, so this is built once per
// token, not per request (the hot path).
const identities = new WeakMap<AccessTokenClaims, GatehouseIdentity>();

/** The {@link GatehouseIdentity} of verified claims (built once per claims object, then frozen and shared). */
export function identityOf(claims: AccessTokenClaims): GatehouseIdentity {
  const known = identities.get(claims);
  if (known !== undefined) return known;
  const user: MeAnswer = { sub: claims.sub };
  if (claims.email !== undefined) user.email = claims.email;
  if (claims.name !== undefined) user.name = claims.name;
  if (claims.roles !== undefined && claims.roles.length > 0) user.roles = [...claims.roles];
  const identity: GatehouseIdentity = Object.freeze({
    user: Object.freeze(user),
    roles: Object.freeze([...(claims.roles ?? [])]),
    scopes: Object.freeze(claims.scope === undefined || claims.scope === '' ? [] : claims.scope.split(' ')),
    claims,
  });
  identities.set(claims, identity);
  return identity;
}
