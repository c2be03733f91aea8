import type { ApiStore } from '../store/api-store.js';

/**
 * The ids of revoked API sessions, in memory, so that every bearer request checks revocation without touching
 * the store. Filled from the store at start, updated on each revocation in this process, and by a cheap poll for
 * revocations made by another process (the CLI, a second instance).
 */
export class RevokedSessions {
  readonly #ids = new Map<string, number>();
  readonly #retentionMs: number;
  /** The store's revocation number read up to: each poll asks only for later commits. */
  #cursor = 0;

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

  /**
   * Loads revocations committed since the last poll (and forgets ids older than every live token). By commit
   * order, not by `revoked_at`: that is the revoker's clock, taken before a write that can wait up to the busy
   * timeout (5 s) for the lock, so a revocation may become visible after a poll that already looked past its
   * time (docs/architecture.md 10: revoked means refused at once, in every process). Retention (token life + 30 s) still
   * covers such a wait: a token minted while the revocation waited expires before its id is forgotten.
   */
  async poll(store: ApiStore, now: number): Promise<void> {
    const { cursor, sessions } = await store.revocationsAfter(this.#cursor, now - this.#retentionMs);
    this.#cursor = cursor;
    for (const { id, revokedAt } of sessions) this.#ids.set(id, revokedAt);
    for (const [id, revokedAt] of this.#ids) if (revokedAt < now - this.#retentionMs) this.#ids.delete(id);
  }
}
