import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * Listens on `host:port`. For `localhost` it binds 127.0.0.1 and, when the machine has it, ::1 on the same
 * port, so `http://localhost:<port>` works whichever address a client resolves first. Port 0 picks a free port.
 */
export async function listen(host: string, port: number, handler: RequestListener): Promise<Server[]> {
  const hosts = host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
  const servers: Server[] = [];
  let bound = port;
  for (const [index, each] of hosts.entries()) {
    const server = createServer(handler);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(bound, each, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      // ::1 may be missing (IPv6 disabled): 127.0.0.1 alone is enough.
      if (index > 0) continue;
      throw error;
    }
    const address = server.address();
    if (address && typeof address === 'object') bound = address.port;
    servers.push(server);
  }
  return servers;
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
