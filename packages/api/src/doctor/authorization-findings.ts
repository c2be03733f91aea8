import type { ApiConfig } from '../config/load-api-config.js';
import { type DoctorFinding, finding } from './doctor-finding.js';
import type { AuthorizationVerdict } from './probe-authorization.js';
import { endpointLabel, printable } from './provider-text.js';

/** One redirect URI probed, and what the authorization endpoint said. */
export interface AuthorizationProbe {
  readonly check: 'redirect-uri-spa' | 'redirect-uri-simple';
  readonly redirectUri: string;
  readonly verdict: AuthorizationVerdict;
}

/** What the authorization probes found: a client the provider does not know is one finding, not three. */
export function authorizationFindings(
  probes: readonly AuthorizationProbe[],
  context: {
    readonly config: ApiConfig;
    /** The scope the API asks for at this provider (loginScope), the one probed. */
    readonly scope: string;
    readonly authorizationEndpoint: string;
    readonly clientIdFix: string | undefined;
    readonly redirectUriFix: string | undefined;
  },
): DoctorFinding[] {
  const { config } = context;
  const client = `client ${printable(config.oidcClientId)}`;
  if (probes.some((probe) => probe.verdict.kind === 'client-unknown')) {
    return [
      finding(
        'client-id',
        'fail',
        `the provider does not know ${client} (OIDC_CLIENT_ID)`,
        context.clientIdFix ??
          'set OIDC_CLIENT_ID to the client id the provider gave this application, or register the application there',
      ),
    ];
  }
  const findings = probes.map((probe) => redirectUriFinding(probe, client, context));
  const refused = probes.flatMap((probe) =>
    probe.verdict.kind === 'request-refused' ? [probe.verdict] : [],
  );
  const first = refused[0];
  if (first !== undefined) {
    findings.push(
      finding(
        'authorization-request',
        'fail',
        `the provider refused the API's authorization request for ${client} (${first.error ?? 'an unreadable error'})`,
        fixForRefusal(first.error, context.scope),
      ),
    );
  } else if (
    probes.some((probe) => probe.verdict.kind === 'registered' && probe.verdict.via === 'redirect')
  ) {
    findings.push(
      finding(
        'authorization-request',
        'ok',
        `the provider accepts the API's authorization request (code, PKCE S256, scope "${printable(context.scope)}")`,
      ),
    );
  }
  return findings;
}

function redirectUriFinding(
  probe: AuthorizationProbe,
  client: string,
  context: { readonly authorizationEndpoint: string; readonly redirectUriFix: string | undefined },
): DoctorFinding {
  const uri = printable(probe.redirectUri);
  const { verdict } = probe;
  switch (verdict.kind) {
    case 'registered':
    case 'request-refused':
      return finding(
        probe.check,
        'ok',
        `${uri} is a registered redirect URI${verdict.kind === 'registered' && verdict.via === 'sign-in page' ? ' (the provider showed its sign-in page)' : ''}`,
      );
    case 'redirect-uri-refused':
      return finding(
        probe.check,
        'fail',
        `${uri} is not a registered redirect URI of ${client}`,
        context.redirectUriFix ??
          `register ${uri} as a redirect URI of ${client} at the provider, exactly (scheme, host, port, path, no trailing slash), or set PUBLIC_URL to the origin registered there`,
      );
    case 'unclear':
      return finding(
        probe.check,
        'warn',
        `could not tell whether ${uri} is registered: the authorization endpoint answered HTTP ${verdict.status}${verdict.error === undefined ? '' : ` (${verdict.error})`}`,
        "sign in through the app once: the provider's page says what it refuses",
      );
    case 'unreachable':
      return finding(
        probe.check,
        'fail',
        `cannot reach ${endpointLabel(context.authorizationEndpoint)}: ${printable(verdict.reason)}`,
        "browsers must reach the provider's authorization endpoint: check the provider and the network",
      );
    case 'client-unknown':
      return finding(probe.check, 'fail', `the provider does not know ${client}`, null);
  }
}

function fixForRefusal(error: string | undefined, scopes: string): string {
  switch (error) {
    case 'invalid_scope':
      return `set OIDC_SCOPES to scopes the provider allows for this client (now "${printable(scopes)}")`;
    case 'unauthorized_client':
    case 'unsupported_response_type':
      return 'allow the authorization code flow (response type code) for the client at the provider';
    case 'access_denied':
      return 'the provider turns this client away: check that it is enabled, and who may use it';
    default:
      return "check the client's settings at the provider: it refuses a parameter the API sends (response type code, PKCE S256, nonce, scopes)";
  }
}
