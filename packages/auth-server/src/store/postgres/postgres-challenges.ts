import type { PostgresPool } from '@gatehouse/common';
import type { ChallengeStore } from '../auth-store.js';
import type { ModelSealing } from './model-sealing.js';

/**
 * {@link ChallengeStore} on PostgreSQL: taken with one DELETE … RETURNING, so a challenge is used once. Keys name
 * an interaction or an `/account` session, values a browser holds in a cookie: they are stored as a keyed hash
 * ({@link ModelSealing.hash}), so a dump holds none of them (docs/security.md 40).
 */
export class PostgresChallengeStore implements ChallengeStore {
  readonly #pool: PostgresPool;
  readonly #sealing: ModelSealing;

  constructor(pool: PostgresPool, sealing: ModelSealing) {
    this.#pool = pool;
    this.#sealing = sealing;
  }

  async put(key: string, challenge: string, expiresAt: number): Promise<void> {
    await this.#pool.query(
      `INSERT INTO auth_challenges (key, challenge, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (key) DO UPDATE SET challenge = excluded.challenge, expires_at = excluded.expires_at`,
      [this.#hash(key), challenge, expiresAt],
    );
  }

  async take(key: string, now: number): Promise<string | undefined> {
    // Deleted whether expired or not: an expired challenge is as spent as a used one.
    const { rows } = await this.#pool.query<{ challenge: string; expires_at: number }>(
      'DELETE FROM auth_challenges WHERE key = $1 RETURNING challenge, expires_at',
      [this.#hash(key)],
    );
    const row = rows[0];
    return row && row.expires_at > now ? row.challenge : undefined;
  }

  #hash(key: string): string {
    return this.#sealing.hash('Challenge', 'id', key);
  }

  async sweep(now: number): Promise<void> {
    await this.#pool.query('DELETE FROM auth_challenges WHERE expires_at <= $1', [now]);
  }
}
