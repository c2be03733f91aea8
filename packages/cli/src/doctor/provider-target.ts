import { loadApiConfig } from '@gatehouse/api/config';
import type { DoctorTarget } from './doctor-target.js';

/** With OIDC_ISSUER: the API's configuration exactly as `gatehouse start api` loads it, against that provider. */
export function providerTarget(env: Readonly<Record<string, string | undefined>>): DoctorTarget {
  const config = loadApiConfig(env);
  return { config, provider: config.oidcIssuer, hints: {} };
}
