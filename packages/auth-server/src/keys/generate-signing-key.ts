import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { SigningAlgorithm } from './signing-algorithms.js';

/** A new private JWK for `alg`: RSA 2048 for RS256/PS256 (RFC 7518 3.3), P-256 for ES256. */
export function generateSigningKey(alg: SigningAlgorithm): {
  kid: string;
  privateJwk: Record<string, unknown>;
} {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = pair.privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { kid, privateJwk: { ...jwk, kid, alg, use: 'sig' } };
}
