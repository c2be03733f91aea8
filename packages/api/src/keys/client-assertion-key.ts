import { readFile } from 'node:fs/promises';
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

/** The API's key for `private_key_jwt` client authentication (RFC 7523, OIDC Core 9), kept by its key store. */
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

/** A new private ES256 JWK for `private_key_jwt`. */
export async function generateClientAssertionJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return exportJWK(privateKey);
}

/** Loads, or creates the first time (mode 0600, atomically), the API's client-authentication key in DATA_DIR. */
export async function loadClientAssertionKey(dataDir: string): Promise<ClientAssertionKey> {
  return clientAssertionKeyFrom(await readClientAssertionJwk(clientAssertionKeyFile(dataDir)));
}

/** Reads `file`, creating it the first time (mode 0600, atomically). */
export async function readClientAssertionJwk(file: string): Promise<JWK> {
  const content = await readOrCreateFileAsync(file, async () =>
    JSON.stringify(await generateClientAssertionJwk()),
  );
  return JSON.parse(content.toString('utf8')) as JWK;
}

/** Reads `file` if it exists, creating nothing (a key made by a check would not be the one registered). */
export async function readExistingClientAssertionJwk(file: string): Promise<JWK | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The usable key and its public JWKS, from the stored private JWK. */
export async function clientAssertionKeyFrom(jwk: JWK): Promise<ClientAssertionKey> {
  const kid = await calculateJwkThumbprint(jwk);
  const { d: _d, ...publicJwk } = jwk;
  return {
    kid,
    alg: 'ES256',
    key: (await importJWK(jwk, 'ES256')) as CryptoKey,
    jwks: { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' }] },
  };
}
