import type { SealedBox, SqliteDatabase } from '@gatehouse/common';
import { AuthServerError } from '../../errors/auth-server-error.js';
import type {
  AuthenticatorStore,
  AuthenticatorSummary,
  NewPasskey,
  PasskeyRecord,
  RecoveryCodeHash,
} from '../auth-store.js';
import type { SqliteAccountSessions } from './sqlite-account-sessions.js';
import { CLEAR_SECOND_FACTOR_FAILURES } from './sqlite-throttle.js';

/** What a TOTP secret's seal is bound to: its user (a sealed value copied to another row does not open). */
export function totpContext(userId: string): string {
  return `totp:${userId}`;
}

/** Inserts a user's TOTP secret, sealed; shared with the user store, which enrols one with a new user. */
export const INSERT_TOTP =
  'INSERT INTO totp_authenticators (user_id, secret_sealed, last_step, created_at) VALUES (?, ?, NULL, ?)';

interface PasskeyRow {
  id: string;
  user_id: string;
  public_key: Buffer;
  counter: number;
  transports: string;
  backup_eligible: number;
  backed_up: number;
  aaguid: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

/** {@link AuthenticatorStore} on SQLite: TOTP secrets sealed with the data directory's key, bound to the user. */
export class SqliteAuthenticatorStore implements AuthenticatorStore {
  readonly #box: SealedBox;
  readonly #now: () => number;
  readonly #sessions: SqliteAccountSessions;
  readonly #transaction;
  readonly #userExists;
  readonly #summary;
  readonly #totp;
  readonly #deleteTotp;
  readonly #insertTotp;
  readonly #acceptStep;
  readonly #clearSecondFactor;
  readonly #insertPasskey;
  readonly #passkey;
  readonly #passkeys;
  readonly #renamePasskey;
  readonly #removePasskey;
  readonly #usePasskey;
  readonly #deleteCodes;
  readonly #insertCode;
  readonly #unusedCodes;
  readonly #useCode;

