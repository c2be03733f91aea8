/**
 * The refresh cookie: HttpOnly, Secure, SameSite=Strict, Path=/api (the only routes that read it). `__Secure-`
 * (RFC 6265bis 4.1.3.1) so a non-secure origin cannot plant or overwrite it; not `__Host-`, which demands Path=/.
 */
export const REFRESH_COOKIE = '__Secure-gh_refresh';

/** Path of the refresh cookie. */
export const REFRESH_COOKIE_PATH = '/api';

/**
 * Name of a login transaction's binding cookie, derived from the transaction (its state hash) so that two tabs
 * logging in at once each keep their own cookie. `__Host-`: Secure, Path=/, no Domain (RFC 6265bis 4.1.3.2).
 */
export function transactionCookieName(stateHash: string): string {
  return `__Host-gh_tx_${stateHash.slice(0, 16)}`;
}

/** Prefix shared by every login transaction cookie. */
export const TRANSACTION_COOKIE_PREFIX = '__Host-gh_tx_';
