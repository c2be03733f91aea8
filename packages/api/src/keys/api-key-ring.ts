import { statSync } from 'node:fs';
import { type CryptoKey, importJWK, type JWK } from 'jose';
import {
  keyUsableUntil,
  readSigningKeys,
  type StoredSigningKey,
  signingKeyFile,
} from './signing-key-file.js';

/** A verification key ready for use, imported once. */
export interface VerificationKey {
  kid: string;
  alg: string;
  key: CryptoKey;
  /** Epoch ms after which the key is no longer published nor accepted (infinite while current). */
  usableUntil: number;
}

/**
 * The API's keys in memory: the current signing key, a `kid` → public key map for verification (a map lookup
 * only: a `kid` is never a path or URL, RFC 8725 3.10), and the public JWKS. `reload()` re-reads the file when
 * it changed on disk (a rotation by the CLI). A retired key leaves both the JWKS and verification once every
 * token it can have signed has expired (retired_at + the longest access-token lifetime + skew), judged on the
 * injectable clock at each lookup, so the drop waits for neither the next rotation nor a poll.
 */
export class ApiKeyRing {
  #dataDir: string;
  readonly #now: () => number;
  #mtimeMs = -1;
  #signing: { kid: string; alg: string; key: CryptoKey } | undefined;
  #verification = new Map<string, VerificationKey>();
  #published: { jwk: JWK; usableUntil: number }[] = [];

  private constructor(dataDir: string, now: () => number) {
    this.#dataDir = dataDir;
    this.#now = now;
  }

  /** Loads (creating if needed) the keys from DATA_DIR; `now` (epoch ms) decides when a retired key is gone. */
  static async open(dataDir: string, now: () => number = Date.now): Promise<ApiKeyRing> {
    const ring = new ApiKeyRing(dataDir, now);
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
    const published: { jwk: JWK; usableUntil: number }[] = [];
    let signing: ApiKeyRing['signing'] | undefined;
    for (const entry of stored) {
      const { d: _d, ...publicJwk } = entry.private_jwk;
      const publicKey = (await importJWK(publicJwk, entry.alg)) as CryptoKey;
      const usableUntil = keyUsableUntil(entry);
      verification.set(entry.kid, { kid: entry.kid, alg: entry.alg, key: publicKey, usableUntil });
      published.push({ jwk: { ...publicJwk, kid: entry.kid, alg: entry.alg, use: 'sig' }, usableUntil });
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
    this.#published = published;
  }

  /** The key new tokens are signed with. */
  get signing(): { kid: string; alg: string; key: CryptoKey } {
    if (this.#signing === undefined) throw new Error('key ring not loaded');
    return this.#signing;
  }

  /** The verification key for `kid`, if it is one of ours. */
  verificationKey(kid: string): VerificationKey | undefined {
    const key = this.#verification.get(kid);
    return key !== undefined && this.#now() < key.usableUntil ? key : undefined;
  }

  /** The public JWKS served at /.well-known/jwks.json: the current key and retired keys still usable. */
  get jwks(): { keys: JWK[] } {
    const now = this.#now();
    return { keys: this.#published.filter((entry) => now < entry.usableUntil).map((entry) => entry.jwk) };
  }
}
