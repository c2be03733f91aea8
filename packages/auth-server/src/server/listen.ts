import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';

/** Tries with a new free port when port 0's pick is taken on ::1 by another process. */
const MAX_ATTEMPTS = 5;

/**
 * Listens on `host:port`. For `localhost` it binds 127.0.0.1 and, when the machine has IPv6, ::1 on the same
 * port, so `http://localhost:<port>` works whichever address a client resolves first. Port 0 picks a free port.
 *
 * ::1 is skipped only when IPv6 is unavailable. When ::1 is busy on that port, some other process would answer
 * every client that resolves `localhost` to ::1 (receiving its passwords and codes), so a fixed port fails to
 * start and port 0 picks another port.
 *
 * `options` go to every server made (`serverTimeouts`: how long a connection may take, docs/security.md 50).
 */
export async function listen(
  host: string,
  port: number,
  handler: RequestListener,
  options: ServerOptions = {},
): Promise<Server[]> {
  if (host !== 'localhost') return [await bind(handler, host, port, options)];
  for (let attempt = 1; ; attempt++) {
    const v4 = await bind(handler, '127.0.0.1', port, options);
    try {
      return [v4, await bind(handler, '::1', portOf(v4), options)];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return [v4];
      await closeAll([v4]);
      if (code !== 'EADDRINUSE' || port !== 0 || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

async function bind(
  handler: RequestListener,
  host: string,
  port: number,
  options: ServerOptions,
): Promise<Server> {
  const server = createServer(options, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

function portOf(server: Server): number {
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('server has no port');
  return address.port;
}

/** Closes servers, ending idle keep-alive connections so close() does not wait for them. */
export async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        }),
    ),
  );
}
