/**
 * The refresh cookie: HttpOnly, Secure, SameSite=Strict. `__Host-` (RFC 6265bis 4.1.3.2: Secure, Path=/, no
 * Domain), so that no other host can plant one: with `__Secure-` and Path=/api, a sibling subdomain could set
 * `Domain=<parent>; Path=/api/refresh`, which browsers send first, and refresh the victim into its own session
 * (session fixation). The wider path exposes it to nothing new where the API has its host to itself: it serves
 * every path of its origin, and only the refresh and logout routes read the cookie. Cookies are not scoped by
 * port, though: on a shared host (`localhost` in development) every other port's server receives it too, as it
 * received `/api` paths before.
 */
export const REFRESH_COOKIE = '__Host-gh_refresh';

/** Path of the refresh cookie (`__Host-` demands `/`). */
export const REFRESH_COOKIE_PATH = '/';

/**
 * Name of a login transaction's binding cookie, derived from the transaction (its state hash) so that two tabs
 * logging in at once each keep their own cookie. `__Host-`: Secure, Path=/, no Domain (RFC 6265bis 4.1.3.2).
 */
export function transactionCookieName(stateHash: string): string {
  return `__Host-gh_tx_${stateHash.slice(0, 16)}`;
}

/** Prefix shared by every login transaction cookie. */
export const TRANSACTION_COOKIE_PREFIX = '__Host-gh_tx_';
