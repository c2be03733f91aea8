import { type DoctorFinding, finding } from './doctor-finding.js';
import type { ProviderMetadata } from './fetch-discovery.js';
import { printable } from './provider-text.js';

/**
 * docs/security.md 7: the document's `issuer` must be OIDC_ISSUER exactly (OIDC Discovery 4.3), or the API refuses
 * to start. The common mistake is a trailing slash (Auth0's issuer has one, most others not): said so when it is.
 */
export function checkIssuer(metadata: ProviderMetadata, configured: string): DoctorFinding {
  const announced = metadata.issuer;
  if (announced === configured)
    return finding('issuer', 'ok', `the provider's issuer is ${printable(configured)}`);
  const slash = announced.replace(/\/$/, '') === configured.replace(/\/$/, '');
  return finding(
    'issuer',
    'fail',
    `the provider's issuer is ${printable(announced)}, but OIDC_ISSUER is ${printable(configured)}${slash ? ' (a trailing slash differs)' : ''}`,
    `set OIDC_ISSUER=${printable(announced)} exactly`,
  );
}
