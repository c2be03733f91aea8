import { describePostgresError, type Logger, loadNodePostgres } from '@gatehouse/common';
import type { Client } from 'pg';
import type { RevocationListener } from '../revocation-feed.js';
import { REVOCATION_CHANNEL } from './api-postgres-migrations.js';

const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const FIRST_RETRY_MS = 200;
const LAST_RETRY_MS = 5000;

/** How the listener connects: the pool's URL and bounds, on a connection of its own. */
export interface RevocationListenerOptions {
  url: string;
  logger: Logger;
  connectTimeoutMs: number;
}

/**
 * LISTENs for revocation notices on a dedicated connection (a pooled one would be handed to queries, and a
 * notice is delivered only to the connection that listens). A notice is fast but not guaranteed: while the
 * connection is down none arrive, so after every reconnection the listener is told to resync from the table,
 * which cannot miss one. Retries forever while not stopped, with a backoff from 200 ms up to 5 s.
 */
export function listenForRevocations(
  options: RevocationListenerOptions,
  listener: RevocationListener,
): () => Promise<void> {
  let stopped = false;
  let client: Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = FIRST_RETRY_MS;

  const scheduleRetry = () => {
    if (stopped || retry !== undefined) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
    retry.unref();
    delay = Math.min(delay * 2, LAST_RETRY_MS);
  };

  const connect = async () => {
    const next = new (loadNodePostgres().Client)({
      connectionString: options.url,
      application_name: 'gatehouse-api-revocations',
      connectionTimeoutMillis: options.connectTimeoutMs,
      keepAlive: true,
    });
    client = next;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      if (!stopped) {
        options.logger.warn(
          { err: describePostgresError(error) },
          'revocation notices: connection lost; resyncing once it is back',
        );
      }
      next.end().catch(() => undefined);
      scheduleRetry();
    };
    next.on('error', fail);
    next.on('end', () => fail(new Error('connection ended')));
    next.on('notification', (message) => {
      const [id, revokedAt] = (message.payload ?? '').split(' ');
      const at = Number(revokedAt);
      if (id !== undefined && SESSION_ID.test(id) && Number.isSafeInteger(at))
        listener.revoked({ id, revokedAt: at });
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${REVOCATION_CHANNEL}`);
    } catch (error) {
      fail(error);
      return;
    }
    if (stopped) {
      await next.end().catch(() => undefined);
      return;
    }
    delay = FIRST_RETRY_MS;
    // Whatever was committed while nobody listened (before the first LISTEN too) is read from the table.
    listener.resync();
  };

  void connect();
  return async () => {
    stopped = true;
    if (retry !== undefined) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}
