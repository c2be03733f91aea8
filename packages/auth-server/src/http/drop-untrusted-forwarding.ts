import type { IncomingMessage } from 'node:http';
import type { TrustedProxies } from '@gatehouse/common';

/**
 * Removes `X-Forwarded-*` and `Forwarded` from a request that did not come from a trusted proxy, before Koa reads
 * them (docs/security.md 37). Koa's `proxy` is one switch for every peer; with `AUTH_TRUST_PROXY` listing the
 * proxy's addresses, a client that reaches the server around the proxy must not name its own address (the
 * throttles' buckets), scheme or host. With `true` every peer is the proxy; with `false` nothing is believed.
 */
export function dropUntrustedForwarding(req: IncomingMessage, trust: TrustedProxies): void {
  if (trust.trusts(req.socket.remoteAddress)) return;
  for (const name of Object.keys(req.headers)) {
    if (name === 'forwarded' || name.startsWith('x-forwarded-')) delete req.headers[name];
  }
}
