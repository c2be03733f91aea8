import type { DemoUser } from '@gatehouse/auth-server';
import type { Logger, LogLevel } from '@gatehouse/common';
import { forkAuthServer } from './auth-server-process.js';
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
  /** Where the SPA is served from, if it was built. */
  readonly spaDir: string | undefined;
  /** Stops the API, then the auth server. */
  close(): Promise<void>;
}

/**
 * Starts Gatehouse as `npm start` does. Without `OIDC_ISSUER`: the embedded auth server in a supervised child
 * process (its client for the API ensured and demo users seeded on an empty store outside production), and the
 * API in this process against it. With `OIDC_ISSUER`: the API alone against that provider. Configuration errors
 * throw `ConfigError` before anything listens. Logs go to `logger`, by default JSON lines on stdout at
 * `LOG_LEVEL` (checked with the other settings).
 */
export async function startStack(
  env: Readonly<Record<string, string | undefined>>,
  logger?: Logger,
): Promise<RunningStack> {
  const spaDir = env.SPA_DIR ?? defaultSpaDir();
  const withSpa = spaDir === undefined ? env : { ...env, SPA_DIR: spaDir };

  if (env.OIDC_ISSUER !== undefined && env.OIDC_ISSUER.trim() !== '') {
    const { loadApiConfig, startApi } = await import('@gatehouse/api');
    const config = loadApiConfig(withSpa);
    const api = await startApi({ config, logger: logger ?? (await gatehouseLogger(config.logLevel)) });
    return {
      apiUrl: api.url,
      issuer: config.oidcIssuer,
      embedded: false,
      demoUsers: [],
      spaDir,
      close: () => api.close(),
    };
  }

  const auth = forkAuthServer(env);
  try {
    const [
      { ensureApiClient, issuerFor, loadAuthServerConfig, openAuthStore, seedDemoUsers },
      { loadApiConfig },
    ] = await Promise.all([import('@gatehouse/auth-server'), import('@gatehouse/api/config')]);
    // Every setting is validated before the auth server may start (a bad one is one line, and nothing started).
    const authConfig = loadAuthServerConfig(env);
    const expectedIssuer = issuerFor(authConfig, authConfig.port);
    const preliminary = loadApiConfig(withSpa, {
      OIDC_ISSUER: expectedIssuer,
      OIDC_CLIENT_SECRET: 'checked-below',
    });
    const log = logger ?? (await gatehouseLogger(preliminary.logLevel));
    auth.start(log.child({ part: 'auth-server' }));

    // The auth server reads clients and users from the store per request, so it need not wait for them.
    const store = openAuthStore(authConfig.dataDir);
    let clientSecret: string;
    let demoUsers: readonly DemoUser[];
    try {
      ({ clientSecret } = await ensureApiClient(store, {
        clientId: preliminary.oidcClientId,
        publicUrl: preliminary.publicUrl,
        ...(env.OIDC_CLIENT_SECRET ? { secret: env.OIDC_CLIENT_SECRET } : {}),
      }));
      demoUsers = authConfig.production ? [] : ((await seedDemoUsers(store))?.users ?? []);
    } finally {
      await store.close();
    }

    // The issuer is known now unless the auth server picks its port (AUTH_PORT=0): then the API waits for it.
    // Otherwise the API builds its app while the auth server finishes starting, and only discovery (which
    // checks that the provider's issuer is this one) waits for it.
    const issuer =
      authConfig.issuer === undefined && authConfig.port === 0 ? (await auth.ready).issuer : expectedIssuer;
    const { startApi } = await import('@gatehouse/api');
    const api = await startApi({
      config: loadApiConfig(withSpa, { OIDC_ISSUER: issuer, OIDC_CLIENT_SECRET: clientSecret }),
      logger: log.child({ part: 'api' }),
      providerReady: auth.ready,
    });
    return {
      apiUrl: api.url,
      issuer,
      embedded: true,
      demoUsers,
      spaDir,
      async close() {
        await api.close();
        await auth.close();
      },
    };
  } catch (error) {
    await auth.close();
    throw error;
  }
}

async function gatehouseLogger(level: LogLevel): Promise<Logger> {
  const { createLogger } = await import('@gatehouse/common');
  return createLogger({ name: 'gatehouse', level });
}
