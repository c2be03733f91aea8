import { describeProviderFailure } from '../oidc/describe-provider-failure.js';
import type { ProviderFetch } from '../oidc/provider-fetch.js';
import { type DoctorFinding, finding } from './doctor-finding.js';
import type { ProviderMetadata } from './fetch-discovery.js';
import { keyUsableFor } from './key-usable-for.js';
import { endpointLabel, printable } from './provider-text.js';

/** How many keys are described when none fits: a JWKS of hundreds of keys is not listed whole. */
const MAX_DESCRIBED = 5;

/**
 * The provider's `jwks_uri` answers, and holds at least one key that can verify an ID token signed with
 * OIDC_ID_TOKEN_ALG: without one every callback ends in `id_token_invalid`.
 */
export async function checkJwks(
  fetch: ProviderFetch,
  metadata: ProviderMetadata,
  alg: string,
): Promise<DoctorFinding> {
  const label = endpointLabel(metadata.jwks_uri);
  const fixReach =
    "the provider's key set must be reachable from the API: check the provider and the network";
  let response: Response;
  try {
    response = await fetch(metadata.jwks_uri, { headers: { accept: 'application/json' } });
  } catch (error) {
    return finding(
      'jwks',
      'fail',
      `cannot reach ${label}: ${printable(describeProviderFailure(error))}`,
      fixReach,
    );
  }
  if (response.status !== 200) {
    return finding('jwks', 'fail', `${label} answered HTTP ${response.status}`, fixReach);
  }
  const body = (await response.json().catch(() => undefined)) as { keys?: unknown } | undefined;
  if (typeof body !== 'object' || body === null || !Array.isArray(body.keys)) {
    return finding('jwks', 'fail', `${label} is not a JSON Web Key Set (no "keys" array)`, fixReach);
  }
  const keys: unknown[] = body.keys;
  const usable = (await Promise.all(keys.map((key) => keyUsableFor(alg, key)))).filter(Boolean).length;
  if (usable > 0) {
    return finding('jwks', 'ok', `${label} holds ${usable} key${usable === 1 ? '' : 's'} for ${alg}`);
  }
  const described = keys.slice(0, MAX_DESCRIBED).map(describeKey).join(', ');
  return finding(
    'jwks',
    'fail',
    `${label} holds no key for ${alg} (it holds ${keys.length === 0 ? 'no key at all' : `${described}${keys.length > MAX_DESCRIBED ? ', …' : ''}`})`,
    `set OIDC_ID_TOKEN_ALG to the algorithm of the provider's signing key, or give the provider a ${alg} key`,
  );
}

function describeKey(key: unknown): string {
  if (typeof key !== 'object' || key === null) return 'an unreadable entry';
  const { kty, crv, alg } = key as Record<string, unknown>;
  const parts = [kty, crv].filter((part) => typeof part === 'string').join(' ');
  return printable(`${parts || 'a key of no type'}${typeof alg === 'string' ? ` (${alg})` : ''}`, 40);
}
