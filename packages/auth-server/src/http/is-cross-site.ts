/**
 * Fetch Metadata (W3C): our forms post from our own pages, so a browser labels them `same-origin`. Cookies with
 * SameSite=Lax reach a page on another port of the same host (another `localhost` server), since ports do not make
 * sites; this refuses such posts too, and any a browser labels `cross-site`. Clients that send no
 * `Sec-Fetch-Site` rely on the other defences (the interaction cookie, `/account`'s form token). Not `Origin`:
 * with `Referrer-Policy: no-referrer` browsers send `Origin: null` on our own form posts.
 */
export function isCrossSite(secFetchSite: string): boolean {
  return secFetchSite === 'cross-site' || secFetchSite === 'same-site';
}
