import { importJWK, type JWK } from 'jose';

/** The key type (and curves) each ID-token algorithm needs (RFC 7518 3, RFC 8037 3.1, RFC 9864). */
const KEY_FOR_ALG: Readonly<Record<string, { kty: string; crv?: readonly string[] }>> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: ['P-256'] },
  ES384: { kty: 'EC', crv: ['P-384'] },
  ES512: { kty: 'EC', crv: ['P-521'] },
  EdDSA: { kty: 'OKP', crv: ['Ed25519', 'Ed448'] },
  Ed25519: { kty: 'OKP', crv: ['Ed25519'] },
};

/**
 * True when `jwk` can verify a signature made with `alg`: the right key type and curve, meant for signatures
 * (`use` absent or `sig`, `key_ops` absent or with `verify`), `alg` absent or equal, and importable as such.
 */
export async function keyUsableFor(alg: string, jwk: unknown): Promise<boolean> {
  const wanted = KEY_FOR_ALG[alg];
  if (wanted === undefined || typeof jwk !== 'object' || jwk === null) return false;
  const key = jwk as JWK;
  if (key.kty !== wanted.kty) return false;
  if (wanted.crv !== undefined && !wanted.crv.includes(String(key.crv))) return false;
  if (key.use !== undefined && key.use !== 'sig') return false;
  if (key.key_ops !== undefined && !(Array.isArray(key.key_ops) && key.key_ops.includes('verify')))
    return false;
  if (key.alg !== undefined && key.alg !== alg) return false;
  try {
    await importJWK({ ...key, ext: true }, alg);
    return true;
  } catch {
    return false;
  }
}
