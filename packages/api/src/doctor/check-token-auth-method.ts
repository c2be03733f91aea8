import type { ApiConfig } from '../config/load-api-config.js';
import { type DoctorFinding, finding } from './doctor-finding.js';
import type { ProviderMetadata } from './fetch-discovery.js';
import { printable } from './provider-text.js';
import { stringList } from './string-list.js';

/** The algorithm of the API's own client-assertion key (keys/client-assertion-key.ts). */
const CLIENT_ASSERTION_ALG = 'ES256';
const OURS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/**
 * OIDC_TOKEN_AUTH_METHOD must be one the provider offers at its token endpoint
 * (`token_endpoint_auth_methods_supported`, `client_secret_basic` when absent: RFC 8414 2); with `private_key_jwt`
 * it must also accept the API key's ES256 assertions.
 */
export function checkTokenAuthMethod(metadata: ProviderMetadata, config: ApiConfig): DoctorFinding {
  const method = config.oidcTokenAuthMethod;
  const listed = stringList(metadata.token_endpoint_auth_methods_supported);
  const offered = listed ?? ['client_secret_basic'];
  if (!offered.includes(method)) {
    const choices = offered.filter((each) => OURS.includes(each));
    return finding(
      'token-auth-method',
      'fail',
      `the provider does not offer ${method} (OIDC_TOKEN_AUTH_METHOD) at its token endpoint; it offers ${printable(offered.join(', ') || 'nothing')}`,
      choices.length > 0
        ? `set OIDC_TOKEN_AUTH_METHOD to ${choices.join(' or ')}, the way the client is registered at the provider`
        : 'the provider offers no client authentication Gatehouse speaks (client_secret_basic, client_secret_post, private_key_jwt)',
    );
  }
  if (method === 'private_key_jwt') {
    const algs = stringList(metadata.token_endpoint_auth_signing_alg_values_supported);
    if (algs !== undefined && !algs.includes(CLIENT_ASSERTION_ALG)) {
      return finding(
        'token-auth-method',
        'fail',
        `the provider does not accept ${CLIENT_ASSERTION_ALG} client assertions (it accepts ${printable(algs.join(', ') || 'none')}); the API's key is ${CLIENT_ASSERTION_ALG}`,
        'use OIDC_TOKEN_AUTH_METHOD=client_secret_basic or client_secret_post with this provider',
      );
    }
  }
  return finding(
    'token-auth-method',
    'ok',
    `the provider offers ${method}${listed === undefined ? ' (the default: it lists no token_endpoint_auth_methods_supported)' : ''}`,
  );
}