  constructor(db: SqliteDatabase, box: SealedBox, now: () => number, sessions: SqliteAccountSessions) {
    this.#box = box;
    this.#now = now;
    this.#sessions = sessions;
    this.#transaction = <T>(run: () => T): T => db.transaction(run)();
    this.#userExists = db.prepare<[string], { id: string }>('SELECT id FROM users WHERE id = ?');
    this.#summary = db.prepare<[string, string, string], { totp: number; passkeys: number; codes: number }>(
      `SELECT (SELECT count(*) FROM totp_authenticators WHERE user_id = ?) AS totp,
              (SELECT count(*) FROM passkeys WHERE user_id = ?) AS passkeys,
              (SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL) AS codes`,
    );
    this.#totp = db.prepare<[string], { secret_sealed: string }>(
      'SELECT secret_sealed FROM totp_authenticators WHERE user_id = ?',
    );
    this.#deleteTotp = db.prepare<[string]>('DELETE FROM totp_authenticators WHERE user_id = ?');
    this.#insertTotp = db.prepare<[string, string, number]>(INSERT_TOTP);
    this.#acceptStep = db.prepare<[number, string, number]>(
      'UPDATE totp_authenticators SET last_step = ? WHERE user_id = ? AND (last_step IS NULL OR last_step < ?)',
    );
    this.#clearSecondFactor = db.prepare<[string]>(CLEAR_SECOND_FACTOR_FAILURES);
    this.#insertPasskey = db.prepare(
      `INSERT INTO passkeys (id, user_id, public_key, counter, transports, backup_eligible, backed_up, aaguid, name,
         created_at, last_used_at)
       VALUES (@id, @user_id, @public_key, @counter, @transports, @backup_eligible, @backed_up, @aaguid, @name,
         @created_at, NULL)`,
    );
    this.#passkey = db.prepare<[string], PasskeyRow>('SELECT * FROM passkeys WHERE id = ?');
    this.#passkeys = db.prepare<[string], PasskeyRow>(
      'SELECT * FROM passkeys WHERE user_id = ? ORDER BY created_at, rowid',
    );
    this.#renamePasskey = db.prepare<[string, string, string]>(
      'UPDATE passkeys SET name = ? WHERE user_id = ? AND id = ?',
    );
    this.#removePasskey = db.prepare<[string, string]>('DELETE FROM passkeys WHERE user_id = ? AND id = ?');
    // One statement: of two assertions carrying the same counter, only the first moves it.
    this.#usePasskey = db.prepare<{
      id: string;
      previous: number;
      counter: number;
      backed_up: number;
      now: number;
    }>(
      `UPDATE passkeys SET counter = @counter, backed_up = @backed_up, last_used_at = @now
       WHERE id = @id AND counter = @previous AND (@counter > @previous OR (@counter = 0 AND @previous = 0))`,
    );
    this.#deleteCodes = db.prepare<[string]>('DELETE FROM recovery_codes WHERE user_id = ?');
    this.#insertCode = db.prepare<[string, string, number]>(
      'INSERT INTO recovery_codes (user_id, hash, used_at, created_at) VALUES (?, ?, NULL, ?)',
    );
    this.#unusedCodes = db.prepare<[string], { id: number; hash: string }>(
      'SELECT id, hash FROM recovery_codes WHERE user_id = ? AND used_at IS NULL ORDER BY id',
    );
    this.#useCode = db.prepare<[number, string, number]>(
      'UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND id = ? AND used_at IS NULL',
    );
  }

  async summary(userId: string): Promise<AuthenticatorSummary> {
    const row = this.#summary.get(userId, userId, userId);
    return { totp: (row?.totp ?? 0) > 0, passkeys: row?.passkeys ?? 0, recoveryCodes: row?.codes ?? 0 };
  }

  async totpSecret(userId: string): Promise<string | null> {
    const row = this.#totp.get(userId);
    return row ? this.#box.open(row.secret_sealed, totpContext(userId)) : null;
  }

  async setTotpSecret(userId: string, secret: string | null): Promise<boolean> {
    return this.#transaction(() => {
      if (!this.#userExists.get(userId)) return false;
      this.#deleteTotp.run(userId);
      if (secret !== null)
        this.#insertTotp.run(userId, this.#box.seal(secret, totpContext(userId)), this.#now());
      this.#clearSecondFactor.run(userId);
      this.#sessions.end(userId, 'totp_changed', this.#now());
      return true;
    });
  }

  async acceptTotpStep(userId: string, step: number): Promise<boolean> {
    return this.#acceptStep.run(step, userId, step).changes === 1;
  }

  async addPasskey(passkey: NewPasskey, now: number): Promise<PasskeyRecord> {
    try {
      this.#insertPasskey.run({
        id: passkey.id,
        user_id: passkey.userId,
        public_key: Buffer.from(passkey.publicKey),
        counter: passkey.counter,
        transports: JSON.stringify(passkey.transports),
        backup_eligible: passkey.backupEligible ? 1 : 0,
        backed_up: passkey.backedUp ? 1 : 0,
        aaguid: passkey.aaguid,
        name: passkey.name,
        created_at: now,
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new AuthServerError('ERR_INVALID_INPUT', 'this passkey is registered already');
      }
      throw error;
    }
    const row = this.#passkey.get(passkey.id);
    if (!row) throw new Error('passkey was not written');
    return toPasskey(row);
  }

  async findPasskey(id: string): Promise<PasskeyRecord | undefined> {
    const row = this.#passkey.get(id);
    return row ? toPasskey(row) : undefined;
  }

  async listPasskeys(userId: string): Promise<PasskeyRecord[]> {
    return this.#passkeys.all(userId).map(toPasskey);
  }

  async renamePasskey(userId: string, id: string, name: string): Promise<boolean> {
    return this.#renamePasskey.run(name, userId, id).changes === 1;
  }

  async removePasskey(userId: string, id: string): Promise<boolean> {
    return this.#removePasskey.run(userId, id).changes === 1;
  }

  async recordPasskeyUse(
    id: string,
    previousCounter: number,
    counter: number,
    backedUp: boolean,
    now: number,
  ): Promise<boolean> {
    return (
      this.#usePasskey.run({ id, previous: previousCounter, counter, backed_up: backedUp ? 1 : 0, now })
        .changes === 1
    );
  }

  async replaceRecoveryCodes(userId: string, hashes: readonly string[], now: number): Promise<void> {
    this.#transaction(() => {
      this.#deleteCodes.run(userId);
      for (const hash of hashes) this.#insertCode.run(userId, hash, now);
    });
  }

  async unusedRecoveryCodes(userId: string): Promise<RecoveryCodeHash[]> {
    return this.#unusedCodes.all(userId).map((row) => ({ id: row.id, hash: row.hash }));
  }

  async useRecoveryCode(userId: string, id: number, now: number): Promise<boolean> {
    return this.#useCode.run(now, userId, id).changes === 1;
  }
}

function toPasskey(row: PasskeyRow): PasskeyRecord {
  const transports: unknown = JSON.parse(row.transports);
  return {
    id: row.id,
    userId: row.user_id,
    publicKey: new Uint8Array(row.public_key),
    counter: row.counter,
    transports: Array.isArray(transports) ? transports.filter((each) => typeof each === 'string') : [],
    backupEligible: row.backup_eligible === 1,
    backedUp: row.backed_up === 1,
    aaguid: row.aaguid,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
