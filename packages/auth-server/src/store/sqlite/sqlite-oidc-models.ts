import type { SqliteDatabase } from '@gatehouse/common';
import type { AccountEndReason, OidcModelStore } from '../auth-store.js';
import { grantOf, REVOKED_GRANT_KEEP_SECONDS } from '../model-columns.js';
import type { SqliteAccountSessions } from './sqlite-account-sessions.js';

interface ModelRow {
  payload: string;
  consumed_at: number | null;
}

/**
 * {@link OidcModelStore} on SQLite: one table for every oidc-provider model, with the columns the adapter
 * looks rows up by (grant id, uid, user code) and the expiry the sweeper deletes by.
 */
export class SqliteOidcModelStore implements OidcModelStore {
  readonly #upsert;
  readonly #find;
  readonly #findByUid;
  readonly #findByUserCode;
  readonly #consume;
  readonly #destroy;
  readonly #revokeByGrantId;
  readonly #accountSessions: SqliteAccountSessions;
  readonly #sweep;
  readonly #revokeGrant;
  readonly #sweepRevoked;

  constructor(db: SqliteDatabase, accountSessions: SqliteAccountSessions) {
    this.#accountSessions = accountSessions;
    this.#upsert = db.prepare(
      `INSERT INTO oidc_models (model, id, payload, grant_id, uid, user_code, expires_at, consumed_at)
       VALUES (@model, @id, @payload, @grant_id, @uid, @user_code, @expires_at, NULL)
       ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
         uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`,
    );
    // A row is live until it expires, and while its grant has not been revoked (revokeGrant).
    const live = `(expires_at IS NULL OR expires_at > @now)
      AND (grant_id IS NULL OR grant_id NOT IN (SELECT grant_id FROM revoked_grants))`;
    this.#find = db.prepare<{ model: string; id: string; now: number }, ModelRow>(
      `SELECT payload, consumed_at FROM oidc_models WHERE model = @model AND id = @id AND ${live}`,
    );
    this.#findByUid = db.prepare<{ model: string; uid: string; now: number }, ModelRow>(
      `SELECT payload, consumed_at FROM oidc_models WHERE model = @model AND uid = @uid AND ${live}`,
    );
    this.#findByUserCode = db.prepare<{ model: string; user_code: string; now: number }, ModelRow>(
      `SELECT payload, consumed_at FROM oidc_models WHERE model = @model AND user_code = @user_code AND ${live}`,
    );
    this.#consume = db.prepare<[number, string, string]>(
      'UPDATE oidc_models SET consumed_at = ? WHERE model = ? AND id = ? AND consumed_at IS NULL',
    );
    this.#destroy = db.prepare<[string, string]>('DELETE FROM oidc_models WHERE model = ? AND id = ?');
    this.#revokeByGrantId = db.prepare<[string, string]>(
      'DELETE FROM oidc_models WHERE model = ? AND grant_id = ?',
    );
    this.#sweep = db.prepare<[number]>(
      'DELETE FROM oidc_models WHERE expires_at IS NOT NULL AND expires_at <= ?',
    );
    const mark = db.prepare<{ grant_id: string; keep: number }>(
      `INSERT INTO revoked_grants (grant_id, expires_at)
       SELECT @grant_id, max(@keep, coalesce(max(expires_at), 0)) FROM oidc_models WHERE grant_id = @grant_id
       ON CONFLICT (grant_id) DO UPDATE SET expires_at = max(revoked_grants.expires_at, excluded.expires_at)`,
    );
    const deleteGrant = db.prepare<[string]>('DELETE FROM oidc_models WHERE grant_id = ?');
    this.#revokeGrant = db.transaction((grantId: string, now: number) => {
      mark.run({ grant_id: grantId, keep: now + REVOKED_GRANT_KEEP_SECONDS });
      deleteGrant.run(grantId);
    });
    this.#sweepRevoked = db.prepare<[number]>('DELETE FROM revoked_grants WHERE expires_at <= ?');
  }

  async upsert(
    model: string,
    id: string,
    payload: Readonly<Record<string, unknown>>,
    expiresAt: number | null,
  ): Promise<void> {
    this.#upsert.run({
      model,
      id,
      payload: JSON.stringify(payload),
      grant_id: grantOf(model, id, payload),
      uid: stringOrNull(payload.uid),
      user_code: stringOrNull(payload.userCode),
      expires_at: expiresAt,
    });
  }

  async find(model: string, id: string, now: number): Promise<Record<string, unknown> | undefined> {
    return toPayload(this.#find.get({ model, id, now }));
  }

  async findByUid(model: string, uid: string, now: number): Promise<Record<string, unknown> | undefined> {
    return toPayload(this.#findByUid.get({ model, uid, now }));
  }

  async findByUserCode(
    model: string,
    userCode: string,
    now: number,
  ): Promise<Record<string, unknown> | undefined> {
    return toPayload(this.#findByUserCode.get({ model, user_code: userCode, now }));
  }

  async consume(model: string, id: string, now: number): Promise<boolean> {
    return this.#consume.run(now, model, id).changes === 1;
  }

  async destroy(model: string, id: string): Promise<void> {
    this.#destroy.run(model, id);
  }

  async revokeByGrantId(model: string, grantId: string): Promise<void> {
    this.#revokeByGrantId.run(model, grantId);
  }

  async revokeGrant(grantId: string, now: number): Promise<void> {
    this.#revokeGrant(grantId, now);
  }

  async revokeByAccountId(accountId: string, reason: AccountEndReason, now: number): Promise<number> {
    return this.#accountSessions.end(accountId, reason, now);
  }

  async sweepExpired(now: number): Promise<number> {
    this.#sweepRevoked.run(now);
    return this.#sweep.run(now).changes;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function toPayload(row: ModelRow | undefined): Record<string, unknown> | undefined {
  if (!row) return undefined;
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  // oidc-provider reads `consumed` to detect a reused authorization code or refresh token (RFC 9700 4.14.2).
  if (row.consumed_at !== null) payload.consumed = row.consumed_at;
  return payload;
}
