import { ConfigError, TrustedProxies } from '@gatehouse/common';
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from './load-api-config.js';

const base = { OIDC_ISSUER: 'http://localhost:4000', OIDC_CLIENT_SECRET: 's3cret-value' };

function failure(env: Record<string, string>, overrides: Record<string, string> = {}): ConfigError {
  try {
    loadApiConfig(env, overrides);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('config was accepted');
}

describe('loadApiConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadApiConfig(base);
    expect(config).toMatchObject({
      port: 3001,
      publicUrl: 'http://localhost:3001',
      publicUrlExplicit: false,
      oidcClientId: 'gatehouse-api',
      oidcTokenAuthMethod: 'client_secret_basic',
      oidcHttpTimeoutMs: 5000,
      oidcScopes: 'openid profile email',
      oidcIdTokenAlg: 'RS256',
      rateLimitPerMinute: 60,
      accessTokenTtl: 600,
      apiAudience: 'http://localhost:3001',
      flowInspector: true,
    });
    // docs/security.md 50: the connection bound follows the descriptor limit unless set; 256 per address.
    expect(config.connections).toEqual({
      max: undefined,
      perAddress: 256,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
    });
    expect(
      loadApiConfig({ ...base, API_MAX_CONNECTIONS: '5000', API_MAX_CONNECTIONS_PER_ADDRESS: '0' })
        .connections,
    ).toMatchObject({ max: 5000, perAddress: 0 });
    // docs/security.md 37: X-Forwarded-For is ignored unless a proxy is named.
    expect(config.trustProxy).toBe(TrustedProxies.NONE);
    expect(loadApiConfig({ ...base, API_TRUST_PROXY: 'true' }).trustProxy).toBe(TrustedProxies.ANY);
    expect(String(loadApiConfig({ ...base, API_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy)).toBe(
      '127.0.0.1,10.0.0.0/8',
    );
    expect(loadApiConfig({ ...base, NODE_ENV: 'production' }).flowInspector).toBe(false);
    expect(loadApiConfig({ ...base, PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
  });

  it('lets overrides win (the CLI passes the embedded issuer)', () => {
    expect(
      loadApiConfig({ OIDC_CLIENT_SECRET: 'x' }, { OIDC_ISSUER: 'http://localhost:4000' }).oidcIssuer,
    ).toBe('http://localhost:4000');
  });

  it('fails with one line naming the variable', () => {
    const cases: [Record<string, string>, string][] = [
      [{ OIDC_CLIENT_SECRET: 'x' }, 'OIDC_ISSUER'],
      [{ ...base, PORT: 'abc' }, 'PORT'],
      [{ ...base, OIDC_HTTP_TIMEOUT_MS: '30000' }, 'OIDC_HTTP_TIMEOUT_MS'],
      [{ ...base, ACCESS_TOKEN_TTL: '3600' }, 'ACCESS_TOKEN_TTL'],
      [{ ...base, OIDC_TOKEN_AUTH_METHOD: 'client_secret_jwt' }, 'OIDC_TOKEN_AUTH_METHOD'],
      [{ ...base, OIDC_ID_TOKEN_ALG: 'HS256' }, 'OIDC_ID_TOKEN_ALG'],
      [{ ...base, OIDC_SCOPES: 'profile email' }, 'OIDC_SCOPES'],
      [{ ...base, RATE_LIMIT_PER_MINUTE: '-1' }, 'RATE_LIMIT_PER_MINUTE'],
      [{ ...base, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ ...base, FLOW_INSPECTOR: 'maybe' }, 'FLOW_INSPECTOR'],
      [{ OIDC_ISSUER: 'http://localhost:4000' }, 'OIDC_CLIENT_SECRET'],
      [{ ...base, PUBLIC_URL: 'http://localhost:3001/app' }, 'PUBLIC_URL'],
      // Regression: a value that is not a URL at all threw a TypeError (a stack trace) out of the schema.
      [{ ...base, PUBLIC_URL: 'not-a-url' }, 'PUBLIC_URL'],
      [{ ...base, OIDC_ISSUER: 'not-a-url' }, 'OIDC_ISSUER'],
      [{ ...base, REFRESH_IDLE_TTL: '999999', REFRESH_ABSOLUTE_TTL: '1000' }, 'REFRESH_IDLE_TTL'],
      [{ ...base, API_MAX_CONNECTIONS: '8' }, 'API_MAX_CONNECTIONS'],
      [{ ...base, API_MAX_CONNECTIONS_PER_ADDRESS: 'many' }, 'API_MAX_CONNECTIONS_PER_ADDRESS'],
      [{ ...base, API_TRUST_PROXY: 'yes' }, 'API_TRUST_PROXY'],
      [{ ...base, API_TRUST_PROXY: '10.0.0.0/33' }, 'API_TRUST_PROXY'],
    ];
    for (const [env, setting] of cases) {
      const error = failure(env);
      expect(error.setting, setting).toBe(setting);
      expect(error.message).toContain(setting);
      expect(error.message).not.toContain('\n');
    }
    expect(failure({ ...base, OIDC_CLIENT_SECRET: '' }).message).not.toContain('s3cret');
  });

  it('refuses plain http off loopback (secure cookies and TLS are mandatory there)', () => {
    expect(failure({ ...base, PUBLIC_URL: 'http://app.example.com' }).setting).toBe('PUBLIC_URL');
    expect(failure({ ...base, OIDC_ISSUER: 'http://idp.example.com' }).setting).toBe('OIDC_ISSUER');
    expect(
      loadApiConfig({
        ...base,
        PUBLIC_URL: 'https://app.example.com',
        OIDC_ISSUER: 'https://idp.example.com',
      }).publicUrl,
    ).toBe('https://app.example.com');
    expect(loadApiConfig({ ...base, PUBLIC_URL: 'http://127.0.0.1:3001' }).publicUrl).toBe(
      'http://127.0.0.1:3001',
    );
  });

  it('reads DATABASE_URL with GATEHOUSE_SECRET, and REFRESH_GRACE in seconds', () => {
    const defaults = loadApiConfig(base);
    expect(defaults).toMatchObject({
      databaseUrl: undefined,
      gatehouseSecret: undefined,
      refreshGraceMs: 10_000,
    });
    const pg = loadApiConfig({
      ...base,
      DATABASE_URL: 'postgres://gh:pw@db:5432/gatehouse',
      GATEHOUSE_SECRET: 'a secret of thirty-two characters at least',
      REFRESH_GRACE: '0',
    });
    expect(pg.databaseUrl).toBe('postgres://gh:pw@db:5432/gatehouse');
    expect(pg.gatehouseSecret?.deriveKey('x')).toHaveLength(32);
    expect(pg.refreshGraceMs).toBe(0);
    expect(failure({ ...base, DATABASE_URL: 'postgres://gh:pw@db:5432/gatehouse' }).message).toMatch(
      /^Invalid GATEHOUSE_SECRET: required with DATABASE_URL/,
    );
    expect(failure({ ...base, REFRESH_GRACE: '61' }).setting).toBe('REFRESH_GRACE');
    expect(JSON.stringify(pg)).not.toContain('thirty-two');
  });

  it('allows private_key_jwt without a secret', () => {
    expect(
      loadApiConfig({ OIDC_ISSUER: 'http://localhost:4000', OIDC_TOKEN_AUTH_METHOD: 'private_key_jwt' })
        .oidcTokenAuthMethod,
    ).toBe('private_key_jwt');
  });
});
