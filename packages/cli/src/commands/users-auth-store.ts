import { AuthServerError, type AuthStore, openAuthStore } from '@gatehouse/auth-server';
import { CliError, usage } from '../cli-error.js';
import type { CommandContext } from '../command.js';

/**
 * Opens the auth server's store in the context's `DATA_DIR` (default `.data`), runs `fn`, always closes it.
 * Auth-server errors become one-line CLI errors: bad input exits 2, anything else (user exists, not found) 1.
 * Shared by `gatehouse users`, `clients` and `keys`.
 */
export async function withAuthStore<T>(
  context: CommandContext,
  fn: (store: AuthStore) => Promise<T>,
): Promise<T> {
  const store = openAuthStore(dataDirOf(context));
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

/**
 * Runs a `node:util` parseArgs call (strict mode, positionals allowed); a parse failure becomes a usage error
 * (exit 2) naming the problem and the synopsis.
 *
 * @example
 * const { values } = parseStrict(() => parseArgs({ args, options, allowPositionals: true, strict: true }), SYNOPSIS);
 */
export function parseStrict<T>(parse: () => T, synopsis: string): T {
  try {
    return parse();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw usage(`${message.replace(/\.$/, '')}; usage: ${synopsis}`);
  }
}

/** Exactly one positional argument, or a usage error. */
export function onePositional(positionals: readonly string[], what: string, synopsis: string): string {
  const [value, ...rest] = positionals;
  if (value === undefined || rest.length > 0) throw usage(`expected one ${what}; usage: ${synopsis}`);
  return value;
}
