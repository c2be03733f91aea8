import { existsSync } from 'node:fs';
import { type Logger, openPostgres } from '@gatehouse/common';
import type { AuthServerConfig } from '../config/load-auth-server-config.js';
import type { AuthStore } from './auth-store.js';
import { openPostgresAuthStore } from './postgres/open-postgres-auth-store.js';
import { authStoreFile, openAuthStore } from './sqlite/open-auth-store.js';

/**
 * The one place the auth server's storage is chosen: PostgreSQL when `DATABASE_URL` is set (every process of a
 * deployment shares it, secrets sealed with keys derived from `GATEHOUSE_SECRET`), else SQLite in `DATA_DIR`
 * (the embedded default, unchanged). The server, the CLI and `doctor` all open their store here.
 *
 * @example
 * const store = await openConfiguredAuthStore(loadAuthServerConfig(process.env), { logger });
 */
export async function openConfiguredAuthStore(
  config: Pick<AuthServerConfig, 'dataDir' | 'database'>,
  options: { readonly logger: Logger; readonly applicationName?: string; readonly now?: () => number },
): Promise<AuthStore> {
  if (config.database === undefined) {
    return openAuthStore(config.dataDir, options.now ? { now: options.now } : {});
  }
  return openPostgresAuthStore({
    url: config.database.url,
    secret: config.database.secret,
    logger: options.logger,
    ...(options.applicationName ? { applicationName: options.applicationName } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

/**
 * Whether an auth server has used this storage yet (its SQLite file exists, or its tables were created in the
 * database), without creating or changing anything: `gatehouse doctor` looks before it opens.
 */
export async function authStoreExists(
  config: Pick<AuthServerConfig, 'dataDir' | 'database'>,
  options: { readonly logger: Logger },
): Promise<boolean> {
  if (config.database === undefined) return existsSync(authStoreFile(config.dataDir));
  const pool = openPostgres(config.database.url, {
    applicationName: 'gatehouse-cli',
    logger: options.logger,
    max: 1,
  });
  try {
    // Two statements: a query naming gatehouse_schema fails to plan where it does not exist.
    const table = await pool.query<{ name: string | null }>(
      "SELECT to_regclass('gatehouse_schema')::text AS name",
    );
    if (table.rows[0]?.name == null) return false;
    const auth = await pool.query("SELECT 1 FROM gatehouse_schema WHERE component = 'auth-server'");
    return auth.rowCount === 1;
  } finally {
    await pool.end();
  }
}
