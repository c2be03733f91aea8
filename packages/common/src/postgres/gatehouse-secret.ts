import { createHmac, hkdfSync } from 'node:crypto';
import { ConfigError } from '../config/config-error.js';
import { timingSafeEqual } from '../crypto/timing-safe-equal.js';
import type { PostgresPool } from './open-postgres.js';

/** The advisory lock of the secret check ("GATE" in ASCII, as the migrations'), with its own second key. */
const SECRET_CHECK_LOCK = 0x47415445;

/** Shortest `GATEHOUSE_SECRET` accepted: 32 characters (a 256-bit random value in base64 is 43). */
export const MIN_GATEHOUSE_SECRET_LENGTH = 32;

/**
 * `GATEHOUSE_SECRET`, the one secret every process of a PostgreSQL deployment shares: the keys that seal what the
 * database must not hold in plain text (signing keys, client secrets, TOTP secrets, cookie keys, the provider's
 * tokens: docs/security.md 40) are derived from it, never stored. Never logged, never printed: this object has
 * no enumerable field, and `toJSON`/`inspect` give nothing away.
 */
export class GatehouseSecret {
  readonly #secret: string;

  private constructor(secret: string) {
    this.#secret = secret;
  }

  /**
   * Reads `GATEHOUSE_SECRET` for a process that uses `DATABASE_URL`: missing or shorter than 32 characters is a
   * ConfigError naming the variable (one line at start, the value never in it).
   */
  static fromEnv(env: Readonly<Record<string, string | undefined>>): GatehouseSecret {
    const value = env.GATEHOUSE_SECRET;
    if (value === undefined || value === '') {
      throw new ConfigError(
        'GATEHOUSE_SECRET',
        'Invalid GATEHOUSE_SECRET: required with DATABASE_URL (32 characters or more, the same in every process; e.g. `openssl rand -base64 32`)',
      );
    }
    if (value.length < MIN_GATEHOUSE_SECRET_LENGTH) {
      throw new ConfigError(
        'GATEHOUSE_SECRET',
        `Invalid GATEHOUSE_SECRET: must be at least ${MIN_GATEHOUSE_SECRET_LENGTH} characters (it is ${value.length})`,
      );
    }
    return new GatehouseSecret(value);
  }

  /** A 32-byte key for one purpose (HKDF-SHA-256): keys of different purposes are unrelated. */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#secret, 'gatehouse', purpose, 32));
  }

  toJSON(): string {
    return '[GatehouseSecret]';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[GatehouseSecret]';
  }
}

/**
 * Makes sure `secret` is the one this database was set up with, so that a mistyped or rotated
 * `GATEHOUSE_SECRET` stops the start with one line instead of failing to open every sealed value, or worse,
 * making new keys that would silently replace the ones every client trusts (docs/security.md 40). The first
 * process to start stores a verifier (an HMAC under a key derived for this use only; the secret cannot be
 * recovered from it), every later one compares in constant time.
 */
export async function checkGatehouseSecret(pool: PostgresPool, secret: GatehouseSecret): Promise<void> {
  const verifier = createHmac('sha256', secret.deriveKey('secret-check'))
    .update('gatehouse secret check v1')
    .digest('base64url');
  const client = await pool.connect();
  let stored: string | undefined;
  try {
    await client.query('BEGIN');
    // Under a lock, like migrations: two processes starting at once must not both create the table.
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SECRET_CHECK_LOCK, 'secret-check']);
    await client.query(`CREATE TABLE IF NOT EXISTS gatehouse_secret_check (
      id integer PRIMARY KEY CHECK (id = 1),
      verifier text NOT NULL
    )`);
    await client.query(
      'INSERT INTO gatehouse_secret_check (id, verifier) VALUES (1, $1) ON CONFLICT (id) DO NOTHING',
      [verifier],
    );
    const { rows } = await client.query<{ verifier: string }>('SELECT verifier FROM gatehouse_secret_check');
    stored = rows[0]?.verifier;
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  if (stored === undefined || !timingSafeEqual(stored, verifier)) {
    throw new ConfigError(
      'GATEHOUSE_SECRET',
      'Invalid GATEHOUSE_SECRET: it is not the secret this database was set up with (its sealed keys and secrets cannot be opened with it)',
    );
  }
}
