import { ConfigError } from '@gatehouse/common';

/**
 * What DATA_DIR holds, said as the one line that names it: a file that is not a SQLite database, a database of
 * a newer Gatehouse, a file this user cannot read. Anything else: undefined. `gatehouse start` and every other
 * command (`users`, `clients`, `keys`) say it in the same words.
 */
export function dataDirFailure(error: unknown, dataDir: string): ConfigError | undefined {
  if (error instanceof ConfigError) return undefined;
  const { name, code, path, message } = error as {
    name?: unknown;
    code?: unknown;
    path?: unknown;
    message?: unknown;
  };
  const text = (typeof message === 'string' ? message : String(error)).split('\n', 1)[0] ?? '';
  const sqlite = name === 'SqliteError' || (typeof code === 'string' && code.startsWith('SQLITE_'));
  if (sqlite || /database schema version/.test(text)) {
    return new ConfigError(
      'DATA_DIR',
      `Invalid DATA_DIR: ${dataDir} holds a database Gatehouse cannot use (${text}); restore it, or point DATA_DIR elsewhere`,
    );
  }
  if (typeof path === 'string' && typeof code === 'string' && path.startsWith(dataDir)) {
    return new ConfigError('DATA_DIR', `Invalid DATA_DIR: cannot use ${path} (${code})`);
  }
  return undefined;
}
