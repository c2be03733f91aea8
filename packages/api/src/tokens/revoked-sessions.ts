import type { ApiStore } from '../store/api-store.js';

/**
 * The ids of revoked API sessions, in memory, so that every bearer request checks revocation without touching
 * the store. Filled from the store at start, updated on each revocation in this process, and by a cheap poll for
 * revocations made by another process (the CLI, a second instance).
 */
export class RevokedSessions {
  readonly #ids = new Map<string, number>();
  readonly #retentionMs: number;
  #polledUntil = 0;

  /** `retentionMs`: how long a revoked id must be remembered (the longest access-token lifetime). */
  constructor(retentionMs: number) {
    this.#retentionMs = retentionMs;
  }

  has(sessionId: string): boolean {
    return this.#ids.has(sessionId);
  }

  add(sessionId: string, revokedAt: number): void {
    this.#ids.set(sessionId, revokedAt);
  }

  /** Loads revocations newer than the last poll (and forgets ids older than every live token). */
  async poll(store: ApiStore, now: number): Promise<void> {
    const since = this.#polledUntil === 0 ? now - this.#retentionMs : this.#polledUntil - 1000;
    this.#polledUntil = now;
    for (const { id, revokedAt } of await store.revokedSessionsSince(since)) this.#ids.set(id, revokedAt);
    for (const [id, revokedAt] of this.#ids) if (revokedAt < now - this.#retentionMs) this.#ids.delete(id);
  }
}
