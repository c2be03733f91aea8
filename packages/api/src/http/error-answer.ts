import type { ErrorAnswer } from '@gatehouse/contract';
import type { ApiError } from '../errors/api-error.js';
import { ERROR_CODES } from '../errors/error-codes.js';
import { bearerChallenge } from './www-authenticate.js';

/** What `Retry-After` says while the database is unreachable: about the pool's bound to open a connection. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Codes whose answer carries a Bearer challenge besides 401 (RFC 6750 3.1, and roles the same way). */
const FORBIDDEN_CHALLENGES: ReadonlySet<string> = new Set(['insufficient_scope', 'insufficient_role']);

/**
 * What the client receives for an {@link ApiError}: its status, `{"error","error_description"}` (the generic
 * description unless the error's own may be shown), and the RFC 6750 challenge a client can act on: on a 401
 * `Bearer error="invalid_token"` (sign in again), on a 403 for a scope or a role the error that says which.
 */
export function errorAnswer(error: ApiError): {
  status: number;
  headers: Record<string, string>;
  body: ErrorAnswer;
} {
  const description = error.expose ? error.message : ERROR_CODES[error.code].description;
  const headers: Record<string, string> = {};
  // docs/security.md 42: an outage is short; a client (or a proxy) retries rather than giving up.
  if (error.code === 'database_unavailable') headers['retry-after'] = String(DATABASE_RETRY_AFTER_SECONDS);
  if (error.status === 401) headers['www-authenticate'] = bearerChallenge('invalid_token', description);
  else if (FORBIDDEN_CHALLENGES.has(error.code)) {
    headers['www-authenticate'] = bearerChallenge(
      error.code,
      description,
      error.code === 'insufficient_scope' ? error.requirement : undefined,
    );
  }
  return { status: error.status, headers, body: { error: error.code, error_description: description } };
}
