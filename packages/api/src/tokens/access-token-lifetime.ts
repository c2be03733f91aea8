/** Longest lifetime of an API access token, in seconds: the ceiling of ACCESS_TOKEN_TTL. */
export const MAX_ACCESS_TOKEN_TTL = 900;

/**
 * Clock skew allowed on top of {@link MAX_ACCESS_TOKEN_TTL} between the process that signed a token and the one
 * that decides it can no longer verify (the bearer verifier itself tolerates 5 s).
 */
export const ACCESS_TOKEN_SKEW_SECONDS = 30;

/**
 * How long after a moment, in ms, an access token signed before it may still verify: the longest access-token
 * lifetime plus skew. A retired signing key stays published this long after its retirement, and a revoked
 * session is remembered this long after its revocation.
 */
export const LONGEST_TOKEN_LIFE_MS = (MAX_ACCESS_TOKEN_TTL + ACCESS_TOKEN_SKEW_SECONDS) * 1000;
