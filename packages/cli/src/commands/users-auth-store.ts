import {
  AuthServerError,
  type AuthStore,
  openConfiguredAuthStore,
  readDatabaseSettings,
} from '@gatehouse/auth-server';
import { createLogger } from '@gatehouse/common';
import { CliError, usage } from '../cli-error.js';
import type { CommandContext } from '../command.js';

/**
 * Opens the auth server's store, runs `fn`, always closes it: PostgreSQL with `DATABASE_URL` (and
 * `GATEHOUSE_SECRET`, as the servers), else SQLite in the context's `DATA_DIR` (default `.data`). A bad or
 * missing setting, or a database that cannot be reached, is one line naming the setting.
 * Auth-server errors become one-line CLI errors: bad input exits 2, anything else (user exists, not found) 1.
 * Shared by `gatehouse users`, `clients` and `keys`.
 */
export async function withAuthStore<T>(
  context: CommandContext,
  fn: (store: AuthStore) => Promise<T>,
): Promise<T> {
  const store = await openConfiguredAuthStore(
    { dataDir: dataDirOf(context), database: readDatabaseSettings(context.env) },
    { logger: createLogger({ name: 'gatehouse-cli', level: 'silent' }), applicationName: 'gatehouse-cli' },
  );
  try {
    return await fn(store);
  } catch (error) {
    if (error instanceof AuthServerError) {
      throw error.code === 'ERR_INVALID_INPUT'
        ? usage(error.message)
        : new CliError('ERR_CLI_FAILED', error.message);
    }
    throw error;
  } finally {
    await store.close();
  }
}

/** `DATA_DIR` from the command's environment, `.data` by default (relative to the working directory). */
export function dataDirOf(context: CommandContext): string {
  const value = context.env.DATA_DIR?.trim();
  return value ? value : '.data';
}
