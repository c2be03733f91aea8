import type { ConnectionLimits } from './connection-limits.js';

/** The `node:http` server options that bound how long a connection may take. */
export interface ServerTimeouts {
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly keepAliveTimeout: number;
  readonly connectionsCheckingInterval: number;
}

/**
 * Options for `http.createServer` (or Fastify's `http`) from {@link ConnectionLimits} (docs/security.md 50): an
 * idle or half-sent connection holds a descriptor, so bound how long. Node checks the header and request
 * timeouts only every `connectionsCheckingInterval` (30 s by default), so that is shortened to a fifth of the
 * header timeout (50 ms to 2 s).
 *
 * @example
 * const server = createServer(serverTimeouts(limits), handler);
 */
export function serverTimeouts(limits: ConnectionLimits): ServerTimeouts {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(2000, Math.max(50, limits.headersTimeoutMs / 5)),
  };
}
