import { join } from 'node:path';
import { readOrCreateFileAsync } from '@gatehouse/common';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';

/** The API's key for `private_key_jwt` client authentication (RFC 7523, OIDC Core 9), kept in DATA_DIR. */
export interface ClientAssertionKey {
  kid: string;
  alg: 'ES256';
  key: CryptoKey;
  /** The public JWKS to register at the provider (served at /.well-known/client-jwks.json). */
  jwks: { keys: JWK[] };
}

/** Where the API keeps its client-authentication key in DATA_DIR. */
export function clientAssertionKeyFile(dataDir: string): string {
  return join(dataDir, 'api', 'client-assertion-key.json');
}

/** Loads, or creates the first time (mode 0600, atomically), the API's client-authentication key. */
export async function loadClientAssertionKey(dataDir: string): Promise<ClientAssertionKey> {
  const file = clientAssertionKeyFile(dataDir);
  const content = await readOrCreateFileAsync(file, async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    return JSON.stringify(await exportJWK(privateKey));
  });
  const jwk = JSON.parse(content.toString('utf8')) as JWK;
  const kid = await calculateJwkThumbprint(jwk);
  const { d: _d, ...publicJwk } = jwk;
  return {
    kid,
    alg: 'ES256',
    key: (await importJWK(jwk, 'ES256')) as CryptoKey,
    jwks: { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] },
  };
}
