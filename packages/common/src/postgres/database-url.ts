import { ConfigError } from '../config/config-error.js';

/**
 * `DATABASE_URL` when set: a `postgres://` (or `postgresql://`) URL, else a ConfigError naming the variable.
 * The value is never echoed back: it usually holds a password. Undefined when unset or empty: the embedded
 * SQLite store in DATA_DIR.
 */
export function readDatabaseUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = env.DATABASE_URL;
  if (value === undefined || value.trim() === '') return undefined;
  if (!URL.canParse(value)) {
    throw new ConfigError(
      'DATABASE_URL',
      'Invalid DATABASE_URL: not a URL (expected postgres://user:password@host:5432/database)',
    );
  }
  const url = new URL(value);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      'DATABASE_URL',
      `Invalid DATABASE_URL: must be a postgres:// URL (got a ${url.protocol.replace(/:$/, '')}: URL)`,
    );
  }
  // A socket directory may stand for the host: postgres:///gatehouse?host=/var/run/postgresql.
  if ((url.hostname === '' && !url.searchParams.has('host')) || url.pathname.length < 2) {
    throw new ConfigError(
      'DATABASE_URL',
      'Invalid DATABASE_URL: must name a host and a database (postgres://user:password@host:5432/database)',
    );
  }
  return value;
}
