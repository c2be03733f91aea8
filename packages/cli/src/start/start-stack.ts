import type { AuthStore, DemoUser } from '@gatehouse/auth-server/setup';
import type { DataDirLock, Logger, LogLevel } from '@gatehouse/common';
import type { CliError } from '../cli-error.js';
import { forkAuthServer, type RestartPolicy } from './auth-server-process.js';
import { defaultSpaDir } from './spa-dir.js';

// Only types and the two small modules above are imported statically: `gatehouse start` forks the auth server
// before it loads anything else, and loads the rest (the configuration checks, the API) while that boots.

/** What `startStack` started. */
export interface RunningStack {
  /** The API's public URL, where the SPA is served. */
  readonly apiUrl: string;
  /** The OpenID Provider's issuer: the embedded one, or `OIDC_ISSUER`. */
  readonly issuer: string;
  /** True when the embedded auth server runs (in a child process of this one). */
  readonly embedded: boolean;
  /** Demo users created by this start (first start on an empty DATA_DIR), else empty. */
  readonly demoUsers: readonly DemoUser[];
  /**
   * True when the embedded auth server had users before this start (outside production): their passwords are
   * not shown again, so the banner says how to set one.
   */
  readonly earlierUsers: boolean;
  /** Where the SPA is served from, if it was built. */
  readonly spaDir: string | undefined;
  /** UPSTREAM_URL's origin when the gateway is on (every other `/api/` request forwarded there), else undefined. */
  readonly upstreamUrl: string | undefined;
  /** True while the API has its provider (discovered, and not known to be down): what `/readyz` says. */
  readonly providerReady: boolean;
  /** Resolves once the provider is first discovered (at once if it already was). */
  whenProviderReady(): Promise<void>;
  /**
   * Resolves, with the one line that says why, if a part stops for good (the embedded auth server crashed past
   * its restart bound); the process should then exit non-zero so that its supervisor restarts it all.
   */
  readonly failed: Promise<CliError>;
  /** Stops the API, then the auth server. */
  close(): Promise<void>;
}

/** How {@link startStack} runs, beyond the environment. */
export interface StartStackOptions {
  /** `api`: the API alone (OIDC_ISSUER required), as `gatehouse start api`; default: as `gatehouse start`. */
  readonly only?: 'api';
  /** How often a crashing embedded auth server is restarted before the stack gives up (tests shorten it). */
  readonly restartPolicy?: RestartPolicy;
}

/**
 * Starts Gatehouse as `npm start` does. Without `OIDC_ISSUER`: the embedded auth server in a supervised child
 * process (its client for the API ensured and demo users seeded on an empty store outside production), and the
 * demo's API (the resource server with the demo's contacts, `@gatehouse/demo-api`) in this process against it. With `OIDC_ISSUER` (or `only: 'api'`): the API alone against that provider.
 * Every setting is checked before anything listens: a bad one throws a `ConfigError` (one line naming it) and
 * nothing is left running. Logs go to `logger`, by default to standard output at `LOG_LEVEL`: JSON lines, or
 * pretty lines for a person at a terminal outside production.
 */
