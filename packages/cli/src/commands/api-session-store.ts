import { existsSync } from 'node:fs';
import type { SessionStore } from '@gatehouse/api';
import { createLogger, GatehouseSecret, readDatabaseUrl } from '@gatehouse/common';
import type { CommandContext } from '../command.js';
import { dataDirOf } from './users-auth-store.js';

/**
 * Runs `fn` on the API's sessions where the running API keeps them: in the database with DATABASE_URL
 * (GATEHOUSE_SECRET required and checked, as the API does at start), else `DATA_DIR/api/api.sqlite`. `undefined`
 * when that file does not exist yet (the API never started there): nothing to list, and nothing is created.
 */
export async function withApiSessions<T>(
  context: CommandContext,
  fn: (sessions: SessionStore | undefined) => Promise<T>,
): Promise<T> {
  // Loaded only here: the API package is the heaviest import of the CLI.
  const { apiDatabaseFile, openApiStore } = await import('@gatehouse/api');
  const databaseUrl = readDatabaseUrl(context.env);
  const dataDir = dataDirOf(context);
  if (databaseUrl === undefined && !existsSync(apiDatabaseFile(dataDir))) return fn(undefined);
  const store = await openApiStore(
    {
      dataDir,
      databaseUrl,
      gatehouseSecret: databaseUrl === undefined ? undefined : GatehouseSecret.fromEnv(context.env),
    },
    createLogger(
      { name: 'gatehouse-cli', level: 'warn' },
      { write: (line: string) => context.stderr.write(line) },
    ),
  );
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
