import type { ApiSession } from './session-store.js';

/** A session as both backends store it (`sessions` in SQLite, `api_sessions` in PostgreSQL: the same columns). */
export interface SessionRow {
  id: string;
  sub: string;
  provider_sid: string | null;
  id_token_sealed: string | null;
  scope: string | null;
  created_at: number;
  absolute_expires_at: number;
  idle_expires_at: number;
  refresh_generation: number;
  refresh_rotated_at: number;
  revoked_at: number | null;
  provider_checked_at: number;
}

/**
 * The generation just rotated away, presented again within the grace of its rotation (docs/security.md 38): one
 * rule for every backend, which only decides how to read and write it.
 */
export function withinGrace(session: SessionRow, generation: number, now: number, graceMs: number): boolean {
  return (
    graceMs > 0 &&
    generation === session.refresh_generation - 1 &&
    now >= session.refresh_rotated_at &&
    now - session.refresh_rotated_at <= graceMs
  );
}

/** The session a stored row holds. */
export function toSession(row: SessionRow): ApiSession {
  return {
    id: row.id,
    sub: row.sub,
    providerSid: row.provider_sid,
    idTokenSealed: row.id_token_sealed,
    scope: row.scope,
    createdAt: row.created_at,
    absoluteExpiresAt: row.absolute_expires_at,
    revokedAt: row.revoked_at,
    providerCheckedAt: row.provider_checked_at,
  };
}
