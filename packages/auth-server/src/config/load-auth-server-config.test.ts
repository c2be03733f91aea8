import { ConfigError, TrustedProxies } from '@gatehouse/common';
import { describe, expect, it } from 'vitest';
import { issuerFor, loadAuthServerConfig } from './load-auth-server-config.js';

describe('loadAuthServerConfig', () => {
  it('applies the defaults', () => {
    const config = loadAuthServerConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: 'localhost',
      issuer: undefined,
      trustProxy: TrustedProxies.NONE,
      idTokenSigningAlg: 'RS256',
      dataDir: '.data',
      production: false,
      logLevel: 'info',
      authorizationRequestsPerMinute: 60,
    });
    expect(config.ttl).toEqual({
      accessToken: 600,
      idToken: 600,
      refreshToken: 1_209_600,
      session: 1_209_600,
      authorizationCode: 60,
      interaction: 600,
    });
  });

  it('reads overrides', () => {
    const config = loadAuthServerConfig({
      AUTH_PORT: '0',
      AUTH_ISSUER: 'https://id.example.com/',
      AUTH_TRUST_PROXY: 'true',
      AUTH_ID_TOKEN_ALG: 'ES256',
      DATA_DIR: '/var/lib/gatehouse',
      NODE_ENV: 'production',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    expect(config).toMatchObject({
      authorizationRequestsPerMinute: 0,
      port: 0,
      issuer: 'https://id.example.com',
      trustProxy: TrustedProxies.ANY,
      idTokenSigningAlg: 'ES256',
      dataDir: '/var/lib/gatehouse',
      production: true,
    });
  });

  it.each([
    ['AUTH_PORT', '70000'],
    ['AUTH_PORT', 'abc'],
    ['AUTH_ISSUER', 'not a url'],
    ['AUTH_ISSUER', 'https://id.example.com/?x=1'],
    ['AUTH_ID_TOKEN_ALG', 'HS256'],
    ['AUTH_CODE_TTL', '0'],
    ['LOG_LEVEL', 'loud'],
    ['RATE_LIMIT_PER_MINUTE', '-1'],
  ])('refuses %s=%s with one line naming it', (name, value) => {
    expect(() => loadAuthServerConfig({ [name]: value })).toThrow(ConfigError);
    try {
      loadAuthServerConfig({ [name]: value });
    } catch (error) {
      expect((error as ConfigError).setting).toBe(name);
      expect((error as Error).message).toMatch(new RegExp(`^Invalid ${name}: [^\\n]+$`));
    }
  });

  // docs/security.md 37 and 50: the proxy setting and the connection bounds, the same shape as the API's.
  it('reads the trusted proxy and the connection bounds', () => {
    expect(loadAuthServerConfig({}).connections).toEqual({
      max: undefined,
      perAddress: 256,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
    });
    const config = loadAuthServerConfig({
      AUTH_TRUST_PROXY: '10.0.0.5, fd00::/8',
      AUTH_MAX_CONNECTIONS: '5000',
      AUTH_MAX_CONNECTIONS_PER_ADDRESS: '0',
    });
    expect(String(config.trustProxy)).toBe('10.0.0.5,fd00::/8');
    expect(config.connections).toMatchObject({ max: 5000, perAddress: 0 });
    for (const [name, value] of [
      ['AUTH_TRUST_PROXY', 'yes'],
      ['AUTH_TRUST_PROXY', '10.0.0.0/33'],
      ['AUTH_MAX_CONNECTIONS', '8'],
      ['AUTH_MAX_CONNECTIONS_PER_ADDRESS', 'many'],
    ] as const) {
      expect(() => loadAuthServerConfig({ [name]: value })).toThrow(new RegExp(`^Invalid ${name}: [^\\n]+$`));
    }
  });
});

describe('issuerFor', () => {
  it('is AUTH_ISSUER when set, else localhost on the bound port', () => {
    expect(issuerFor(loadAuthServerConfig({ AUTH_ISSUER: 'https://id.example.test/' }), 4000)).toBe(
      'https://id.example.test',
    );
    expect(issuerFor(loadAuthServerConfig({}), 40123)).toBe('http://localhost:40123');
  });
});
