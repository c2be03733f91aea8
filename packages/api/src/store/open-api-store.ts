import type { ApiStore } from './api-store.js';
import { apiDatabaseFile, SqliteApiStore } from './sqlite-api-store.js';

/**
 * The one place that chooses the API's store: SQLite in `DATA_DIR/api/api.sqlite` today. A store passed to
 * `createResourceServer` (another backend) takes its place; nothing else names an implementation.
 */
export function openApiStore(dataDir: string): ApiStore {
  return new SqliteApiStore(apiDatabaseFile(dataDir));
}