export async function startStack(
  env: Readonly<Record<string, string | undefined>>,
  logger?: Logger,
  options: StartStackOptions = {},
): Promise<RunningStack> {
  const explicitSpaDir = env.SPA_DIR?.trim() ? env.SPA_DIR : undefined;
  const spaDir = explicitSpaDir ?? defaultSpaDir();
  const withSpa = spaDir === undefined ? env : { ...env, SPA_DIR: spaDir };

  if (options.only === 'api' || (env.OIDC_ISSUER !== undefined && env.OIDC_ISSUER.trim() !== '')) {
    const [{ loadApiConfig }, { startDemo }, { preflight }, { startFailure }, { readDatabaseUrl }] =
      await Promise.all([
        import('@gatehouse/api'),
        import('@gatehouse/demo-api'),
        import('./preflight.js'),
        import('./start-failure.js'),
        import('@gatehouse/common'),
      ]);
    const config = loadApiConfig(withSpa);
    const { apiHost, lock } = await preflight({
      dataDir: config.dataDir,
      spaDir: explicitSpaDir,
      api: { port: config.port, publicUrl: config.publicUrl },
      // With DATABASE_URL the state is in the database and DATA_DIR holds none: any number of processes share it.
      parts: readDatabaseUrl(withSpa) === undefined ? ['api'] : [],
    });
    const log = logger ?? (await gatehouseLogger(config.logLevel, env));
    const api = await startDemo({
      config,
      logger: log,
      ...(apiHost === undefined ? {} : { host: apiHost }),
    }).catch((error: unknown) => {
      lock.release();
      throw startFailure(error, { dataDir: config.dataDir, port: config.port }) ?? error;
    });
    return {
      apiUrl: api.url,
      issuer: config.oidcIssuer,
      embedded: false,
      demoUsers: [],
      earlierUsers: false,
      spaDir,
      upstreamUrl: config.upstream?.url,
      get providerReady() {
        return api.providerReady;
      },
      whenProviderReady: () => api.whenProviderDiscovered(),
      failed: new Promise<CliError>(() => undefined),
      async close() {
        await api.close();
        lock.release();
      },
    };
  }

  const auth = forkAuthServer(
    env,
    options.restartPolicy === undefined ? {} : { restartPolicy: options.restartPolicy },
  );
  /** DATA_DIR's lock, once preflight took it. */
  let held: DataDirLock | undefined;
  try {
    const [
      {
        ensureApiClient,
        issuerFor,
        loadAuthServerConfig,
        openConfiguredAuthStore,
        relyingPartyFor,
        seedDemoUsers,
      },
      { loadApiConfig },
      { preflight },
      { startFailure },
      { randomToken },
    ] = await Promise.all([
      import('@gatehouse/auth-server/setup'),
      import('@gatehouse/api/config'),
      import('./preflight.js'),
      import('./start-failure.js'),
      import('@gatehouse/common'),
    ]);
    // Every setting is validated before the auth server may start (a bad one is one line, and nothing started).
    const authConfig = loadAuthServerConfig(env);
    const expectedIssuer = issuerFor(authConfig, authConfig.port);
    // The auth server checks this itself once it listens; checked here too, so it fails before anything did.
    if (authConfig.port !== 0 || authConfig.issuer !== undefined) relyingPartyFor(expectedIssuer, authConfig);
    const preliminary = loadApiConfig(withSpa, {
      OIDC_ISSUER: expectedIssuer,
      OIDC_CLIENT_SECRET: 'checked-below',
    });
    const { apiHost, lock } = await preflight({
      dataDir: authConfig.dataDir,
      spaDir: explicitSpaDir,
      api: { port: preliminary.port, publicUrl: preliminary.publicUrl },
      auth: { port: authConfig.port, host: authConfig.host },
      // With DATABASE_URL the state is in the database and DATA_DIR holds none: any number of processes share it.
      parts: authConfig.database === undefined ? ['auth-server', 'api'] : [],
    });
    held = lock;
    const failure = (error: unknown) =>
      startFailure(error, { dataDir: preliminary.dataDir, port: preliminary.port }) ?? error;
    const log = logger ?? (await gatehouseLogger(preliminary.logLevel, env));
    // The auth server's store: PostgreSQL with DATABASE_URL (shared with every auth-server process), else DATA_DIR.
    const openStore = () =>
      openConfiguredAuthStore(authConfig, { logger: log, applicationName: 'gatehouse-cli' });
    // The secret the API's client will have: the given one, the stored one, or a new one (stored below).
    const stored = env.OIDC_CLIENT_SECRET
      ? undefined
      : await readStoredSecret(openStore, preliminary.oidcClientId).catch((error: unknown) => {
          throw failure(error);
        });
    const apiClient = {
      clientId: preliminary.oidcClientId,
      publicUrl: preliminary.publicUrl,
      secret: env.OIDC_CLIENT_SECRET || stored || randomToken(32),
    };
    auth.start(log.child({ part: 'auth-server' }));

    // The issuer is known now unless the auth server picks its port (AUTH_PORT=0): then the API waits for it.
    // Otherwise the API builds its app while the auth server finishes starting, and only discovery (which
    // checks that the provider's issuer is this one) waits for it.
    const issuer =
      authConfig.issuer === undefined && authConfig.port === 0 ? (await auth.ready).issuer : expectedIssuer;
    const { startDemo } = await import('@gatehouse/demo-api');
    const apiConfig = loadApiConfig(withSpa, { OIDC_ISSUER: issuer, OIDC_CLIENT_SECRET: apiClient.secret });
    const api = await startDemo({
      config: apiConfig,
      logger: log.child({ part: 'api' }),
      providerReady: auth.ready,
      // Between a crash of the auth server and its restart, /readyz and the login routes answer 503.
      providerUp: () => auth.serving,
      ...(apiHost === undefined ? {} : { host: apiHost }),
    }).catch((error: unknown) => {
      throw failure(error);
    });

    // Only now that both servers listen is the store written: the API's client (its redirect URIs follow
    // PUBLIC_URL) and, on a first start, the demo users. A start that failed before this point (a port taken,
    // the auth server unable to start, the API's store damaged) has re-pointed no client and created no user
    // whose password it never showed. The auth server reads clients and users per request.
    let demoUsers: readonly DemoUser[] = [];
    let earlierUsers = false;
    try {
      await auth.ready;
      const store = await openStore();
      try {
        await ensureApiClient(store, apiClient);
        if (!authConfig.production) {
          const seeded = await seedDemoUsers(store);
          demoUsers = seeded?.users ?? [];
          earlierUsers = seeded === null;
        }
      } finally {
        await store.close();
      }
    } catch (error) {
      await api.close();
      throw failure(error);
    }
    return {
      apiUrl: api.url,
      issuer,
      embedded: true,
      demoUsers,
      earlierUsers,
      spaDir,
      upstreamUrl: apiConfig.upstream?.url,
      get providerReady() {
        return api.providerReady;
      },
      whenProviderReady: () => api.whenProviderDiscovered(),
      failed: auth.gaveUp,
      async close() {
        await api.close();
        await auth.close();
        lock.release();
      },
    };
  } catch (error) {
    await auth.close();
    held?.release();
    throw error;
  }
}

/** The API client's stored secret, if it is registered: read, nothing written (the store may be new). */
async function readStoredSecret(
  open: () => Promise<AuthStore>,
  clientId: string,
): Promise<string | undefined> {
  const store = await open();
  try {
    return (await store.clients.find(clientId))?.secret ?? undefined;
  } finally {
    await store.close();
  }
}

async function gatehouseLogger(
  level: LogLevel,
  env: Readonly<Record<string, string | undefined>>,
): Promise<Logger> {
  const { createLogger, wantsPrettyLogs } = await import('@gatehouse/common');
  // The logs go to this process's standard output, so it decides: pretty for a person at a terminal. Written
  // at once, so that the lines logged while starting come before the banner, not inside it.
  return createLogger({ name: 'gatehouse', level, pretty: wantsPrettyLogs(env, process.stdout), sync: true });
}
