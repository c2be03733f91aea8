import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderFetch } from './provider-fetch.js';
import { ProviderJwks } from './provider-jwks.js';

describe('ProviderJwks', () => {
  const http = createProviderFetch({ timeoutMs: 2000 });
  let server: Server;
  let uri: string;
  let fetches = 0;
  let body = '';
  let failing = false;

  beforeAll(async () => {
    const { publicKey } = await generateKeyPair('RS256');
    body = JSON.stringify({
      keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }],
    });
    server = createServer((_request, response) => {
      fetches++;
      if (failing) {
        response.writeHead(500).end();
        return;
      }
      // A slow JWKS: callers that arrive while it downloads must wait for it, not read an empty key set.
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(body), 50);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  afterAll(() => {
    http.close();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gives every concurrent first caller the key, with a single fetch (regression: 502 after start)', async () => {
    fetches = 0;
    const jwks = new ProviderJwks({ uri, fetch: http.fetch });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => jwks.resolve({ alg: 'RS256', kid: 'k1' })),
    );
    expect(results.map((result) => result.status)).toEqual(Array(8).fill('fulfilled'));
    expect(fetches).toBe(1);
  });

  it('refetches for an unknown kid at most once per cool-down', async () => {
    fetches = 0;
    let now = 1_000_000;
    const jwks = new ProviderJwks({
      uri,
      fetch: http.fetch,
      now: () => now,
      cooldownMs: 30_000,
    });
    await jwks.resolve({ alg: 'RS256', kid: 'k1' });
    for (let i = 0; i < 5; i++)
      await expect(jwks.resolve({ alg: 'RS256', kid: `unknown-${i}` })).rejects.toThrow();
    expect(fetches).toBe(1);
    now += 30_000;
    await expect(jwks.resolve({ alg: 'RS256', kid: 'unknown-again' })).rejects.toThrow();
    expect(fetches).toBe(2);
  });

  it('after a failed fetch, fetches again only once the cool-down is over', async () => {
    fetches = 0;
    failing = true;
    let now = 2_000_000;
    const jwks = new ProviderJwks({ uri, fetch: http.fetch, now: () => now, cooldownMs: 30_000 });
    try {
      for (let i = 0; i < 5; i++) await expect(jwks.resolve({ alg: 'RS256', kid: 'k1' })).rejects.toThrow();
      expect(fetches).toBe(1);
      failing = false;
      now += 30_000;
      await expect(jwks.resolve({ alg: 'RS256', kid: 'k1' })).resolves.toBeDefined();
      expect(fetches).toBe(2);
    } finally {
      failing = false;
    }
  });
});
