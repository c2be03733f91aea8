import { join } from 'node:path';
import { ensureDataDir, type Logger } from '@gatehouse/common';
import type { ContactsStore } from './contacts-store.js';
import { PostgresContactsStore } from './postgres-contacts-store.js';
import { contactsDatabaseFile, legacyContactsFile, SqliteContactsStore } from './sqlite-contacts-store.js';

/**
 * The one place that chooses the demo's contacts store, as the API's is chosen: PostgreSQL with DATABASE_URL
 * (tables `demo_*`, component `demo`), else SQLite in `DATA_DIR/demo/contacts.sqlite`.
 */
export async function openContactsStore(
  config: { dataDir: string; databaseUrl: string | undefined },
  logger: Logger,
): Promise<ContactsStore> {
  if (config.databaseUrl !== undefined) return PostgresContactsStore.open(config.databaseUrl, logger);
  const dataDir = ensureDataDir(config.dataDir);
  ensureDataDir(join(dataDir, 'demo'));
  return new SqliteContactsStore(contactsDatabaseFile(dataDir), legacyContactsFile(dataDir));
}
