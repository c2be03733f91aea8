/** One error the API answers with: its HTTP status and a description that tells the developer the likely cause. */
export interface ErrorCodeEntry {
  readonly status: number;
  readonly description: string;
}

/**
 * Every `error` the API answers with (`{"error","error_description"}`), with its status. The README's error
 * table lists the same codes.
 */
export const API_ERRORS = {
  invalid_request: {
    status: 400,
    description: 'The request is malformed: check the body, query and content-type.',
  },
  invalid_callback: {
    status: 400,
    description:
      'The callback carries no authorization code: open /callback only from the provider redirect.',
  },
  state_mismatch: {
    status: 400,
    description:
      'The callback state does not match a login this browser started: the link was opened in another browser, or state was altered.',
  },
  login_transaction_not_found: {
    status: 400,
    description:
      'No login transaction is bound to this browser for this state: the login-transaction cookie was not sent back (cookies blocked, another browser or a different host name than PUBLIC_URL).',
  },
  login_transaction_expired: {
    status: 400,
    description: 'The login took longer than 10 minutes: start the login again.',
  },
  login_transaction_used: {
    status: 400,
    description:
      'This login transaction was already used: a callback is single use (a reload or a replayed URL).',
  },
  access_denied: {
    status: 403,
    description: 'The user or the provider refused the sign-in (error=access_denied at the provider).',
  },
  provider_error: {
    status: 502,
    description:
      'The OpenID Provider answered with an error or an invalid response: check the client id, secret, auth method and redirect URI registered there.',
  },
  provider_timeout: {
    status: 504,
    description: 'The OpenID Provider did not answer in time (OIDC_HTTP_TIMEOUT_MS).',
  },
  provider_unavailable: {
    status: 503,
    description:
      'The OpenID Provider discovery document could not be loaded yet: check OIDC_ISSUER and that the provider is up; retrying in the background.',
  },
  database_unavailable: {
    status: 503,
    description:
      'The database (DATABASE_URL) cannot be reached now: retry after Retry-After seconds; the API reconnects by itself.',
  },
  id_token_invalid: {
    status: 502,
    description:
      'The ID token from the provider failed validation (signature, issuer, audience, expiry or nonce): check OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_ID_TOKEN_ALG and the server clocks.',
  },
  userinfo_invalid: {
    status: 502,
    description: 'The provider userinfo response was invalid or its subject differs from the ID token.',
  },
  invalid_token: {
    status: 401,
    description: 'The bearer token is missing, malformed, expired or not issued by this API.',
  },
  session_revoked: {
    status: 401,
    description: 'The session was ended (logout, back-channel logout or refresh token reuse): sign in again.',
  },
  provider_session_ended: {
    status: 401,
    description:
      'The provider no longer vouches for this session (the user was disabled or the grant revoked there, or the provider could not be asked within the grace): sign in again.',
  },
  refresh_token_reused: {
    status: 401,
    description:
      'This refresh token was already used: the whole session has been revoked as a precaution (RFC 9700 4.14.2).',
  },
  invalid_refresh_token: { status: 401, description: 'No valid refresh cookie was sent: sign in again.' },
  insufficient_scope: {
    status: 403,
    description:
      'The token lacks a scope this route requires (RFC 6750 3.1): the provider did not grant it at sign-in (see OIDC_SCOPES).',
  },
  insufficient_role: {
    status: 403,
    description:
      'The user lacks a role this route requires: the provider did not assert it in the claim OIDC_ROLES_CLAIM names.',
  },
  cross_site_request: {
    status: 403,
    description:
      'Cross-site request refused: POST from the same origin as PUBLIC_URL with content-type application/json.',
  },
  invalid_logout_token: { status: 400, description: 'The back-channel logout_token failed validation.' },
  request_too_large: {
    status: 413,
    description: 'The request body is larger than the API accepts (64 KiB).',
  },
  rate_limited: {
    status: 429,
    description: 'Too many requests from this address: wait for Retry-After seconds.',
  },
  upstream_unavailable: {
    status: 502,
    description:
      'The upstream behind the gateway (UPSTREAM_URL) could not be reached or gave no valid answer: check that it is up.',
  },
  upstream_timeout: {
    status: 504,
    description: 'The upstream behind the gateway (UPSTREAM_URL) did not answer within UPSTREAM_TIMEOUT_MS.',
  },
  not_found: { status: 404, description: 'No such resource.' },
  internal_error: { status: 500, description: 'Unexpected server error: see the server log.' },
} as const satisfies Record<string, ErrorCodeEntry>;

/** Union of every API error code, so callers can `switch` on `error`. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** The errors an SPA callback answers when the login is not this browser's and tab's, or is spent. */
export const LOGIN_TRANSACTION_ERRORS: readonly ApiErrorCode[] = [
  'state_mismatch',
  'login_transaction_not_found',
  'login_transaction_expired',
  'login_transaction_used',
];
