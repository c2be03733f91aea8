import { ConfigError } from './config-error.js';

/** Which settings chose where a server listens, to name them when it cannot. */
export interface ListenSettings {
  /** e.g. `PORT` or `AUTH_PORT`. */
  readonly portSetting: string;
  readonly port: number;
  /** e.g. `AUTH_HOST`, when the interface is a setting too. */
  readonly hostSetting?: string;
  readonly host?: string;
}

/**
 * A server that could not listen, as the one-line {@link ConfigError} a person can act on: the port is taken
 * (EADDRINUSE), needs privileges (EACCES: ports below 1024), or the host is not this machine's
 * (EADDRNOTAVAIL) or not a known name (ENOTFOUND). Any other error: undefined (it is not a setting's fault).
 *
 * @example
 * await app.listen({ port }).catch((error) => { throw listenConfigError(error, { portSetting: 'PORT', port }) ?? error; });
 */
export function listenConfigError(error: unknown, settings: ListenSettings): ConfigError | undefined {
  const { portSetting, port, hostSetting, host } = settings;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const pick = `choose another with ${portSetting}=<port>`;
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(
        portSetting,
        `Invalid ${portSetting}: port ${port} is already in use (another program, or Gatehouse already running); stop it or ${pick}`,
      );
    case 'EACCES':
    case 'EPERM':
      return new ConfigError(
        portSetting,
        `Invalid ${portSetting}: port ${port} needs privileges this user does not have (ports below 1024 do); ${pick} above 1023`,
      );
    case 'EADDRNOTAVAIL':
      return hostSetting === undefined
        ? undefined
        : new ConfigError(hostSetting, `Invalid ${hostSetting}: ${host} is not an address of this machine`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return hostSetting === undefined
        ? undefined
        : new ConfigError(hostSetting, `Invalid ${hostSetting}: no address found for the host name ${host}`);
    default:
      return undefined;
  }
}
