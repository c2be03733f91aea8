import type { Logger } from '@gatehouse/common';
import { type CryptoKey, importJWK, type JWK, type JWSHeaderParameters } from 'jose';
import type { ProviderFetch } from './provider-fetch.js';

/** Minimum time between two JWKS fetches triggered by an unknown `kid`. */
export const JWKS_COOLDOWN_MS = 30_000;

/**
 * Longest a fetched key set is used without asking the provider again, so that a key it withdrew (rotated out,
 * or compromised) stops verifying ID and logout tokens within minutes rather than at the next restart.
 */
export const JWKS_MAX_AGE_MS = 10 * 60 * 1000;

const KTY_BY_ALG_PREFIX: Record<string, string> = { RS: 'RSA', PS: 'RSA', ES: 'EC', Ed: 'OKP' };

/**
 * The provider's signing keys (its `jwks_uri`), cached. An unknown `kid` triggers one refetch, so a key the
 * provider rotated in is accepted; a flood of unknown `kid`s causes at most one refetch per cool-down
 * (docs/security.md 11). A set older than {@link JWKS_MAX_AGE_MS} is refetched before a key is chosen, so a key the
 * provider withdrew is dropped; if that refetch fails the old set is kept (and the failure logged), since the
 * provider being down is no reason to refuse every sign-in. The clock is injectable so the cool-down and the
 * maximum age are testable without waiting.
 */
export class ProviderJwks {
  readonly #uri: string;
  readonly #http: ProviderFetch;
  readonly #now: () => number;
  readonly #cooldownMs: number;
  readonly #maxAgeMs: number;
  readonly #logger: Pick<Logger, 'warn'> | undefined;
  #keys: JWK[] = [];
  /** When the last fetch started: the cool-down counts attempts, so a failing JWKS endpoint is not hammered. */
  #fetchedAt = Number.NEGATIVE_INFINITY;
  /** When the key set in use was fetched: its age, for the maximum age. */
  #loadedAt = Number.NEGATIVE_INFINITY;
  #pending: Promise<void> | undefined;
  readonly #imported = new Map<string, CryptoKey>();

  /** `fetch` bounds each call in time and size ({@link createProviderFetch}). */
  constructor(options: {
    uri: string;
    fetch: ProviderFetch;
    now?: () => number;
    cooldownMs?: number;
    maxAgeMs?: number;
    /** Told when a refetch of a stale set fails and the old keys stay in use. */
    logger?: Pick<Logger, 'warn'>;
  }) {
    this.#uri = options.uri;
    this.#http = options.fetch;
    this.#now = options.now ?? Date.now;
    this.#cooldownMs = options.cooldownMs ?? JWKS_COOLDOWN_MS;
    this.#maxAgeMs = options.maxAgeMs ?? JWKS_MAX_AGE_MS;
    this.#logger = options.logger;
  }

  /** A key resolver for jose's `jwtVerify`: only keys from the provider's JWKS, matched by `kid` and `alg`. */
  readonly resolve = async (header: JWSHeaderParameters): Promise<CryptoKey> => {
    // A fetch under way (started by a concurrent callback) is awaited, never read half-done. With no key set
    // yet (first use), one is fetched now; after a failed or empty fetch, no more often than the cool-down
    // allows, like an unknown kid (docs/security.md 11): a failing JWKS endpoint is not hammered once per callback.
    if (this.#pending !== undefined) await this.#pending.catch(() => undefined);
    const coolDownOver = () => this.#now() - this.#fetchedAt >= this.#cooldownMs;
    if (this.#keys.length === 0 && coolDownOver()) await this.#refresh();
    else if (this.#now() - this.#loadedAt >= this.#maxAgeMs && coolDownOver()) await this.#refreshStale();
    let jwk = this.#select(header);
    if (jwk === undefined && coolDownOver()) {
      await this.#refresh();
      jwk = this.#select(header);
    }
    if (jwk === undefined)
      throw new Error(`no key in the provider JWKS for kid ${JSON.stringify(header.kid)}`);
    const cacheKey = `${header.alg}:${JSON.stringify(jwk)}`;
    let key = this.#imported.get(cacheKey);
    if (key === undefined) {
      key = (await importJWK(jwk, header.alg)) as CryptoKey;
      this.#imported.set(cacheKey, key);
    }
    return key;
  };

  #select(header: JWSHeaderParameters): JWK | undefined {
    const kty = KTY_BY_ALG_PREFIX[(header.alg ?? '').slice(0, 2)];
    const candidates = this.#keys.filter(
      (jwk) =>
        jwk.kty === kty &&
        (header.kid === undefined || jwk.kid === header.kid) &&
        (jwk.alg === undefined || jwk.alg === header.alg) &&
        (jwk.use === undefined || jwk.use === 'sig'),
    );
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  #refresh(): Promise<void> {
    // Concurrent callers share one fetch.
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Refetches a set past its maximum age; on failure keeps it (retried once the cool-down is over). */
  async #refreshStale(): Promise<void> {
    const age = this.#now() - this.#loadedAt;
    await this.#refresh().catch((error: unknown) => {
      this.#logger?.warn(
        { jwksUri: this.#uri, ageMs: age, reason: error instanceof Error ? error.message : String(error) },
        'provider JWKS refetch failed; keeping the keys fetched before',
      );
    });
  }

  async #fetch(): Promise<void> {
    this.#fetchedAt = this.#now();
    const response = await this.#http(this.#uri, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`provider JWKS answered ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error('provider JWKS has no keys array');
    this.#keys = body.keys.filter((key): key is JWK => typeof key === 'object' && key !== null);
    this.#loadedAt = this.#fetchedAt;
    this.#imported.clear();
  }
}
