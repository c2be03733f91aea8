import { randomUUID } from 'node:crypto';
import type { SealedBox, SqliteDatabase } from '@gatehouse/common';
import { AuthServerError } from '../../errors/auth-server-error.js';
import type { NewUser, UserRecord, UserStore } from '../auth-store.js';
import type { SqliteAccountSessions } from './sqlite-account-sessions.js';
import { INSERT_TOTP, totpContext } from './sqlite-authenticators.js';
import { CLEAR_SECOND_FACTOR_FAILURES } from './sqlite-throttle.js';

interface UserRow {
  id: string;
  username: string;
  email: string;
  email_verified: number;
  name: string | null;
  password_hash: string;
  disabled: number;
  roles: string;
  created_at: number;
}

/** {@link UserStore} on SQLite (a new user's TOTP secret goes to the authenticators' table, sealed). */
export class SqliteUserStore implements UserStore {
  readonly #box: SealedBox;
  readonly #now: () => number;
  readonly #insert;
  readonly #byUsername;
  readonly #byId;
  readonly #all;
  readonly #count;
  readonly #delete;
  readonly #setPassword;
  readonly #insertTotp;
  readonly #clearSecondFactor;
  readonly #setDisabled;
  readonly #setRoles;
  readonly #transaction;
  readonly #sessions: SqliteAccountSessions;

  constructor(db: SqliteDatabase, box: SealedBox, now: () => number, sessions: SqliteAccountSessions) {
    this.#box = box;
    this.#sessions = sessions;
    this.#transaction = <T>(run: () => T): T => db.transaction(run)();
    this.#now = now;
    this.#insert = db.prepare(
      `INSERT INTO users (id, username, email, email_verified, name, password_hash, roles, created_at)
       VALUES (@id, @username, @email, @email_verified, @name, @password_hash, @roles, @created_at)`,
    );
    this.#byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
    this.#byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
    this.#all = db.prepare<[], UserRow>('SELECT * FROM users ORDER BY username');
    this.#count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
    this.#delete = db.prepare<[string]>('DELETE FROM users WHERE username = ?');
    this.#setPassword = db.prepare<[string, string]>('UPDATE users SET password_hash = ? WHERE username = ?');
    this.#insertTotp = db.prepare<[string, string, number]>(INSERT_TOTP);
    this.#clearSecondFactor = db.prepare<[string]>(CLEAR_SECOND_FACTOR_FAILURES);
    this.#setDisabled = db.prepare<[number, string]>('UPDATE users SET disabled = ? WHERE id = ?');
    this.#setRoles = db.prepare<[string, string]>('UPDATE users SET roles = ? WHERE username = ?');
  }

  async create(user: NewUser): Promise<UserRecord> {
    const id = randomUUID();
    const now = this.#now();
    try {
      this.#transaction(() => {
        this.#insert.run({
          id,
          username: user.username,
          email: user.email,
          email_verified: user.emailVerified ? 1 : 0,
          name: user.name ?? null,
          password_hash: user.passwordHash,
          roles: JSON.stringify(user.roles ?? []),
          created_at: now,
        });
        if (user.totpSecret) this.#insertTotp.run(id, this.#box.seal(user.totpSecret, totpContext(id)), now);
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new AuthServerError('ERR_USER_EXISTS', `user "${user.username}" already exists`);
      }
      throw error;
    }
    return this.#toRecord(this.#byId.get(id));
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const row = this.#byUsername.get(username);
    return row ? this.#toRecord(row) : undefined;
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const row = this.#byId.get(id);
    return row ? this.#toRecord(row) : undefined;
  }

  async list(): Promise<UserRecord[]> {
    return this.#all.all().map((row) => this.#toRecord(row));
  }

  async count(): Promise<number> {
    return this.#count.get()?.n ?? 0;
  }

  async remove(username: string): Promise<boolean> {
    return this.#transaction(() => {
      const row = this.#byUsername.get(username);
      if (!row || this.#delete.run(username).changes !== 1) return false;
      this.#sessions.end(row.id, 'user_removed', this.#now());
      return true;
    });
  }

  async setPasswordHash(username: string, passwordHash: string): Promise<boolean> {
    // Whoever ran up wrong codes had the old password: with a new one, the second-factor lock has done its job.
    // Whoever signed in with the old one is signed out (OWASP Session Management), at every client too.
    return this.#transaction(() => {
      const row = this.#byUsername.get(username);
      if (!row || this.#setPassword.run(passwordHash, username).changes !== 1) return false;
      this.#clearSecondFactor.run(row.id);
      this.#sessions.end(row.id, 'password_changed', this.#now());
      return true;
    });
  }

  async setDisabled(username: string, disabled: boolean): Promise<boolean> {
    return this.#transaction(() => {
      const row = this.#byUsername.get(username);
      if (!row || this.#setDisabled.run(disabled ? 1 : 0, row.id).changes !== 1) return false;
      if (disabled) this.#sessions.end(row.id, 'user_disabled', this.#now());
      return true;
    });
  }

  async setRoles(username: string, roles: readonly string[]): Promise<boolean> {
    return this.#setRoles.run(JSON.stringify(roles), username).changes === 1;
  }

  #toRecord(row: UserRow | undefined): UserRecord {
    if (!row) throw new AuthServerError('ERR_USER_NOT_FOUND', 'user not found');
    return {
      id: row.id,
      username: row.username,
      email: row.email,
      emailVerified: row.email_verified === 1,
      name: row.name,
      passwordHash: row.password_hash,
      disabled: row.disabled === 1,
      roles: parseRoles(row.roles),
      createdAt: row.created_at,
    };
  }
}

/** The stored JSON array of roles; anything else (never written by this store) reads as none. */
function parseRoles(text: string): string[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((role): role is string => typeof role === 'string') : [];
}
