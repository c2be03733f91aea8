import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CONNECTION_TIMEOUTS,
  type ConnectionLimits,
  createLogger,
  maxConnectionsFor,
  readDescriptorLimit,
} from '@gatehouse/common';
import { openRawConnection, requestFrom, waitUntil } from '@gatehouse/common/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadAuthServerConfig } from '../config/load-auth-server-config.js';
import { openAuthStore } from '../store/sqlite/open-auth-store.js';
import { type RunningAuthServer, startAuthServer } from './start-auth-server.js';

// Half a request: the request line and one header, never the blank line that ends the headers.
const PARTIAL_HEADERS = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n';

/** A running auth server with the given connection bounds, its log lines, and its port. */
interface Bounded {
  readonly server: RunningAuthServer;
  readonly port: number;
  readonly logs: string[];
}

// docs/security.md 50: one address cannot exhaust the auth server's connections (issue 16, item 3, as the API).
describe('connection limits on a running auth server', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function bounded(connections: Partial<ConnectionLimits> = {}): Promise<Bounded> {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-auth-conn-'));
    const store = openAuthStore(dataDir);
    const logs: string[] = [];
    const config = loadAuthServerConfig({ AUTH_PORT: '0', DATA_DIR: dataDir });
    const server = await startAuthServer({
      config: { ...config, connections: { ...config.connections, ...connections } },
      store,
      logger: createLogger({ name: 'test', level: 'debug' }, { write: (line: string) => logs.push(line) }),
    });
    cleanups.push(async () => {
      await server.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    return { server, port: server.port, logs };
  }

  /** Raw connections, destroyed after the test. */
  async function openMany(count: number, port: number, from: string, send: string, host?: string) {
    const opened = await Promise.all(
      Array.from({ length: count }, () => openRawConnection(port, from, send, host)),
    );
    cleanups.push(async () => {
      for (const client of opened) client.socket.destroy();
    });
    return opened;
  }

  it('sizes maxConnections from the descriptor limit and shortens the header, request and keep-alive timeouts', async () => {
    const { server } = await bounded();
    // `localhost`: 127.0.0.1 and ::1, each bounded (and both together, below).
    expect(server.servers).toHaveLength(2);
    for (const listener of server.servers) {
      expect(listener.maxConnections).toBe(maxConnectionsFor(readDescriptorLimit()));
      // Node's defaults are 60 s, 300 s and 5 s.
      expect(listener.headersTimeout).toBe(CONNECTION_TIMEOUTS.headersTimeoutMs);
      expect(listener.requestTimeout).toBe(CONNECTION_TIMEOUTS.requestTimeoutMs);
      expect(listener.keepAliveTimeout).toBe(CONNECTION_TIMEOUTS.keepAliveTimeoutMs);
    }
    expect(CONNECTION_TIMEOUTS).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
    });
  });

  it('still serves a client on another address while one address floods it with idle half-sent requests', async () => {
    const { server, port, logs } = await bounded({ max: 40, perAddress: 8 });
    let accepted = 0;
    for (const listener of server.servers) listener.on('connection', () => (accepted += 1));
    // As many idle connections from 127.0.0.2 as the whole server accepts.
    const flood = await openMany(40, port, '127.0.0.2', PARTIAL_HEADERS);
    expect(await waitUntil(() => accepted === 40)).toBe(true);
    // An honest client on another address is served, on a new connection, while the flood holds on.
    expect(
      (await requestFrom(`http://127.0.0.1:${port}/healthz`, { localAddress: '127.0.0.3' })).status,
    ).toBe(200);
    // All but the cap's worth of the flood were closed at once.
    expect(await waitUntil(() => flood.filter((client) => client.closed()).length === 32)).toBe(true);
    expect(flood.filter((client) => !client.closed())).toHaveLength(8);
    // One warning for the address, not one per refused connection.
    const warnings = logs.filter((line) => line.includes('AUTH_MAX_CONNECTIONS_PER_ADDRESS'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"address":"127.0.0.2"');
    // Once its connections are closed, the address is served again.
    for (const client of flood) client.socket.destroy();
    expect(await waitUntil(() => flood.every((client) => client.closed()))).toBe(true);
    expect(
      (await requestFrom(`http://127.0.0.1:${port}/healthz`, { localAddress: '127.0.0.2' })).status,
    ).toBe(200);
  });

  it('closes a connection that does not finish its headers in time, idle or half-sent, with a 408', async () => {
    const { port } = await bounded({ headersTimeoutMs: 300, requestTimeoutMs: 1000 });
    const [idle] = await openMany(1, port, '127.0.0.4', '');
    const [partial] = await openMany(1, port, '127.0.0.4', PARTIAL_HEADERS);
    expect(await waitUntil(() => Boolean(idle?.closed() && partial?.closed()), 5000)).toBe(true);
    expect(partial?.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('drops connections past maxConnections with one warning, not one per connection', async () => {
    const { port, logs } = await bounded({ max: 16, perAddress: 0 });
    const clients = await openMany(24, port, '127.0.0.5', PARTIAL_HEADERS);
    expect(await waitUntil(() => clients.filter((client) => client.closed()).length === 8)).toBe(true);
    const dropped = logs.filter((line) => line.includes('connections dropped'));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toContain('AUTH_MAX_CONNECTIONS');
  });

  it('bounds its 127.0.0.1 and ::1 listeners together', async () => {
    const { server, port } = await bounded({ max: 16, perAddress: 0 });
    let accepted = 0;
    for (const listener of server.servers) listener.on('connection', () => (accepted += 1));
    const overV4 = await openMany(10, port, '127.0.0.6', PARTIAL_HEADERS);
    expect(await waitUntil(() => accepted === 10)).toBe(true);
    const overV6 = await openMany(10, port, '::1', PARTIAL_HEADERS, '::1');
    expect(await waitUntil(() => overV6.filter((client) => client.closed()).length === 4)).toBe(true);
    expect(overV4.filter((client) => client.closed())).toHaveLength(0);
  });

  // A client that stops halfway through a body is cut off by the request timeout; Koa printed that to stderr
  // with a stack, once per such client. One log line instead.
  it('cuts off a body that stops coming, logged as one line and nothing on stderr', async () => {
    const stderr = vi.spyOn(console, 'error');
    cleanups.push(async () => stderr.mockRestore());
    const { port, logs } = await bounded({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const [slow] = await openMany(
      1,
      port,
      '127.0.0.7',
      [
        'POST /token HTTP/1.1',
        `Host: localhost:${port}`,
        'Content-Type: application/x-www-form-urlencoded',
        'Content-Length: 100',
        '',
        'grant_type=',
      ].join('\r\n'),
    );
    expect(await waitUntil(() => Boolean(slow?.closed()), 5000)).toBe(true);
    expect(await waitUntil(() => logs.some((line) => line.includes('request_aborted')), 2000)).toBe(true);
    expect(stderr).not.toHaveBeenCalled();
  });
});
