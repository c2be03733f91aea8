import type { SqliteDatabase } from '@gatehouse/common';
import type { BackchannelNotice, BackchannelOutbox } from '../auth-store.js';
import { NOTICE_COLUMNS, type NoticeRow, noticesInOrder } from '../backchannel-notice-row.js';

/** {@link BackchannelOutbox} on SQLite (rows written by {@link SqliteAccountSessions}). */
export class SqliteBackchannelOutbox implements BackchannelOutbox {
  readonly #anyDue;
  readonly #claim;
  readonly #remove;
  readonly #retry;
  readonly #count;

  constructor(db: SqliteDatabase) {
    this.#anyDue = db.prepare<[number], { id: number }>(
      'SELECT id FROM backchannel_outbox WHERE next_attempt_at <= ? LIMIT 1',
    );
    // One statement: two processes polling at once never claim the same notice.
    this.#claim = db.prepare<{ now: number; lease: number; limit: number }, NoticeRow>(
      `UPDATE backchannel_outbox SET next_attempt_at = @lease
       WHERE id IN (SELECT id FROM backchannel_outbox WHERE next_attempt_at <= @now ORDER BY id LIMIT @limit)
       RETURNING ${NOTICE_COLUMNS}`,
    );
    this.#remove = db.prepare<[number]>('DELETE FROM backchannel_outbox WHERE id = ?');
    this.#retry = db.prepare<[number, number, number]>(
      'UPDATE backchannel_outbox SET attempts = ?, next_attempt_at = ? WHERE id = ?',
    );
    this.#count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM backchannel_outbox');
  }

  async claimDue(now: number, leaseSeconds: number, limit: number): Promise<BackchannelNotice[]> {
    // Polled several times a second: a read while nothing is due, a write only when something is.
    if (this.#anyDue.get(now) === undefined) return [];
    return noticesInOrder(this.#claim.all({ now, lease: now + leaseSeconds, limit }));
  }

  async remove(id: number): Promise<void> {
    this.#remove.run(id);
  }

  async retryAt(id: number, attempts: number, nextAttemptAt: number): Promise<void> {
    this.#retry.run(attempts, nextAttemptAt, id);
  }

  async pending(): Promise<number> {
    return this.#count.get()?.n ?? 0;
  }
}
