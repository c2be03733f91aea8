import type { PostgresPool } from '@gatehouse/common';
import type { AccountEndReason, OidcModelStore } from '../auth-store.js';
import { accountOf, grantOf, REVOKED_GRANT_KEEP_SECONDS } from '../model-columns.js';
import type { ModelSealing } from './model-sealing.js';
import type { PostgresAccountSessions } from './postgres-account-sessions.js';
import { inTransaction } from './postgres-queries.js';

interface ModelRow {
  id_hash: string;
  payload_sealed: string;
  consumed_at: number | null;
}

/** A row is live until it expires, and while its grant has not been revoked (see {@link OidcModelStore.revokeGrant}). */
const LIVE = `(m.expires_at IS NULL OR m.expires_at > $3)
  AND (m.grant_id IS NULL OR NOT EXISTS (SELECT 1 FROM auth_revoked_grants r WHERE r.grant_id = m.grant_id))`;

/**
 * {@link OidcModelStore} on PostgreSQL: one table for every oidc-provider model, rows keyed by a keyed hash of
 * their id and their payloads sealed ({@link ModelSealing}). `consume` is one conditional UPDATE whose row count
 * decides, so of two token requests with one code on two processes exactly one consumes it (docs/security.md 41).
 */
export class PostgresOidcModelStore implements OidcModelStore {
  readonly #pool: PostgresPool;
  readonly #sealing: ModelSealing;
  readonly #sessions: PostgresAccountSessions;

  constructor(pool: PostgresPool, sealing: ModelSealing, sessions: PostgresAccountSessions) {
    this.#pool = pool;
    this.#sealing = sealing;
    this.#sessions = sessions;
  }

  async upsert(
    model: string,
    id: string,
    payload: Readonly<Record<string, unknown>>,
    expiresAt: number | null,
  ): Promise<void> {
    const idHash = this.#sealing.hash(model, 'id', id);
    const uid = typeof payload.uid === 'string' ? this.#sealing.hash(model, 'uid', payload.uid) : null;
    const userCode =
      typeof payload.userCode === 'string' ? this.#sealing.hash(model, 'user_code', payload.userCode) : null;
    await this.#pool.query({
      name: 'auth-model-upsert',
      text: `INSERT INTO auth_oidc_models
         (model, id_hash, payload_sealed, grant_id, uid_hash, user_code_hash, account_id, expires_at, consumed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)
       ON CONFLICT (model, id_hash) DO UPDATE SET payload_sealed = excluded.payload_sealed,
         grant_id = excluded.grant_id, uid_hash = excluded.uid_hash, user_code_hash = excluded.user_code_hash,
         account_id = excluded.account_id, expires_at = excluded.expires_at`,
      values: [
        model,
        idHash,
        this.#sealing.seal(model, idHash, payload),
        grantOf(model, id, payload),
        uid,
        userCode,
        accountOf(payload),
        expiresAt,
      ],
    });
  }

  async find(model: string, id: string, now: number): Promise<Record<string, unknown> | undefined> {
    return this.#one(model, 'id_hash', this.#sealing.hash(model, 'id', id), now);
  }

  async findByUid(model: string, uid: string, now: number): Promise<Record<string, unknown> | undefined> {
    return this.#one(model, 'uid_hash', this.#sealing.hash(model, 'uid', uid), now);
  }

  async findByUserCode(
    model: string,
    userCode: string,
    now: number,
  ): Promise<Record<string, unknown> | undefined> {
    return this.#one(model, 'user_code_hash', this.#sealing.hash(model, 'user_code', userCode), now);
  }

  async consume(model: string, id: string, now: number): Promise<boolean> {
    // Under READ COMMITTED a second UPDATE waits for the first's row lock, then re-reads the row: consumed, so
    // it updates nothing. The row count decides; a check before it (oidc-provider's `payload.consumed`) cannot.
    const result = await this.#pool.query({
      name: 'auth-model-consume',
      text: `UPDATE auth_oidc_models SET consumed_at = $3
       WHERE model = $1 AND id_hash = $2 AND consumed_at IS NULL`,
      values: [model, this.#sealing.hash(model, 'id', id), now],
    });
    return result.rowCount === 1;
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.#pool.query({
      name: 'auth-model-destroy',
      text: 'DELETE FROM auth_oidc_models WHERE model = $1 AND id_hash = $2',
      values: [model, this.#sealing.hash(model, 'id', id)],
    });
  }

  async revokeByGrantId(model: string, grantId: string): Promise<void> {
    await this.#pool.query('DELETE FROM auth_oidc_models WHERE model = $1 AND grant_id = $2', [
      model,
      grantId,
    ]);
  }

  async revokeGrant(grantId: string, now: number): Promise<void> {
    await inTransaction(this.#pool, async (client) => {
      // The marker first, committed with the deletion: a row another process writes under this grant after the
      // DELETE's snapshot is never found (LIVE), so tokens still being issued from the grant are dead on arrival.
      await client.query(
        `INSERT INTO auth_revoked_grants (grant_id, expires_at)
         SELECT $1, GREATEST($2::bigint, max(expires_at)) FROM auth_oidc_models WHERE grant_id = $1
         ON CONFLICT (grant_id) DO UPDATE SET expires_at = GREATEST(auth_revoked_grants.expires_at, excluded.expires_at)`,
        [grantId, now + REVOKED_GRANT_KEEP_SECONDS],
      );
      await client.query('DELETE FROM auth_oidc_models WHERE grant_id = $1', [grantId]);
    });
  }

  async revokeByAccountId(accountId: string, reason: AccountEndReason, now: number): Promise<number> {
    return inTransaction(this.#pool, (client) => this.#sessions.end(client, accountId, reason, now));
  }

  async sweepExpired(now: number): Promise<number> {
    await this.#pool.query('DELETE FROM auth_revoked_grants WHERE expires_at <= $1', [now]);
    const result = await this.#pool.query(
      'DELETE FROM auth_oidc_models WHERE expires_at IS NOT NULL AND expires_at <= $1',
      [now],
    );
    return result.rowCount ?? 0;
  }

  async #one(
    model: string,
    column: 'id_hash' | 'uid_hash' | 'user_code_hash',
    value: string,
    now: number,
  ): Promise<Record<string, unknown> | undefined> {
    // Prepared once per connection and column (the statements the sign-in and token paths run most).
    const { rows } = await this.#pool.query<ModelRow>({
      name: `auth-model-find-${column}`,
      text: `SELECT m.id_hash, m.payload_sealed, m.consumed_at FROM auth_oidc_models m
       WHERE m.model = $1 AND m.${column} = $2 AND ${LIVE} LIMIT 1`,
      values: [model, value, now],
    });
    const row = rows[0];
    if (!row) return undefined;
    const payload = this.#sealing.open(model, row.id_hash, row.payload_sealed);
    // oidc-provider reads `consumed` to detect a reused authorization code or refresh token (RFC 9700 4.14.2).
    if (row.consumed_at !== null) payload.consumed = row.consumed_at;
    return payload;
  }
}
