import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/create-logger.js';
import { TrustedProxies } from '../net/trusted-proxies.js';
import { openRawConnection, type RawConnection } from '../testing/raw-connection.js';
import { waitUntil } from '../testing/wait-until.js';
import { limitConnections } from './limit-connections.js';

// Half a request: the request line and one header, never the blank line that ends the headers.
const PARTIAL_HEADERS = 'GET / HTTP/1.1\r\nHost: localhost\r\n';
const SETTINGS = { max: 'TEST_MAX_CONNECTIONS', perAddress: 'TEST_MAX_CONNECTIONS_PER_ADDRESS' };

describe('limitConnections', () => {
  const servers: Server[] = [];
  const clients: RawConnection[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.destroy();
    await Promise.all(
      servers.splice(0).map(
        (server) =>
          new Promise((resolve) => {
            server.close(resolve);
            server.closeAllConnections();
          }),
      ),
    );
  });

  async function listening(): Promise<{ server: Server; port: number }> {
    const server = createServer((_req, res) => res.end());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
  }

  function captured() {
    const lines: string[] = [];
    const logger = createLogger(
      { name: 'test', level: 'info' },
      { write: (line: string) => lines.push(line) },
    );
    return { logger, lines };
  }

  async function open(port: number, from: string, count: number): Promise<RawConnection[]> {
    const opened = await Promise.all(
      Array.from({ length: count }, () => openRawConnection(port, from, PARTIAL_HEADERS)),
    );
    clients.push(...opened);
    return opened;
  }

  // docs/security.md 50: the auth server listens on 127.0.0.1 and ::1 for `localhost`; Node bounds each listener
  // alone, and the two together could hold twice the descriptors the bound leaves room for.
  it('bounds several listeners of one process together, with one warning', async () => {
    const first = await listening();
    const second = await listening();
    const { logger, lines } = captured();
    expect(
      limitConnections(
        [first.server, second.server],
        { max: 6, perAddress: 0 },
        { logger, settings: SETTINGS },
      ),
    ).toBe(6);
    let acceptedFirst = 0;
    first.server.on('connection', () => {
      acceptedFirst += 1;
    });
    const toFirst = await open(first.port, '127.0.0.2', 4);
    expect(await waitUntil(() => acceptedFirst === 4)).toBe(true);
    const toSecond = await open(second.port, '127.0.0.2', 4);
    const all = [...toFirst, ...toSecond];
    expect(await waitUntil(() => all.filter((client) => client.closed()).length === 2)).toBe(true);
    expect(toSecond.filter((client) => client.closed())).toHaveLength(2);
    const dropped = lines.filter((line) => line.includes('connections dropped'));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toContain('the server holds TEST_MAX_CONNECTIONS connections already');
  });

  // docs/security.md 37 and 50: behind a proxy every connection is the proxy's; capping its address would refuse
  // the site's users, while anyone reaching the server around the proxy is still capped.
  it('never caps a trusted proxy per address, and still caps every other address', async () => {
    const { server, port } = await listening();
    const { logger, lines } = captured();
    const trust = TrustedProxies.parse('127.0.0.1');
    limitConnections(
      [server],
      { max: 100, perAddress: 3 },
      {
        logger,
        settings: SETTINGS,
        exempt: (peer) => trust.trusts(peer),
      },
    );
    const proxied = await open(port, '127.0.0.1', 6);
    const direct = await open(port, '127.0.0.2', 6);
    expect(await waitUntil(() => direct.filter((client) => client.closed()).length === 3)).toBe(true);
    expect(proxied.filter((client) => client.closed())).toHaveLength(0);
    const warnings = lines.filter((line) => line.includes('TEST_MAX_CONNECTIONS_PER_ADDRESS'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"address":"127.0.0.2"');
  });
});
