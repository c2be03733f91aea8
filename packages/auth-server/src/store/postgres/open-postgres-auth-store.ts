import {
  ConfigError,
  checkGatehouseSecret,
  describePostgresError,
  type GatehouseSecret,
  isDatabaseUnavailable,
  type Logger,
  migratePostgres,
  openPostgres,
  SealedBox,
} from '@gatehouse/common';
import type { AuthStore } from '../auth-store.js';
import { ModelSealing } from './model-sealing.js';
import { PostgresAccountSessions } from './postgres-account-sessions.js';
import { PostgresAuthenticatorStore } from './postgres-authenticators.js';
import { PostgresBackchannelOutbox } from './postgres-backchannel-outbox.js';
import { PostgresChallengeStore } from './postgres-challenges.js';
import { PostgresClientStore } from './postgres-clients.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { PostgresOidcModelStore } from './postgres-oidc-models.js';
import { PostgresSecretStore } from './postgres-secrets.js';
import { PostgresSigningKeyStore } from './postgres-signing-keys.js';
import { PostgresThrottleStore } from './postgres-throttle.js';
import { PostgresUserStore } from './postgres-users.js';

/** Where and how {@link openPostgresAuthStore} connects. */
export interface OpenPostgresAuthStoreOptions {
  /** `DATABASE_URL`. */
  readonly url: string;
  /** `GATEHOUSE_SECRET`: the sealing keys are derived from it, never stored. */
  readonly secret: GatehouseSecret;
  readonly logger: Logger;
  /** Shown in `pg_stat_activity`; default `gatehouse-auth-server`. */
  readonly applicationName?: string;
  /** Connections at most (default 10). */
  readonly maxConnections?: number;
  /** Epoch seconds, injectable for tests. */
  readonly now?: () => number;
}

/**
 * Opens the auth server's store in PostgreSQL: applies its migrations (component `auth-server`, under an advisory
 * lock, so processes starting together never race), checks GATEHOUSE_SECRET against the verifier the first
 * process stored (a wrong one refuses to start rather than make new keys: docs/security.md 40), and seals with
 * keys derived from it: TOTP secrets, client secrets, private JWKs, cookie and device-cookie keys, the
 * recovery-code HMAC key, and the provider's model payloads. No `secrets.key` file: every process of one
 * deployment shares everything through the database. A database that cannot be reached is a ConfigError naming
 * DATABASE_URL (one line; the URL, which may hold a password, is never in it).
 *
 * @example
 * const store = await openPostgresAuthStore({ url, secret: GatehouseSecret.fromEnv(process.env), logger });
 */
export async function openPostgresAuthStore(options: OpenPostgresAuthStoreOptions): Promise<AuthStore> {
  const pool = openPostgres(options.url, {
    applicationName: options.applicationName ?? 'gatehouse-auth-server',
    logger: options.logger,
    ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
  });
  try {
    await migratePostgres(pool, 'auth-server', POSTGRES_MIGRATIONS);
    await checkGatehouseSecret(pool, options.secret);
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (isDatabaseUnavailable(error)) {
      throw new ConfigError(
        'DATABASE_URL',
        `Cannot reach the database at DATABASE_URL: ${describePostgresError(error).message}`,
      );
    }
    throw error;
  }
  const box = new SealedBox(options.secret.deriveKey('auth-server-sealing'));
  const sealing = new ModelSealing(box, options.secret.deriveKey('auth-server-model-ids'));
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const sessions = new PostgresAccountSessions(sealing);
  let closed = false;
  return {
    users: new PostgresUserStore(pool, box, now, sessions),
    authenticators: new PostgresAuthenticatorStore(pool, box, now, sessions),
    challenges: new PostgresChallengeStore(pool, sealing),
    clients: new PostgresClientStore(pool, box, now),
    keys: new PostgresSigningKeyStore(pool, box),
    secrets: new PostgresSecretStore(pool, box),
    throttle: new PostgresThrottleStore(pool),
    models: new PostgresOidcModelStore(pool, sealing, sessions),
    outbox: new PostgresBackchannelOutbox(pool),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
