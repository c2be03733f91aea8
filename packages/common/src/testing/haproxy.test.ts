import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHaproxy } from './haproxy.js';
import { requestFrom } from './request-from.js';

/** A backend that answers with its name and the X-Forwarded-For it received. */
async function backend(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ name, forwardedFor: req.headers['x-forwarded-for'] ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
}

describe('startHaproxy', () => {
  const backends: { server: Server; port: number }[] = [];
  beforeAll(async () => {
    backends.push(await backend('a'), await backend('b'));
  });
  afterAll(async () => {
    await Promise.all(backends.map(({ server }) => new Promise((resolve) => server.close(resolve))));
  });

  const targets = () => backends.map(({ port }) => ({ host: '127.0.0.1', port }));

  it('appends the address it saw to X-Forwarded-For, after whatever the client wrote', async () => {
    const proxy = await startHaproxy({ backends: targets().slice(0, 1) });
    try {
      const plain = await requestFrom(`${proxy.url}/`, { localAddress: '127.0.0.2' });
      expect(JSON.parse(plain.body)).toEqual({ name: 'a', forwardedFor: '127.0.0.2' });
      const forged = await requestFrom(`${proxy.url}/`, {
        localAddress: '127.0.0.3',
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(JSON.parse(forged.body)).toEqual({ name: 'a', forwardedFor: '203.0.113.9, 127.0.0.3' });
    } finally {
      await proxy.close();
    }
    // Closed: nothing listens on its port any more.
    expect((await requestFrom(`${proxy.url}/`)).status).toBe(0);
  });

  it('spreads requests over its backends in the balance mode it is given', async () => {
    const proxy = await startHaproxy({ backends: targets(), balance: 'roundrobin' });
    try {
      const names: string[] = [];
      for (let i = 0; i < 4; i++) {
        names.push(JSON.parse((await requestFrom(`${proxy.url}/`)).body).name);
      }
      expect(names).toEqual(['a', 'b', 'a', 'b']);
    } finally {
      await proxy.close();
    }
  });

  it('sends nothing to a backend that fails its health check', async () => {
    const down = await backend('down');
    const downPort = down.port;
    await new Promise((resolve) => down.server.close(resolve));
    const proxy = await startHaproxy({
      backends: [{ host: '127.0.0.1', port: downPort }, ...targets().slice(0, 1)],
      healthCheck: { path: '/', intervalMs: 100 },
    });
    try {
      // Without the check, round robin would send every other request to the closed port (503). The first
      // checks mark it down: wait for that (bounded), then every request goes to the live one.
      const names = async () => {
        const seen: string[] = [];
        for (let i = 0; i < 4; i++) {
          const answer = await requestFrom(`${proxy.url}/`);
          seen.push(answer.status === 200 ? JSON.parse(answer.body).name : String(answer.status));
        }
        return seen;
      };
      let last: string[] = [];
      for (let round = 0; round < 20; round++) {
        last = await names();
        if (last.every((name) => name === 'a')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(last).toEqual(['a', 'a', 'a', 'a']);
    } finally {
      await proxy.close();
    }
  });

  it('says why when haproxy cannot start', async () => {
    await expect(startHaproxy({ backends: [] })).rejects.toThrow('at least one backend');
    await expect(startHaproxy({ backends: targets(), binary: '/nonexistent/haproxy' })).rejects.toThrow(
      'haproxy is not installed at /nonexistent/haproxy',
    );
  });
});
