import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ConfigError, ensureDataDir, listenConfigError } from '@gatehouse/common';

/** What {@link preflight} checks; each part only when that server starts. */
export interface PreflightChecks {
  /** DATA_DIR, resolved or not. */
  readonly dataDir: string;
  /** SPA_DIR when it was set explicitly (the default is used only when built). */
  readonly spaDir?: string | undefined;
  /** The API's port and public URL, when the API starts. */
  readonly api?: { readonly port: number; readonly publicUrl: string };
  /** The embedded auth server's port, when it starts beside the API. */
  readonly authPort?: number;
}

/**
 * What `gatehouse start` checks before anything listens or opens a database, so that a bad setting is one
 * line naming it (exit 1) and nothing was started: the ports differ, SPA_DIR holds a build, DATA_DIR is (or can
 * be made) a private folder this user can write, and the API's port can be bound. Resolves to the address the
 * API must listen on (the same one the port was checked on).
 */
export async function preflight(checks: PreflightChecks): Promise<{ apiHost: string | undefined }> {
  const { api, authPort } = checks;
  if (api !== undefined && authPort !== undefined && api.port !== 0 && api.port === authPort) {
    throw new ConfigError(
      'AUTH_PORT',
      `Invalid AUTH_PORT: the auth server and the API cannot share port ${authPort}; set PORT and AUTH_PORT apart`,
    );
  }
  if (checks.spaDir !== undefined && !existsSync(join(checks.spaDir, 'index.html'))) {
    throw new ConfigError(
      'SPA_DIR',
      `Invalid SPA_DIR: ${checks.spaDir} holds no index.html (build the app there, or unset SPA_DIR)`,
    );
  }
  ensureDataDir(checks.dataDir);
  if (api === undefined) return { apiHost: undefined };
  const apiHost = listenHost(new URL(api.publicUrl));
  if (api.port !== 0) await assertCanListen(api.port, apiHost);
  return { apiHost };
}

/**
 * Where the API listens: loopback only when browsers reach it on this machine (PUBLIC_URL on localhost or
 * 127.0.0.0/8), every interface otherwise (behind a proxy, in a container).
 */
function listenHost(publicUrl: URL): string {
  const host = publicUrl.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const loopback =
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
  return loopback ? '127.0.0.1' : '0.0.0.0';
}

/** Binds `host:port` for a moment: a port in use or one this user may not bind is one line naming PORT. */
function assertCanListen(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => reject(listenConfigError(error, { portSetting: 'PORT', port }) ?? error));
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
