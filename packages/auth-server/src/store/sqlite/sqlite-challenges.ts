import type { SqliteDatabase } from '@gatehouse/common';
import type { ChallengeStore } from '../auth-store.js';

/** {@link ChallengeStore} on SQLite: one row per key, taken with one statement (so a challenge is used once). */
export class SqliteChallengeStore implements ChallengeStore {
  readonly #put;
  readonly #take;
  readonly #sweep;

  constructor(db: SqliteDatabase) {
    this.#put = db.prepare<[string, string, number]>(
      `INSERT INTO challenges (key, challenge, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET challenge = excluded.challenge, expires_at = excluded.expires_at`,
    );
    // Deleted whether expired or not: an expired challenge is as spent as a used one.
    this.#take = db.prepare<[string], { challenge: string; expires_at: number }>(
      'DELETE FROM challenges WHERE key = ? RETURNING challenge, expires_at',
    );
    this.#sweep = db.prepare<[number]>('DELETE FROM challenges WHERE expires_at <= ?');
  }

  async put(key: string, challenge: string, expiresAt: number): Promise<void> {
    this.#put.run(key, challenge, expiresAt);
  }

  async take(key: string, now: number): Promise<string | undefined> {
    const row = this.#take.get(key);
    return row && row.expires_at > now ? row.challenge : undefined;
  }

  async sweep(now: number): Promise<void> {
    this.#sweep.run(now);
  }
}
