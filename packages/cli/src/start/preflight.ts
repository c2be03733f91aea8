import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  ConfigError,
  type DataDirLock,
  type DataDirPart,
  ensureDataDir,
  listenConfigError,
  lockDataDir,
} from '@gatehouse/common';

/** What {@link preflight} checks; each part only when that server starts. */
export interface PreflightChecks {
  /** DATA_DIR, resolved or not. */
  readonly dataDir: string;
  /** SPA_DIR when it was set explicitly (the default is used only when built). */
  readonly spaDir?: string | undefined;
  /** The API's port and public URL, when the API starts. */
  readonly api?: { readonly port: number; readonly publicUrl: string };
  /** The auth server's port and interface (AUTH_HOST), when it starts. */
  readonly auth?: { readonly port: number; readonly host: string };
  /** The parts this start runs: each is locked on DATA_DIR, so that a second start of it there is refused. */
  readonly parts: readonly DataDirPart[];
}

/** What {@link preflight} found and took. */
export interface Preflight {
  /** Where the API must listen (the address its port was checked on). */
  readonly apiHost: string | undefined;
  /** DATA_DIR's lock for the parts: release it when the start fails or stops. */
  readonly lock: DataDirLock;
}

/**
 * What `gatehouse start` checks before anything listens or opens a database, so that a bad setting is one
 * line naming it (exit 1) and nothing was started or written: the ports differ, SPA_DIR holds a build, DATA_DIR
 * is (or can be made) a private folder this user can write and no other start runs these parts on it (its
 * lock is taken), and the API's and the auth server's ports can be bound. Resolves to the address the API must
 * listen on (the same one the port was checked on) and the lock.
 */
export async function preflight(checks: PreflightChecks): Promise<Preflight> {
  const { api } = checks;
  const authPort = checks.auth?.port;
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
  const dataDir = ensureDataDir(checks.dataDir);
  // Before the ports: a second start on this DATA_DIR is told that, not that its ports are taken.
  const locks: DataDirLock[] = [];
  try {
    for (const part of checks.parts) locks.push(lockDataDir(dataDir, part));
  } catch (error) {
    for (const taken of locks) taken.release();
    throw error;
  }
  const lock: DataDirLock = {
    release() {
      for (const taken of locks) taken.release();
    },
  };
  try {
    const apiHost = api === undefined ? undefined : listenHost(new URL(api.publicUrl));
    if (api !== undefined && api.port !== 0) await assertCanListen(api.port, apiHost ?? '', 'PORT');
    const auth = checks.auth;
    // Checked here, not left to the auth server: a start must fail before the API's client is re-registered.
    if (auth !== undefined && auth.port !== 0) {
      for (const host of authHosts(auth.host))
        await assertCanListen(auth.port, host, 'AUTH_PORT', 'AUTH_HOST');
    }
    return { apiHost, lock };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** The addresses the auth server binds for AUTH_HOST (both loopbacks for `localhost`, as it listens). */
function authHosts(host: string): string[] {
  return host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
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

/**
 * Binds `host:port` for a moment: a port in use or one this user may not bind is one line naming the setting.
 * ::1 on a machine without IPv6 is no obstacle (the auth server then binds 127.0.0.1 only).
 */
function assertCanListen(
  port: number,
  host: string,
  portSetting: string,
  hostSetting?: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (host === '::1' && (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT')) resolve();
      else {
        const named = hostSetting === undefined ? {} : { hostSetting, host };
        reject(listenConfigError(error, { portSetting, port, ...named }) ?? error);
      }
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
