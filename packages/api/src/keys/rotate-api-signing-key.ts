import { join } from 'node:path';
import type { ApiKeyStore } from '../store/api-key-store.js';
import { FileApiKeyStore } from '../store/sqlite/file-api-key-store.js';
import { generateSigningKey, keyUsableUntil } from './signing-key-file.js';

/** What {@link rotateApiSigningKey} and {@link listApiSigningKeys} report about a key (never the private part). */
export interface ApiSigningKeyInfo {
  kid: string;
  alg: string;
  /**
   * The auth server's words (`gatehouse keys list` says the same of both): active, it signs new tokens;
   * published, rotated out but still in the JWKS and verifying the tokens it signed; expired, no longer either
   * (dropped at the next rotation).
   */
  status: 'active' | 'published' | 'expired';
  created_at: string;
  retired_at: string | null;
}

/** Where the API's keys are: a key store (PostgreSQL), or a DATA_DIR whose `api` folder holds them as files. */
export type ApiKeySource = ApiKeyStore | string;

/** The key store of `source`. */
export function apiKeyStoreOf(source: ApiKeySource): ApiKeyStore {
  return typeof source === 'string' ? new FileApiKeyStore(join(source, 'api')) : source;
}

/**
 * Makes a new signing key current for the API's tokens (`gatehouse keys rotate --api`). The previous key is
 * retired but stays in the JWKS until every token it signed has expired (15 minutes at most); keys retired
 * longer ago are dropped. Every running API process picks the new key up within seconds.
 */
export async function rotateApiSigningKey(
  source: ApiKeySource,
  now = Date.now(),
): Promise<ApiSigningKeyInfo> {
  const next = await generateSigningKey(now);
  await apiKeyStoreOf(source).updateSigningKeys(async (keys) => {
    const kept = keys
      .map((key) => (key.retired_at === null ? { ...key, retired_at: now } : key))
      .filter((key) => now < keyUsableUntil(key));
    return [...kept, next];
  }, now);
  return describe(next, now);
}

/**
 * Lists the API's signing keys, the current one last; none before the API's first start. Listing creates
 * nothing: a key made here would be one no running API knows about yet.
 */
export async function listApiSigningKeys(
  source: ApiKeySource,
  now = Date.now(),
): Promise<ApiSigningKeyInfo[]> {
  return ((await apiKeyStoreOf(source).existingSigningKeys()) ?? []).map((key) => describe(key, now));
}

function describe(
  key: { kid: string; alg: string; created_at: number; retired_at: number | null },
  now: number,
): ApiSigningKeyInfo {
  return {
    kid: key.kid,
    alg: key.alg,
    status: key.retired_at === null ? 'active' : now < keyUsableUntil(key) ? 'published' : 'expired',
    created_at: new Date(key.created_at).toISOString(),
    retired_at: key.retired_at === null ? null : new Date(key.retired_at).toISOString(),
  };
}
