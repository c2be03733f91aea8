import { type ApiConfig, loadApiConfig } from '@gatehouse/api/config';
import {
  type DemoUser,
  ensureApiClient,
  loadAuthServerConfig,
  openAuthStore,
  seedDemoUsers,
} from '@gatehouse/auth-server';
import { createLogger, type Logger, type LogLevel } from '@gatehouse/common';
import { startAuthServerProcess } from './auth-server-process.js';
import { defaultSpaDir } from './spa-dir.js';

/** What `startStack` started. */
export interface RunningStack {
  /** The API's public URL, where the SPA is served. */
  readonly apiUrl: string;
  /** The OpenID Provider's issuer: the embedded one, or `OIDC_ISSUER`. */
  readonly issuer: string;
  /** True when the embedded auth server runs in this process. */
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
 * process (its client for the API ensured and demo users seeded on an empty store outside production, first),
 * then the API in this process against it. With
 * `OIDC_ISSUER`: the API alone against that provider. Configuration errors throw `ConfigError` before anything
 * listens. Logs go to `logger`, by default JSON lines on stdout at `LOG_LEVEL` (checked with the other settings).
 */
export async function startStack(
  env: Readonly<Record<string, string | undefined>>,
  logger?: Logger,
): Promise<RunningStack> {
  const spaDir = env.SPA_DIR ?? defaultSpaDir();
  const withSpa = spaDir === undefined ? env : { ...env, SPA_DIR: spaDir };

  if (env.OIDC_ISSUER !== undefined && env.OIDC_ISSUER.trim() !== '') {
    const config = loadApiConfig(withSpa);
    const { startApi } = await import('@gatehouse/api');
    const api = await startApi({ config, logger: logger ?? gatehouseLogger(config.logLevel) });
    return {
      apiUrl: api.url,
      issuer: config.oidcIssuer,
      embedded: false,
      demoUsers: [],
      spaDir,
      close: () => api.close(),
    };
  }

  // Every setting is validated before anything starts (a bad one is one line, and nothing was spawned).
  const authConfig = loadAuthServerConfig(env);
  const expectedIssuer = authConfig.issuer ?? `http://localhost:${authConfig.port}`;
  const preliminary: ApiConfig = loadApiConfig(withSpa, {
    OIDC_ISSUER: expectedIssuer,
    OIDC_CLIENT_SECRET: 'checked-below',
  });
  const log = logger ?? gatehouseLogger(preliminary.logLevel);

  // The auth server boots in its child while this process prepares the store and loads the API: it reads
  // clients and users from the store per request, so it need not wait for them.
  const auth = await startAuthServerProcess(env, log.child({ part: 'auth-server' }), async () => {
    const store = openAuthStore(authConfig.dataDir);
    try {
      const { clientSecret } = await ensureApiClient(store, {
        clientId: preliminary.oidcClientId,
        publicUrl: preliminary.publicUrl,
        ...(env.OIDC_CLIENT_SECRET ? { secret: env.OIDC_CLIENT_SECRET } : {}),
      });
      const demoUsers: readonly DemoUser[] = authConfig.production
        ? []
        : ((await seedDemoUsers(store))?.users ?? []);
      const { startApi } = await import('@gatehouse/api');
      return { clientSecret, demoUsers, startApi };
    } finally {
      await store.close();
    }
  });
  try {
    const { clientSecret, demoUsers, startApi } = auth.prepared;
    const config = loadApiConfig(withSpa, { OIDC_ISSUER: auth.issuer, OIDC_CLIENT_SECRET: clientSecret });
    const api = await startApi({ config, logger: log.child({ part: 'api' }) });
    return {
      apiUrl: api.url,
      issuer: auth.issuer,
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

function gatehouseLogger(level: LogLevel): Logger {
  return createLogger({ name: 'gatehouse', level });
}
