import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { listenConfigError } from './listen-config-error.js';

/** The error a real listen gives, so the mapping is tested against what Node throws, not a hand-made object. */
function listenError(port: number, host: string): Promise<Error> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', resolve);
    server.listen(port, host, () => server.close(() => reject(new Error('listened'))));
  });
}

describe('listenConfigError', () => {
  let taken: Server | undefined;
  afterEach(() => taken?.close());

  it('names the port setting and how to pick another when the port is taken', async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken?.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const error = listenConfigError(await listenError(port, '127.0.0.1'), { portSetting: 'AUTH_PORT', port });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.setting).toBe('AUTH_PORT');
    expect(error?.message).toBe(
      `Invalid AUTH_PORT: port ${port} is already in use (another program, or Gatehouse already running); stop it or choose another with AUTH_PORT=<port>`,
    );
  });

  it('names the host setting when the address is not this machine’s', async () => {
    const error = listenConfigError(await listenError(0, '192.0.2.1'), {
      portSetting: 'AUTH_PORT',
      port: 0,
      hostSetting: 'AUTH_HOST',
      host: '192.0.2.1',
    });
    expect(error?.message).toBe('Invalid AUTH_HOST: 192.0.2.1 is not an address of this machine');
  });

  it('says a privileged port needs privileges, and leaves other errors alone', () => {
    const denied = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), {
      code: 'EACCES',
    });
    expect(listenConfigError(denied, { portSetting: 'PORT', port: 80 })?.message).toBe(
      'Invalid PORT: port 80 needs privileges this user does not have (ports below 1024 do); choose another with PORT=<port> above 1023',
    );
    expect(listenConfigError(new Error('other'), { portSetting: 'PORT', port: 80 })).toBeUndefined();
  });
});
