import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, listen } from './listen.js';

async function occupy(host: string, port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

function portOf(server: { address(): unknown }): number {
  const address = server.address() as { port: number };
  return address.port;
}

// Another process on [::1]:<port> would receive the sign-ins of every client that resolves localhost to ::1.
describe('listen on localhost', () => {
  const opened: Server[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('binds 127.0.0.1 and ::1 on the same port', async () => {
    const servers = await listen('localhost', 0, (_req, res) => res.end());
    try {
      expect(servers.map((server) => (server.address() as { address: string }).address)).toEqual([
        '127.0.0.1',
        '::1',
      ]);
      expect(new Set(servers.map(portOf)).size).toBe(1);
    } finally {
      await closeAll(servers);
    }
  });

  it('refuses to start on a fixed port another process holds on ::1', async () => {
    const blocker = await occupy('::1', 0);
    opened.push(blocker);
    await expect(listen('localhost', portOf(blocker), (_req, res) => res.end())).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    // 127.0.0.1 was released again: the port is free there.
    opened.push(await occupy('127.0.0.1', portOf(blocker)));
  });
});
