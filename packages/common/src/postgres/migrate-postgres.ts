import { ConfigError } from '../config/config-error.js';
import type { PostgresPool } from './open-postgres.js';

/** One schema step of a PostgreSQL store: SQL run once, in order, inside the migration's transaction. */
export type PostgresMigration = string;

/**
 * The advisory lock every migration takes (with the component's hash as the second key), so that processes
 * starting together never apply a step twice: the first applies, the others wait and then find nothing to do.
 * A constant of our own ("GATE" in ASCII), so it cannot collide with another application's advisory locks.
 */
const MIGRATION_LOCK = 0x47415445;

/**
 * Brings `component`'s tables (`api`, `auth-server`, `demo`) to the newest of `migrations`, inside one
 * transaction holding an advisory lock for that component: processes starting at once never race (docs/
 * architecture.md), and a failed step leaves the schema as it was. The version is kept per component in
 * `gatehouse_schema`. A database whose version is newer than this program knows was upgraded by a newer
 * Gatehouse: this one refuses to start (a ConfigError naming DATABASE_URL) rather than run against tables it
 * does not understand.
 *
 * @example
 * await migratePostgres(pool, 'api', API_POSTGRES_MIGRATIONS);
 */
export async function migratePostgres(
  pool: PostgresPool,
  component: string,
  migrations: readonly PostgresMigration[],
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK, component]);
      await client.query(`CREATE TABLE IF NOT EXISTS gatehouse_schema (
        component text PRIMARY KEY,
        version integer NOT NULL,
        migrated_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM gatehouse_schema WHERE component = $1',
        [component],
      );
      const current = rows[0]?.version ?? 0;
      if (current > migrations.length) {
        throw new ConfigError(
          'DATABASE_URL',
          `Invalid DATABASE_URL: its ${component} schema is at version ${current}, newer than this Gatehouse knows (${migrations.length}): upgrade Gatehouse`,
        );
      }
      for (let version = current; version < migrations.length; version++) {
        await client.query(migrations[version] ?? '');
      }
      if (current < migrations.length) {
        await client.query(
          `INSERT INTO gatehouse_schema (component, version) VALUES ($1, $2)
           ON CONFLICT (component) DO UPDATE SET version = excluded.version, migrated_at = now()`,
          [component, migrations.length],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}
