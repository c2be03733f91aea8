import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderFetch } from './provider-fetch.js';

// A real loopback server answering per path; `seen` records what arrived.
describe('createProviderFetch', () => {
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
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns the answer as a Response: status, headers, body', async () => {
    const response = await createProviderFetch({ timeoutMs: 2000 })(`${origin}/json`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ sub: 'abc' });
    expect(seen).toMatchObject({ method: 'GET', headers: { accept: 'application/json' } });
  });

  it('sends a form body with its length and the caller’s headers', async () => {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code: 'c-1' });
    await createProviderFetch({ timeoutMs: 2000 })(`${origin}/json`, {
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
    const response = await createProviderFetch({ timeoutMs: 2000 })(`${origin}/redirect`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/json');
  });

  it('answers a 204 with an empty body', async () => {
    const response = await createProviderFetch({ timeoutMs: 2000 })(`${origin}/empty`);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('refuses an answer longer than maxBodyBytes', async () => {
    const bounded = createProviderFetch({ timeoutMs: 2000, maxBodyBytes: 1024 });
    await expect(bounded(`${origin}/large`)).rejects.toThrow(/more than 1024 bytes/);
  });

  it('fails with a TimeoutError when the provider does not answer in time', async () => {
    await expect(createProviderFetch({ timeoutMs: 100 })(`${origin}/hang`)).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('stops when the caller’s signal aborts', async () => {
    const controller = new AbortController();
    const pending = createProviderFetch({ timeoutMs: 5000 })(`${origin}/hang`, { signal: controller.signal });
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
  });

  it('refuses other schemes', async () => {
    await expect(createProviderFetch({ timeoutMs: 100 })('file:///etc/passwd')).rejects.toThrow(
      /unsupported protocol/,
    );
  });
});
