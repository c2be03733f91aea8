import { maxConnectionsFor, readDescriptorLimit } from '@gatehouse/common';
import { openRawConnection, requestFrom, waitUntil } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../config/load-api-config.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';

/** One plain GET from `localAddress` on a fresh connection: the status, or the network error's code. */
async function getFrom(port: number, localAddress: string, path: string): Promise<number | string> {
  const answer = await requestFrom(`http://127.0.0.1:${port}${path}`, { localAddress });
  return answer.error ?? answer.status;
}

// Half a request: the request line and one header, never the blank line that ends the headers.
const PARTIAL_HEADERS = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n';

// docs/security.md 50: one address cannot exhaust the API's connections.
describe('connection limits on a running API', () => {
  let op: MisbehavingProvider;

  beforeAll(async () => {
    op = await MisbehavingProvider.start();
  });
  afterAll(async () => op?.close());

  /** Runs `run` against an API whose configuration `configure` changed first; closes it whatever happens. */
  async function withApi(
    configure: (config: ApiConfig) => void,
    run: (t: TestApi, port: number) => Promise<void>,
  ): Promise<void> {
    const t = await startTestApi({ issuer: op.issuer, publicUrl: await reservePublicUrl(), configure });
    try {
      await run(t, t.api.port);
    } finally {
      await t.close();
    }
  }

  it('sizes maxConnections from the descriptor limit and shortens the header, request and keep-alive timeouts', async () => {
    await withApi(
      () => undefined,
      async (t) => {
        const server = t.api.app.server;
        expect(server.maxConnections).toBe(maxConnectionsFor(readDescriptorLimit()));
        // Node's defaults are 60 s, 300 s, and Fastify's keep-alive 72 s.
        expect(server.headersTimeout).toBe(10_000);
        expect(server.requestTimeout).toBe(30_000);
        expect(server.keepAliveTimeout).toBe(5_000);
      },
    );
  });

  it('still serves a client on another address while one address floods it with idle half-sent requests', async () => {
    await withApi(
      (config) => {
        config.connections.max = 40;
        config.connections.perAddress = 8;
      },
      async (t, port) => {
        let accepted = 0;
        t.api.app.server.on('connection', () => (accepted += 1));
        // As many idle connections from 127.0.0.2 as the whole API accepts.
        const flood = await Promise.all(
          Array.from({ length: 40 }, () => openRawConnection(port, '127.0.0.2', PARTIAL_HEADERS)),
        );
        try {
          expect(await waitUntil(() => accepted === 40)).toBe(true);
          // An honest client on another address is served, on a new connection, while the flood holds on.
          expect(await getFrom(port, '127.0.0.3', '/healthz')).toBe(200);
          // All but the cap's worth of the flood were closed by the API at once.
          expect(await waitUntil(() => flood.filter((client) => client.closed()).length === 32)).toBe(true);
          expect(flood.filter((client) => !client.closed())).toHaveLength(8);
          // One warning for the address, not one per refused connection; its connections are not logged.
          const warnings = t.logs.lines.filter((line) => line.includes('API_MAX_CONNECTIONS_PER_ADDRESS'));
          expect(warnings).toHaveLength(1);
          expect(warnings[0]).toContain('"address":"127.0.0.2"');
        } finally {
          for (const client of flood) client.socket.destroy();
        }
        // Once its connections are closed, the address is served again.
        expect(await waitUntil(() => flood.every((client) => client.closed()))).toBe(true);
        expect(await getFrom(port, '127.0.0.2', '/healthz')).toBe(200);
      },
    );
  });

  it('closes a connection that does not finish its headers in time, idle or half-sent, with a 408', async () => {
    await withApi(
      (config) => {
        config.connections.headersTimeoutMs = 300;
        config.connections.requestTimeoutMs = 1000;
      },
      async (_t, port) => {
        const idle = await openRawConnection(port, '127.0.0.4', '');
        const partial = await openRawConnection(port, '127.0.0.4', PARTIAL_HEADERS);
        expect(await waitUntil(() => idle.closed() && partial.closed(), 5000)).toBe(true);
        expect(partial.received()).toMatch(/^HTTP\/1\.1 408 /);
      },
    );
  });

  it('drops connections past maxConnections with one warning, not one per connection', async () => {
    await withApi(
      (config) => {
        config.connections.max = 16;
        config.connections.perAddress = 0;
      },
      async (t, port) => {
        const clients = await Promise.all(
          Array.from({ length: 24 }, () => openRawConnection(port, '127.0.0.5', PARTIAL_HEADERS)),
        );
        try {
          expect(await waitUntil(() => clients.filter((client) => client.closed()).length === 8)).toBe(true);
          expect(t.logs.lines.filter((line) => line.includes('connections dropped'))).toHaveLength(1);
        } finally {
          for (const client of clients) client.socket.destroy();
        }
      },
    );
  });
});
