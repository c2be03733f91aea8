import { jwtVerify } from 'jose';
import { ApiError } from '../errors/api-error.js';
import type { ApiKeyRing } from '../keys/api-key-ring.js';
import { type TokenVerificationResult, verificationFailure } from '../metrics/api-metrics.js';
import type { AccessTokenClaims } from './access-token-claims.js';
import { LruCache } from './lru-cache.js';
import type { RevokedSessions } from './revoked-sessions.js';

/** Largest `Authorization` header considered: anything bigger is refused before any parsing or crypto. */
export const MAX_AUTHORIZATION_HEADER = 4096;

const SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

interface CacheEntry {
  claims: AccessTokenClaims;
  expMs: number;
}

/**
 * Verifies the API's own bearer tokens: the hot path of every protected route (docs/security.md C). The order is
 * cheapest first: header size, scheme, 3-segment shape, header parsed once, `alg` equal to the key's alg (so
 * `none` in any case and HS256 are refused), `typ: at+jwt`, `kid` a map lookup among our own keys only; `jku`,
 * `x5u`, `jwk`, `x5c` are never read. A verified token is cached by its whole string until it expires, so a
 * repeated token costs one map lookup; revocation by `sid` is checked in memory on every request.
 */
export class BearerVerifier {
  readonly #keys: ApiKeyRing;
  readonly #expected: { readonly publicUrl: string; readonly apiAudience: string };
  readonly #now: () => number;
  readonly #revoked: RevokedSessions;
  readonly #cache: LruCache<string, CacheEntry>;
  readonly #observe: ((result: TokenVerificationResult) => void) | undefined;

  constructor(options: {
    keys: ApiKeyRing;
    /** Read on every verification, so a PUBLIC_URL that follows the bound port is honoured. */
    expected: { readonly publicUrl: string; readonly apiAudience: string };
    revoked: RevokedSessions;
    now?: () => number;
    cacheSize?: number;
    /** Told the result of every verification (the metrics); when absent, nothing is called. */
    observe?: ((result: TokenVerificationResult) => void) | undefined;
  }) {
    this.#observe = options.observe;
    this.#keys = options.keys;
    this.#expected = options.expected;
    this.#revoked = options.revoked;
    this.#now = options.now ?? Date.now;
    this.#cache = new LruCache(options.cacheSize ?? 10_000);
  }

  /**
   * Verifies an `Authorization` header value; throws {@link ApiError} `invalid_token` / `session_revoked`.
   * A token already verified is answered synchronously (no promise, no microtask) from the cache.
   */
  verify(authorization: string | undefined): AccessTokenClaims | Promise<AccessTokenClaims> {
    const observe = this.#observe;
    if (observe === undefined) return this.#verify(authorization);
    let verified: AccessTokenClaims | Promise<AccessTokenClaims>;
    try {
      verified = this.#verify(authorization);
    } catch (error) {
      observe(verificationFailure(error));
      throw error;
    }
    if (!(verified instanceof Promise)) {
      observe('success');
      return verified;
    }
    return verified.then(
      (claims) => {
        observe('success');
        return claims;
      },
      (error: unknown) => {
        observe(verificationFailure(error));
        throw error;
      },
    );
  }

  #verify(authorization: string | undefined): AccessTokenClaims | Promise<AccessTokenClaims> {
    const token = this.#token(authorization);
    const now = this.#now();
    const cached = this.#cache.get(token);
    if (cached !== undefined) {
      if (cached.expMs > now) return this.#checkRevoked(cached.claims);
      this.#cache.delete(token);
    }
    return this.#verifyAndCache(token, now);
  }

  #token(authorization: string | undefined): string {
    if (authorization === undefined) throw invalid('no bearer token (send Authorization: Bearer <token>)');
    // RFC 8725 / docs/security.md 19: bound the work an attacker can cause before any crypto.
    if (authorization.length > MAX_AUTHORIZATION_HEADER) throw invalid('Authorization header too large');
    if (authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== 'bearer ') {
      throw invalid('the Authorization scheme must be Bearer');
    }
    return authorization.slice(7).trim();
  }

  async #verifyAndCache(token: string, now: number): Promise<AccessTokenClaims> {
    const claims = await this.#verifyUncached(token, now);
    this.#cache.set(token, { claims, expMs: claims.exp * 1000 });
    return this.#checkRevoked(claims);
  }

  #checkRevoked(claims: AccessTokenClaims): AccessTokenClaims {
    if (this.#revoked.has(claims.sid)) throw new ApiError('session_revoked');
    return claims;
  }

  async #verifyUncached(token: string, now: number): Promise<AccessTokenClaims> {
    if (!SHAPE.test(token)) throw invalid('malformed token (expected a compact JWS with three segments)');
    const headerPart = token.slice(0, token.indexOf('.'));
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw invalid('malformed token header');
    }
    if (header === null || typeof header !== 'object') throw invalid('malformed token header');
    const { kid, alg, typ } = header;
    if (typeof kid !== 'string') throw invalid('token has no kid');
    // RFC 8725 3.10: kid is only a key into our own map, never a path, URL or query.
    const key = this.#keys.verificationKey(kid);
    if (key === undefined) throw invalid('token signed by an unknown key');
    // RFC 8725 3.1: exactly the key's algorithm; `none`, `NONE`, HS256 and anything else fail here.
    if (alg !== key.alg) throw invalid('token algorithm not allowed');
    // RFC 9068 2.1 / RFC 8725 3.11: explicit typing, so an ID token or another JWT cannot be replayed here.
    if (typeof typ !== 'string' || !/^(application\/)?at\+jwt$/i.test(typ))
      throw invalid('token is not an at+jwt');
    try {
      const { payload } = await jwtVerify(token, key.key, {
        algorithms: [key.alg],
        issuer: this.#expected.publicUrl,
        audience: this.#expected.apiAudience,
        typ: 'at+jwt',
        currentDate: new Date(now),
        clockTolerance: 5,
        requiredClaims: ['sub', 'sid', 'jti', 'iat', 'exp'],
      });
      if (typeof payload.iat !== 'number' || payload.iat * 1000 > now + 5000)
        throw invalid('token issued in the future');
      if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string')
        throw invalid('token claims malformed');
      // Ours, signed: still, a guard must never read roles or scopes of the wrong shape.
      const { roles, scope } = payload;
      if (roles !== undefined && !(Array.isArray(roles) && roles.every((role) => typeof role === 'string')))
        throw invalid('token claims malformed');
      if (scope !== undefined && typeof scope !== 'string') throw invalid('token claims malformed');
      return payload as unknown as AccessTokenClaims;
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const description = describeJoseError(error);
      throw description === 'token expired'
        ? new ApiError('invalid_token', { description, detail: 'token_expired' })
        : invalid(description);
    }
  }
}

function invalid(description: string): ApiError {
  return new ApiError('invalid_token', { description });
}

function describeJoseError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'token expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'token signature invalid';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `token claim invalid: ${(error as { claim?: string }).claim ?? 'unknown'}`;
    default:
      return 'token invalid';
  }
}
