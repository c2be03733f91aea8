/** Revoked sessions read from the feed: the session id and when it was revoked (epoch ms, the revoker's clock). */
export interface RevokedSession {
  id: string;
  revokedAt: number;
}

/** What a process listening to the feed is told: each revocation as it commits, and when it may have missed some. */
export interface RevocationListener {
  revoked(session: RevokedSession): void;
  /**
   * The push connection was lost (and is back, or being retried): revocations committed meanwhile were not
   * pushed, so the listener reads the feed again with {@link RevocationFeed.revocationsAfter}.
   */
  resync(): void;
}

/**
 * Every process's revocations, to every process: logout, refresh reuse and back-channel logout on one API process
 * are refused by every other within a second (docs/security.md 39).
 */
export interface RevocationFeed {
  /**
   * Revocations committed since `cursor` was handed out (0: every one still kept), among those stamped at or
   * after `notBefore` (epoch ms), and the cursor to pass next time. The cursor is the backend's own (a commit
   * number on SQLite, the database clock with an overlap on PostgreSQL): a revocation committed after a read can
   * never fall behind its cursor for good. A revocation may come back more than once: readers are idempotent.
   */
  revocationsAfter(
    cursor: number,
    notBefore: number,
  ): Promise<{ cursor: number; sessions: RevokedSession[] }>;
  /**
   * Pushes revocations as they commit, where the backend can (PostgreSQL LISTEN/NOTIFY on a connection of its
   * own); absent where it cannot (SQLite: the poll alone). Returns how to stop listening.
   */
  watchRevocations?(listener: RevocationListener): () => Promise<void>;
}
