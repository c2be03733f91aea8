import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs } from '../testing/log-capture.js';
import { createProviderFetch } from './provider-fetch.js';
import { JWKS_MAX_AGE_MS, ProviderJwks } from './provider-jwks.js';

describe('ProviderJwks', () => {
  const http = createProviderFetch({ timeoutMs: 2000 });
  let server: Server;
  let uri: string;
  let fetches = 0;
  const keys = new Map<string, JWK>();
  /** kids the test JWKS endpoint publishes. */
  let published = ['k1'];
  let failing = false;

  beforeAll(async () => {
    for (const kid of ['k1', 'k2']) {
      const { publicKey } = await generateKeyPair('RS256');
      keys.set(kid, { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' });
    }
    server = createServer((_request, response) => {
      const body = JSON.stringify({ keys: published.map((kid) => keys.get(kid)) });
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
  afterEach(() => {
    published = ['k1'];
    failing = false;
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

  it('stops trusting a key the provider withdrew once the key set is older than the maximum age', async () => {
    fetches = 0;
    let now = 3_000_000;
    const jwks = new ProviderJwks({ uri, fetch: http.fetch, now: () => now, cooldownMs: 30_000 });
    await expect(jwks.resolve({ alg: 'RS256', kid: 'k1' })).resolves.toBeDefined();
    // The provider rotates k1 out (k2 in its place).
    published = ['k2'];
    now += JWKS_MAX_AGE_MS - 1;
    await expect(jwks.resolve({ alg: 'RS256', kid: 'k1' })).resolves.toBeDefined();
    expect(fetches).toBe(1);
    now += 1;
    await expect(jwks.resolve({ alg: 'RS256', kid: 'k1' })).rejects.toThrow(/no key/);
    expect(fetches).toBe(2);
    await expect(jwks.resolve({ alg: 'RS256', kid: 'k2' })).resolves.toBeDefined();
    // Still one fetch per cool-down: the refetch for the stale set counted.
    expect(fetches).toBe(2);
  });

  it('keeps the keys it has when the refetch of a stale key set fails, logs it, and retries after the cool-down', async () => {
    fetches = 0;
    let now = 4_000_000;
    const logs = captureLogs();
    const jwks = new ProviderJwks({
      uri,
      fetch: http.fetch,
      now: () => now,
      cooldownMs: 30_000,
      logger: logs.logger,
    });
    await jwks.resolve({ alg: 'RS256', kid: 'k1' });
    failing = true;
    now += JWKS_MAX_AGE_MS;
    for (let i = 0; i < 3; i++)
      await expect(jwks.resolve({ alg: 'RS256', kid: 'k1' })).resolves.toBeDefined();
    expect(fetches).toBe(2);
    expect(logs.text()).toContain('provider JWKS refetch failed; keeping the keys fetched before');
    // Once the provider answers again (after the cool-down), a withdrawn key is dropped after all.
    failing = false;
    published = ['k2'];
    now += 30_000;
    await expect(jwks.resolve({ alg: 'RS256', kid: 'k1' })).rejects.toThrow(/no key/);
    expect(fetches).toBe(3);
  });
});
