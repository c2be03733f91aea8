import type { JWK } from 'jose';

/**
 * What a comparison server needs to verify the API's tokens exactly as the API does: the API's public key
 * (fetched once from its `/.well-known/jwks.json`), where that JWKS lives, the algorithm, issuer and audience.
 * Passed to each child process as JSON in `BENCH_SERVER_CONFIG`.
 */
export interface ServerConfig {
  jwk: JWK;
  jwksUri: string;
  alg: string;
  issuer: string;
  audience: string;
}

/** Reads the config a comparison server was started with; exits the child with a clear line if absent. */
export function readServerConfig(): ServerConfig {
  const raw = process.env.BENCH_SERVER_CONFIG;
  if (!raw) {
    process.stderr.write('BENCH_SERVER_CONFIG is not set: comparison servers are started by bench/run.js\n');
    process.exit(1);
  }
  return JSON.parse(raw) as ServerConfig;
}

/** Tells the parent (over the fork IPC channel) which loopback port the server listens on. */
export function announcePort(port: number): void {
  process.send?.({ port });
}
