import { randomUUID } from 'node:crypto';
import type { PostgresPool, SealedBox } from '@gatehouse/common';
import { AuthServerError } from '../../errors/auth-server-error.js';
import type { AccountEndReason, NewUser, UserRecord, UserStore } from '../auth-store.js';
import { totpContext } from '../sqlite/sqlite-authenticators.js';
import type { PostgresAccountSessions } from './postgres-account-sessions.js';
import { inTransaction, isUniqueViolation, type PostgresClient } from './postgres-queries.js';

interface UserRow {
  id: string;
  username: string;
  email: string;
  email_verified: boolean;
  name: string | null;
  password_hash: string;
  disabled: boolean;
  roles: unknown;
  created_at: number;
}

/** {@link UserStore} on PostgreSQL (a new user's TOTP secret goes to `auth_totp`, sealed). */
export class PostgresUserStore implements UserStore {
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

  async create(user: NewUser): Promise<UserRecord> {
    const id = randomUUID();
    const now = this.#now();
    try {
      const row = await inTransaction(this.#pool, async (client) => {
        const inserted = await client.query<UserRow>(
          `INSERT INTO auth_users (id, username, email, email_verified, name, password_hash, roles, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
          [
            id,
            user.username,
            user.email,
            user.emailVerified === true,
            user.name ?? null,
            user.passwordHash,
            JSON.stringify(user.roles ?? []),
            now,
          ],
        );
        if (user.totpSecret) {
          await client.query(
            'INSERT INTO auth_totp (user_id, secret_sealed, last_step, created_at) VALUES ($1, $2, NULL, $3)',
            [id, this.#box.seal(user.totpSecret, totpContext(id)), now],
          );
        }
        return inserted.rows[0];
      });
      return toRecord(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AuthServerError('ERR_USER_EXISTS', `user "${user.username}" already exists`);
      }
      throw error;
    }
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const { rows } = await this.#pool.query<UserRow>('SELECT * FROM auth_users WHERE username = $1', [
      username,
    ]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const { rows } = await this.#pool.query<UserRow>('SELECT * FROM auth_users WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async list(): Promise<UserRecord[]> {
    // COLLATE "C": the order SQLite gives (byte order), whatever the database's locale.
    const { rows } = await this.#pool.query<UserRow>(
      'SELECT * FROM auth_users ORDER BY username COLLATE "C"',
    );
    return rows.map(toRecord);
  }

  async count(): Promise<number> {
    const { rows } = await this.#pool.query<{ n: number }>('SELECT count(*) AS n FROM auth_users');
    return rows[0]?.n ?? 0;
  }

  async remove(username: string): Promise<boolean> {
    return this.#endingSessions(username, 'user_removed', (client, id) =>
      client.query('DELETE FROM auth_users WHERE id = $1', [id]),
    );
  }

  async setPasswordHash(username: string, passwordHash: string): Promise<boolean> {
    // Whoever ran up wrong codes had the old password: with a new one, the second-factor lock has done its job.
    // Whoever signed in with the old one is signed out (OWASP Session Management), at every client too.
    return this.#endingSessions(username, 'password_changed', async (client, id) => {
      await client.query('UPDATE auth_users SET password_hash = $1 WHERE id = $2', [passwordHash, id]);
      await client.query('DELETE FROM auth_second_factor_failures WHERE user_id = $1', [id]);
    });
  }

  async setDisabled(username: string, disabled: boolean): Promise<boolean> {
    if (!disabled) {
      const result = await this.#pool.query('UPDATE auth_users SET disabled = false WHERE username = $1', [
        username,
      ]);
      return result.rowCount === 1;
    }
    return this.#endingSessions(username, 'user_disabled', (client, id) =>
      client.query('UPDATE auth_users SET disabled = true WHERE id = $1', [id]),
    );
  }

  async setRoles(username: string, roles: readonly string[]): Promise<boolean> {
    const result = await this.#pool.query('UPDATE auth_users SET roles = $1 WHERE username = $2', [
      JSON.stringify(roles),
      username,
    ]);
    return result.rowCount === 1;
  }

  /** Locks the user's row, applies `change` and ends the account's sessions, in one transaction. */
  async #endingSessions(
    username: string,
    reason: AccountEndReason,
    change: (client: PostgresClient, id: string) => Promise<unknown>,
  ): Promise<boolean> {
    return inTransaction(this.#pool, async (client) => {
      const { rows } = await client.query<{ id: string }>(
        'SELECT id FROM auth_users WHERE username = $1 FOR UPDATE',
        [username],
      );
      const id = rows[0]?.id;
      if (id === undefined) return false;
      await change(client, id);
      await this.#sessions.end(client, id, reason, this.#now());
      return true;
    });
  }
}

function toRecord(row: UserRow | undefined): UserRecord {
  if (!row) throw new AuthServerError('ERR_USER_NOT_FOUND', 'user not found');
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    emailVerified: row.email_verified,
    name: row.name,
    passwordHash: row.password_hash,
    disabled: row.disabled,
    roles: Array.isArray(row.roles)
      ? row.roles.filter((role): role is string => typeof role === 'string')
      : [],
    createdAt: row.created_at,
  };
}
