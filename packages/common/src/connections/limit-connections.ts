import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log/create-logger.js';
import { addressBucket } from '../net/address-bucket.js';
import type { ConnectionLimits } from './connection-limits.js';
import { readDescriptorLimit } from './descriptor-limit.js';
import { maxConnectionsFor } from './max-connections-for.js';

/** At most one warning a minute about dropped connections, with how many were. */
const WARN_EVERY_MS = 60_000;

/** How {@link limitConnections} reports and whom it spares. */
export interface LimitConnectionsOptions {
  readonly logger: Logger;
  /** The settings its warnings name, e.g. `API_MAX_CONNECTIONS` and `API_MAX_CONNECTIONS_PER_ADDRESS`. */
  readonly settings: { readonly max: string; readonly perAddress: string };
  /**
   * Peers never capped per address: a trusted reverse proxy (`TrustedProxies.trusts`), whose connections carry
   * many clients. They still count towards `max`.
   */
  readonly exempt?: (peer: string | undefined) => boolean;
  /** Clock of the dropped-connection warnings (epoch ms). */
  readonly now?: () => number;
}

/**
 * docs/security.md 50: one address cannot hold every connection a server accepts, nor all of them the process's
 * descriptors. Bounds `servers` (several listeners of one process share one budget: the auth server's 127.0.0.1
 * and ::1) to `limits.max` connections at once (by default the descriptor limit less a reserve): past it Node
 * closes new connections at once (`server.maxConnections`), before `accept()` would run out of descriptors for
 * every client and for the server's own files. Open connections are also counted per client address (an IPv6 /64
 * counts as one) from the moment they are accepted, so idle ones and those that never finish their headers count
 * too; one over `limits.perAddress` is closed at once (`0`: no per-address cap). The count is of socket addresses,
 * so a trusted proxy's connections are `exempt`. One warning per address each time it reaches its cap, and at
 * most one a minute with the count for the global one, however fast connections arrive.
 *
 * Returns the global bound applied.
 *
 * @example
 * limitConnections([server], { max: undefined, perAddress: 256 }, {
 *   logger,
 *   settings: { max: 'API_MAX_CONNECTIONS', perAddress: 'API_MAX_CONNECTIONS_PER_ADDRESS' },
 * });
 */
export function limitConnections(
  servers: readonly Server[],
  limits: Pick<ConnectionLimits, 'max' | 'perAddress'>,
  options: LimitConnectionsOptions,
): number {
  const { logger, settings } = options;
  const now = options.now ?? Date.now;
  const exempt = options.exempt ?? (() => false);
  const max = limits.max ?? maxConnectionsFor(readDescriptorLimit());
  const perAddress = new Map<string, { count: number; warned: boolean }>();
  let open = 0;
  let dropped = 0;
  let warnedAt = Number.NEGATIVE_INFINITY;

  const drop = () => {
    dropped += 1;
    if (now() - warnedAt < WARN_EVERY_MS) return;
    warnedAt = now();
    logger.warn(
      { dropped, maxConnections: max },
      `connections dropped: the server holds ${settings.max} connections already`,
    );
    dropped = 0;
  };

  const onConnection = (socket: Socket) => {
    // Node counts each listener alone; with several, their sum is bounded here.
    if (open >= max) {
      socket.destroy();
      drop();
      return;
    }
    const peer = socket.remoteAddress;
    if (limits.perAddress > 0 && !exempt(peer)) {
      const key = addressBucket(peer ?? '');
      const entry = perAddress.get(key) ?? { count: 0, warned: false };
      if (entry.count >= limits.perAddress) {
        socket.destroy();
        if (!entry.warned) {
          entry.warned = true;
          logger.warn(
            { address: key, max: limits.perAddress },
            `connection refused: this address holds ${settings.perAddress} connections already`,
          );
        }
        return;
      }
      entry.count += 1;
      perAddress.set(key, entry);
      socket.once('close', () => {
        entry.count -= 1;
        if (entry.count === 0) perAddress.delete(key);
      });
    }
    open += 1;
    socket.once('close', () => {
      open -= 1;
    });
  };

  for (const server of servers) {
    server.maxConnections = max;
    server.on('drop', drop);
    server.on('connection', onConnection);
  }
  return max;
}
