import { ConfigError, isDatabaseUnavailable, listenConfigError } from '@gatehouse/common';
import { dataDirFailure } from './data-dir-failure.js';

/**
 * A server that failed to start, said as the one line that names the setting to change: a port taken or
 * privileged (`portSetting`, PORT by default: another program may take it after the check), or what DATA_DIR holds (a file that is not
 * a SQLite database, a database of a newer Gatehouse, a file this user cannot read), or DATABASE_URL's database
 * unreachable or refusing us. Anything else:
 * undefined, and it is reported as it is.
 */
export function startFailure(
  error: unknown,
  settings: { readonly dataDir: string; readonly port: number; readonly portSetting?: string },
): ConfigError | undefined {
  if (error instanceof ConfigError) return undefined;
  const listen = listenConfigError(error, {
    portSetting: settings.portSetting ?? 'PORT',
    port: settings.port,
  });
  if (listen !== undefined && (error as { syscall?: unknown }).syscall === 'listen') return listen;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = (typeof message === 'string' ? message : String(error)).split('\n', 1)[0] ?? '';
  // DATABASE_URL's server down, refusing the user (28P01, 28000) or without that database (3D000): said without
  // the URL, which holds a password.
  if (isDatabaseUnavailable(error) || code === '28P01' || code === '28000' || code === '3D000') {
    return new ConfigError(
      'DATABASE_URL',
      `Invalid DATABASE_URL: the database cannot be used (${typeof code === 'string' ? `${code}: ` : ''}${text.replace(/postgres(ql)?:\/\/\S+/g, '<DATABASE_URL>')})`,
    );
  }
  return dataDirFailure(error, settings.dataDir);
}
