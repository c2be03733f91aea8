import type { ApiConfig } from '@gatehouse/api';
import type { ClientKeySource } from '@gatehouse/api/doctor';
import { createLogger } from '@gatehouse/common';
import type { CommandContext } from '../command.js';

/**
 * Runs `fn` with where the API keeps its `private_key_jwt` key: with DATABASE_URL that is the database (sealed
 * there by the API's key store, as `gatehouse start api` reads it; GATEHOUSE_SECRET checked as it does), never a
 * file in DATA_DIR. Without DATABASE_URL, or with another authentication method, `fn` gets undefined: doctor then
 * reads the file in DATA_DIR, or needs no key. The database is opened only for the check and closed after it.
 */
export async function withClientKeySource<T>(
  config: ApiConfig,
  context: CommandContext,
  fn: (source: ClientKeySource | undefined) => Promise<T>,
): Promise<T> {
  if (config.oidcTokenAuthMethod !== 'private_key_jwt' || config.databaseUrl === undefined) {
    return fn(undefined);
  }
  // Loaded only here: the API package is the heaviest import of the CLI.
  const { openApiStore } = await import('@gatehouse/api');
  const store = await openApiStore(
    config,
    createLogger(
      { name: 'gatehouse-cli', level: 'warn' },
      { write: (line: string) => context.stderr.write(line) },
    ),
  );
  try {
    return await fn({
      where: 'in the database at DATABASE_URL',
      read: () => store.keys.existingClientAssertionJwk(),
    });
  } finally {
    await store.close();
  }
}
