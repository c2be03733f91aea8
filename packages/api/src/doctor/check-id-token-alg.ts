import type { ApiConfig } from '../config/load-api-config.js';
import { type DoctorFinding, finding } from './doctor-finding.js';
import type { ProviderMetadata } from './fetch-discovery.js';
import { printable } from './provider-text.js';
import { stringList } from './string-list.js';

/**
 * The API accepts ID tokens signed with OIDC_ID_TOKEN_ALG only (docs/security.md 8): the provider must list it in
 * `id_token_signing_alg_values_supported` (a required member, OIDC Discovery 3).
 */
export function checkIdTokenAlg(metadata: ProviderMetadata, config: ApiConfig): DoctorFinding {
  const alg = config.oidcIdTokenAlg;
  const offered = stringList(metadata.id_token_signing_alg_values_supported);
  if (offered === undefined) {
    return finding(
      'id-token-alg',
      'warn',
      `the provider does not list its ID-token algorithms (id_token_signing_alg_values_supported); the API expects ${alg}`,
      `make sure the provider signs this client's ID tokens with ${alg}, or set OIDC_ID_TOKEN_ALG to what it uses`,
    );
  }
  if (offered.includes(alg))
    return finding('id-token-alg', 'ok', `the provider can sign ID tokens with ${alg}`);
  const usable = offered.filter((each) => each !== 'none' && !each.startsWith('HS'));
  return finding(
    'id-token-alg',
    'fail',
    `the provider signs ID tokens with ${printable(offered.join(', ') || 'nothing')}, not ${alg} (OIDC_ID_TOKEN_ALG)`,
    usable.length > 0
      ? `set OIDC_ID_TOKEN_ALG=${printable(usable[0])} (or another of ${printable(usable.join(', '))})`
      : 'the provider offers no public-key algorithm for ID tokens: Gatehouse cannot verify its ID tokens',
  );
}
