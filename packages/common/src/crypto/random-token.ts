import { randomBytes } from 'node:crypto';

/** A base64url string of `bytes` random bytes (default 32 = 256 bits), for state, nonces, ids and secrets. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
