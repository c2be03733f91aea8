import type { AuthStore, SigningKeyRecord } from '../store/auth-store.js';
import { generateSigningKey } from './generate-signing-key.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './signing-algorithms.js';

/** A key as `gatehouse keys list` shows it. */
export interface SigningKeyInfo {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly createdAt: number;
  readonly retiredAt: number | null;
  /** active: signs new tokens; published: retired but still in JWKS for tokens it signed. */
  readonly status: 'active' | 'published';
}

/**
 * Makes sure every algorithm has an active key (first start) and drops retired keys whose tokens have all
 * expired (`retiredAt + keepSeconds` passed), so JWKS keeps a rotated-out key exactly as long as needed.
 * Returns the private JWKS for oidc-provider, active keys first: oidc-provider signs with the first key of the
 * algorithm it finds (lib/helpers/keystore.js selectForSign filters then stable-sorts by score).
 */
export async function loadSigningKeys(
  store: AuthStore,
  now: number,
  keepSeconds: number,
): Promise<{ keys: Record<string, unknown>[] }> {
  let records = await store.keys.list();
  const missing = SIGNING_ALGORITHMS.filter(
    (alg) => !records.some((key) => key.alg === alg && key.retiredAt === null),
  );
  // addFirst: processes starting together on an empty store (several auth servers on one database) make one
  // key per algorithm between them, not one each.
  for (const alg of missing) await store.keys.addFirst({ ...generateSigningKey(alg), alg, createdAt: now });
  // Read again only when keys were missing: another process may have added them meanwhile.
  if (missing.length > 0) records = await store.keys.list();
  const expired = records.filter((key) => key.retiredAt !== null && key.retiredAt + keepSeconds <= now);
  for (const key of expired) await store.keys.remove(key.kid);
  records = records.filter((key) => !expired.includes(key));
  return { keys: orderForSigning(records).map((key) => ({ ...key.privateJwk })) };
}

/**
 * Adds a new active key for each algorithm (or only `alg`); the previous ones stay published until tokens
 * they signed have expired. A running server picks the new keys up at its next start.
 */
export async function rotateSigningKeys(
  store: AuthStore,
  now: number,
  alg?: SigningAlgorithm,
): Promise<string[]> {
  const kids: string[] = [];
  for (const each of alg ? [alg] : SIGNING_ALGORITHMS) {
    const key = generateSigningKey(each);
    await store.keys.addActive({ ...key, alg: each, createdAt: now });
    kids.push(key.kid);
  }
  return kids;
}

/** Every stored key with its status, active first. */
export async function listSigningKeys(store: AuthStore): Promise<SigningKeyInfo[]> {
  return orderForSigning(await store.keys.list()).map((key) => ({
    kid: key.kid,
    alg: key.alg,
    createdAt: key.createdAt,
    retiredAt: key.retiredAt,
    status: key.retiredAt === null ? 'active' : 'published',
  }));
}

function orderForSigning(records: readonly SigningKeyRecord[]): SigningKeyRecord[] {
  // Active before retired; among each, newest first (list() already returns newest first; sort is stable).
  return [...records].sort((a, b) => Number(a.retiredAt !== null) - Number(b.retiredAt !== null));
}
