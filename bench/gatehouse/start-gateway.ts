import { randomBytes } from 'node:crypto';
import { freePort } from '@gatehouse/common/testing';
import { type ComparisonServer, spawnServer } from '../servers/spawn-server.js';
import { addClient } from './add-client.js';
import { startGatehouse } from './start-gatehouse.js';

/** `gatehouse start api` with UPSTREAM_URL, and the upstream it forwards to, each in its own process. */
export interface RunningGateway {
  url: string;
  pid: number;
  /** The node:http hello server behind it (bench/servers/hello-upstream-server.ts), on 127.0.0.1. */
  upstream: ComparisonServer;
  logged: () => { count: number; first: string[] };
  stop: () => Promise<void>;
}

/**
 * Starts a minimal node:http upstream, registers a first-party client for the gateway at the embedded auth server
 * of `authDataDir` (`gatehouse clients add … --first-party`, as the README's gateway section does), then runs
 * `gatehouse start api` against `issuer` with `UPSTREAM_URL` pointing at the upstream, in `dataDir`, with the
 * bench's settings in `env`.
 */
export async function startGateway(options: {
  issuer: string;
  authDataDir: string;
  dataDir: string;
  env: Record<string, string>;
}): Promise<RunningGateway> {
  const upstream = await spawnServer('hello upstream', './hello-upstream-server.js');
  try {
    const port = await freePort();
    const client = { id: 'bench-gateway', secret: randomBytes(32).toString('base64url') };
    await addClient(options.authDataDir, { ...client, publicUrl: `http://localhost:${port}` });
    const gateway = await startGatehouse({
      port,
      // Unused by `start api`; set because the helper always names both ports.
      authPort: await freePort(),
      dataDir: options.dataDir,
      only: 'api',
      env: {
        ...options.env,
        OIDC_ISSUER: options.issuer,
        OIDC_CLIENT_ID: client.id,
        OIDC_CLIENT_SECRET: client.secret,
        UPSTREAM_URL: upstream.url,
      },
    });
    return {
      url: gateway.publicUrl,
      pid: gateway.pid,
      upstream,
      logged: gateway.logged,
      stop: async () => {
        await gateway.stop();
        await upstream.stop();
      },
    };
  } catch (error) {
    await upstream.stop();
    throw error;
  }
}
