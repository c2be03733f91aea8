import { type CryptoKey, importJWK, type JWK } from 'jose';
import type { ApiKeyStore } from '../store/api-key-store.js';
import { type ApiKeySource, apiKeyStoreOf } from './rotate-api-signing-key.js';
import { keyUsableUntil, type StoredSigningKey } from './signing-key-file.js';

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
 * only: a `kid` is never a path or URL, RFC 8725 3.10), and the public JWKS. `reload()` re-reads the keys when
 * the store says they changed (a rotation by the CLI or another process: a file's mtime, a row's version). A retired key leaves both the JWKS and verification once every
 * token it can have signed has expired (retired_at + the longest access-token lifetime + skew), judged on the
 * injectable clock at each lookup, so the drop waits for neither the next rotation nor a poll.
 */
export class ApiKeyRing {
  readonly #store: ApiKeyStore;
  readonly #now: () => number;
  #version: string | undefined;
  #signing: { kid: string; alg: string; key: CryptoKey } | undefined;
  #verification = new Map<string, VerificationKey>();
  #published: { jwk: JWK; usableUntil: number }[] = [];

  private constructor(store: ApiKeyStore, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  /**
   * Loads (creating the first if there is none) the keys of a key store, or of a DATA_DIR's files; `now` (epoch
   * ms) decides when a retired key is gone.
   */
  static async open(source: ApiKeySource, now: () => number = Date.now): Promise<ApiKeyRing> {
    const ring = new ApiKeyRing(apiKeyStoreOf(source), now);
    await ring.reload();
    return ring;
  }

  /** Re-reads the keys if the store says they changed. */
  async reload(): Promise<void> {
    const version = await this.#store.signingKeysVersion();
    if (version === this.#version) return;
    await this.#install(await this.#store.signingKeys(this.#now()));
    // Read before the keys: a rotation between the two is seen at the next reload.
    this.#version = version;
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
