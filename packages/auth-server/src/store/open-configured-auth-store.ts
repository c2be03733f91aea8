import type { Logger } from '@gatehouse/common';
import type { AuthServerConfig } from '../config/load-auth-server-config.js';
import type { AuthStore } from './auth-store.js';
import { openPostgresAuthStore } from './postgres/open-postgres-auth-store.js';
import { openAuthStore } from './sqlite/open-auth-store.js';

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
