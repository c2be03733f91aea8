import type { PostgresPool } from '@gatehouse/common';
import type { ThrottleQuery, ThrottleReading, ThrottleRecord, ThrottleStore } from '../auth-store.js';

interface ThrottleRow {
  key: string;
  failures: number;
  last_failure_at: number;
  expires_at: number | null;
}

/**
 * {@link ThrottleStore} on PostgreSQL. Each counter moves in one statement (`INSERT … ON CONFLICT DO UPDATE`
 * locks the row), so failures recorded at once by several processes are all counted, and two processes cannot
 * both take the last request of a rate-limit window.
 */
export class PostgresThrottleStore implements ThrottleStore {
  readonly #pool: PostgresPool;

  constructor(pool: PostgresPool) {
    this.#pool = pool;
  }

  async get(key: string): Promise<ThrottleRecord | undefined> {
    const { rows } = await this.#pool.query<ThrottleRow>('SELECT * FROM auth_throttle WHERE key = $1', [key]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async recordFailure(key: string, now: number, resetAfter: number): Promise<ThrottleRecord> {
    const { rows } = await this.#pool.query<ThrottleRow>(
      `INSERT INTO auth_throttle (key, failures, last_failure_at) VALUES ($1, 1, $2)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN auth_throttle.last_failure_at < $3 THEN 1 ELSE auth_throttle.failures + 1 END,
         last_failure_at = $2
       RETURNING *`,
      [key, now, now - resetAfter],
    );
    if (!rows[0]) throw new Error('throttle counter was not written');
    return toRecord(rows[0]);
  }

  async clear(key: string): Promise<void> {
    await this.#pool.query('DELETE FROM auth_throttle WHERE key = $1', [key]);
  }

  async mark(key: string, expiresAt: number): Promise<void> {
    await this.#pool.query(
      `INSERT INTO auth_throttle (key, failures, last_failure_at, expires_at) VALUES ($1, 0, 0, $2)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at`,
      [key, expiresAt],
    );
  }

  async isMarked(key: string, now: number): Promise<boolean> {
    const result = await this.#pool.query('SELECT 1 FROM auth_throttle WHERE key = $1 AND expires_at > $2', [
      key,
      now,
    ]);
    return result.rowCount === 1;
  }

  async takeFromWindow(
    key: string,
    now: number,
    windowSeconds: number,
    limit: number,
  ): Promise<{ allowed: boolean; count: number; resetAt: number }> {
    // failures = requests taken, expires_at = when the window ends. When the window is full the WHERE updates
    // nothing and no row comes back: a refusal writes nothing (a flood costs no disk).
    const { rows } = await this.#pool.query<{ failures: number; expires_at: number }>(
      `INSERT INTO auth_throttle (key, failures, last_failure_at, expires_at) VALUES ($1, 1, $2, $2 + $3::bigint)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN auth_throttle.expires_at > $2 THEN auth_throttle.failures + 1 ELSE 1 END,
         last_failure_at = $2,
         expires_at = CASE WHEN auth_throttle.expires_at > $2 THEN auth_throttle.expires_at ELSE $2 + $3::bigint END
       WHERE NOT (auth_throttle.expires_at > $2 AND auth_throttle.failures >= $4)
       RETURNING failures, expires_at`,
      [key, now, windowSeconds, limit],
    );
    const taken = rows[0];
    if (taken) return { allowed: true, count: taken.failures, resetAt: taken.expires_at };
    const after = await this.#pool.query<ThrottleRow>('SELECT * FROM auth_throttle WHERE key = $1', [key]);
    return {
      allowed: false,
      count: after.rows[0]?.failures ?? limit,
      resetAt: after.rows[0]?.expires_at ?? now + windowSeconds,
    };
  }

  async holdInFlight(
    holder: string,
    keys: readonly string[],
    now: number,
    expiresAt: number,
  ): Promise<number[]> {
    // Two statements, each committed before the next: of two attempts on two processes, whichever counts last
    // counts the other's reservation, already committed (one statement would count from a snapshot taken before
    // the other's insert, and both could see none).
    await this.#pool.query(
      'INSERT INTO auth_in_flight (holder, key, expires_at) SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING',
      [holder, [...keys], expiresAt],
    );
    return this.#count(keys, now, holder);
  }

  async countInFlight(keys: readonly string[], now: number): Promise<number[]> {
    return this.#count(keys, now, '');
  }

  async takeInFlight(holder: string, keys: readonly string[], expiresAt: number): Promise<void> {
    await this.#pool.query({
      name: 'auth-throttle-take-in-flight',
      text: 'INSERT INTO auth_in_flight (holder, key, expires_at) SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING',
      values: [holder, [...keys], expiresAt],
    });
  }

  async readThrottle(query: ThrottleQuery, now: number): Promise<ThrottleReading> {
    // One statement, one snapshot, one round trip (it was six): taken after the caller's reservation committed,
    // so it counts every reservation committed before, on any process (as holdInFlight's second statement).
    const { rows } = await this.#pool.query<{
      kind: 'f' | 'c' | 'm';
      key: string;
      n: number;
      failures: number | null;
      last_failure_at: number | null;
    }>({
      name: 'auth-throttle-read',
      text: `SELECT 'f' AS kind, k.key, (SELECT count(*) FROM auth_in_flight f
                 WHERE f.key = k.key AND f.expires_at > $2 AND f.holder <> $3) AS n,
               NULL::bigint AS failures, NULL::bigint AS last_failure_at
             FROM unnest($1::text[]) AS k(key)
             UNION ALL
             SELECT 'c', t.key, 0, t.failures::bigint, t.last_failure_at::bigint FROM auth_throttle t
             WHERE t.key = ANY($4::text[])
             UNION ALL
             SELECT 'm', t.key, 0, NULL, NULL FROM auth_throttle t WHERE t.key = $5 AND t.expires_at > $2`,
      values: [[...query.inFlight], now, query.holder, [...query.counters], query.marker ?? null],
    });
    const inFlight = new Map<string, number>();
    const counters = new Map<string, ThrottleRecord>();
    let marked = false;
    for (const row of rows) {
      if (row.kind === 'f') inFlight.set(row.key, row.n);
      else if (row.kind === 'm') marked = true;
      else
        counters.set(row.key, {
          key: row.key,
          failures: row.failures ?? 0,
          lastFailureAt: row.last_failure_at ?? 0,
        });
    }
    return {
      inFlight: query.inFlight.map((key) => inFlight.get(key) ?? 0),
      counters: query.counters.map((key) => counters.get(key)),
      marked,
    };
  }

  async settle(clear: readonly string[], mark?: { key: string; expiresAt: number }): Promise<void> {
    // One statement (three before). The marker's key is never one of those cleared (`known:` against `pair:` and
    // `account:`), so the two parts touch different rows.
    await this.#pool.query({
      name: 'auth-throttle-settle',
      text: `WITH cleared AS (DELETE FROM auth_throttle WHERE key = ANY($1::text[]))
             INSERT INTO auth_throttle (key, failures, last_failure_at, expires_at)
             SELECT $2::text, 0, 0, $3::bigint WHERE $2::text IS NOT NULL
             ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at`,
      values: [[...clear], mark?.key ?? null, mark?.expiresAt ?? null],
    });
  }

  async releaseInFlight(holder: string): Promise<void> {
    await this.#pool.query('DELETE FROM auth_in_flight WHERE holder = $1', [holder]);
  }

  async sweep(now: number, idleSince: number): Promise<void> {
    await this.#pool.query(
      'DELETE FROM auth_throttle WHERE (expires_at IS NULL AND last_failure_at < $1) OR expires_at < $2',
      [idleSince, now],
    );
    await this.#pool.query('DELETE FROM auth_in_flight WHERE expires_at <= $1', [now]);
  }

  async secondFactorFailures(userId: string): Promise<ThrottleRecord | undefined> {
    const { rows } = await this.#pool.query<SecondFactorRow>(
      'SELECT * FROM auth_second_factor_failures WHERE user_id = $1',
      [userId],
    );
    return rows[0] ? fromSecondFactorRow(rows[0]) : undefined;
  }

  async recordSecondFactorFailure(userId: string, now: number): Promise<ThrottleRecord> {
    const { rows } = await this.#pool.query<SecondFactorRow>(
      `INSERT INTO auth_second_factor_failures (user_id, failures, last_failure_at) VALUES ($1, 1, $2)
       ON CONFLICT (user_id) DO UPDATE SET failures = auth_second_factor_failures.failures + 1, last_failure_at = $2
       RETURNING *`,
      [userId, now],
    );
    if (!rows[0]) throw new Error('second-factor counter was not written');
    return fromSecondFactorRow(rows[0]);
  }

  async clearSecondFactorFailures(userId: string): Promise<void> {
    await this.#pool.query('DELETE FROM auth_second_factor_failures WHERE user_id = $1', [userId]);
  }

  async #count(keys: readonly string[], now: number, holder: string): Promise<number[]> {
    const { rows } = await this.#pool.query<{ key: string; n: number }>(
      `SELECT key, count(*) AS n FROM auth_in_flight
       WHERE key = ANY($1::text[]) AND expires_at > $2 AND holder <> $3 GROUP BY key`,
      [[...keys], now, holder],
    );
    const counts = new Map(rows.map((row) => [row.key, row.n]));
    return keys.map((key) => counts.get(key) ?? 0);
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
