import type { ApiSession, SessionSummary } from './session-store.js';

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

/** A live session as `gatehouse sessions list` reads it, the same columns in both backends. */
export interface SummaryRow {
  id: string;
  sub: string;
  email: string | null;
  name: string | null;
  created_at: number;
  last_used_at: number;
  client_address: string | null;
  user_agent: string | null;
  expires_at: number;
}

/** The summary a row holds (PostgreSQL may hand computed bigints back as strings: read as numbers). */
export function toSummary(row: SummaryRow): SessionSummary {
  return {
    id: row.id,
    sub: row.sub,
    email: row.email,
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: Number(row.last_used_at),
    address: row.client_address,
    userAgent: row.user_agent,
    expiresAt: Number(row.expires_at),
  };
}
