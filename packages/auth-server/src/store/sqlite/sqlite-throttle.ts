import type { SqliteDatabase } from '@gatehouse/common';
import type { ThrottleQuery, ThrottleReading, ThrottleRecord, ThrottleStore } from '../auth-store.js';

/**
 * Clears one user's wrong-code count: a correct code (here), or an administrator's new password or TOTP secret
 * (SqliteUserStore, inside the same transaction as the change).
 */
export const CLEAR_SECOND_FACTOR_FAILURES = 'DELETE FROM second_factor_failures WHERE user_id = ?';

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
  readonly #secondFactorGet;
  readonly #secondFactorBump;
  readonly #secondFactorClear;
  readonly #takeFromWindow;
  readonly #holdInFlight;
  readonly #takeInFlight;
  readonly #settle;
  readonly #countInFlight;
  readonly #releaseInFlight;
  readonly #sweepInFlight;

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
    this.#secondFactorGet = db.prepare<[string], SecondFactorRow>(
      'SELECT * FROM second_factor_failures WHERE user_id = ?',
    );
    this.#secondFactorBump = db.prepare<{ user_id: string; now: number }, SecondFactorRow>(
      `INSERT INTO second_factor_failures (user_id, failures, last_failure_at) VALUES (@user_id, 1, @now)
       ON CONFLICT (user_id) DO UPDATE SET failures = failures + 1, last_failure_at = @now
       RETURNING *`,
    );
    this.#secondFactorClear = db.prepare<[string]>(CLEAR_SECOND_FACTOR_FAILURES);
    // A window row: failures = requests taken, expires_at = when the window ends (the sweep drops it then).
    // One statement, so two processes cannot both take the last request; when the window is full the WHERE
    // updates nothing and no row comes back: a refusal commits no change (a flood costs no disk).
    this.#takeFromWindow = db.prepare<
      { key: string; now: number; window: number; limit: number },
      { failures: number; expires_at: number }
    >(
      `INSERT INTO throttle (key, failures, last_failure_at, expires_at) VALUES (@key, 1, @now, @now + @window)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN throttle.expires_at > @now THEN throttle.failures + 1 ELSE 1 END,
         last_failure_at = @now,
         expires_at = CASE WHEN throttle.expires_at > @now THEN throttle.expires_at ELSE @now + @window END
       WHERE NOT (throttle.expires_at > @now AND throttle.failures >= @limit)
       RETURNING failures, expires_at`,
    );
    const insertInFlight = db.prepare<[string, string, number]>(
      'INSERT OR IGNORE INTO in_flight (holder, key, expires_at) VALUES (?, ?, ?)',
    );
    this.#countInFlight = db.prepare<[string, number, string], { n: number }>(
      'SELECT count(*) AS n FROM in_flight WHERE key = ? AND expires_at > ? AND holder <> ?',
    );
    this.#takeInFlight = db.transaction((holder: string, keys: readonly string[], expiresAt: number) => {
      for (const key of keys) insertInFlight.run(holder, key, expiresAt);
    });
    // One transaction (SQLite has one writer): attempts reserving at once are counted in the order they came.
    this.#holdInFlight = db.transaction(
      (holder: string, keys: readonly string[], now: number, expiresAt: number): number[] => {
        this.#takeInFlight(holder, keys, expiresAt);
        return keys.map((key) => this.#countInFlight.get(key, now, holder)?.n ?? 0);
      },
    );
    this.#settle = db.transaction(
      (clear: readonly string[], mark: { key: string; expiresAt: number } | undefined) => {
        for (const key of clear) this.#delete.run(key);
        if (mark !== undefined) this.#mark.run(mark.key, mark.expiresAt);
      },
    );
    this.#releaseInFlight = db.prepare<[string]>('DELETE FROM in_flight WHERE holder = ?');
    this.#sweepInFlight = db.prepare<[number]>('DELETE FROM in_flight WHERE expires_at <= ?');
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

  async takeFromWindow(
    key: string,
    now: number,
    windowSeconds: number,
    limit: number,
  ): Promise<{ allowed: boolean; count: number; resetAt: number }> {
    const taken = this.#takeFromWindow.get({ key, now, window: windowSeconds, limit });
    if (taken) return { allowed: true, count: taken.failures, resetAt: taken.expires_at };
    const after = this.#get.get(key);
    return {
      allowed: false,
      count: after?.failures ?? limit,
      resetAt: after?.expires_at ?? now + windowSeconds,
    };
  }

  async holdInFlight(
    holder: string,
    keys: readonly string[],
    now: number,
    expiresAt: number,
  ): Promise<number[]> {
    return this.#holdInFlight(holder, keys, now, expiresAt);
  }

  async countInFlight(keys: readonly string[], now: number): Promise<number[]> {
    return keys.map((key) => this.#countInFlight.get(key, now, '')?.n ?? 0);
  }

  async takeInFlight(holder: string, keys: readonly string[], expiresAt: number): Promise<void> {
    this.#takeInFlight(holder, keys, expiresAt);
  }

  async readThrottle(query: ThrottleQuery, now: number): Promise<ThrottleReading> {
    // Synchronous statements, nothing in between: as consistent as one statement, and as fast as before.
    return {
      inFlight: query.inFlight.map((key) => this.#countInFlight.get(key, now, query.holder)?.n ?? 0),
      counters: query.counters.map((key) => {
        const row = this.#get.get(key);
        return row ? toRecord(row) : undefined;
      }),
      marked: query.marker !== undefined && this.#marked.get(query.marker, now) !== undefined,
    };
  }

  async settle(clear: readonly string[], mark?: { key: string; expiresAt: number }): Promise<void> {
    this.#settle(clear, mark);
  }

  async releaseInFlight(holder: string): Promise<void> {
    this.#releaseInFlight.run(holder);
  }

  async sweep(now: number, idleSince: number): Promise<void> {
    this.#sweep.run(idleSince, now);
    this.#sweepInFlight.run(now);
  }

  async secondFactorFailures(userId: string): Promise<ThrottleRecord | undefined> {
    const row = this.#secondFactorGet.get(userId);
    return row ? fromSecondFactorRow(row) : undefined;
  }

  async recordSecondFactorFailure(userId: string, now: number): Promise<ThrottleRecord> {
    const row = this.#secondFactorBump.get({ user_id: userId, now });
    if (!row) throw new Error('second-factor counter was not written');
    return fromSecondFactorRow(row);
  }

  async clearSecondFactorFailures(userId: string): Promise<void> {
    this.#secondFactorClear.run(userId);
  }
}

interface SecondFactorRow {
  user_id: string;
  failures: number;
  last_failure_at: number;
}

function fromSecondFactorRow(row: SecondFactorRow): ThrottleRecord {
  return { key: row.user_id, failures: row.failures, lastFailureAt: row.last_failure_at };
}

function toRecord(row: ThrottleRow): ThrottleRecord {
  return { key: row.key, failures: row.failures, lastFailureAt: row.last_failure_at };
}
