import { type DoctorFinding, finding } from './doctor-finding.js';
import type { ProviderMetadata } from './fetch-discovery.js';
import { printable } from './provider-text.js';
import { stringList } from './string-list.js';

/**
 * The API always sends a PKCE S256 challenge (docs/security.md 26). A provider that lists other methods only refuses
 * it; one that lists none may still support it (Entra ID and Auth0 do without saying so), or may ignore it and lose
 * PKCE's protection of the code: a warning.
 */
export function checkPkce(metadata: ProviderMetadata): DoctorFinding {
  const methods = stringList(metadata.code_challenge_methods_supported);
  if (methods === undefined) {
    return finding(
      'pkce',
      'warn',
      'the provider does not say whether it supports PKCE (no code_challenge_methods_supported); the API sends S256 anyway',
      'make sure PKCE with S256 is on for this client at the provider (Keycloak: Advanced, "Proof Key for Code Exchange Code Challenge Method" S256)',
    );
  }
  if (methods.includes('S256')) return finding('pkce', 'ok', 'the provider supports PKCE with S256');
  return finding(
    'pkce',
    'fail',
    `the provider supports PKCE with ${printable(methods.join(', ') || 'no method')} only, not S256`,
    'turn on PKCE S256 at the provider: Gatehouse never uses the plain method',
  );
}
