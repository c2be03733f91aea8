import { describeProviderFailure } from '../oidc/describe-provider-failure.js';
import type { ProviderFetch } from '../oidc/provider-fetch.js';
import { oauthErrorCode, oauthErrorOfBody } from './provider-text.js';

/** The made-up values an authorization probe sends, none of which may appear in a finding (docs/security.md 48). */
export interface AuthorizationProbeValues {
  readonly state: string;
  readonly nonce: string;
  readonly codeChallenge: string;
}

/** What the authorization endpoint's answer says about a redirect URI. */
export type AuthorizationVerdict =
  /** Sent back to the redirect URI (with `login_required`: every parameter passed), or on to a sign-in page. */
  | { readonly kind: 'registered'; readonly via: 'redirect' | 'sign-in page' }
  /** Sent back to the redirect URI with another error: the URI is registered, the request refused. */
  | { readonly kind: 'request-refused'; readonly error: string | undefined }
  /** An error page, not a redirect, about the redirect URI (RFC 6749 4.1.2.1). */
  | { readonly kind: 'redirect-uri-refused' }
  /** An error page about the client itself. */
  | { readonly kind: 'client-unknown' }
  | { readonly kind: 'unclear'; readonly status: number; readonly error: string | undefined }
  | { readonly kind: 'unreachable'; readonly reason: string };

/**
 * Errors a provider sends back to a registered redirect URI when `prompt=none` meets a browser that is not signed
 * in (OIDC Core 3.1.2.6): the request itself was accepted.
 */
const NOT_SIGNED_IN = new Set([
  'login_required',
  'interaction_required',
  'consent_required',
  'account_selection_required',
]);

// How providers word an unregistered redirect URI, on an error page or in an error redirect to a page of their
// own: oidc-provider `invalid_redirect_uri`; Keycloak "Invalid parameter: redirect_uri"; Okta "The 'redirect_uri'
// parameter must be a Login redirect URI…"; Auth0 "Callback URL mismatch"; Google `redirect_uri_mismatch`; Entra ID
// AADSTS50011. Specific enough to trust on any page.
const REDIRECT_URI_REFUSED =
  /invalid_redirect_uri|redirect_uri_mismatch|invalid parameter: redirect_uri|must be a login redirect uri|callback url mismatch|AADSTS50011/i;
// On an error answer (4xx/5xx) only: a sign-in page may mention the redirect URI in its links.
const MENTIONS_REDIRECT_URI = /redirect[\s_-]?ur[il]|callback[\s_-]?ur[il]/i;
// oidc-provider and RFC 6749 `invalid_client`; Keycloak "Client not found"; Entra ID AADSTS700016.
const CLIENT_UNKNOWN = /\binvalid_client\b|client not found|unknown client|AADSTS700016/i;
/** How much of an error page is searched. */
const MAX_PAGE_CHARS = 64 * 1024;

/**
 * Asks the authorization endpoint for a code for `redirectUri` as the API would (response_type code, the scopes,
 * a made-up state and nonce, a PKCE S256 challenge) with `prompt=none` and no cookies, and reads the answer
 * without following it: a redirect back to `redirectUri` means it is registered (RFC 6749 4.1.2.1: a provider
 * must not redirect to a URI it cannot verify, and shows an error page instead); a redirect elsewhere, or a page
 * that is not an error, is the provider's sign-in page (one that ignores `prompt=none`), which it shows only
 * for a valid request. No person signs in and no code is issued.
 */
export async function probeAuthorization(
  fetch: ProviderFetch,
  input: {
    readonly authorizationEndpoint: string;
    readonly clientId: string;
    readonly scope: string;
    readonly redirectUri: string;
    readonly values: AuthorizationProbeValues;
  },
): Promise<AuthorizationVerdict> {
  const url = new URL(input.authorizationEndpoint);
  const params = {
    client_id: input.clientId,
    response_type: 'code',
    scope: input.scope,
    redirect_uri: input.redirectUri,
    state: input.values.state,
    nonce: input.values.nonce,
    code_challenge: input.values.codeChallenge,
    code_challenge_method: 'S256',
    prompt: 'none',
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  let response: Response;
  try {
    response = await fetch(url.href, { headers: { accept: 'text/html,application/json;q=0.9' } });
  } catch (error) {
    return { kind: 'unreachable', reason: describeProviderFailure(error) };
  }
  const location = response.headers.get('location');
  if (
    response.status >= 300 &&
    response.status < 400 &&
    location !== null &&
    URL.canParse(location, url.href)
  ) {
    return judgeRedirect(new URL(location, url), input.redirectUri, response.status);
  }
  const page = (await response.text().catch(() => '')).slice(0, MAX_PAGE_CHARS);
  const failed = response.status >= 400;
  if (REDIRECT_URI_REFUSED.test(page) || (failed && MENTIONS_REDIRECT_URI.test(page))) {
    return { kind: 'redirect-uri-refused' };
  }
  if (CLIENT_UNKNOWN.test(page)) return { kind: 'client-unknown' };
  if (!failed && response.status >= 200 && response.status < 300)
    return { kind: 'registered', via: 'sign-in page' };
  return { kind: 'unclear', status: response.status, error: oauthErrorOfBody(page) };
}

function judgeRedirect(target: URL, redirectUri: string, status: number): AuthorizationVerdict {
  const expected = new URL(redirectUri);
  // The answer comes in the query (response_mode query, the default for code), or the fragment of a provider
  // that insists on one.
  const answer = new URLSearchParams(target.search || target.hash.slice(1));
  const error = answer.get('error');
  if (target.origin === expected.origin && target.pathname === expected.pathname) {
    if (error === null || NOT_SIGNED_IN.has(error)) return { kind: 'registered', via: 'redirect' };
    return { kind: 'request-refused', error: oauthErrorCode(error) };
  }
  // Elsewhere: the provider's own error page (Auth0 sends its errors to /error?error=…), or its sign-in page.
  const words = `${error ?? ''} ${answer.get('error_description') ?? ''}`;
  if (REDIRECT_URI_REFUSED.test(words) || MENTIONS_REDIRECT_URI.test(words))
    return { kind: 'redirect-uri-refused' };
  if (CLIENT_UNKNOWN.test(words)) return { kind: 'client-unknown' };
  if (error !== null) return { kind: 'unclear', status, error: oauthErrorCode(error) };
  return { kind: 'registered', via: 'sign-in page' };
}
