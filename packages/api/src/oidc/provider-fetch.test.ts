import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderFetch } from './provider-fetch.js';

// A real loopback server answering per path; `seen` records what arrived.
describe('createProviderFetch', () => {
  const http = createProviderFetch({ timeoutMs: 2000 });
  let server: Server;
  let origin: string;
  const seen: { method?: string; headers?: IncomingMessage['headers']; body?: string } = {};
  const routes: Record<string, (res: ServerResponse) => void> = {
    '/json': (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end('{"sub":"abc"}');
    },
    '/redirect': (res) => {
      res.writeHead(302, { location: '/json' });
      res.end();
    },
    '/empty': (res) => {
      res.writeHead(204);
      res.end();
    },
    '/large': (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`"${'x'.repeat(4096)}"`);
    },
    '/hang': () => {},
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        Object.assign(seen, {
          method: req.method,
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        });
        routes[req.url ?? '']?.(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    http.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns the answer as a Response: status, headers, body', async () => {
    const response = await http.fetch(`${origin}/json`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ sub: 'abc' });
    expect(seen).toMatchObject({ method: 'GET', headers: { accept: 'application/json' } });
  });

  it('sends a form body with its length and the caller’s headers', async () => {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'c-1' });
    await http.fetch(`${origin}/json`, {
      method: 'POST',
      headers: new Headers({
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Basic eDp5',
      }),
      body: form,
    });
    expect(seen.method).toBe('POST');
    expect(seen.body).toBe('grant_type=authorization_code&code=c-1');
    expect(seen.headers).toMatchObject({
      'content-length': String(form.toString().length),
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'Basic eDp5',
    });
  });

  it('never follows a redirect', async () => {
    const response = await http.fetch(`${origin}/redirect`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/json');
  });

  it('answers a 204 with an empty body', async () => {
    const response = await http.fetch(`${origin}/empty`);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('refuses an answer longer than maxBodyBytes', async () => {
    const bounded = createProviderFetch({ timeoutMs: 2000, maxBodyBytes: 1024 });
    await expect(bounded.fetch(`${origin}/large`)).rejects.toThrow(/more than 1024 bytes/);
    bounded.close();
  });

  it('fails with a TimeoutError when the provider does not answer in time', async () => {
    const quick = createProviderFetch({ timeoutMs: 100 });
    await expect(quick.fetch(`${origin}/hang`)).rejects.toMatchObject({ name: 'TimeoutError' });
    quick.close();
  });

  it('stops when the caller’s signal aborts', async () => {
    const controller = new AbortController();
    const pending = http.fetch(`${origin}/hang`, { signal: controller.signal });
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
  });

  it('refuses other schemes', async () => {
    await expect(http.fetch('file:///etc/passwd')).rejects.toThrow(/unsupported protocol/);
  });

  it('sends a request again on a new connection when its reused keep-alive socket is reset unanswered', async () => {
    // Answers the first request of each connection and keeps it open; a second request on the same connection
    // is reset unread, as by a server closing an idle socket just as the request arrives.
    let connections = 0;
    const racing = createNetServer((socket) => {
      connections += 1;
      let requests = 0;
      socket.on('data', () => {
        requests += 1;
        if (requests > 1) {
          socket.resetAndDestroy();
          return;
        }
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
      });
    });
    await new Promise<void>((resolve) => racing.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(racing.address() as AddressInfo).port}/`;
    const keepAlive = createProviderFetch({ timeoutMs: 2000 });
    try {
      expect((await keepAlive.fetch(url)).status).toBe(200);
      expect((await keepAlive.fetch(url)).status).toBe(200);
      expect(connections).toBe(2);
    } finally {
      keepAlive.close();
      await new Promise((resolve) => racing.close(resolve));
    }
  });
});
