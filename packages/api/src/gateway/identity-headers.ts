import type { GatehouseIdentity } from '../guards/gatehouse-identity.js';

/** Every header Gatehouse sets for an upstream starts so; a client's own such headers never pass (docs/security.md 34). */
export const GATEHOUSE_HEADER_PREFIX = 'x-gatehouse-';

// A value byte stays as it is only when it is visible ASCII and not `%`, which starts an escape: everything
// else (spaces, non-ASCII, control characters a provider let through) is percent-encoded UTF-8, so a header
// never carries what an HTTP parser would trim, refuse or read as Latin-1, and one decoding gives the value back.
const KEPT = /^[\u0021-\u0024\u0026-\u007e]$/;

/**
 * A claim as a header value: UTF-8, percent-encoded where a character is not visible ASCII or is `%`, and
 * where it is in `also` (a role's `,`). An upstream decodes every `X-Gatehouse-*` value once (Python
 * `urllib.parse.unquote`, JavaScript `decodeURIComponent`); an ASCII value without `%` or space reads as it is.
 */
export function headerValue(text: string, also = ''): string {
  let out = '';
  for (const char of text) {
    if (KEPT.test(char) && !also.includes(char)) out += char;
    else
      for (const byte of new TextEncoder().encode(char))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// One set of headers per identity, which is itself built once per verified token: the hot path encodes nothing.
const built = new WeakMap<GatehouseIdentity, Readonly<Record<string, string>>>();

/**
 * The verified identity as the upstream reads it: `x-gatehouse-sub`, `-email`, `-name` (each only when the
 * token has it) and `-roles`, the roles separated by `,` with a `,` inside a role encoded `%2C` (roles are
 * bounded printable strings, docs/security.md 36: encoding keeps every one, where refusing would lock a user
 * out for their provider's naming); absent when the user has none.
 */
export function identityHeaders(identity: GatehouseIdentity): Readonly<Record<string, string>> {
  const known = built.get(identity);
  if (known !== undefined) return known;
  const { user, roles } = identity;
  const headers: Record<string, string> = { [`${GATEHOUSE_HEADER_PREFIX}sub`]: headerValue(user.sub) };
  if (user.email !== undefined) headers[`${GATEHOUSE_HEADER_PREFIX}email`] = headerValue(user.email);
  if (user.name !== undefined) headers[`${GATEHOUSE_HEADER_PREFIX}name`] = headerValue(user.name);
  if (roles.length > 0)
    headers[`${GATEHOUSE_HEADER_PREFIX}roles`] = roles.map((role) => headerValue(role, ',')).join(',');
  const frozen = Object.freeze(headers);
  built.set(identity, frozen);
  return frozen;
}
