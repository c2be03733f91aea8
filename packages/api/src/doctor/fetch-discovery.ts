import { describeProviderFailure } from '../oidc/describe-provider-failure.js';
import type { ProviderFetch } from '../oidc/provider-fetch.js';
import { type DoctorFinding, finding } from './doctor-finding.js';
import { endpointLabel, printable } from './provider-text.js';

/** The discovery document, checked to hold the members every later check relies on. */
export interface ProviderMetadata extends Readonly<Record<string, unknown>> {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
}

/** The provider's `Date` header and when this machine received it, for the clock check. */
export interface ClockSample {
  readonly date: string | null;
  readonly receivedAtMs: number;
}

/** What {@link fetchDiscovery} found: the document, or the one finding that says why there is none. */
export type DiscoveryResult =
  | {
      readonly ok: true;
      readonly metadata: ProviderMetadata;
      readonly clock: ClockSample;
      readonly finding: DoctorFinding;
    }
  | { readonly ok: false; readonly finding: DoctorFinding };

const REQUIRED = ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const;

/**
 * Fetches `<issuer>/.well-known/openid-configuration` (OIDC Discovery 4: a trailing slash of the issuer is not
 * doubled) as the API does: bounded in time and size, redirects not followed. An unreachable provider is one
 * finding naming the URL and the network cause ("cannot reach …: connection refused"), never a stack.
 */
export async function fetchDiscovery(
  fetch: ProviderFetch,
  issuer: string,
  nowMs: () => number,
  unreachableFix: string | undefined,
): Promise<DiscoveryResult> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const label = endpointLabel(url);
  const fixIssuer =
    'set OIDC_ISSUER to the issuer the provider names in its discovery document (Keycloak: https://<host>/realms/<realm>; Entra ID: https://login.microsoftonline.com/<tenant-id>/v2.0)';
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' } });
  } catch (error) {
    const reason = describeProviderFailure(error);
    const fix = reason.startsWith('TLS certificate')
      ? 'give the provider a certificate this machine trusts (for a private CA: NODE_EXTRA_CA_CERTS=<its PEM file>)'
      : (unreachableFix ??
        'check that the provider is up, that OIDC_ISSUER is its address, and that this machine can reach it (DNS, proxy, firewall)');
    return {
      ok: false,
      finding: finding('discovery', 'fail', `cannot reach ${label}: ${printable(reason)}`, fix),
    };
  }
  const clock = { date: response.headers.get('date'), receivedAtMs: nowMs() };
  if (response.status >= 300 && response.status < 400) {
    return {
      ok: false,
      finding: finding(
        'discovery',
        'fail',
        `${label} answered a redirect (HTTP ${response.status}) to ${endpointLabel(response.headers.get('location'))}; discovery is never redirected`,
        fixIssuer,
      ),
    };
  }
  if (response.status !== 200) {
    return {
      ok: false,
      finding: finding('discovery', 'fail', `${label} answered HTTP ${response.status}`, fixIssuer),
    };
  }
  const document = await response.json().catch(() => undefined);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return {
      ok: false,
      finding: finding(
        'discovery',
        'fail',
        `${label} answered something other than a JSON document`,
        fixIssuer,
      ),
    };
  }
  const metadata = document as Record<string, unknown>;
  const missing = REQUIRED.filter((name) => typeof metadata[name] !== 'string' || metadata[name] === '');
  if (missing.length > 0) {
    return {
      ok: false,
      finding: finding(
        'discovery',
        'fail',
        `the discovery document at ${label} has no ${missing.join(', ')}`,
        'point OIDC_ISSUER at an OpenID Provider that offers the authorization code flow',
      ),
    };
  }
  return {
    ok: true,
    metadata: metadata as ProviderMetadata,
    clock,
    finding: finding('discovery', 'ok', `${label} answers`),
  };
}
