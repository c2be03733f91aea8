/**
 * Names of fields and query parameters whose values are secrets or credentials: never logged, never shown in
 * the flow inspector. Matched case-insensitively.
 */
export const SENSITIVE_KEYS: ReadonlySet<string> = new Set([
  'code',
  'state',
  'nonce',
  'code_verifier',
  'code_challenge',
  'password',
  'totp',
  'otp',
  'secret',
  'client_secret',
  'client_assertion',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'id_token_hint',
  'logout_token',
  'authorization',
  'cookie',
  'set-cookie',
  'session_state',
]);

/** True when `key` names a secret value. */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEYS.has(key.toLowerCase());
}
