import type { SqliteDatabase } from '@gatehouse/common';
import type { ThrottleRecord, ThrottleStore } from '../auth-store.js';

interface ThrottleRow {
  key: string;
  failures: number;
  last_failure_at: number;
  expires_at: number | null;
}

/** {@link ThrottleStore} on SQLite: counters survive a restart, so restarting does not reset a brute force. */
export class SqliteThrottleStore implements ThrottleStore {
  readonly #get;
  readonly #bump;
  readonly #mark;
  readonly #marked;
  readonly #delete;
  readonly #sweep;

  constructor(db: SqliteDatabase) {
    this.#get = db.prepare<[string], ThrottleRow>('SELECT * FROM throttle WHERE key = ?');
    this.#bump = db.prepare<{ key: string; now: number; reset_before: number }, ThrottleRow>(
      `INSERT INTO throttle (key, failures, last_failure_at) VALUES (@key, 1, @now)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN throttle.last_failure_at < @reset_before THEN 1 ELSE throttle.failures + 1 END,
         last_failure_at = @now
       RETURNING *`,
    );
    this.#mark = db.prepare<[string, number]>(
      `INSERT INTO throttle (key, failures, last_failure_at, expires_at) VALUES (?, 0, 0, ?)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at`,
    );
    this.#marked = db.prepare<[string, number], { key: string }>(
      'SELECT key FROM throttle WHERE key = ? AND expires_at > ?',
    );
    this.#delete = db.prepare<[string]>('DELETE FROM throttle WHERE key = ?');
    this.#sweep = db.prepare<[number, number]>(
      'DELETE FROM throttle WHERE (expires_at IS NULL AND last_failure_at < ?) OR expires_at < ?',
    );
  }

  async get(key: string): Promise<ThrottleRecord | undefined> {
    const row = this.#get.get(key);
    return row ? toRecord(row) : undefined;
  }

  async recordFailure(key: string, now: number, resetAfter: number): Promise<ThrottleRecord> {
    const row = this.#bump.get({ key, now, reset_before: now - resetAfter });
    if (!row) throw new Error('throttle counter was not written');
    return toRecord(row);
  }

  async mark(key: string, expiresAt: number): Promise<void> {
    this.#mark.run(key, expiresAt);
  }

  async isMarked(key: string, now: number): Promise<boolean> {
    return this.#marked.get(key, now) !== undefined;
  }

  async clear(key: string): Promise<void> {
    this.#delete.run(key);
  }

  async sweep(now: number, idleSince: number): Promise<void> {
    this.#sweep.run(idleSince, now);
  }
}

function toRecord(row: ThrottleRow): ThrottleRecord {
  return { key: row.key, failures: row.failures, lastFailureAt: row.last_failure_at };
}
