import { execFileSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../config/load-api-config.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';
import { addressKey } from './address-key.js';
import { DEFAULT_DESCRIPTOR_LIMIT, readDescriptorLimit } from './descriptor-limit.js';
import { maxConnectionsFor } from './max-connections-for.js';

/** A raw client connection from `localAddress` (any of 127.0.0.0/8 on Linux), with what it received. */
interface RawClient {
  socket: Socket;
  received: () => string;
  closed: () => boolean;
}

function openRaw(port: number, localAddress: string, send: string): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    let received = '';
    let closed = false;
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    // A connection the server resets is as good as closed here.
    socket.on('error', () => undefined);
    socket.on('close', () => (closed = true));
    socket.once('connect', () => {
      if (send !== '') socket.write(send);
      resolve({ socket, received: () => received, closed: () => closed });
    });
    socket.once('error', reject);
  });
}

/** Waits until `condition()` holds, checking every 20 ms, for at most `limitMs`. */
async function until(condition: () => boolean, limitMs = 10_000): Promise<boolean> {
  for (let waited = 0; waited < limitMs && !condition(); waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

/** One plain GET from `localAddress` on a fresh connection: the status, or the network error's code. */
function getFrom(port: number, localAddress: string, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, path, localAddress, agent: false, timeout: 5000 },
      (incoming) => {
        incoming.resume();
        incoming.on('end', () => resolve(incoming.statusCode ?? 0));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    outgoing.end();
  });
}

// Half a request: the request line and one header, never the blank line that ends the headers.
const PARTIAL_HEADERS = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n';

describe('sizing the connection limit', () => {
  it('reads the soft descriptor limit from /proc/self/limits, with a safe default elsewhere', () => {
    const text = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max processes             96367                96367                processes ',
      'Max open files            4096                 524288               files     ',
    ].join('\n');
    expect(readDescriptorLimit(() => text)).toBe(4096);
    expect(readDescriptorLimit(() => 'Max open files  unlimited  unlimited  files')).toBe(
      DEFAULT_DESCRIPTOR_LIMIT,
    );
    expect(
      readDescriptorLimit(() => {
        throw new Error('ENOENT: no /proc here');
      }),
    ).toBe(DEFAULT_DESCRIPTOR_LIMIT);
    // This process's own, as the shell it starts sees it (a child inherits the limit).
    if (process.platform === 'linux') {
      expect(readDescriptorLimit()).toBe(Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim()));
    }
  });

  it('keeps an eighth of the descriptors (64 to 1024) for the API itself', () => {
    expect(maxConnectionsFor(1024)).toBe(1024 - 128);
    expect(maxConnectionsFor(20_000)).toBe(20_000 - 1024);
    expect(maxConnectionsFor(256)).toBe(256 - 64);
    expect(maxConnectionsFor(40)).toBe(16);
  });

  it('counts IPv4 addresses as they are and IPv6 ones by their /64', () => {
    expect(addressKey('127.0.0.2')).toBe('127.0.0.2');
    expect(addressKey('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:2')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0003::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});

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
          Array.from({ length: 40 }, () => openRaw(port, '127.0.0.2', PARTIAL_HEADERS)),
        );
        try {
          expect(await until(() => accepted === 40)).toBe(true);
          // An honest client on another address is served, on a new connection, while the flood holds on.
          expect(await getFrom(port, '127.0.0.3', '/healthz')).toBe(200);
          // All but the cap's worth of the flood were closed by the API at once.
          expect(await until(() => flood.filter((client) => client.closed()).length === 32)).toBe(true);
          expect(flood.filter((client) => !client.closed())).toHaveLength(8);
          // One warning for the address, not one per refused connection; its connections are not logged.
          const warnings = t.logs.lines.filter((line) => line.includes('API_MAX_CONNECTIONS_PER_ADDRESS'));
          expect(warnings).toHaveLength(1);
          expect(warnings[0]).toContain('"address":"127.0.0.2"');
        } finally {
          for (const client of flood) client.socket.destroy();
        }
        // Once its connections are closed, the address is served again.
        expect(await until(() => flood.every((client) => client.closed()))).toBe(true);
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
        const idle = await openRaw(port, '127.0.0.4', '');
        const partial = await openRaw(port, '127.0.0.4', PARTIAL_HEADERS);
        expect(await until(() => idle.closed() && partial.closed(), 5000)).toBe(true);
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
          Array.from({ length: 24 }, () => openRaw(port, '127.0.0.5', PARTIAL_HEADERS)),
        );
        try {
          expect(await until(() => clients.filter((client) => client.closed()).length === 8)).toBe(true);
          expect(t.logs.lines.filter((line) => line.includes('connections dropped'))).toHaveLength(1);
        } finally {
          for (const client of clients) client.socket.destroy();
        }
      },
    );
  });
});
