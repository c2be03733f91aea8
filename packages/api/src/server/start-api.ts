import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  createLogger,
  ensureDataDir,
  type Logger,
  limitConnections,
  readOrCreateFile,
  SealedBox,
  startExpirySweeper,
} from '@gatehouse/common';
import type { FastifyInstance } from 'fastify';
import { isLoopback } from '../config/is-loopback.js';
import type { ApiConfig } from '../config/load-api-config.js';
import { ApiKeyRing } from '../keys/api-key-ring.js';
import { loadClientAssertionKey } from '../keys/client-assertion-key.js';
import { ProviderClient } from '../oidc/provider-client.js';
import { RefreshTokens } from '../sessions/refresh-token.js';
import { apiDatabaseFile, SqliteApiStore } from '../store/sqlite-api-store.js';
import { LONGEST_TOKEN_LIFE_MS } from '../tokens/access-token-lifetime.js';
import { RevokedSessions } from '../tokens/revoked-sessions.js';
import { BearerVerifier } from '../tokens/verify-bearer.js';
import type { ApiContext } from './api-context.js';
import { buildApp } from './build-app.js';

/** A running API. */
export interface RunningApi {
  /** The URL it listens on (PUBLIC_URL when set explicitly, else http://localhost:<port>). */
  url: string;
  port: number;
  app: FastifyInstance;
  /** True once the provider has been discovered, while it is not known to be down (what `/readyz` says). */
  readonly providerReady: boolean;
  /** Resolves when the provider is first discovered (at once if it already was; never if it never is). */
  whenProviderDiscovered(): Promise<void>;
  close(): Promise<void>;
}

/** How often revocations made by another process and rotated keys are picked up. */
const POLL_INTERVAL_MS = 2000;

/** How often expired rows (login transactions, logout jtis, refresh tokens, old sessions) are deleted. */
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Starts the resource server: opens `DATA_DIR/api/api.sqlite` and the keys, discovers the provider (an issuer
 * mismatch rejects with a ConfigError; an unreachable provider is retried in the background), and listens.
 * `port: 0` picks a free port; PUBLIC_URL then follows it unless it was set explicitly.
 *
 * @example
 * const api = await startApi({ config: loadApiConfig(process.env) });
 * console.log(`API on ${api.url}`);
 */
export async function startApi(options: {
  config: ApiConfig;
  logger?: Logger;
  /** Injectable clock (epoch ms), for tests. */
  now?: () => number;
  /** Listen address; loopback unless told otherwise. */
  host?: string;
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
}): Promise<RunningApi> {
  const config: ApiConfig = { ...options.config };
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger({ name: 'gatehouse-api', level: config.logLevel });
  const dataDir = ensureDataDir(config.dataDir);
  config.dataDir = dataDir;
  // The API's own folder (database, keys): created 0700, or tightened if an older version left it wider.
  ensureDataDir(join(dataDir, 'api'));

  const store = new SqliteApiStore(apiDatabaseFile(dataDir));
  const timers: NodeJS.Timeout[] = [];
  let provider: ProviderClient | undefined;
  try {
    const keys = await ApiKeyRing.open(dataDir, now);
    const clientKey =
      config.oidcTokenAuthMethod === 'private_key_jwt' ? await loadClientAssertionKey(dataDir) : undefined;
    const sealingKey = readOrCreateFile(join(dataDir, 'api', 'sealing.key'), () => randomBytes(32));
    const box = new SealedBox(sealingKey);
    const revoked = new RevokedSessions(LONGEST_TOKEN_LIFE_MS);
    await revoked.poll(store, now());
    const available = options.providerUp ?? (() => true);
    provider = new ProviderClient(
      clientKey === undefined
        ? { config, logger, now, available }
        : { config, logger, now, clientKey, available },
    );
    const ctx: ApiContext = {
      config,
      logger,
      store,
      keys,
      clientKey,
      provider,
      revoked,
      bearer: new BearerVerifier({ keys, expected: config, revoked, now }),
      box,
      refreshTokens: new RefreshTokens(sealingKey),
      now,
    };
    // Discovery (network) and building the app (plugins, compiled schemas) do not depend on each other; a
    // provider that is still starting is waited for while the app is built.
    const [built, discovered] = await Promise.allSettled([
      buildApp(ctx),
      Promise.resolve(options.providerReady).then(() => ctx.provider.start()),
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

    const poll = setInterval(() => {
      Promise.all([revoked.poll(store, now()), keys.reload()]).catch((error: unknown) => {
        logger.error({ err: error }, 'revocation/key poll failed');
      });
    }, POLL_INTERVAL_MS);
    poll.unref();
    timers.push(poll);
    const onSweepError = (error: unknown) => logger.error({ err: error }, 'sweep failed');
    // Also once now, so that a process restarted more often than the interval still sweeps.
    const stopSweeper = startExpirySweeper(
      () => store.sweep(now()).catch(onSweepError),
      SWEEP_INTERVAL_MS,
      onSweepError,
    );

    const started = provider;
    return {
      url: config.publicUrl,
      port,
      app,
      get providerReady() {
        return started.ready;
      },
      whenProviderDiscovered: () => started.whenDiscovered(),
      async close() {
        for (const timer of timers) clearInterval(timer);
        stopSweeper();
        started.close();
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    for (const timer of timers) clearInterval(timer);
    provider?.close();
    await store.close();
    throw error;
  }
}
