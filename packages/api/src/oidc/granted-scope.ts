/** Most scopes an access token carries, and the longest one kept (they travel in every token). */
export const MAX_SCOPES = 32;
export const MAX_SCOPE_LENGTH = 128;

// RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * The scopes the provider granted at sign-in: the token response's `scope`, or, when it has none, the scopes
 * asked for (RFC 6749 5.1: it may be left out only when it is what was asked). Bounded, and only well-formed
 * scope tokens (RFC 6749 3.3); `null` when none is left.
 */
export function grantedScope(responseScope: unknown, requested: string): string | null {
  const text = typeof responseScope === 'string' ? responseScope : requested;
  const kept: string[] = [];
  for (const scope of text.split(' ', MAX_SCOPES * 4)) {
    if (kept.length >= MAX_SCOPES) break;
    if (scope.length <= MAX_SCOPE_LENGTH && SCOPE_TOKEN.test(scope) && !kept.includes(scope))
      kept.push(scope);
  }
  return kept.length === 0 ? null : kept.join(' ');
}
