import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOrCreateFileAsync, writePrivateFile } from '@gatehouse/common';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { LONGEST_TOKEN_LIFE_MS } from '../tokens/access-token-lifetime.js';

/** The algorithm of the API's own tokens: ES256 (compact, fast to verify, every JOSE library has it). */
export const API_TOKEN_ALG = 'ES256';

/**
 * Epoch ms until which a key stays in the JWKS and verifies tokens: forever while current; once retired, until
 * every token it can have signed has expired (retired_at + the longest access-token lifetime + skew).
 */
export function keyUsableUntil(key: { retired_at: number | null }): number {
  return key.retired_at === null ? Number.POSITIVE_INFINITY : key.retired_at + LONGEST_TOKEN_LIFE_MS;
}

/** One signing key of the API as stored in `DATA_DIR/api/signing-keys.json` (mode 0600). */
export interface StoredSigningKey {
  kid: string;
  alg: typeof API_TOKEN_ALG;
  created_at: number;
  retired_at: number | null;
  private_jwk: JWK;
}

interface KeyFile {
  keys: StoredSigningKey[];
}

/** Path of the API's signing key file inside DATA_DIR. */
export function signingKeyFile(dataDir: string): string {
  return join(dataDir, 'api', 'signing-keys.json');
}

/** A fresh ES256 key with its RFC 7638 thumbprint as `kid`. */
export async function generateSigningKey(now: number): Promise<StoredSigningKey> {
  const { privateKey } = await generateKeyPair(API_TOKEN_ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return {
    kid,
    alg: API_TOKEN_ALG,
    created_at: now,
    retired_at: null,
    private_jwk: { ...jwk, kid, alg: API_TOKEN_ALG },
  };
}

/** Reads the key file, creating it with one key the first time (atomically, so two processes agree). */
export async function readSigningKeys(dataDir: string, now = Date.now()): Promise<StoredSigningKey[]> {
  return readSigningKeyFile(signingKeyFile(dataDir), now);
}

/** Reads `file`, creating it with one key the first time (atomically, so two processes agree). */
export async function readSigningKeyFile(file: string, now = Date.now()): Promise<StoredSigningKey[]> {
  const content = await readOrCreateFileAsync(file, async () =>
    JSON.stringify({ keys: [await generateSigningKey(now)] } satisfies KeyFile),
  );
  return parseSigningKeys(file, content.toString('utf8'));
}

/** Reads `file` if there is one, creating nothing (`gatehouse keys list --api`). */
export function readExistingSigningKeyFile(file: string): StoredSigningKey[] | undefined {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseSigningKeys(file, content.toString('utf8'));
}

/** The keys of a key document (`{"keys":[…]}`), from a file or a sealed row named `where`. */
export function parseSigningKeys(where: string, content: string): StoredSigningKey[] {
  const parsed = JSON.parse(content) as KeyFile;
  if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) {
    throw new Error(`${where} holds no signing key`);
  }
  return parsed.keys;
}

/** The key document of `keys`, as stored. */
export function serializeSigningKeys(keys: StoredSigningKey[]): string {
  return JSON.stringify({ keys } satisfies KeyFile);
}

/** Replaces the key file atomically. */
export function writeSigningKeyFile(file: string, keys: StoredSigningKey[]): void {
  writePrivateFile(file, serializeSigningKeys(keys));
}
