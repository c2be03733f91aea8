import type { ApiConfig } from '../config/load-api-config.js';
import { type DoctorFinding, finding } from './doctor-finding.js';
import type { CredentialsVerdict } from './probe-client-credentials.js';
import { endpointLabel, printable } from './provider-text.js';

/** The `client-credentials` finding for what the token endpoint answered a made-up code. */
export function credentialsFinding(
  verdict: CredentialsVerdict,
  context: { readonly config: ApiConfig; readonly tokenEndpoint: string; readonly hint: string | undefined },
): DoctorFinding {
  const { config } = context;
  const method = config.oidcTokenAuthMethod;
  const client = `client ${printable(config.oidcClientId)}`;
  switch (verdict.kind) {
    case 'accepted':
      return finding(
        'client-credentials',
        'ok',
        `the provider accepts ${client}'s credentials (${method}); it refused only the made-up code`,
      );
    case 'refused': {
      const fix =
        method === 'private_key_jwt'
          ? `register the API's public key (${config.publicUrl}/.well-known/client-jwks.json) for ${client} at the provider, with private_key_jwt as its authentication method`
          : `set OIDC_CLIENT_SECRET to ${client}'s current secret at the provider, and check that the client is registered for ${method} (OIDC_TOKEN_AUTH_METHOD)`;
      return finding(
        'client-credentials',
        'fail',
        `the provider refused ${client}'s credentials (invalid_client with ${method}): a wrong secret or key, or another authentication method than the client's`,
        context.hint === undefined ? fix : `${fix}; ${context.hint}`,
      );
    }
    case 'grant-not-allowed':
      return finding(
        'client-credentials',
        'fail',
        `${client} may not redeem authorization codes (${verdict.error})`,
        'allow the authorization code grant for the client at the provider (a confidential web application)',
      );
    case 'code-accepted':
      return finding(
        'client-credentials',
        'fail',
        'the token endpoint issued tokens for a made-up authorization code',
        'do not use this provider: it does not check the codes it redeems',
      );
    case 'unclear':
      return finding(
        'client-credentials',
        'warn',
        `could not tell whether ${client}'s credentials are accepted: the token endpoint answered HTTP ${verdict.status}${verdict.error === undefined ? '' : ` (${verdict.error})`}`,
        "sign in through the app once: the API's log names what the token endpoint refused",
      );
    case 'unreachable':
      return finding(
        'client-credentials',
        'fail',
        `cannot reach ${endpointLabel(context.tokenEndpoint)}: ${printable(verdict.reason)}`,
        "the API must reach the provider's token endpoint: check the provider and the network",
      );
  }
}
