import { CONTACTS_PER_USER } from '../store/contacts-per-user.js';

/**
 * Every error the API answers with: HTTP status and a description that tells the developer the likely cause.
 * The README lists the same table.
 */
export const ERROR_CODES = {
  invalid_request: [400, 'The request is malformed: check the body, query and content-type.'],
  invalid_callback: [
    400,
    'The callback carries no authorization code: open /callback only from the provider redirect.',
  ],
  state_mismatch: [
    400,
    'The callback state does not match a login this browser started: the link was opened in another browser, or state was altered.',
  ],
  login_transaction_not_found: [
    400,
    'No login transaction is bound to this browser for this state: the login-transaction cookie was not sent back (cookies blocked, another browser or a different host name than PUBLIC_URL).',
  ],
  login_transaction_expired: [400, 'The login took longer than 10 minutes: start the login again.'],
  login_transaction_used: [
    400,
    'This login transaction was already used: a callback is single use (a reload or a replayed URL).',
  ],
  access_denied: [403, 'The user or the provider refused the sign-in (error=access_denied at the provider).'],
  provider_error: [
    502,
    'The OpenID Provider answered with an error or an invalid response: check the client id, secret, auth method and redirect URI registered there.',
  ],
  provider_timeout: [504, 'The OpenID Provider did not answer in time (OIDC_HTTP_TIMEOUT_MS).'],
  provider_unavailable: [
    503,
    'The OpenID Provider discovery document could not be loaded yet: check OIDC_ISSUER and that the provider is up; retrying in the background.',
  ],
  id_token_invalid: [
    502,
    'The ID token from the provider failed validation (signature, issuer, audience, expiry or nonce): check OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_ID_TOKEN_ALG and the server clocks.',
  ],
  userinfo_invalid: [
    502,
    'The provider userinfo response was invalid or its subject differs from the ID token.',
  ],
  invalid_token: [401, 'The bearer token is missing, malformed, expired or not issued by this API.'],
  session_revoked: [
    401,
    'The session was ended (logout, back-channel logout or refresh token reuse): sign in again.',
  ],
  refresh_token_reused: [
    401,
    'This refresh token was already used: the whole session has been revoked as a precaution (RFC 9700 4.14.2).',
  ],
  invalid_refresh_token: [401, 'No valid refresh cookie was sent: sign in again.'],
  cross_site_request: [
    403,
    'Cross-site request refused: POST from the same origin as PUBLIC_URL with content-type application/json.',
  ],
  invalid_logout_token: [400, 'The back-channel logout_token failed validation.'],
  request_too_large: [413, 'The request body is larger than the API accepts (64 KiB).'],
  rate_limited: [429, 'Too many requests from this address: wait for Retry-After seconds.'],
  not_found: [404, 'No such resource.'],
  contact_limit_reached: [
    409,
    `This account already has the most contacts it may keep (${CONTACTS_PER_USER}): delete some before adding more.`,
  ],
  internal_error: [500, 'Unexpected server error: see the server log.'],
} as const satisfies Record<string, readonly [number, string]>;

/** Union of every API error code, so callers can `switch` on `error`. */
export type ApiErrorCode = keyof typeof ERROR_CODES;
