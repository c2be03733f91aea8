/**
 * Bounds on a server's client connections, so that one client cannot hold every descriptor the process has
 * (docs/security.md 50). The API reads them from `API_MAX_CONNECTIONS*`, the auth server from `AUTH_MAX_CONNECTIONS*`.
 */
export interface ConnectionLimits {
  /** Connections held at once; `undefined`: sized from the process's descriptor limit at start. */
  max: number | undefined;
  /** Connections one client address (an IPv6 /64 counts as one) may hold; `0`: no per-address cap. */
  perAddress: number;
  /** Time to receive a request's headers (Node's default: 60 s), from the moment the connection opens. */
  headersTimeoutMs: number;
  /** Time to receive a whole request (Node's default: 300 s); bodies are small on both servers. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept (Node: 5 s; Fastify's default: 72 s). */
  keepAliveTimeoutMs: number;
}

/**
 * The timeouts of {@link ConnectionLimits}: short, since a browser sends its headers in one go. A proxy in front
 * should close its idle upstream connections sooner than `keepAliveTimeoutMs`.
 */
export const CONNECTION_TIMEOUTS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
} as const;

/** The per-address cap when no setting says otherwise. */
export const DEFAULT_CONNECTIONS_PER_ADDRESS = 256;
