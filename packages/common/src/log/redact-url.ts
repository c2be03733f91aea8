import { isSensitiveKey } from './sensitive-keys.js';

/**
 * Masks the values of sensitive query parameters (code, state, tokens, …) in a URL or path, keeping the rest
 * readable for an operator: `/api/callback?code=abc&state=def` → `/api/callback?code=[redacted]&state=[redacted]`.
 * Fragments are dropped entirely (implicit-flow tokens would travel there).
 */
export function redactUrl(url: string): string {
  const hashAt = url.indexOf('#');
  const withoutFragment = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = withoutFragment.indexOf('?');
  if (queryAt === -1) return withoutFragment;
  const base = withoutFragment.slice(0, queryAt);
  const parts = withoutFragment
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawKey = eq === -1 ? pair : pair.slice(0, eq);
      let key = rawKey;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      } catch {
        return `${rawKey}=[redacted]`;
      }
      return isSensitiveKey(key) && eq !== -1 ? `${rawKey}=[redacted]` : pair;
    });
  return `${base}?${parts.join('&')}`;
}
