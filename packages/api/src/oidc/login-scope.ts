import type { ApiConfig } from '../config/load-api-config.js';

/**
 * The `scope` a login asks for: OIDC_SCOPES when it is set; otherwise the defaults, plus `roles` when the
 * provider lists it in `scopes_supported` (the embedded auth server releases its `roles` claim for it), so that
 * roles arrive with no extra setting; `offline_access` likewise with OIDC_SESSION_CHECK_INTERVAL on. A provider that
 * does not list a scope is not asked for it (some refuse unknown scopes).
 */
export function loginScope(
  config: Pick<ApiConfig, 'oidcScopes' | 'oidcScopesExplicit' | 'sessionCheckIntervalMs'>,
  scopesSupported: unknown,
): string {
  if (config.oidcScopesExplicit) return config.oidcScopes;
  const offers = (scope: string) => Array.isArray(scopesSupported) && scopesSupported.includes(scope);
  const scopes = [config.oidcScopes];
  if (offers('roles')) scopes.push('roles');
  // docs/security.md 49: the session check asks with the provider's refresh token, which many providers issue
  // only for offline_access; asked for only with the check on, so nothing changes at a provider otherwise.
  if (config.sessionCheckIntervalMs > 0 && offers('offline_access')) scopes.push('offline_access');
  return scopes.join(' ');
}
