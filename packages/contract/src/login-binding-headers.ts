/**
 * Headers that bind an SPA login to the page that started it. The SDK keeps a random login verifier in
 * `sessionStorage`, which belongs to one origin (port included) and one tab: `GET /api/login` carries its
 * SHA-256 (base64url) as the challenge, stored with the transaction, and `GET /api/callback` the verifier
 * itself. Headers, never the URL, so the verifier stays out of logs, history and `Referer`.
 */
export const LOGIN_CHALLENGE_HEADER = 'gatehouse-login-challenge';

/** The login verifier, sent with `GET /api/callback` (see {@link LOGIN_CHALLENGE_HEADER}). */
export const LOGIN_VERIFIER_HEADER = 'gatehouse-login-verifier';
