import { randomToken, sha256 } from '@gatehouse/common';
import { LOGIN_CHALLENGE_HEADER, LOGIN_VERIFIER_HEADER } from '@gatehouse/contract';

/** A page's login verifier, as the SDK keeps it in `sessionStorage`, and the headers it sends with it. */
export interface LoginVerifier {
  verifier: string;
  /** For `GET /api/login`: the verifier's base64url SHA-256. */
  loginHeaders: Record<string, string>;
  /** For `GET /api/callback`: the verifier itself. */
  callbackHeaders: Record<string, string>;
}

/**
 * What the SDK does in a page for an SPA login (docs/security.md 51), for tests that drive the flow over HTTP.
 *
 * @example
 * const page = newLoginVerifier();
 * await t.request('/api/login', { jar, headers: page.loginHeaders });
 * await t.request(`/api/callback?${callback}`, { jar, headers: page.callbackHeaders });
 */
export function newLoginVerifier(): LoginVerifier {
  const verifier = randomToken(32);
  return {
    verifier,
    loginHeaders: { [LOGIN_CHALLENGE_HEADER]: sha256(verifier) },
    callbackHeaders: { [LOGIN_VERIFIER_HEADER]: verifier },
  };
}
