import { ConfigError, listenConfigError } from '@gatehouse/common';
import { dataDirFailure } from './data-dir-failure.js';

/**
 * A server that failed to start, said as the one line that names the setting to change: a port taken or
 * privileged (`portSetting`, PORT by default: another program may take it after the check), or what DATA_DIR holds (a file that is not
 * a SQLite database, a database of a newer Gatehouse, a file this user cannot read). Anything else:
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
  return dataDirFailure(error, settings.dataDir);
}
