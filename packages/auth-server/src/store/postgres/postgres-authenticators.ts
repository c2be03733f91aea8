import type { PostgresPool, SealedBox } from '@gatehouse/common';
import { AuthServerError } from '../../errors/auth-server-error.js';
import type {
  AuthenticatorStore,
  AuthenticatorSummary,
  NewPasskey,
  PasskeyRecord,
  RecoveryCodeHash,
} from '../auth-store.js';
import { totpContext } from '../sqlite/sqlite-authenticators.js';
import type { PostgresAccountSessions } from './postgres-account-sessions.js';
import { inTransaction, isUniqueViolation } from './postgres-queries.js';

interface PasskeyRow {
  id: string;
  user_id: string;
  public_key: Buffer;
  counter: number;
  transports: unknown;
  backup_eligible: boolean;
  backed_up: boolean;
  aaguid: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

/**
 * {@link AuthenticatorStore} on PostgreSQL: TOTP secrets sealed with a key derived from GATEHOUSE_SECRET, bound to
 * the user. Every one-time use (a TOTP step, a passkey counter, a recovery code) is one conditional UPDATE whose
 * row count decides, so two processes cannot both accept it (docs/security.md 31, 43, 44).
 */
export class PostgresAuthenticatorStore implements AuthenticatorStore {
  readonly #pool: PostgresPool;
  readonly #box: SealedBox;
  readonly #now: () => number;
  readonly #sessions: PostgresAccountSessions;

  constructor(pool: PostgresPool, box: SealedBox, now: () => number, sessions: PostgresAccountSessions) {
    this.#pool = pool;
    this.#box = box;
    this.#now = now;
    this.#sessions = sessions;
  }

  async summary(userId: string): Promise<AuthenticatorSummary> {
    const { rows } = await this.#pool.query<{ totp: number; passkeys: number; codes: number }>(
      `SELECT (SELECT count(*) FROM auth_totp WHERE user_id = $1) AS totp,
              (SELECT count(*) FROM auth_passkeys WHERE user_id = $1) AS passkeys,
              (SELECT count(*) FROM auth_recovery_codes WHERE user_id = $1 AND used_at IS NULL) AS codes`,
      [userId],
    );
    const row = rows[0];
    return { totp: (row?.totp ?? 0) > 0, passkeys: row?.passkeys ?? 0, recoveryCodes: row?.codes ?? 0 };
  }

