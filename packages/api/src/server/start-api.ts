import { type Logger, limitConnections } from '@gatehouse/common';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { isLoopback } from '../config/is-loopback.js';
import type { ApiConfig } from '../config/load-api-config.js';
import { createResourceServer } from '../core/create-resource-server.js';
import type { ResourceServer } from '../core/resource-server.js';
import type { ApiStore } from '../store/api-store.js';
import { buildApp } from './build-app.js';

/** A running API. */
export interface RunningApi {
  /** The URL it listens on (PUBLIC_URL when set explicitly, else http://localhost:<port>). */
  url: string;
  port: number;
  app: FastifyInstance;
  /** The core the app runs on. */
  server: ResourceServer;
  /** True once the provider has been discovered, while it is not known to be down (what `/readyz` says). */
  readonly providerReady: boolean;
  /** Resolves when the provider is first discovered (at once if it already was; never if it never is). */
  whenProviderDiscovered(): Promise<void>;
  close(): Promise<void>;
}

/** What {@link startApi} runs. */
export interface StartApiOptions {
  config: ApiConfig;
  logger?: Logger;
  /** Injectable clock (epoch ms), for tests. */
  now?: () => number;
  /** Listen address; loopback unless told otherwise. */
  host?: string;
  /** Another store than the SQLite one in `DATA_DIR/api` (yours to close). */
  store?: ApiStore;
  /**
   * The app's own routes, registered after Gatehouse's, so that they can be guarded with `app.gatehouse` (the
   * demo's contacts are registered this way).
   */
  routes?: FastifyPluginAsync;
  /**
   * The first discovery waits for this, the app being built meanwhile: an embedded provider whose process is
   * still starting (`gatehouse start`). If it rejects, so does `startApi`.
   */
  providerReady?: Promise<unknown>;
  /**
   * Whether the provider is serving right now, as the process that supervises it knows (`gatehouse start` and
   * its embedded auth server): while false, `/readyz` and the login routes answer 503 `provider_unavailable`.
   */
  providerUp?: () => boolean;
}

/**
 * Starts the resource server as a server of its own: the core (`DATA_DIR/api`, keys, store), discovery of the
 * provider (an issuer mismatch rejects with a ConfigError; an unreachable provider is retried in the
 * background), the `gatehouse` plugin with `/healthz`, `/readyz`, the app's `routes` and the SPA, bounded
 * connections, and it listens. `port: 0` picks a free port; PUBLIC_URL then follows it unless it was set
 * explicitly.
 *
 * @example
 * const api = await startApi({ config: loadApiConfig(process.env) });
 * console.log(`API on ${api.url}`);
 */
export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  const server = await createResourceServer({
    config: options.config,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.providerUp === undefined ? {} : { providerUp: options.providerUp }),
  });
  const { config, logger } = server;
  try {
    // Discovery (network) and building the app (plugins, compiled schemas) do not depend on each other; a
    // provider that is still starting is waited for while the app is built.
    const [built, discovered] = await Promise.allSettled([
      buildApp(server, options.routes),
      server.start(options.providerReady === undefined ? {} : { providerReady: options.providerReady }),
    ]);
    if (discovered.status === 'rejected') {
      if (built.status === 'fulfilled') await built.value.close();
      throw discovered.reason;
    }
    if (built.status === 'rejected') throw built.reason;
    const app = built.value;
    // docs/security.md 50: a bound on connections, and no one address may take them all (a trusted proxy's carry
    // many clients: docs/security.md 37).
    limitConnections([app.server], config.connections, {
      logger,
      settings: { max: 'API_MAX_CONNECTIONS', perAddress: 'API_MAX_CONNECTIONS_PER_ADDRESS' },
      exempt: (peer) => config.trustProxy.trusts(peer),
    });
    const loopback = isLoopback(new URL(config.publicUrl));
    await app.listen({ port: config.port, host: options.host ?? (loopback ? '127.0.0.1' : '0.0.0.0') });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    if (!config.publicUrlExplicit) {
      config.port = port;
      config.publicUrl = `http://localhost:${port}`;
      if (!config.apiAudienceExplicit) config.apiAudience = config.publicUrl;
    }
    return {
      url: config.publicUrl,
      port,
      app,
      server,
      get providerReady() {
        return server.ready;
      },
      whenProviderDiscovered: () => server.whenDiscovered(),
      async close() {
        await app.close();
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}
