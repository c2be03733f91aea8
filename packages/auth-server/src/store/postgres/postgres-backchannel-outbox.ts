import type { PostgresPool } from '@gatehouse/common';
import type { BackchannelNotice, BackchannelOutbox } from '../auth-store.js';
import { NOTICE_COLUMNS, type NoticeRow, noticesInOrder } from '../backchannel-notice-row.js';

/** {@link BackchannelOutbox} on PostgreSQL (rows written by {@link PostgresAccountSessions}). */
export class PostgresBackchannelOutbox implements BackchannelOutbox {
  readonly #pool: PostgresPool;

  constructor(pool: PostgresPool) {
    this.#pool = pool;
  }

  async claimDue(now: number, leaseSeconds: number, limit: number): Promise<BackchannelNotice[]> {
    // One statement, rows locked by another process's claim skipped (not waited for): two processes polling at
    // once never lease the same notice, so none is delivered twice. A row leased meanwhile is re-checked under
    // its lock and no longer due.
    const { rows } = await this.#pool.query<NoticeRow>(
      `UPDATE auth_backchannel_outbox SET next_attempt_at = $2
       WHERE id IN (SELECT id FROM auth_backchannel_outbox WHERE next_attempt_at <= $1
                    ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING ${NOTICE_COLUMNS}`,
      [now, now + leaseSeconds, limit],
    );
    return noticesInOrder(rows);
  }

  async remove(id: number): Promise<void> {
    await this.#pool.query('DELETE FROM auth_backchannel_outbox WHERE id = $1', [id]);
  }

  async retryAt(id: number, attempts: number, nextAttemptAt: number): Promise<void> {
    await this.#pool.query(
      'UPDATE auth_backchannel_outbox SET attempts = $1, next_attempt_at = $2 WHERE id = $3',
      [attempts, nextAttemptAt, id],
    );
  }

  async pending(): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>(
      'SELECT count(*) AS n FROM auth_backchannel_outbox',
    );
    return rows[0]?.n ?? 0;
  }
}
