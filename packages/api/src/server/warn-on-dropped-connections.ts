import type { Server } from 'node:http';
import type { Logger } from '@gatehouse/common';

/** At most one warning a minute while connections are dropped, with how many were. */
const WARN_EVERY_MS = 60_000;

/**
 * Tells the operator when `server.maxConnections` is reached (Node then closes new connections at once and
 * emits `drop`): one warning, then at most one a minute with the count, however fast connections arrive.
 */
export function warnOnDroppedConnections(server: Server, logger: Logger, now: () => number = Date.now): void {
  let dropped = 0;
  let warnedAt = Number.NEGATIVE_INFINITY;
  server.on('drop', () => {
    dropped += 1;
    if (now() - warnedAt < WARN_EVERY_MS) return;
    warnedAt = now();
    logger.warn(
      { dropped, maxConnections: server.maxConnections },
      'connections dropped: the API holds API_MAX_CONNECTIONS connections already',
    );
    dropped = 0;
  });
}
