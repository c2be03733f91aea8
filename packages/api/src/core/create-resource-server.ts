import { join } from 'node:path';
import {
  createLogger,
  describePostgresError,
  ensureDataDir,
  type Logger,
  SealedBox,
  startExpirySweeper,
} from '@gatehouse/common';
import type { ApiConfig } from '../config/load-api-config.js';
import { ApiKeyRing } from '../keys/api-key-ring.js';
import { clientAssertionKeyFrom } from '../keys/client-assertion-key.js';
import { ProviderClient } from '../oidc/provider-client.js';
import { RefreshTokens } from '../sessions/refresh-token.js';
import type { ApiStore } from '../store/api-store.js';
import { openApiStore } from '../store/open-api-store.js';
import { LONGEST_TOKEN_LIFE_MS } from '../tokens/access-token-lifetime.js';
import { RevokedSessions } from '../tokens/revoked-sessions.js';
import { BearerVerifier } from '../tokens/verify-bearer.js';
import type { ResourceServer } from './resource-server.js';

/**
 * How often revocations made by another process and rotated keys are read from the store: within a second
 * everywhere (docs/security.md 39), even where no notice is pushed (SQLite; a lost LISTEN connection).
 */
const POLL_INTERVAL_MS = 1000;

/** How often expired rows (login transactions, logout jtis, refresh tokens, old sessions) are deleted. */
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/** What {@link createResourceServer} assembles the core from. */
export interface ResourceServerOptions {
  /** From {@link loadApiConfig}. Copied: the server keeps its own (`startApi` updates PUBLIC_URL in it). */
  config: ApiConfig;
  /**
   * Where the API's state and keys live; by default the one `openApiStore` chooses: PostgreSQL with
   * DATABASE_URL, else SQLite in `DATA_DIR/api`.
   */
  store?: ApiStore;
  /** Lines the core writes itself (discovery, polls, refused sign-ins); by default JSON lines at LOG_LEVEL. */
  logger?: Logger;
  /** Injectable clock (epoch ms), for tests. */
  now?: () => number;
  /**
   * Whether the provider is serving right now, as the process that supervises it knows (`gatehouse start` and
   * its embedded auth server): while false, `/readyz` and the login routes answer 503 `provider_unavailable`.
   */
  providerUp?: () => boolean;
}

/**
 * Assembles the resource server's core once: the store (PostgreSQL with DATABASE_URL, else SQLite in
 * `DATA_DIR/api`, 0700), the API's signing keys and sealing key (kept by the store), the revocations known so far, the provider client and the bearer verifier. Nothing listens and
 * the provider is not contacted until `start()`; the Fastify plugin calls it for you.
 *
 * @example
 * const server = await createResourceServer({ config: loadApiConfig(process.env) });
 * await server.start();
 */
export async function createResourceServer(options: ResourceServerOptions): Promise<ResourceServer> {
  const config: ApiConfig = { ...options.config, connections: { ...options.config.connections } };
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger({ name: 'gatehouse-api', level: config.logLevel });
  if (config.databaseUrl === undefined) {
    config.dataDir = ensureDataDir(config.dataDir);
    // The API's own folder (database, keys): created 0700, or tightened if an older version left it wider.
    ensureDataDir(join(config.dataDir, 'api'));
  }

  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openApiStore(config, logger));
  try {
    // Never made anew when the existing ones cannot be opened: the store throws instead (docs/security.md 40).
    const keys = await ApiKeyRing.open(store.keys, now);
    const clientKey =
      config.oidcTokenAuthMethod === 'private_key_jwt'
        ? await clientAssertionKeyFrom(await store.keys.clientAssertionJwk())
        : undefined;
    const sealingKey = await store.keys.sealingKey();
    const revoked = new RevokedSessions(LONGEST_TOKEN_LIFE_MS);
    await revoked.poll(store, now());
    const available = options.providerUp ?? (() => true);
    const provider = new ProviderClient(
      clientKey === undefined
        ? { config, logger, now, available }
        : { config, logger, now, clientKey, available },
    );
    let started: Promise<void> | undefined;
    let stopBackground: () => Promise<void> = async () => undefined;
    let closed = false;
    const server: ResourceServer = {
      config,
      logger,
      store,
      keys,
      clientKey,
      provider,
      revoked,
      bearer: new BearerVerifier({ keys, expected: config, revoked, now }),
      box: new SealedBox(sealingKey),
      refreshTokens: new RefreshTokens(sealingKey),
      now,
      get ready() {
        return provider.ready;
      },
      whenDiscovered: () => provider.whenDiscovered(),
      start(startOptions = {}) {
        started ??= (async () => {
          await Promise.resolve(startOptions.providerReady);
          await provider.start();
          if (closed) return;
          stopBackground = startBackground(server);
        })();
        return started;
      },
      async close() {
        if (closed) return;
        closed = true;
        await stopBackground();
        provider.close();
        if (ownsStore) await store.close();
      },
    };
    return server;
  } catch (error) {
    if (ownsStore) await store.close();
    throw error;
  }
}

/**
 * The revocation notices (where the store pushes them), the revocation and key poll, and the expiry sweep (also
 * once now: a process restarted often still sweeps). A poll that fails (the database down) is logged once, and
 * once more when it works again, not every second of an outage.
 */
function startBackground(server: ResourceServer): () => Promise<void> {
  const { logger, store, now } = server;
  let failing = false;
  const pollOnce = () =>
    Promise.all([server.revoked.poll(store, now()), server.keys.reload()]).then(
      () => {
        if (failing) logger.info('revocation/key poll: the store answers again');
        failing = false;
      },
      (error: unknown) => {
        if (!failing) logger.error({ err: describePostgresError(error) }, 'revocation/key poll failed');
        failing = true;
      },
    );
  const poll = setInterval(() => void pollOnce(), POLL_INTERVAL_MS);
  poll.unref();
  const unwatch = store.watchRevocations?.({
    revoked: (session) => server.revoked.add(session.id, session.revokedAt),
    resync: () => void pollOnce(),
  });
  const onSweepError = (error: unknown) => logger.error({ err: error }, 'sweep failed');
  const stopSweeper = startExpirySweeper(
    () => store.sweep(now()).catch(onSweepError),
    SWEEP_INTERVAL_MS,
    onSweepError,
  );
  return async () => {
    clearInterval(poll);
    stopSweeper();
    await unwatch?.();
  };
}
