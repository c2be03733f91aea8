import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '@gatehouse/common';
import { addressKey } from './address-key.js';

/**
 * docs/security.md 50: one address cannot hold every connection the API accepts. Open connections are counted
 * per client address (an IPv6 /64 counts as one) from the moment they are accepted, so idle ones and those that
 * never finish their headers count too; one over `max` is closed at once. The count is of socket addresses:
 * behind a reverse proxy every connection comes from the proxy, which then needs a higher cap (or none, `0`).
 * One warning per address each time it reaches the cap, not one per refused connection.
 */
export function limitConnectionsPerAddress(server: Server, max: number, logger: Logger): void {
  if (max <= 0) return;
  const open = new Map<string, { count: number; warned: boolean }>();
  server.on('connection', (socket: Socket) => {
    const key = addressKey(socket.remoteAddress);
    const entry = open.get(key) ?? { count: 0, warned: false };
    if (entry.count >= max) {
      socket.destroy();
      if (!entry.warned) {
        entry.warned = true;
        logger.warn(
          { address: key, max },
          'connection refused: this address holds API_MAX_CONNECTIONS_PER_ADDRESS connections already',
        );
      }
      return;
    }
    entry.count += 1;
    open.set(key, entry);
    socket.once('close', () => {
      entry.count -= 1;
      if (entry.count === 0) open.delete(key);
    });
  });
}
