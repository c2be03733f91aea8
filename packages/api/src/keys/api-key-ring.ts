import { statSync } from 'node:fs';
import { type CryptoKey, importJWK, type JWK } from 'jose';
import { readSigningKeys, type StoredSigningKey, signingKeyFile } from './signing-key-file.js';

/** A verification key ready for use, imported once. */
export interface VerificationKey {
  kid: string;
  alg: string;
  key: CryptoKey;
}

/**
 * The API's keys in memory: the current signing key, a `kid` → public key map for verification (a map lookup
 * only: a `kid` is never a path or URL, RFC 8725 3.10), and the public JWKS. `reload()` re-reads the file when
 * it changed on disk (a rotation by the CLI).
 */
export class ApiKeyRing {
  #dataDir: string;
  #mtimeMs = -1;
  #signing: { kid: string; alg: string; key: CryptoKey } | undefined;
  #verification = new Map<string, VerificationKey>();
  #jwks: { keys: JWK[] } = { keys: [] };

  private constructor(dataDir: string) {
    this.#dataDir = dataDir;
  }

  /** Loads (creating if needed) the keys from DATA_DIR. */
  static async open(dataDir: string): Promise<ApiKeyRing> {
    const ring = new ApiKeyRing(dataDir);
    await ring.reload();
    return ring;
  }

  /** Re-reads the key file if its modification time changed. */
  async reload(): Promise<void> {
    let mtimeMs = -1;
    try {
      mtimeMs = statSync(signingKeyFile(this.#dataDir)).mtimeMs;
    } catch {
      mtimeMs = -1;
    }
    if (mtimeMs !== -1 && mtimeMs === this.#mtimeMs) return;
    const stored = await readSigningKeys(this.#dataDir);
    await this.#install(stored);
    this.#mtimeMs = statSync(signingKeyFile(this.#dataDir)).mtimeMs;
  }

  async #install(stored: StoredSigningKey[]): Promise<void> {
    const verification = new Map<string, VerificationKey>();
    const publicJwks: JWK[] = [];
    let signing: ApiKeyRing['signing'] | undefined;
    for (const entry of stored) {
      const { d: _d, ...publicJwk } = entry.private_jwk;
      const publicKey = (await importJWK(publicJwk, entry.alg)) as CryptoKey;
      verification.set(entry.kid, { kid: entry.kid, alg: entry.alg, key: publicKey });
      publicJwks.push({ ...publicJwk, kid: entry.kid, alg: entry.alg, use: 'sig' });
      if (entry.retired_at === null) {
        signing = {
          kid: entry.kid,
          alg: entry.alg,
          key: (await importJWK(entry.private_jwk, entry.alg)) as CryptoKey,
        };
      }
    }
    if (signing === undefined) throw new Error('the API signing key file has no current key');
    this.#signing = signing;
    this.#verification = verification;
    this.#jwks = { keys: publicJwks };
  }

  /** The key new tokens are signed with. */
  get signing(): { kid: string; alg: string; key: CryptoKey } {
    if (this.#signing === undefined) throw new Error('key ring not loaded');
    return this.#signing;
  }

  /** The verification key for `kid`, if it is one of ours. */
  verificationKey(kid: string): VerificationKey | undefined {
    return this.#verification.get(kid);
  }

  /** The public JWKS served at /.well-known/jwks.json. */
  get jwks(): { keys: JWK[] } {
    return this.#jwks;
  }
}
