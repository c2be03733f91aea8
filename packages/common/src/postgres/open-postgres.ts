import type { Pool, PoolClient, TypeOverrides } from 'pg';
import type { Logger } from '../log/create-logger.js';
import { loadNodePostgres } from './load-node-postgres.js';

/** A pool of connections to PostgreSQL (node-postgres). */
export type PostgresPool = Pool;

/** One connection checked out of a {@link PostgresPool}, for a transaction. */
export type PostgresClient = PoolClient;

/** Bounds of {@link openPostgres}; every one has a default fit for a login server. */
export interface PostgresOptions {
  /** Shown in `pg_stat_activity` (`gatehouse-api`, `gatehouse-auth-server`, `gatehouse-cli`). */
  readonly applicationName: string;
  readonly logger: Logger;
  /** Connections at most (default 10). */
  readonly max?: number;
  /** Time to open a connection, including waiting for a free one in the pool (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** Longest a statement may run, enforced by the server (default 5 s). */
  readonly statementTimeoutMs?: number;
}

/** The type parsers of every pool, made on the first open (node-postgres is loaded only then). */
let int8AsNumber: TypeOverrides | undefined;

// int8 (bigint, OID 20) as a number rather than node-postgres's string: the stores keep epoch milliseconds and
// counters there, far below 2^53. Set on this pool's connections only, never on node-postgres's global types.
function typeParsers(pg: ReturnType<typeof loadNodePostgres>): TypeOverrides {
  if (int8AsNumber === undefined) {
    int8AsNumber = new pg.TypeOverrides();
    int8AsNumber.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  }
  return int8AsNumber;
}

/**
 * Opens a pool on `url` (`postgres://user:password@host:port/database`) with every wait bounded: opening a
 * connection (`connectTimeoutMs`), a statement at the server (`statement_timeout`) and at the client (a query
 * that gets no answer, as when the network drops, fails a second after the server would have cut it). An idle
 * connection that breaks (the database restarted) is logged and dropped, never thrown: node-postgres emits
 * 'error' on the pool, which would otherwise end the process. The next query opens a new connection, so a pool
 * recovers by itself once the database is back.
 *
 * @example
 * const pool = openPostgres(process.env.DATABASE_URL, { applicationName: 'gatehouse-api', logger });
 * const { rows } = await pool.query('SELECT 1 AS one');
 */
export function openPostgres(url: string, options: PostgresOptions): PostgresPool {
  const statementTimeoutMs = options.statementTimeoutMs ?? 5000;
  const pg = loadNodePostgres();
  const pool = new pg.Pool({
    connectionString: url,
    application_name: options.applicationName,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 10_000,
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 1000,
    keepAlive: true,
    types: typeParsers(pg),
  });
  pool.on('error', (error) => {
    options.logger.warn({ err: describePostgresError(error) }, 'an idle database connection broke; dropped');
  });
  return pool;
}

/**
 * What to log of a node-postgres error: its code and message only. The connection string (and so a password)
 * is never part of one, but a DatabaseError carries the statement's parameters in some paths: kept out.
 */
export function describePostgresError(error: unknown): { code?: string; message: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? { code, message: error.message } : { message: error.message };
}
