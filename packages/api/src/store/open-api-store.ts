import { join } from 'node:path';
import { ensureDataDir, type Logger } from '@gatehouse/common';
import type { ApiConfig } from '../config/load-api-config.js';
import type { ApiStore } from './api-store.js';
import { PostgresApiStore } from './postgres/postgres-api-store.js';
import { apiDatabaseFile, SqliteApiStore } from './sqlite/sqlite-api-store.js';

/**
 * The one place that chooses the API's store: PostgreSQL when `DATABASE_URL` is set (migrated, and
 * `GATEHOUSE_SECRET` checked against the database's verifier: a wrong one rejects with a ConfigError), else SQLite
 * in `DATA_DIR/api/api.sqlite` (its folder created 0700, or tightened). A store passed to `createResourceServer`
 * takes its place; nothing else names an implementation.
 *
 * @example
 * const store = await openApiStore(loadApiConfig(process.env), logger);
 */
export async function openApiStore(
  config: Pick<ApiConfig, 'dataDir' | 'databaseUrl' | 'gatehouseSecret'>,
  logger: Logger,
): Promise<ApiStore> {
  if (config.databaseUrl !== undefined && config.gatehouseSecret !== undefined) {
    return PostgresApiStore.open({ url: config.databaseUrl, secret: config.gatehouseSecret, logger });
  }
  ensureDataDir(join(config.dataDir, 'api'));
  return new SqliteApiStore(apiDatabaseFile(config.dataDir));
}
