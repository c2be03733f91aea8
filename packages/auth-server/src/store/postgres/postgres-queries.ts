import type { PostgresClient, PostgresPool } from '@gatehouse/common';

export type { PostgresClient };

/**
 * Runs `work` in one transaction on one connection (READ COMMITTED): committed when it resolves, rolled back when
 * it throws. A connection that broke meanwhile is released as broken, so the pool does not hand it out again.
 */
export async function inTransaction<T>(
  pool: PostgresPool,
  work: (client: PostgresClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** PostgreSQL's SQLSTATE for a unique constraint (a username, a credential id taken). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23505';
}
