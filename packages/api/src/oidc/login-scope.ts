import type { ApiConfig } from '../config/load-api-config.js';

/**
 * The `scope` a login asks for: OIDC_SCOPES when it is set; otherwise the defaults, plus `roles` when the
 * provider lists it in `scopes_supported` (the embedded auth server releases its `roles` claim for it), so that
 * roles arrive with no extra setting. A provider that does not list it is not asked (some refuse unknown scopes).
 */
export function loginScope(
  config: Pick<ApiConfig, 'oidcScopes' | 'oidcScopesExplicit'>,
  scopesSupported: unknown,
): string {
  if (config.oidcScopesExplicit) return config.oidcScopes;
  const offered = Array.isArray(scopesSupported) && scopesSupported.includes('roles');
  return offered ? `${config.oidcScopes} roles` : config.oidcScopes;
}
