import { resolve } from 'node:path';
import type { Logger } from '@gatehouse/common';

/** What {@link startAuthAlone} started. */
export interface RunningAuthAlone {
  readonly issuer: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `gatehouse start auth`: the embedded auth server alone, in this process (no API, nothing forked), as
 * `node packages/auth-server/dist/main.js` runs it; its process manager restarts it if it fails. Settings are
 * checked first (DATA_DIR before anything opens it, and no other start of the auth server on it); a bad one, a
 * port in use or a damaged store is one `ConfigError` line naming the setting.
 */
export async function startAuthAlone(
  env: Readonly<Record<string, string | undefined>>,
  logger?: Logger,
): Promise<RunningAuthAlone> {
  const [
    { createLogger, wantsPrettyLogs },
    { loadAuthServerConfig, startAuthServer },
    { preflight },
    { startFailure },
  ] = await Promise.all([
    import('@gatehouse/common'),
    import('@gatehouse/auth-server'),
    import('./preflight.js'),
    import('./start-failure.js'),
  ]);
  const config = loadAuthServerConfig(env);
  const dataDir = resolve(config.dataDir);
  const { lock } = await preflight({
    dataDir,
    auth: { port: config.port, host: config.host },
    // With DATABASE_URL the state is in the database and DATA_DIR holds none: any number of processes share it.
    parts: config.database === undefined ? ['auth-server'] : [],
  });
  const log =
    logger ??
    createLogger({
      name: 'auth-server',
      level: config.logLevel,
      pretty: wantsPrettyLogs(env, process.stdout),
      // Written at once, so that the lines logged while starting come before the banner, not inside it.
      sync: true,
    });
  const server = await startAuthServer({ config, logger: log }).catch((error: unknown) => {
    lock.release();
    throw startFailure(error, { dataDir, port: config.port, portSetting: 'AUTH_PORT' }) ?? error;
  });
  return {
    issuer: server.issuer,
    port: server.port,
    async close() {
      await server.close();
      lock.release();
    },
  };
}
