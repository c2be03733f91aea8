import type { AccountEndReason, BackchannelNotice } from './auth-store.js';

/** A back-channel logout notice as both backends store it (`backchannel_outbox` / `auth_backchannel_outbox`). */
export interface NoticeRow {
  id: number;
  client_id: string;
  sub: string;
  sid: string;
  reason: string;
  attempts: number;
  created_at: number;
}

/** The columns a claim returns, in the order {@link noticesInOrder} expects. */
export const NOTICE_COLUMNS = 'id, client_id, sub, sid, reason, attempts, created_at';

/** Claimed rows as notices, oldest first (a claim's RETURNING gives no order). */
export function noticesInOrder(rows: NoticeRow[]): BackchannelNotice[] {
  return rows
    .sort((a, b) => a.id - b.id)
    .map((row) => ({
      id: row.id,
      clientId: row.client_id,
      sub: row.sub,
      sid: row.sid,
      reason: row.reason as AccountEndReason,
      attempts: row.attempts,
      createdAt: row.created_at,
    }));
}
