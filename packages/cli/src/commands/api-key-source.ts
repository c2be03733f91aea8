import type { ApiKeyStore } from '@gatehouse/api';
import { createLogger, GatehouseSecret, readDatabaseUrl } from '@gatehouse/common';
import type { CommandContext } from '../command.js';
import { dataDirOf } from './users-auth-store.js';

/**
 * Runs `fn` on the API's keys where the API keeps them: in the database with DATABASE_URL (GATEHOUSE_SECRET
 * required and checked, as the API does at start), else the files of `DATA_DIR/api`. Shared by `keys … --api`.
 */
export async function withApiKeys<T>(
  context: CommandContext,
  fn: (keys: ApiKeyStore | string) => Promise<T>,
): Promise<T> {
  const databaseUrl = readDatabaseUrl(context.env);
  if (databaseUrl === undefined) return fn(dataDirOf(context));
  // Loaded only here: the API package is the heaviest import of the CLI.
  const { openApiStore } = await import('@gatehouse/api');
  const store = await openApiStore(
    { dataDir: dataDirOf(context), databaseUrl, gatehouseSecret: GatehouseSecret.fromEnv(context.env) },
    createLogger(
      { name: 'gatehouse-cli', level: 'warn' },
      { write: (line: string) => context.stderr.write(line) },
    ),
  );
  try {
    return await fn(store.keys);
  } finally {
    await store.close();
  }
}
