import { isLoopback } from '../config/is-loopback.js';
import { type DoctorFinding, finding } from './doctor-finding.js';
import type { ProviderMetadata } from './fetch-discovery.js';
import { endpointLabel } from './provider-text.js';

/** The endpoints that carry a person's credentials, a code, a secret, a token or the signing keys. */
const ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri'] as const;

/**
 * True when `url` is `https:`, or plain `http:` to this machine: the rule the API applies to OIDC_ISSUER, PUBLIC_URL
 * and the JWKS (docs/security.md 8), applied to every endpoint the flow uses.
 */
export function isSecureEndpoint(url: unknown): boolean {
  if (typeof url !== 'string' || !URL.canParse(url)) return false;
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopback(parsed));
}

/**
 * `https` where it must be. OIDC_ISSUER and PUBLIC_URL already passed the configuration's own check (https off
 * loopback); the provider's endpoints are checked here, since the document may name other hosts than the issuer.
 */
export function checkHttps(metadata: ProviderMetadata): DoctorFinding {
  const clear = ENDPOINTS.filter(
    (name) => metadata[name] !== undefined && !isSecureEndpoint(metadata[name]),
  ).map((name) => `${name} ${endpointLabel(metadata[name])}`);
  if (clear.length === 0) {
    return finding(
      'https',
      'ok',
      "OIDC_ISSUER, PUBLIC_URL and the provider's endpoints use https (or stay on this machine)",
    );
  }
  return finding(
    'https',
    'fail',
    `not https off this machine: ${clear.join(', ')}`,
    'serve the provider over https (a TLS-terminating proxy in front of it will do); plain http is for loopback only',
  );
}