  async totpSecret(userId: string): Promise<string | null> {
    const { rows } = await this.#pool.query<{ secret_sealed: string }>(
      'SELECT secret_sealed FROM auth_totp WHERE user_id = $1',
      [userId],
    );
    return rows[0] ? this.#box.open(rows[0].secret_sealed, totpContext(userId)) : null;
  }

  async setTotpSecret(userId: string, secret: string | null): Promise<boolean> {
    return inTransaction(this.#pool, async (client) => {
      const user = await client.query('SELECT id FROM auth_users WHERE id = $1 FOR UPDATE', [userId]);
      if (user.rowCount !== 1) return false;
      const now = this.#now();
      await client.query('DELETE FROM auth_totp WHERE user_id = $1', [userId]);
      if (secret !== null) {
        await client.query(
          'INSERT INTO auth_totp (user_id, secret_sealed, last_step, created_at) VALUES ($1, $2, NULL, $3)',
          [userId, this.#box.seal(secret, totpContext(userId)), now],
        );
      }
      await client.query('DELETE FROM auth_second_factor_failures WHERE user_id = $1', [userId]);
      await this.#sessions.end(client, userId, 'totp_changed', now);
      return true;
    });
  }

  async acceptTotpStep(userId: string, step: number): Promise<boolean> {
    const result = await this.#pool.query(
      'UPDATE auth_totp SET last_step = $1 WHERE user_id = $2 AND (last_step IS NULL OR last_step < $1)',
      [step, userId],
    );
    return result.rowCount === 1;
  }

  async addPasskey(passkey: NewPasskey, now: number): Promise<PasskeyRecord> {
    try {
      const { rows } = await this.#pool.query<PasskeyRow>(
        `INSERT INTO auth_passkeys (id, user_id, public_key, counter, transports, backup_eligible, backed_up, aaguid,
           name, created_at, last_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL) RETURNING *`,
        [
          passkey.id,
          passkey.userId,
          Buffer.from(passkey.publicKey),
          passkey.counter,
          JSON.stringify(passkey.transports),
          passkey.backupEligible,
          passkey.backedUp,
          passkey.aaguid,
          passkey.name,
          now,
        ],
      );
      if (!rows[0]) throw new Error('passkey was not written');
      return toPasskey(rows[0]);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AuthServerError('ERR_INVALID_INPUT', 'this passkey is registered already');
      }
      throw error;
    }
  }

  async findPasskey(id: string): Promise<PasskeyRecord | undefined> {
    const { rows } = await this.#pool.query<PasskeyRow>('SELECT * FROM auth_passkeys WHERE id = $1', [id]);
    return rows[0] ? toPasskey(rows[0]) : undefined;
  }

  async listPasskeys(userId: string): Promise<PasskeyRecord[]> {
    const { rows } = await this.#pool.query<PasskeyRow>(
      'SELECT * FROM auth_passkeys WHERE user_id = $1 ORDER BY created_at, seq',
      [userId],
    );
    return rows.map(toPasskey);
  }

  async renamePasskey(userId: string, id: string, name: string): Promise<boolean> {
    const result = await this.#pool.query(
      'UPDATE auth_passkeys SET name = $1 WHERE user_id = $2 AND id = $3',
      [name, userId, id],
    );
    return result.rowCount === 1;
  }

  async removePasskey(userId: string, id: string): Promise<boolean> {
    const result = await this.#pool.query('DELETE FROM auth_passkeys WHERE user_id = $1 AND id = $2', [
      userId,
      id,
    ]);
    return result.rowCount === 1;
  }

  async recordPasskeyUse(
    id: string,
    previousCounter: number,
    counter: number,
    backedUp: boolean,
    now: number,
  ): Promise<boolean> {
    // One statement: of two assertions carrying the same counter, only the first moves it.
    const result = await this.#pool.query(
      `UPDATE auth_passkeys SET counter = $3, backed_up = $4, last_used_at = $5
       WHERE id = $1 AND counter = $2 AND ($3 > $2 OR ($3 = 0 AND $2 = 0))`,
      [id, previousCounter, counter, backedUp, now],
    );
    return result.rowCount === 1;
  }

  async replaceRecoveryCodes(userId: string, hashes: readonly string[], now: number): Promise<void> {
    await inTransaction(this.#pool, async (client) => {
      await client.query('DELETE FROM auth_recovery_codes WHERE user_id = $1', [userId]);
      await client.query(
        `INSERT INTO auth_recovery_codes (user_id, hash, used_at, created_at)
         SELECT $1, hash, NULL, $3 FROM unnest($2::text[]) WITH ORDINALITY AS h (hash, n) ORDER BY n`,
        [userId, [...hashes], now],
      );
    });
  }

  async unusedRecoveryCodes(userId: string): Promise<RecoveryCodeHash[]> {
    const { rows } = await this.#pool.query<{ id: number; hash: string }>(
      'SELECT id, hash FROM auth_recovery_codes WHERE user_id = $1 AND used_at IS NULL ORDER BY id',
      [userId],
    );
    return rows.map((row) => ({ id: row.id, hash: row.hash }));
  }

  async useRecoveryCode(userId: string, id: number, now: number): Promise<boolean> {
    const result = await this.#pool.query(
      'UPDATE auth_recovery_codes SET used_at = $1 WHERE user_id = $2 AND id = $3 AND used_at IS NULL',
      [now, userId, id],
    );
    return result.rowCount === 1;
  }
}

function toPasskey(row: PasskeyRow): PasskeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    publicKey: new Uint8Array(row.public_key),
    counter: row.counter,
    transports: Array.isArray(row.transports)
      ? row.transports.filter((each): each is string => typeof each === 'string')
      : [],
    backupEligible: row.backup_eligible,
    backedUp: row.backed_up,
    aaguid: row.aaguid,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
